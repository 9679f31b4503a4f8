namespace EcrCleanup.Sandbox.State;

// The live state built from a validated scenario. Scenario times are resolved to absolute times here.
// ECR images are the only thing requests change (BatchDeleteImage); every read or change of them holds
// SandboxState.EcrLock.

internal sealed class SandboxState
{
    public required string Account { get; init; }
    public required string Region { get; init; }
    public required string AccessKeyId { get; init; }
    public required string SecretAccessKey { get; init; }
    public required int LatencyMs { get; init; }
    public required IReadOnlyDictionary<string, double> RateLimits { get; init; }
    public required DateTimeOffset LoadedAt { get; init; }
    public required List<EcrRepository> Repositories { get; init; }
    public required List<CfnStack> Stacks { get; init; }
    public required List<LambdaFunction> Functions { get; init; }
    public required GitHubData? GitHub { get; init; }

    public object EcrLock { get; } = new();

    public EcrRepository? FindRepository(string name) => Repositories.Find(r => r.Name == name);
    public LambdaFunction? FindFunction(string name) => Functions.Find(f => f.Name == name);
}

internal sealed class EcrRepository
{
    public required string Name { get; init; }
    public required string Arn { get; init; }
    public required string Uri { get; init; }
    public required string TagMutability { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>In push (scenario) order; <see cref="EcrImage.Seq"/> increases along it.</summary>
    public List<EcrImage> Images { get; } = [];

    public EcrImage? ByDigest(string digest) => Images.Find(i => i.Digest == digest);
    public EcrImage? ByTag(string tag) => Images.Find(i => i.Tags.Contains(tag));

    /// <summary>The live image indexes that list <paramref name="digest"/> as a child.</summary>
    public IEnumerable<EcrImage> ParentsOf(string digest) => Images.Where(i => i.Children.Contains(digest));
}

internal sealed class EcrImage
{
    public required long Seq { get; init; }
    public required string Digest { get; init; }
    public required List<string> Tags { get; init; }
    public required DateTimeOffset PushedAt { get; init; }
    public required long SizeBytes { get; init; }
    public required string MediaType { get; init; }
    public required List<string> Children { get; init; }
    public required string? Subject { get; init; }
    public required string? ArtifactType { get; init; }
    public required DateTimeOffset? LastPulledAt { get; init; }

    public bool IsIndex => Children.Count > 0 || MediaTypes.IsIndex(MediaType);
}

internal static class MediaTypes
{
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    public const string DockerLayer = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string OciConfig = "application/vnd.oci.image.config.v1+json";
    public const string OciLayer = "application/vnd.oci.image.layer.v1.tar+gzip";
    public const string OciEmpty = "application/vnd.oci.empty.v1+json";

    public static bool IsIndex(string mediaType) => mediaType is OciIndex or DockerManifestList;
}

internal sealed class CfnStack
{
    public required string Name { get; init; }
    public required string StackId { get; init; }
    public required string Status { get; init; }
    public required IReadOnlyList<KeyValuePair<string, string>> Tags { get; init; }
    public required List<CfnResource> Resources { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset? LastUpdatedAt { get; init; }
    public required DateTimeOffset? DeletedAt { get; init; }
    /// <summary>Set for a nested stack: the ARN of the stack that holds it, and of the top of the tree.</summary>
    public string? ParentId { get; set; }
    public string? RootId { get; set; }

    public bool IsDeleted => Status == "DELETE_COMPLETE";
}

internal sealed class CfnResource
{
    public required string LogicalId { get; init; }
    public required string Type { get; init; }
    /// <summary>As reported: for a nested stack, its ARN.</summary>
    public required string? PhysicalId { get; set; }
    public required string Status { get; init; }
    public required DateTimeOffset LastUpdatedAt { get; init; }
}

internal sealed class LambdaFunction
{
    public required string Name { get; init; }
    public required string Arn { get; init; }
    public required string PackageType { get; init; }
    public required DateTimeOffset LastModified { get; init; }
    /// <summary>$LATEST first, then the published versions in ascending order.</summary>
    public required List<LambdaVersion> Versions { get; init; }
    public required List<LambdaAlias> Aliases { get; init; }

    public LambdaVersion Latest => Versions[0];
    public LambdaVersion? Version(string v) => Versions.Find(x => x.Version == v);
}

internal sealed class LambdaVersion
{
    public required string Version { get; init; }
    public required string? ImageUri { get; init; }
    public required string? ResolvedImageUri { get; init; }
    public required string CodeSha256 { get; init; }
    public required long CodeSize { get; init; }
    public required string RevisionId { get; init; }
    public required DateTimeOffset LastModified { get; init; }
}

internal sealed class LambdaAlias
{
    public required string Name { get; init; }
    public required string Version { get; init; }
    public required IReadOnlyDictionary<string, double> AdditionalVersionWeights { get; init; }
    public required string RevisionId { get; init; }
}

internal sealed class GitHubData
{
    public required string Owner { get; init; }
    public required string Repo { get; init; }
    public required string Token { get; init; }
    public required string DefaultBranch { get; init; }
    public required long RepoId { get; init; }
    public required List<GitHubCommit> Commits { get; init; }
    public required List<GitHubPull> Pulls { get; init; }
    public required List<GitHubDeployment> Deployments { get; init; }
}

internal sealed record GitHubCommit(string Sha, DateTimeOffset Date);

internal sealed class GitHubPull
{
    public required int Number { get; init; }
    public required long Id { get; init; }
    public required string State { get; init; }
    public required string HeadSha { get; init; }
    public required string HeadRef { get; init; }
    public required string Title { get; init; }
    public required bool Merged { get; init; }
    public required List<string> Commits { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}

internal sealed class GitHubDeployment
{
    public required long Id { get; init; }
    public required string Environment { get; init; }
    public required string Sha { get; init; }
    public required string Ref { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}
