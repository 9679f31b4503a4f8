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

    public IAsyncEnumerable<EcrImage> DescribeImagesAsync(string repositoryName, CancellationToken cancellationToken) =>
        Paging.EveryPageAsync((nextToken, ct) =>
        {
            var input = Json.Page(new JsonObject { ["repositoryName"] = repositoryName, ["maxResults"] = DescribeImagesPageSize }, nextToken);
            return _protocol.CallAsync("DescribeImages", repositoryName, input,
                output => (Json.Array(output, "imageDetails").Select(detail => ReadImage(repositoryName, detail)).ToList(), Json.OptionalText(output, "nextToken")), ct);
        }, cancellationToken);

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

    private static EcrRepository ReadRepository(JsonObject repository) =>
        new(Json.Text(repository, "repositoryName"),
            Json.Text(repository, "registryId"),
            Json.Text(repository, "repositoryUri"),
            Json.OptionalText(repository, "repositoryArn"),
            Json.OptionalText(repository, "imageTagMutability"),
            ReadTimestamp(repository["createdAt"]));

    private static EcrImage ReadImage(string repositoryName, JsonObject detail) =>
        new(repositoryName, Json.Text(detail, "imageDigest"))
        {
            RegistryId = Json.OptionalText(detail, "registryId"),
            Tags = detail["imageTags"] is null ? Array.Empty<string>() : Json.Array(detail, "imageTags", t => Json.String(t, "imageTags")).ToArray(),
            PushedAt = ReadTimestamp(detail["imagePushedAt"]) ?? DateTimeOffset.MinValue,
            SizeBytes = detail["imageSizeInBytes"] is null ? null : Json.Number(detail, "imageSizeInBytes"),
            ManifestMediaType = Json.OptionalText(detail, "imageManifestMediaType"),
            ArtifactType = Json.OptionalText(detail, "artifactMediaType"),
            LastPulledAt = ReadTimestamp(detail["lastRecordedPullTime"]),
        };

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
