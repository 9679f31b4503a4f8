using System.Text.Json;
using System.Text.RegularExpressions;
using EcrCleanup.Sandbox.Aws;
using EcrCleanup.Sandbox.State;

namespace EcrCleanup.Sandbox.Ecr;

/// <summary>Amazon ECR over awsJson1_1: <c>POST /</c>, <c>X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.Op</c>.</summary>
internal static partial class EcrHandler
{
    public const string TargetPrefix = "AmazonEC2ContainerRegistry_V20150921.";
    const int DefaultPageSize = 100;

    /// <summary>What a fault's <c>match</c> is tested against: the repository name(s) the request names.</summary>
    public static string Target(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body.Length == 0 ? "{}"u8.ToArray() : body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return "";
            }

            if (doc.RootElement.TryGetProperty("repositoryName", out var n) && n.ValueKind == JsonValueKind.String)
            {
                return n.GetString()!;
            }

            if (doc.RootElement.TryGetProperty("repositoryNames", out var ns) && ns.ValueKind == JsonValueKind.Array)
            {
                return string.Join(",", ns.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()));
            }
        }
        catch (JsonException) { }
        return "";
    }

    public static byte[] Handle(AwsCall call)
    {
        var input = JsonInput.Parse(call.Body);
        var state = call.State;
        lock (state.EcrLock)
        {
            state.SettleActivations(call.Now);
            return call.Operation switch
            {
                "DescribeRepositories" => DescribeRepositories(call, input),
                "DescribeImages" => DescribeImages(call, input),
                "ListImages" => ListImages(call, input),
                "BatchGetImage" => BatchGetImage(call, input),
                "BatchDeleteImage" => BatchDeleteImage(call, input),
                "UpdateImageStorageClass" => UpdateImageStorageClass(call, input),
                "GetLifecyclePolicy" => GetLifecyclePolicy(call, input),
                "StartLifecyclePolicyPreview" => StartLifecyclePolicyPreview(call, input),
                "GetLifecyclePolicyPreview" => GetLifecyclePolicyPreview(call, input),
                _ => throw UnknownOperation(),
            };
        }
    }

    public static AwsException UnknownOperation() => new("UnknownOperationException", 400, "");

    // ---------------------------------------------------------------- DescribeRepositories

    static byte[] DescribeRepositories(AwsCall call, JsonInput input)
    {
        var state = call.State;
        var registry = RegistryId(input, state);
        var names = input.List("repositoryNames");
        var maxResults = MaxResults(input);
        var nextToken = input.String("nextToken");
        if (names is not null)
        {
            if (names.Count is < 1 or > 100)
            {
                throw InvalidParameter("repositoryNames", names.Count < 1 ? "Member must have length greater than or equal to 1" : "Member must have length less than or equal to 100");
            }

            if (maxResults is not null || nextToken is not null)
            {
                throw new AwsException("InvalidParameterException", 400, "Invalid parameter: maxResults and nextToken cannot be used with repositoryNames");
            }

            var found = new List<EcrRepository>();
            for (var i = 0; i < names.Count; i++)
            {
                if (names[i].ValueKind != JsonValueKind.String)
                {
                    throw JsonInput.Serialization("Expected a string in 'repositoryNames'.");
                }

                var name = names[i].GetString()!;
                ValidateRepositoryName(name, $"repositoryNames.{i + 1}.member");
                var repo = registry == state.Account ? state.FindRepository(name) : null;
                if (repo is null)
                {
                    throw RepositoryNotFound(name, registry);
                }

                if (!found.Contains(repo))
                {
                    found.Add(repo);
                }
            }
            return AwsResponses.Json(w => WriteRepositories(w, found, state, null));
        }

        var all = registry == state.Account ? state.Repositories : [];
        var (page, token) = call.Page(all, registry, nextToken, maxResults ?? DefaultPageSize, InvalidToken);
        return AwsResponses.Json(w => WriteRepositories(w, page, state, token));
    }

    static void WriteRepositories(Utf8JsonWriter w, List<EcrRepository> repos, SandboxState state, string? nextToken)
    {
        w.WriteStartArray("repositories");
        foreach (var r in repos)
        {
            w.WriteStartObject();
            w.WriteString("repositoryArn", r.Arn);
            w.WriteString("registryId", state.Account);
            w.WriteString("repositoryName", r.Name);
            w.WriteString("repositoryUri", r.Uri);
            AwsResponses.WriteEpoch(w, "createdAt", r.CreatedAt);
            w.WriteString("imageTagMutability", r.TagMutability);
            w.WriteStartObject("imageScanningConfiguration");
            w.WriteBoolean("scanOnPush", false);
            w.WriteEndObject();
            w.WriteStartObject("encryptionConfiguration");
            w.WriteString("encryptionType", "AES256");
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (nextToken is not null)
        {
            w.WriteString("nextToken", nextToken);
        }
    }

    // ---------------------------------------------------------------- DescribeImages

    static byte[] DescribeImages(AwsCall call, JsonInput input)
    {
        var state = call.State;
        var repo = Repository(input, state);
        var ids = ImageIds(input, required: false);
        var maxResults = MaxResults(input);
        var nextToken = input.String("nextToken");
        var (tagStatus, imageStatus) = Filter(input, withImageStatus: true);

        if (ids is not null)
        {
            if (maxResults is not null || nextToken is not null)
            {
                throw new AwsException("InvalidParameterException", 400, "Invalid parameter: maxResults and nextToken cannot be used with imageIds");
            }

            var found = new List<EcrImage>();
            foreach (var (digest, tag) in ids)
            {
                CheckImageId(digest, tag, "imageIds", "imageIds.member.imageDigest");
                var image = Find(repo, digest, tag) ?? throw ImageNotFound(repo, state, digest, tag);

                if (!found.Contains(image) && Passes(image, tagStatus, imageStatus))
                {
                    found.Add(image);
                }
            }
            return AwsResponses.Json(w => WriteImageDetails(w, found, repo, state, null));
        }

        var scope = call.TokenScope($"{repo.Name}\n{tagStatus}\n{imageStatus}");
        var after = 0L;
        if (nextToken is not null && !call.Runtime.Tokens.TryRead(nextToken, scope, out after))
        {
            throw InvalidToken();
        }

        var size = maxResults ?? DefaultPageSize;
        var matching = repo.After(after).Where(i => Passes(i, tagStatus, imageStatus));
        var page = matching.Take(size + 1).ToList();
        string? token = null;
        if (page.Count > size)
        {
            page.RemoveAt(size);
            token = call.Runtime.Tokens.Issue(scope, page[^1].Seq);
        }
        return AwsResponses.Json(w => WriteImageDetails(w, page, repo, state, token));
    }

    static bool Passes(EcrImage i, string tagStatus, string imageStatus) =>
        (imageStatus == "ANY" || imageStatus == i.Status) && PassesTagStatus(i.Tags, tagStatus);

    static bool PassesTagStatus(IReadOnlyCollection<string> tags, string tagStatus) =>
        tagStatus switch { "TAGGED" => tags.Count > 0, "UNTAGGED" => tags.Count == 0, _ => true };

    static void WriteImageDetails(Utf8JsonWriter w, List<EcrImage> images, EcrRepository repo, SandboxState state, string? nextToken)
    {
        w.WriteStartArray("imageDetails");
        foreach (var i in images)
        {
            w.WriteStartObject();
            w.WriteString("registryId", state.Account);
            w.WriteString("repositoryName", repo.Name);
            w.WriteString("imageDigest", i.Digest);
            WriteTags(w, i.Tags);
            w.WriteNumber("imageSizeInBytes", i.SizeBytes);
            AwsResponses.WriteEpoch(w, "imagePushedAt", i.PushedAt);
            w.WriteString("imageManifestMediaType", i.MediaType);
            if (EcrManifests.ArtifactMediaType(i) is { } artifact)
            {
                w.WriteString("artifactMediaType", artifact);
            }

            if (i.LastPulledAt is { } pulled)
            {
                AwsResponses.WriteEpoch(w, "lastRecordedPullTime", pulled);
            }

            if (i.Subject is not null)
            {
                w.WriteString("subjectManifestDigest", i.Subject);
            }

            w.WriteString("imageStatus", i.Status);
            if (i.LastArchivedAt is { } archived)
            {
                AwsResponses.WriteEpoch(w, "lastArchivedAt", archived);
            }

            if (i.LastActivatedAt is { } activated)
            {
                AwsResponses.WriteEpoch(w, "lastActivatedAt", activated);
            }

            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (nextToken is not null)
        {
            w.WriteString("nextToken", nextToken);
        }
    }

    // ---------------------------------------------------------------- ListImages

    static byte[] ListImages(AwsCall call, JsonInput input)
    {
        var state = call.State;
        var repo = Repository(input, state);
        var maxResults = MaxResults(input);
        var nextToken = input.String("nextToken");
        var (tagStatus, imageStatus) = Filter(input, withImageStatus: true);
        var scope = call.TokenScope($"{repo.Name}\n{tagStatus}\n{imageStatus}");
        var after = -1L;
        if (nextToken is not null && !call.Runtime.Tokens.TryRead(nextToken, scope, out after))
        {
            throw InvalidToken();
        }

        // One entry per tag (an untagged image: one entry without a tag), positioned by (image, tag index).
        var entries = repo.After((after >> 16) - 1)
            .Where(i => Passes(i, tagStatus, imageStatus))
            .SelectMany(i => i.Tags.Count == 0
                ? [(Key: i.Seq << 16, i.Digest, Tag: (string?)null)]
                : i.Tags.Select((t, n) => (Key: (i.Seq << 16) + n, i.Digest, Tag: (string?)t)))
            .Where(e => e.Key > after);
        var size = maxResults ?? DefaultPageSize;
        var page = entries.Take(size + 1).ToList();
        string? token = null;
        if (page.Count > size)
        {
            page.RemoveAt(size);
            token = call.Runtime.Tokens.Issue(scope, page[^1].Key);
        }
        return AwsResponses.Json(w =>
        {
            w.WriteStartArray("imageIds");
            foreach (var e in page)
            {
                WriteImageId(w, e.Digest, e.Tag);
            }

            w.WriteEndArray();
            if (token is not null)
            {
                w.WriteString("nextToken", token);
            }
        });
    }

    // ---------------------------------------------------------------- BatchGetImage

    static byte[] BatchGetImage(AwsCall call, JsonInput input)
    {
        var state = call.State;
        var repo = Repository(input, state);
        var ids = ImageIds(input, required: true)!;
        if (input.List("acceptedMediaTypes") is { } accepted && accepted.Count is < 1 or > 100)
        {
            throw InvalidParameter("acceptedMediaTypes", accepted.Count < 1 ? "Member must have length greater than or equal to 1" : "Member must have length less than or equal to 100");
        }

        var images = new List<(EcrImage Image, string? Tag)>();
        var failures = new List<(string? Digest, string? Tag, string Code, string Reason)>();
        foreach (var (digest, tag) in ids)
        {
            if (Check(repo, digest, tag) is { } failure) { failures.Add((digest, tag, failure.Code, failure.Reason)); continue; }
            var image = Find(repo, digest, tag)!;
            if (images.Contains((image, tag)))
            {
                continue;
            }

            if (image.Status != ImageStatuses.Active)
            {
                // An archived image (or one still being restored) cannot be pulled.
                failures.Add((digest, tag, "ImageInaccessible", FailureReason("ImageInaccessible")));
                continue;
            }

            if (InjectedFailure(call, repo, digest, tag, image) is { } injected)
            {
                failures.Add((digest, tag, injected.Code, injected.Reason));
                continue;
            }

            images.Add((image, tag));
        }
        return AwsResponses.Json(w =>
        {
            w.WriteStartArray("images");
            foreach (var (image, tag) in images)
            {
                w.WriteStartObject();
                w.WriteString("registryId", state.Account);
                w.WriteString("repositoryName", repo.Name);
                w.WritePropertyName("imageId");
                WriteImageId(w, image.Digest, tag);
                w.WriteString("imageManifest", EcrManifests.Manifest(image, repo));
                w.WriteString("imageManifestMediaType", image.MediaType);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            WriteFailures(w, failures);
        });
    }

    // ---------------------------------------------------------------- BatchDeleteImage

    static byte[] BatchDeleteImage(AwsCall call, JsonInput input)
    {
        var state = call.State;
        var repo = Repository(input, state);
        var ids = ImageIds(input, required: true)!;

        var deleted = new List<(string Digest, string? Tag)>();
        var failures = new List<(string? Digest, string? Tag, string Code, string Reason)>();
        foreach (var (digest, tag) in ids)
        {
            if (Check(repo, digest, tag) is { } failure) { failures.Add((digest, tag, failure.Code, failure.Reason)); continue; }
            var image = Find(repo, digest, tag)!;
            // By tag, only that tag goes unless it is the image's last; by digest, the image and all its tags.
            var removesImage = tag is null || image.Tags.Count == 1;
            if (removesImage)
            {
                var parents = repo.ParentsOf(image.Digest).Order(StringComparer.Ordinal).ToList();
                if (parents.Count > 0)
                {
                    failures.Add((digest, tag, "ImageReferencedByManifestList", FailureReason("ImageReferencedByManifestList", parents)));
                    continue;
                }
            }
            if (InjectedFailure(call, repo, digest, tag, image) is { } injected)
            {
                // ECR keeps an image it reports a failure for.
                failures.Add((digest, tag, injected.Code, injected.Reason));
                continue;
            }
            if (tag is not null && !removesImage)
            {
                repo.RemoveTag(image, tag);
                deleted.Add((image.Digest, tag));
                continue;
            }
            repo.Remove(image);
            if (image.Tags.Count == 0)
            {
                deleted.Add((image.Digest, null));
            }
            else
            {
                foreach (var t in image.Tags)
                {
                    deleted.Add((image.Digest, t));
                }
            }
        }
        return AwsResponses.Json(w =>
        {
            w.WriteStartArray("imageIds");
            foreach (var (d, t) in deleted)
            {
                WriteImageId(w, d, t);
            }

            w.WriteEndArray();
            WriteFailures(w, failures);
        });
    }

    /// <summary>The per-image failure ECR reports in <c>failures</c>, or null when the id names an image.</summary>
    static (string Code, string Reason)? Check(EcrRepository repo, string? digest, string? tag)
    {
        var code = CheckCode(repo, digest, tag);
        return code is null ? null : (code, FailureReason(code));
    }

    static string? CheckCode(EcrRepository repo, string? digest, string? tag)
    {
        if (digest is null && tag is null)
        {
            return "MissingDigestAndTag";
        }

        if (digest is not null && !DigestPattern().IsMatch(digest))
        {
            return "InvalidImageDigest";
        }

        if (tag is not null && (tag.Length is < 1 or > 300))
        {
            return "InvalidImageTag";
        }

        if (digest is not null && tag is not null)
        {
            var byDigest = repo.ByDigest(digest);
            if (byDigest is null)
            {
                return "ImageNotFound";
            }

            return byDigest.Tags.Contains(tag) ? null : "ImageTagDoesNotMatchDigest";
        }
        return Find(repo, digest, tag) is null ? "ImageNotFound" : null;
    }

    /// <summary>The failure codes ECR reports for one image of a batch call (the service model's ImageFailureCode).</summary>
    public static readonly IReadOnlyList<string> FailureCodes =
    [
        "InvalidImageDigest", "InvalidImageTag", "ImageTagDoesNotMatchDigest", "ImageNotFound", "MissingDigestAndTag",
        "ImageReferencedByManifestList", "KmsError", "UpstreamAccessDenied", "UpstreamTooManyRequests", "UpstreamUnavailable",
        "ImageInaccessible",
    ];

    /// <summary>The failureReason ECR gives with a failureCode.</summary>
    static string FailureReason(string code, IEnumerable<string>? parents = null) => code switch
    {
        "MissingDigestAndTag" => "Invalid request parameters: both tag and digest cannot be null",
        "InvalidImageDigest" => "Invalid request parameters: image digest should satisfy the regex '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'",
        "InvalidImageTag" => "Invalid request parameters: image tag should have length between 1 and 300",
        "ImageTagDoesNotMatchDigest" => "Invalid request parameters: given tag does not map to the given digest",
        "ImageNotFound" => "Requested image not found",
        "ImageReferencedByManifestList" => $"Requested image referenced by manifest list: [{string.Join(", ", parents ?? [])}]",
        "KmsError" => "The KMS key that encrypts the repository could not be used: it is disabled, pending deletion, or kms:Decrypt was denied",
        "UpstreamAccessDenied" => "The upstream registry of the pull through cache rule denied access to the image",
        "UpstreamTooManyRequests" => "The upstream registry of the pull through cache rule is rate limiting requests",
        "UpstreamUnavailable" => "The upstream registry of the pull through cache rule is unavailable",
        "ImageInaccessible" => "Requested image is archived and cannot be accessed until it is restored",
        _ => code,
    };

    /// <summary>
    /// The failure an armed <c>itemFailure</c> fault gives an id that names an image, or null: its <c>match</c> is tested
    /// against the digest and tag the id was asked by and the digest of the image it names.
    /// </summary>
    static (string Code, string Reason)? InjectedFailure(AwsCall call, EcrRepository repo, string? digest, string? tag, EcrImage image)
    {
        if (call.Session.Faults.TakeItem(call.Operation, [digest, tag, image.Digest]) is not { ItemFailure: { } code } fault)
        {
            return null;
        }

        return (code, fault.Message ?? FailureReason(code, repo.ParentsOf(image.Digest).Order(StringComparer.Ordinal)));
    }

    static EcrImage? Find(EcrRepository repo, string? digest, string? tag)
    {
        if (digest is not null)
        {
            var image = repo.ByDigest(digest);
            return tag is null || image?.Tags.Contains(tag) == true ? image : null;
        }
        return tag is null ? null : repo.ByTag(tag);
    }

    static void WriteFailures(Utf8JsonWriter w, List<(string? Digest, string? Tag, string Code, string Reason)> failures)
    {
        w.WriteStartArray("failures");
        foreach (var f in failures)
        {
            w.WriteStartObject();
            w.WritePropertyName("imageId");
            WriteImageId(w, f.Digest, f.Tag);
            w.WriteString("failureCode", f.Code);
            w.WriteString("failureReason", f.Reason);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>An image's <c>imageTags</c>, which ECR leaves out for an untagged image.</summary>
    static void WriteTags(Utf8JsonWriter w, IReadOnlyCollection<string> tags)
    {
        if (tags.Count == 0)
        {
            return;
        }

        w.WriteStartArray("imageTags");
        foreach (var t in tags)
        {
            w.WriteStringValue(t);
        }

        w.WriteEndArray();
    }

    static void WriteImageId(Utf8JsonWriter w, string? digest, string? tag)
    {
        w.WriteStartObject();
        if (digest is not null)
        {
            w.WriteString("imageDigest", digest);
        }

        if (tag is not null)
        {
            w.WriteString("imageTag", tag);
        }

        w.WriteEndObject();
    }

    // ---------------------------------------------------------------- input checks

    static EcrRepository Repository(JsonInput input, SandboxState state)
    {
        var registry = RegistryId(input, state);
        var name = input.String("repositoryName") ?? throw InvalidParameter("repositoryName", "Member must not be null");
        ValidateRepositoryName(name, "repositoryName");
        var repo = registry == state.Account ? state.FindRepository(name) : null;
        return repo ?? throw RepositoryNotFound(name, registry);
    }

    static void ValidateRepositoryName(string name, string field)
    {
        if (name.Length < 2)
        {
            throw InvalidParameter(field, "Member must have length greater than or equal to 2");
        }

        if (name.Length > 256)
        {
            throw InvalidParameter(field, "Member must have length less than or equal to 256");
        }

        if (!RepositoryNamePattern().IsMatch(name))
        {
            throw InvalidParameter(field, "must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*'");
        }
    }

    static string RegistryId(JsonInput input, SandboxState state)
    {
        var id = input.String("registryId");
        if (id is null)
        {
            return state.Account;
        }

        if (!RegistryIdPattern().IsMatch(id))
        {
            throw InvalidParameter("registryId", "must satisfy regular expression '[0-9]{12}'");
        }

        return id;
    }

    static int? MaxResults(JsonInput input)
    {
        var n = input.Int("maxResults");
        if (n < 1)
        {
            throw InvalidParameter("maxResults", "Member must have value greater than or equal to 1");
        }

        if (n > 1000)
        {
            throw InvalidParameter("maxResults", "Member must have value less than or equal to 1000");
        }

        return n;
    }

    static (string TagStatus, string ImageStatus) Filter(JsonInput input, bool withImageStatus)
    {
        if (input.Object("filter") is not { } filter)
        {
            return ("ANY", "ACTIVE");
        }

        var tagStatus = filter.String("tagStatus") ?? "ANY";
        if (tagStatus is not ("TAGGED" or "UNTAGGED" or "ANY"))
        {
            throw InvalidParameter("filter.tagStatus", "Member must satisfy enum value set: [TAGGED, UNTAGGED, ANY]");
        }

        var imageStatus = withImageStatus ? filter.String("imageStatus") ?? "ACTIVE" : "ACTIVE";
        if (imageStatus is not ("ACTIVE" or "ARCHIVED" or "ACTIVATING" or "ANY"))
        {
            throw InvalidParameter("filter.imageStatus", "Member must satisfy enum value set: [ACTIVE, ARCHIVED, ACTIVATING, ANY]");
        }

        return (tagStatus, imageStatus);
    }

    static List<(string? Digest, string? Tag)>? ImageIds(JsonInput input, bool required)
    {
        var list = input.List("imageIds");
        if (list is null)
        {
            if (required)
            {
                throw InvalidParameter("imageIds", "Member must not be null");
            }

            return null;
        }
        if (list.Count < 1)
        {
            throw InvalidParameter("imageIds", "Member must have length greater than or equal to 1");
        }

        if (list.Count > 100)
        {
            throw InvalidParameter("imageIds", "Member must have length less than or equal to 100");
        }

        var ids = new List<(string?, string?)>();
        foreach (var e in list)
        {
            if (e.ValueKind != JsonValueKind.Object)
            {
                throw JsonInput.Serialization("Start of structure or map expected in 'imageIds'.");
            }

            var id = new JsonInput(e);
            ids.Add((id.String("imageDigest"), id.String("imageTag")));
        }
        return ids;
    }

    static AwsException ImageNotFound(EcrRepository repo, SandboxState state, string? digest, string? tag) =>
        new("ImageNotFoundException", 400,
            $"The image with imageId {{imageDigest:'{digest ?? "null"}', imageTag:'{tag ?? "null"}'}} does not exist within the repository with name '{repo.Name}' in the registry with id '{state.Account}'");

    public static AwsException RepositoryNotFound(string name, string registry) =>
        new("RepositoryNotFoundException", 400, $"The repository with name '{name}' does not exist in the registry with id '{registry}'");

    static AwsException InvalidParameter(string field, string constraint) =>
        new("InvalidParameterException", 400, $"Invalid parameter at '{field}' failed to satisfy constraint: '{constraint}'");

    static AwsException InvalidToken() =>
        new("InvalidParameterException", 400, "Invalid parameter at 'nextToken' failed to satisfy constraint: 'Invalid NextToken'");

    [GeneratedRegex(@"^[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+$")] private static partial Regex DigestPattern();
    [GeneratedRegex(@"^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$")] private static partial Regex RepositoryNamePattern();
    [GeneratedRegex(@"^[0-9]{12}$")] private static partial Regex RegistryIdPattern();
}
