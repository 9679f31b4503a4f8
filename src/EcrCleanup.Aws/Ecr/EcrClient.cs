using System.Text.Json;
using System.Text.Json.Nodes;
using EcrCleanup.Abstractions;
using EcrCleanup.Aws.Http;
using EcrCleanup.Model;

namespace EcrCleanup.Aws.Ecr;

/// <summary>The ECR operations the module calls, on the awsJson1_1 wire protocol.</summary>
internal sealed class EcrClient : IEcrClient
{
    internal const int DescribeImagesPageSize = 1000;
    internal const int DescribeRepositoriesPageSize = 1000;
    internal const int BatchSize = 100;

    /// <summary>GetLifecyclePolicyPreview's largest page (<c>maxResults</c> 1 to 100).</summary>
    internal const int LifecyclePreviewPageSize = 100;

    private static readonly WireEnum<ImageStatus> ImageStatuses = new(
        (ImageStatus.Active, "ACTIVE"), (ImageStatus.Archived, "ARCHIVED"), (ImageStatus.Activating, "ACTIVATING"));

    private static readonly WireEnum<ImageStatusFilter> ImageStatusFilters = new(
        (ImageStatusFilter.Active, "ACTIVE"), (ImageStatusFilter.Archived, "ARCHIVED"), (ImageStatusFilter.Activating, "ACTIVATING"), (ImageStatusFilter.Any, "ANY"));

    private static readonly WireEnum<StorageClass> StorageClasses = new(
        (StorageClass.Standard, "STANDARD"), (StorageClass.Archive, "ARCHIVE"));

    private static readonly WireEnum<LifecyclePreviewStatus> PreviewStatuses = new(
        (LifecyclePreviewStatus.InProgress, "IN_PROGRESS"), (LifecyclePreviewStatus.Complete, "COMPLETE"), (LifecyclePreviewStatus.Expired, "EXPIRED"), (LifecyclePreviewStatus.Failed, "FAILED"));

    private static readonly WireEnum<LifecycleActionType> ActionTypes = new(
        (LifecycleActionType.Expire, "EXPIRE"), (LifecycleActionType.Transition, "TRANSITION"));

    private static readonly string[] AcceptedMediaTypes =
    {
        "application/vnd.docker.distribution.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.oci.image.index.v1+json",
    };

    private readonly AwsJsonProtocol _protocol;

    public EcrClient(AwsServiceClient client)
    {
        _protocol = new AwsJsonProtocol(client, "AmazonEC2ContainerRegistry_V20150921");
    }

    public async Task<EcrRepository> DescribeRepositoryAsync(string repositoryName, CancellationToken cancellationToken)
    {
        var input = new JsonObject { ["repositoryNames"] = new JsonArray(repositoryName) };
        var repository = await _protocol.CallAsync("DescribeRepositories", repositoryName, input, output => Json.Array(output, "repositories").Select(ReadRepository).FirstOrDefault(), cancellationToken).ConfigureAwait(false);
        return repository ?? throw new ServiceException("ECR", "DescribeRepositories", repositoryName, "RepositoryNotFoundException", $"ECR returned no repository named '{repositoryName}'.");
    }

    public IAsyncEnumerable<EcrRepository> ListRepositoriesAsync(CancellationToken cancellationToken) =>
        Paging.EveryPageAsync((nextToken, ct) =>
        {
            var input = Json.Page(new JsonObject { ["maxResults"] = DescribeRepositoriesPageSize }, nextToken);
            return _protocol.CallAsync("DescribeRepositories", null, input,
                output => (Json.Array(output, "repositories").Select(ReadRepository).ToList(), Json.OptionalText(output, "nextToken")), ct);
        }, cancellationToken);

    /// <summary>
    /// Active images are ECR's default, so for them no filter is sent and an image without <c>imageStatus</c> is active;
    /// with a filter sent every image must say its status (an endpoint that ignores the filter then fails, rather than
    /// its active images pass for archived ones). Each page is asked as soon as the answer before it names its token,
    /// while that answer's 1,000 images are read.
    /// </summary>
    public IAsyncEnumerable<EcrImage> DescribeImagesAsync(string repositoryName, ImageStatusFilter status, CancellationToken cancellationToken) =>
        Paging.EveryPageAsync<EcrImage>((nextToken, tokenRead, ct) =>
        {
            var input = Json.Page(new JsonObject { ["repositoryName"] = repositoryName, ["maxResults"] = DescribeImagesPageSize }, nextToken);
            var filtered = status != ImageStatusFilter.Active;
            if (filtered)
            {
                input["filter"] = new JsonObject { ["imageStatus"] = ImageStatusFilters.Name(status) };
            }

            return _protocol.CallAsync("DescribeImages", repositoryName, input, output =>
            {
                var next = Json.OptionalText(output, "nextToken");
                tokenRead(next);
                return (Json.Array(output, "imageDetails").Select(detail => ReadImage(repositoryName, detail, filtered)).ToList(), next);
            }, ct);
        }, cancellationToken);

