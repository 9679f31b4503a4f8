using System.Runtime.CompilerServices;
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
        var output = await _protocol.CallAsync("DescribeRepositories", repositoryName, input, cancellationToken).ConfigureAwait(false);
        var repository = output["repositories"]?.AsArray().FirstOrDefault()
            ?? throw new ServiceException("ECR", "DescribeRepositories", repositoryName, "RepositoryNotFoundException", $"ECR returned no repository named '{repositoryName}'.");
        return new EcrRepository(
            (string)repository["repositoryName"]!,
            (string)repository["registryId"]!,
            (string)repository["repositoryUri"]!,
            (string?)repository["repositoryArn"],
            (string?)repository["imageTagMutability"],
            ReadTimestamp(repository["createdAt"]));
    }

    public async IAsyncEnumerable<EcrImage> DescribeImagesAsync(string repositoryName, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? nextToken = null;
        do
        {
            var input = new JsonObject { ["repositoryName"] = repositoryName, ["maxResults"] = DescribeImagesPageSize };
            if (nextToken is not null)
            {
                input["nextToken"] = nextToken;
            }

            var output = await _protocol.CallAsync("DescribeImages", repositoryName, input, cancellationToken).ConfigureAwait(false);
            foreach (var detail in output["imageDetails"]?.AsArray() ?? new JsonArray())
            {
                yield return ReadImage(repositoryName, detail!);
            }

            nextToken = (string?)output["nextToken"];
        }
        while (!string.IsNullOrEmpty(nextToken));
    }

    public async Task<IReadOnlyList<ImageManifest>> GetManifestsAsync(string repositoryName, IReadOnlyCollection<string> digests, CancellationToken cancellationToken)
    {
        var manifests = new List<ImageManifest>(digests.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var batch in digests.Distinct(StringComparer.Ordinal).Chunk(BatchSize))
        {
            var input = new JsonObject
            {
                ["repositoryName"] = repositoryName,
                ["imageIds"] = new JsonArray(batch.Select(d => (JsonNode)new JsonObject { ["imageDigest"] = d }).ToArray()),
                ["acceptedMediaTypes"] = new JsonArray(AcceptedMediaTypes.Select(m => (JsonNode)m!).ToArray()),
            };
            var output = await _protocol.CallAsync("BatchGetImage", repositoryName, input, cancellationToken).ConfigureAwait(false);
            foreach (var image in output["images"]?.AsArray() ?? new JsonArray())
            {
                var digest = (string?)image!["imageId"]?["imageDigest"];
                if (digest is null || !seen.Add(digest))
                {
                    continue;
                }

                manifests.Add(ManifestReader.Read(digest, (string?)image["imageManifest"], (string?)image["imageManifestMediaType"]));
            }
        }

        return manifests;
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
        var output = await _protocol.CallAsync("BatchDeleteImage", repositoryName, input, cancellationToken).ConfigureAwait(false);
        var deleted = (output["imageIds"]?.AsArray() ?? new JsonArray())
            .Select(id => (string?)id?["imageDigest"])
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        var failures = (output["failures"]?.AsArray() ?? new JsonArray())
            .Select(f => new ImageDeleteFailure(
                (string?)f?["imageId"]?["imageDigest"] ?? string.Empty,
                (string?)f?["failureCode"] ?? "Unknown",
                (string?)f?["failureReason"] ?? string.Empty))
            .ToArray();
        return new BatchDeleteResult(deleted, failures);
    }

    private static EcrImage ReadImage(string repositoryName, JsonNode detail) =>
        new(repositoryName, (string)detail["imageDigest"]!)
        {
            RegistryId = (string?)detail["registryId"],
            Tags = detail["imageTags"]?.AsArray().Select(t => (string)t!).ToArray() ?? Array.Empty<string>(),
            PushedAt = ReadTimestamp(detail["imagePushedAt"]) ?? DateTimeOffset.MinValue,
            SizeBytes = (long?)detail["imageSizeInBytes"],
            ManifestMediaType = (string?)detail["imageManifestMediaType"],
            ArtifactType = (string?)detail["artifactMediaType"],
            LastPulledAt = ReadTimestamp(detail["lastRecordedPullTime"]),
        };

    /// <summary>awsJson timestamps are epoch seconds, with a fraction.</summary>
    internal static DateTimeOffset? ReadTimestamp(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }

        var seconds = node.GetValueKind() == JsonValueKind.String ? double.Parse((string)node!, System.Globalization.CultureInfo.InvariantCulture) : (double)node;
        return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));
    }
}
