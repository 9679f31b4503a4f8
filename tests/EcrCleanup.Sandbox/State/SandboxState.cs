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
    public required List<EcsCluster> EcsClusters { get; init; }
    public required List<EcsTaskDefinition> TaskDefinitions { get; init; }
    public required List<BatchJobDefinition> JobDefinitions { get; init; }
    public required List<AppRunnerService> AppRunnerServices { get; init; }
    /// <summary>How long a restored ECR image stays ACTIVATING.</summary>
    public required TimeSpan ActivationDelay { get; init; }
    /// <summary>How long a lifecycle policy preview stays IN_PROGRESS.</summary>
    public required TimeSpan LifecyclePreviewDelay { get; init; }

    public object EcrLock { get; } = new();

    /// <summary>The images being restored from the archive (ACTIVATING), each until its <see cref="EcrImage.ActivationEndsAt"/>.</summary>
    readonly List<EcrImage> _activating = [];

    /// <summary>Starts restoring an archived image: ACTIVATING until <paramref name="endsAt"/>.</summary>
    public void StartActivation(EcrImage image, DateTimeOffset endsAt)
    {
        image.Status = ImageStatuses.Activating;
        image.ActivationEndsAt = endsAt;
        _activating.Add(image);
    }

    /// <summary>Makes ACTIVE every restore that has ended by <paramref name="now"/> (it was activated then); hold <see cref="EcrLock"/>.</summary>
    public void SettleActivations(DateTimeOffset now)
    {
        _activating.RemoveAll(i =>
        {
            if (i.Removed)
            {
                return true;
            }

            if (i.ActivationEndsAt is not { } end || end > now)
            {
                return false;
            }

            i.Status = ImageStatuses.Active;
            i.LastActivatedAt = end;
            i.ActivationEndsAt = null;
            return true;
        });
    }

    Dictionary<string, EcrRepository>? _repositoriesByName;
    Dictionary<string, LambdaFunction>? _functionsByName;

    public EcrRepository? FindRepository(string name) =>
        (_repositoriesByName ??= Repositories.ToDictionary(r => r.Name, StringComparer.Ordinal)).GetValueOrDefault(name);

    public LambdaFunction? FindFunction(string name) =>
        (_functionsByName ??= Functions.ToDictionary(f => f.Name, StringComparer.Ordinal)).GetValueOrDefault(name);
}

internal sealed class EcrRepository
{
    public required string Name { get; init; }
    public required string Arn { get; init; }
    public required string Uri { get; init; }
    public required string TagMutability { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>The lifecycle policy's JSON text, as GetLifecyclePolicy returns it; null when the repository has none.</summary>
    public required string? LifecyclePolicyText { get; init; }
    /// <summary>The last lifecycle policy preview started (StartLifecyclePolicyPreview), or null.</summary>
    public LifecyclePreview? Preview { get; set; }

    // Images in push (scenario) order, Seq increasing along the list; a removed image stays in the list,
    // marked, until enough have gone to compact it. Digests, tags and index children are indexed, so
    // lookups and deletions cost the same in a repository of 10 images or of 100,000.
    readonly List<EcrImage> _ordered = [];
    readonly Dictionary<string, EcrImage> _byDigest = new(StringComparer.Ordinal);
    readonly Dictionary<string, EcrImage> _byTag = new(StringComparer.Ordinal);
    readonly Dictionary<string, HashSet<string>> _parents = new(StringComparer.Ordinal);
    int _removed;

    public int Count => _byDigest.Count;

    /// <summary>The live images, in push order.</summary>
    public IEnumerable<EcrImage> Images => _ordered.Where(i => !i.Removed);

    /// <summary>The live images with <see cref="EcrImage.Seq"/> above <paramref name="seq"/>, in push order.</summary>
    public IEnumerable<EcrImage> After(long seq)
    {
        int lo = 0, hi = _ordered.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (_ordered[mid].Seq <= seq)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        for (var i = lo; i < _ordered.Count; i++)
        {
            if (!_ordered[i].Removed)
            {
                yield return _ordered[i];
            }
        }
    }

    public EcrImage? ByDigest(string digest) => _byDigest.GetValueOrDefault(digest);
    public EcrImage? ByTag(string tag) => _byTag.GetValueOrDefault(tag);

    /// <summary>The digests of the live image indexes that list <paramref name="digest"/> as a child.</summary>
    public IReadOnlyCollection<string> ParentsOf(string digest) =>
        _parents.TryGetValue(digest, out var p) ? p : [];

    public void Add(EcrImage image)
    {
        if (_ordered.Count > 0 && image.Seq <= _ordered[^1].Seq)
        {
            throw new InvalidOperationException("images are added in Seq order");
        }

        _ordered.Add(image);
        _byDigest.Add(image.Digest, image);
        foreach (var t in image.Tags)
        {
            _byTag.Add(t, image);
        }

        foreach (var c in image.Children)
        {
            if (!_parents.TryGetValue(c, out var set))
            {
                _parents[c] = set = new HashSet<string>(StringComparer.Ordinal);
            }

            set.Add(image.Digest);
        }
    }

    public void RemoveTag(EcrImage image, string tag)
    {
        image.Tags.Remove(tag);
        _byTag.Remove(tag);
    }

    public void Remove(EcrImage image)
    {
        if (image.Removed)
        {
            return;
        }

        image.Removed = true;
        _byDigest.Remove(image.Digest);
        foreach (var t in image.Tags)
        {
            _byTag.Remove(t);
        }

        foreach (var c in image.Children)
        {
            if (_parents.TryGetValue(c, out var set) && set.Remove(image.Digest) && set.Count == 0)
            {
                _parents.Remove(c);
            }
        }

        if (++_removed > 64 && _removed > _ordered.Count / 2)
        {
            _ordered.RemoveAll(i => i.Removed);
            _removed = 0;
        }
    }
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
    /// <summary>ACTIVE, ARCHIVED or ACTIVATING (<see cref="ImageStatuses"/>); changed by UpdateImageStorageClass.</summary>
    public required string Status { get; set; }
    public required DateTimeOffset? LastArchivedAt { get; set; }
    public required DateTimeOffset? LastActivatedAt { get; set; }
    /// <summary>While ACTIVATING: when the restore ends and the image is ACTIVE again.</summary>
    public DateTimeOffset? ActivationEndsAt { get; set; }
    /// <summary>Deleted (BatchDeleteImage); kept only until the repository compacts its list.</summary>
    public bool Removed { get; set; }

    public bool IsIndex => Children.Count > 0 || MediaTypes.IsIndex(MediaType);
}

/// <summary>ECR's ImageStatus values.</summary>
internal static class ImageStatuses
{
    public const string Active = "ACTIVE";
    public const string Archived = "ARCHIVED";
    public const string Activating = "ACTIVATING";