    /// <summary>
    /// One call per 100 ids, without paging (ECR refuses <c>maxResults</c> and <c>nextToken</c> with ids). The filter is sent
    /// as <see cref="DescribeImagesAsync(string, ImageStatusFilter, CancellationToken)"/> sends it: ECR applies it to ids too.
    /// </summary>
    public async Task<IReadOnlyList<EcrImage>> DescribeImagesAsync(string repositoryName, IReadOnlyCollection<string> digests, ImageStatusFilter status, CancellationToken cancellationToken)
    {
        var images = new List<EcrImage>();
        foreach (var batch in digests.Distinct(StringComparer.Ordinal).Chunk(BatchSize))
        {
            images.AddRange(await DescribeFoundAsync(repositoryName, batch, status, cancellationToken).ConfigureAwait(false));
        }

        return images;
    }

    /// <summary>The images of <paramref name="digests"/> ECR has: a call it refuses for an unknown id is asked again id by id.</summary>
    private async Task<IReadOnlyList<EcrImage>> DescribeFoundAsync(string repositoryName, string[] digests, ImageStatusFilter status, CancellationToken cancellationToken)
    {
        var filtered = status != ImageStatusFilter.Active;
        var input = new JsonObject
        {
            ["repositoryName"] = repositoryName,
            ["imageIds"] = new JsonArray(digests.Select(d => (JsonNode)new JsonObject { ["imageDigest"] = d }).ToArray()),
        };
        if (filtered)
        {
            input["filter"] = new JsonObject { ["imageStatus"] = ImageStatusFilters.Name(status) };
        }

        try
        {
            return await _protocol.CallAsync("DescribeImages", repositoryName, input,
                output => Json.Array(output, "imageDetails").Select(detail => ReadImage(repositoryName, detail, filtered)).ToList(), cancellationToken).ConfigureAwait(false);
        }
        catch (ServiceException e) when (e.ErrorCode == "ImageNotFoundException")
        {
            var found = new List<EcrImage>();
            if (digests.Length == 1)
            {
                return found;
            }

            foreach (var digest in digests)
            {
                found.AddRange(await DescribeFoundAsync(repositoryName, [digest], status, cancellationToken).ConfigureAwait(false));
            }

            return found;
        }
    }

    /// <summary>
    /// BatchGetImage for every digest. An image ECR lists under <c>failures</c> (KmsError, UnsupportedImageType, ...) or
    /// leaves out of its answer has a manifest nobody can read: what it lists or refers to is unknown, so the call
    /// fails (ManifestUnreadable) rather than answer as if it referred to nothing.
    /// </summary>
    public async Task<IReadOnlyList<ImageManifest>> GetManifestsAsync(string repositoryName, IReadOnlyCollection<string> digests, CancellationToken cancellationToken)
    {
        var manifests = new Dictionary<string, ImageManifest>(StringComparer.Ordinal);
        var failures = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var batch in digests.Distinct(StringComparer.Ordinal).Chunk(BatchSize))
        {
            var input = new JsonObject
            {
                ["repositoryName"] = repositoryName,
                ["imageIds"] = new JsonArray(batch.Select(d => (JsonNode)new JsonObject { ["imageDigest"] = d }).ToArray()),
                ["acceptedMediaTypes"] = new JsonArray(AcceptedMediaTypes.Select(m => (JsonNode)m!).ToArray()),
            };
            var (read, failed) = await _protocol.CallAsync("BatchGetImage", repositoryName, input, output => (
                    Json.Array(output, "images").Select(image => ManifestReader.Read(
                        Json.Text(Json.Object(image, "imageId"), "imageDigest"), Json.Text(image, "imageManifest"), Json.OptionalText(image, "imageManifestMediaType"))).ToList(),
                    Json.Array(output, "failures").Select(f => (Digest: Json.OptionalText(Json.Object(f, "imageId"), "imageDigest"), Why: $"{Json.OptionalText(f, "failureCode")}: {Json.OptionalText(f, "failureReason")}")).ToList()),
                cancellationToken).ConfigureAwait(false);
            foreach (var manifest in read)
            {
                manifests.TryAdd(manifest.Digest, manifest);
            }

            foreach (var (digest, why) in failed)
            {
                failures[digest ?? "?"] = why;
            }
        }

        var unreadable = digests.Distinct(StringComparer.Ordinal).Where(d => !manifests.ContainsKey(d))
            .Select(d => $"{d} ({failures.GetValueOrDefault(d, "not in the answer")})").ToList();
        if (unreadable.Count > 0)
        {
            throw new ServiceException("ECR", "BatchGetImage", repositoryName, "ManifestUnreadable",
                $"the manifests of {unreadable.Count} image(s) could not be read: {string.Join("; ", unreadable.Take(10))}{(unreadable.Count > 10 ? "; ..." : string.Empty)}. " +
                "Without them nobody knows which images an index lists or a signature belongs to, so nothing is decided. Check the images with 'aws ecr batch-get-image' (a KmsError needs kms:Decrypt on the repository's key).");
        }

        return manifests.Values.ToList();
    }

    public async Task<BatchDeleteResult> BatchDeleteImageAsync(string repositoryName, IReadOnlyCollection<string> digests, CancellationToken cancellationToken)
    {
        if (digests.Count is 0 or > BatchSize)
        {
            throw new ArgumentOutOfRangeException(nameof(digests), digests.Count, $"BatchDeleteImage takes 1 to {BatchSize} images.");
        }

        var input = new JsonObject
        {
            ["repositoryName"] = repositoryName,
            ["imageIds"] = new JsonArray(digests.Select(d => (JsonNode)new JsonObject { ["imageDigest"] = d }).ToArray()),
        };
        return await _protocol.CallAsync("BatchDeleteImage", repositoryName, input, output => new BatchDeleteResult(
                Json.Array(output, "imageIds").Select(id => Json.OptionalText(id, "imageDigest")).OfType<string>().Distinct(StringComparer.Ordinal).ToArray(),
                Json.Array(output, "failures").Select(f => new ImageDeleteFailure(
                    Json.OptionalText(Json.Object(f, "imageId"), "imageDigest") ?? string.Empty,
                    Json.OptionalText(f, "failureCode") ?? "Unknown",
                    Json.OptionalText(f, "failureReason") ?? string.Empty)).ToArray()),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>ECR answers with the image's status after the call: the answer without one is not UpdateImageStorageClass's.</summary>
    public Task<StorageClassUpdate> UpdateImageStorageClassAsync(string repositoryName, string digest, StorageClass target, CancellationToken cancellationToken)
    {
        var input = new JsonObject
        {
            ["repositoryName"] = repositoryName,
            ["imageId"] = new JsonObject { ["imageDigest"] = digest },
            ["targetStorageClass"] = StorageClasses.Name(target),
        };
        return _protocol.CallAsync("UpdateImageStorageClass", $"{repositoryName}@{digest}", input,
            output => new StorageClassUpdate(digest, ImageStatuses.Read(output, "imageStatus")), cancellationToken);
    }

    /// <summary>A repository without a policy is an answer (null), not a failure; a policy answer without its text is malformed.</summary>
    public async Task<LifecyclePolicy?> GetLifecyclePolicyAsync(string repositoryName, CancellationToken cancellationToken)
    {
        try
        {
            return await _protocol.CallAsync("GetLifecyclePolicy", repositoryName, new JsonObject { ["repositoryName"] = repositoryName },
                output => new LifecyclePolicy(Json.Text(output, "lifecyclePolicyText"), ReadTimestamp(output["lastEvaluatedAt"])), cancellationToken).ConfigureAwait(false);
        }
        catch (ServiceException e) when (e.ErrorCode == "LifecyclePolicyNotFoundException")
        {
            return null;
        }
    }

    public Task<LifecyclePreviewStatus> StartLifecyclePolicyPreviewAsync(string repositoryName, string? policyText, CancellationToken cancellationToken)
    {
        var input = new JsonObject { ["repositoryName"] = repositoryName };
        if (policyText is not null)
        {
            input["lifecyclePolicyText"] = policyText;
        }

        return _protocol.CallAsync("StartLifecyclePolicyPreview", repositoryName, input, output => PreviewStatuses.Read(output, "status"), cancellationToken);
    }

    /// <summary>
    /// Every page, 100 results a page. Each page says the preview's status: the last page's is the answer, so a preview
    /// whose status changes while its pages are read (one that expires, say) is not reported complete. A complete page always lists
    /// its results (perhaps none); a page of a preview still in progress may leave them out.
    /// </summary>
    public async Task<LifecyclePreview> GetLifecyclePolicyPreviewAsync(string repositoryName, CancellationToken cancellationToken)
    {
        var pages = new List<LifecyclePreview>();
        await foreach (var page in Paging.EveryPageAsync((nextToken, ct) =>
                       {
                           var input = Json.Page(new JsonObject { ["repositoryName"] = repositoryName, ["maxResults"] = LifecyclePreviewPageSize }, nextToken);
                           return _protocol.CallAsync("GetLifecyclePolicyPreview", repositoryName, input,
                               output => (new List<LifecyclePreview> { ReadPreviewPage(output) }, Json.OptionalText(output, "nextToken")), ct);
                       }, cancellationToken).ConfigureAwait(false))
        {
            pages.Add(page);
        }

        return pages[^1] with
        {
            Results = pages.SelectMany(p => p.Results).ToList(),
            Summary = pages.Select(p => p.Summary).LastOrDefault(s => s is not null),
        };
    }

    private static LifecyclePreview ReadPreviewPage(JsonObject output)
    {
        var status = PreviewStatuses.Read(output, "status");
        var results = status == LifecyclePreviewStatus.Complete ? Json.Array(output, "previewResults") : Json.OptionalArray(output, "previewResults");
        var summary = Json.OptionalObject(output, "summary");
        return new LifecyclePreview(
            status,
            Json.OptionalText(output, "lifecyclePolicyText"),
            results.Select(ReadPreviewResult).ToList(),
            summary is null ? null : new LifecyclePreviewSummary(
                summary["expiringImageTotalCount"] is null ? null : (int)Json.Number(summary, "expiringImageTotalCount"),
                Json.OptionalArray(summary, "transitioningImageTotalCounts").Select(count => new LifecycleTransitionCount(
                    StorageClasses.Read(count, "targetStorageClass"), (int)Json.Number(count, "imageTotalCount"))).ToList()));
    }

    /// <summary>A result names the image, when it was pushed, the action and the rule; a transition says where to.</summary>
    private static LifecyclePreviewResult ReadPreviewResult(JsonObject result)
    {
        var digest = Json.Text(result, "imageDigest");
        var action = Json.Object(result, "action");
        var type = ActionTypes.Read(action, "type", digest);
        var target = StorageClasses.ReadOptional(action, "targetStorageClass", digest);
        if (type == LifecycleActionType.Transition && target is null)
        {
            throw new MalformedAnswerException($"its TRANSITION action for {digest} has no targetStorageClass");
        }

        return new LifecyclePreviewResult(
            digest,
            ReadTags(result),
            ReadTimestamp(result["imagePushedAt"]) ?? throw new MalformedAnswerException($"it has no imagePushedAt for {digest}"),
            new LifecycleAction(type, target),
            (int)Json.Number(result, "appliedRulePriority"),
            StorageClasses.ReadOptional(result, "storageClass", digest));
    }

    private static EcrRepository ReadRepository(JsonObject repository) =>
        new(Json.Text(repository, "repositoryName"),
            Json.Text(repository, "registryId"),
            Json.Text(repository, "repositoryUri"),
            Json.OptionalText(repository, "repositoryArn"),
            Json.OptionalText(repository, "imageTagMutability"),
            ReadTimestamp(repository["createdAt"]));

    /// <param name="filtered">Whether the request sent an image status filter: then the image must say its status.</param>
    private static EcrImage ReadImage(string repositoryName, JsonObject detail, bool filtered)
    {
        var digest = Json.Text(detail, "imageDigest");
        return new(repositoryName, digest)
        {
            RegistryId = Json.OptionalText(detail, "registryId"),
            Tags = ReadTags(detail),
            PushedAt = ReadTimestamp(detail["imagePushedAt"]) ?? DateTimeOffset.MinValue,
            SizeBytes = detail["imageSizeInBytes"] is null ? null : Json.Number(detail, "imageSizeInBytes"),
            ManifestMediaType = Json.OptionalText(detail, "imageManifestMediaType"),
            ArtifactType = Json.OptionalText(detail, "artifactMediaType"),
            LastPulledAt = ReadTimestamp(detail["lastRecordedPullTime"]),
            Status = filtered ? ImageStatuses.Read(detail, "imageStatus", digest) : ImageStatuses.ReadOptional(detail, "imageStatus", digest) ?? ImageStatus.Active,
            LastArchivedAt = ReadTimestamp(detail["lastArchivedAt"]),
            LastActivatedAt = ReadTimestamp(detail["lastActivatedAt"]),
        };
    }

    /// <summary>An image's <c>imageTags</c>; left out for an untagged image.</summary>
    private static string[] ReadTags(JsonObject image) =>
        image["imageTags"] is null ? Array.Empty<string>() : Json.Array(image, "imageTags", t => Json.String(t, "imageTags")).ToArray();

    /// <summary>awsJson timestamps are epoch seconds, with a fraction.</summary>
    internal static DateTimeOffset? ReadTimestamp(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }

        try
        {
            var seconds = node.GetValueKind() == JsonValueKind.String ? double.Parse((string)node!, System.Globalization.CultureInfo.InvariantCulture) : (double)node;
            return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or ArgumentOutOfRangeException)
        {
            throw new MalformedAnswerException($"a timestamp is not one ({node.ToJsonString()})", e);
        }
    }
}