    public static readonly IReadOnlyList<string> All = [Active, Archived, Activating];
}

/// <summary>A lifecycle policy preview: the policy, when it was started and completes, and what it found (evaluated at the start).</summary>
internal sealed class LifecyclePreview
{
    public required string PolicyText { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required DateTimeOffset CompletesAt { get; init; }
    public required IReadOnlyList<Ecr.LifecycleMark> Results { get; init; }

    public bool IsComplete(DateTimeOffset now) => now >= CompletesAt;
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
    /// <summary>The template GetTemplate returns: the scenario's, verbatim, or one built from the resources.</summary>
    public required string Template { get; init; }
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
    /// <summary>The resource's <c>Properties</c> in the template the sandbox builds (a JSON object).</summary>
    public required System.Text.Json.Nodes.JsonObject? Properties { get; init; }
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

internal sealed class EcsCluster
{
    public required string Name { get; init; }
    public required string Arn { get; init; }
    public required List<EcsService> Services { get; init; }
    public required List<EcsTask> Tasks { get; init; }
}

internal sealed class EcsService
{
    public required string Name { get; init; }
    public required string Arn { get; init; }
    public required string Status { get; init; }
    public required int DesiredCount { get; init; }
    /// <summary>Counted from the cluster's tasks of this service (group <c>service:NAME</c>).</summary>
    public int RunningCount { get; set; }
    public int PendingCount { get; set; }
    public required string LaunchType { get; init; }
    public required string? TaskDefinitionArn { get; init; }
    /// <summary>ECS (rolling deployments) or EXTERNAL (task sets).</summary>
    public required string DeploymentController { get; init; }
    public required List<EcsDeployment> Deployments { get; init; }
    public required List<EcsDeployment> TaskSets { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A deployment or a task set: what starts a service's tasks (<see cref="EcsTask.StartedBy"/> is its id).</summary>
internal sealed class EcsDeployment
{
    public required string Id { get; init; }
    /// <summary>A task set's ARN; null for a deployment.</summary>
    public required string? Arn { get; init; }
    public required string Status { get; init; }
    public required string TaskDefinitionArn { get; init; }
    public required int DesiredCount { get; init; }
    public required string? RolloutState { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public int RunningCount { get; set; }
    public int PendingCount { get; set; }
}

internal sealed class EcsTask
{
    public required string Id { get; init; }
    public required string Arn { get; init; }
    public required EcsTaskDefinition TaskDefinition { get; init; }
    public required string Group { get; init; }
    public required string? StartedBy { get; init; }
    public required string LastStatus { get; init; }
    public required string DesiredStatus { get; init; }
    public required string LaunchType { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required List<EcsContainer> Containers { get; init; }
}

internal sealed record EcsContainer(string Arn, string Name, string? Image, string? ImageDigest);

/// <summary>A container definition: a name and the image it names.</summary>
internal sealed record ContainerImage(string Name, string Image);

internal sealed class EcsTaskDefinition
{
    public required string Family { get; init; }
    public required int Revision { get; init; }
    public required string Arn { get; init; }
    public required string Status { get; init; }
    public required List<ContainerImage> Containers { get; init; }
    public required DateTimeOffset RegisteredAt { get; init; }

    public string Key => $"{Family}:{Revision}";
}

internal sealed class BatchJobDefinition
{
    public required string Name { get; init; }
    public required int Revision { get; init; }
    public required string Arn { get; init; }
    public required string Status { get; init; }
    public required string Type { get; init; }
    public required BatchContainers Containers { get; init; }
    /// <summary>multinode: the node ranges, each with its own containers.</summary>
    public required List<(string TargetNodes, BatchContainers Containers)> NodeRanges { get; init; }
}

/// <summary>Where a Batch job definition (or a node range) names its images: exactly one of the three.</summary>
internal sealed record BatchContainers(string? Image, List<ContainerImage>? Ecs, List<ContainerImage>? Eks, List<ContainerImage>? EksInit);

internal sealed class AppRunnerService
{
    public required string Name { get; init; }
    public required string Id { get; init; }
    public required string Arn { get; init; }
    public required string Url { get; init; }
    public required string Status { get; init; }
    public required string? ImageIdentifier { get; init; }
    public required string? ImageRepositoryType { get; init; }
    public required string? CodeRepository { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
}
