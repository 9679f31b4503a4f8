using System.Runtime.CompilerServices;
using EcrCleanup.Abstractions;
using EcrCleanup.Model;

namespace EcrCleanup.Core.Tests.Protection;

/// <summary>In-memory sources for the protection engine: a small world of images, stacks, functions and GitHub.</summary>
internal sealed partial class ProtectionWorld : IEcrClient, ICloudFormationClient, ILambdaClient, IGitHubClient
{
    public const string Account = "123456789012";
    public const string Region = "eu-west-2";
    public const string Repo = "app";

    public List<EcrImage> Images { get; } = new();
    public List<CloudFormationStack> Stacks { get; } = new();
    public Dictionary<string, List<CloudFormationResource>> Resources { get; } = new();
    public List<LambdaFunctionVersion> Versions { get; } = new();
    public Dictionary<string, LambdaFunctionCode> Latest { get; } = new();

    /// <summary>What GetFunction says of published versions, by "name:version".</summary>
    public Dictionary<string, LambdaFunctionCode> Published { get; } = new();
    public List<GitHubPullRequest> PullRequests { get; } = new();
    public Dictionary<int, List<string>> PullRequestCommits { get; } = new();
    public List<GitHubDeployment> Deployments { get; } = new();
    public List<string> BranchCommits { get; } = new();

    /// <summary>Operations ("CloudFormation:ListStackResources", ...) that fail as a service would after its retries.</summary>
    public HashSet<string> Failing { get; } = new();

    public Dictionary<string, int> Calls { get; } = new();

    /// <summary>The repository's imageTagMutability.</summary>
    public string TagMutability { get; set; } = "MUTABLE";

    public string Repository => "owner/app";

    public static string Digest(string label) => "sha256:" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(label))).ToLowerInvariant();

    public static string Sha(string label) => Convert.ToHexString(System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(label))).ToLowerInvariant();

    public static string Uri(string tagOrDigest, string repo = Repo, string account = Account) =>
        $"{account}.dkr.ecr.{Region}.amazonaws.com/{repo}{(tagOrDigest.StartsWith("sha256:", StringComparison.Ordinal) ? "@" : ":")}{tagOrDigest}";

    public EcrImage AddImage(string label, double ageHours = 100, params string[] tags)
    {
        var image = new EcrImage(Repo, Digest(label)) { Tags = tags, PushedAt = DateTimeOffset.UtcNow.AddHours(-ageHours), SizeBytes = 1000 };
        Images.Add(image);
        return image;
    }

    public string AddStack(string name, string status = "UPDATE_COMPLETE", string? parentId = null)
    {
        var id = $"arn:aws:cloudformation:{Region}:{Account}:stack/{name}/{Guid.NewGuid()}";
        Stacks.Add(new CloudFormationStack(id, name, status, parentId, parentId));
        Resources[id] = new List<CloudFormationResource>();
        return id;
    }

    public void AddFunction(string stackId, string functionName, EcrImage? runs, string? tag = null, string logicalId = "Function")
    {
        Resources[stackId].Add(new CloudFormationResource(logicalId, functionName, "AWS::Lambda::Function", "UPDATE_COMPLETE"));
        AddLooseFunction(functionName, runs, tag);
    }

    /// <summary>A function no watched stack deploys.</summary>
    public void AddLooseFunction(string functionName, EcrImage? runs, string? tag = null)
    {
        var hex = runs?.Digest["sha256:".Length..] ?? new string('0', 64);
        Versions.Add(new LambdaFunctionVersion(functionName, "$LATEST", "Image", hex));
        Latest[functionName] = new LambdaFunctionCode(functionName, "$LATEST", "Image",
            Uri(tag ?? (runs?.Tags.Count > 0 ? runs.Tags[0] : null) ?? runs!.Digest), runs is null ? null : Uri(runs.Digest), hex);
    }

    public void AddPublishedVersion(string functionName, string version, EcrImage runs) =>
        Versions.Add(new LambdaFunctionVersion(functionName, version, "Image", runs.Digest["sha256:".Length..]));

    public void AddNestedStack(string parentId, string nestedId) =>
        Resources[parentId].Add(new CloudFormationResource("Nested", nestedId, "AWS::CloudFormation::Stack", "UPDATE_COMPLETE"));

    /// <summary>Completed the first time each operation is called: lets a test hold one source until another has started.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource> Started { get; } = new();

    /// <summary>Operations that answer only once every listed operation has started (or fail after five seconds).</summary>
    public Dictionary<string, string[]> WaitFor { get; } = new();

    private Task Arrival(string operation) => Started.GetOrAdd(operation, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    private async Task GateAsync(string operation)
    {
        if (WaitFor.TryGetValue(operation, out var others))
        {
            await Task.WhenAll(others.Select(Arrival)).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
    }

    private void Call(string operation)
    {
        lock (Calls)
        {
            Calls[operation] = Calls.GetValueOrDefault(operation) + 1;
        }

        _ = Arrival(operation);
        Started[operation].TrySetResult();

        if (Failing.Contains(operation))
        {
            var (service, name) = (operation.Split(':')[0], operation.Split(':')[1]);
            throw new ServiceException(service, name, null, "InternalFailure", "Simulated failure after retries.");
        }
    }

    public async Task<EcrRepository> DescribeRepositoryAsync(string repositoryName, CancellationToken cancellationToken)
    {
        Call("ECR:DescribeRepositories");
        await GateAsync("ECR:DescribeRepositories");
        ImagesOf(repositoryName);
        return new EcrRepository(repositoryName, Account, $"{Account}.dkr.ecr.{Region}.amazonaws.com/{repositoryName}", null, TagMutability, null);
    }

    public IAsyncEnumerable<EcrRepository> ListRepositoriesAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    /// <summary>Repositories besides <see cref="Repo"/> (whose images are <see cref="Images"/>), by name.</summary>
    public Dictionary<string, List<EcrImage>> OtherRepositories { get; } = new();

    /// <summary>Repositories whose reads fail as ECR would after its retries.</summary>
    public HashSet<string> FailingRepositories { get; } = new();

    private List<EcrImage> ImagesOf(string repositoryName)
    {
        if (FailingRepositories.Contains(repositoryName))
        {
            throw new ServiceException("ECR", "DescribeImages", repositoryName, "InternalFailure", "Simulated failure after retries.");
        }

        return repositoryName == Repo ? Images : OtherRepositories.TryGetValue(repositoryName, out var images) ? images
            : throw new ServiceException("ECR", "DescribeImages", repositoryName, "RepositoryNotFoundException", $"The repository '{repositoryName}' does not exist.");
    }

    public async IAsyncEnumerable<EcrImage> DescribeImagesAsync(string repositoryName, ImageStatusFilter status, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Call("ECR:DescribeImages");
        await GateAsync("ECR:DescribeImages");
        foreach (var image in ImagesOf(repositoryName).Where(i => status == ImageStatusFilter.Any || status.ToString() == i.Status.ToString()))
        {
            await Task.Yield();
            yield return image;
        }
    }

    public Task<IReadOnlyList<EcrImage>> DescribeImagesAsync(string repositoryName, IReadOnlyCollection<string> digests, ImageStatusFilter status, CancellationToken cancellationToken)
    {
        Call("ECR:DescribeImages");
        return Task.FromResult<IReadOnlyList<EcrImage>>(ImagesOf(repositoryName)
            .Where(i => digests.Contains(i.Digest) && (status == ImageStatusFilter.Any || status.ToString() == i.Status.ToString())).ToList());
    }

    public Task<IReadOnlyList<ImageManifest>> GetManifestsAsync(string repositoryName, IReadOnlyCollection<string> digests, CancellationToken cancellationToken)
    {
        Call("ECR:BatchGetImage");
        return Task.FromResult<IReadOnlyList<ImageManifest>>(Images.Where(i => digests.Contains(i.Digest))
            .Select(i => new ImageManifest(i.Digest, i.ManifestMediaType, i.ArtifactType, i.SubjectDigest, i.ChildDigests)).ToList());
    }

    /// <summary>Deletes what it is asked to, every time.</summary>
    public Task<BatchDeleteResult> BatchDeleteImageAsync(string repositoryName, IReadOnlyCollection<string> digests, CancellationToken cancellationToken)
    {
        Call("ECR:BatchDeleteImage");
        ImagesOf(repositoryName).RemoveAll(i => digests.Contains(i.Digest));
        return Task.FromResult(new BatchDeleteResult(digests.ToArray(), Array.Empty<ImageDeleteFailure>()));
    }

    /// <summary>Archives at once; a restore leaves the image activating.</summary>
    public Task<StorageClassUpdate> UpdateImageStorageClassAsync(string repositoryName, string digest, StorageClass target, CancellationToken cancellationToken)
    {
        Call("ECR:UpdateImageStorageClass");
        var images = ImagesOf(repositoryName);
        var index = images.FindIndex(i => i.Digest == digest);
        var status = target == StorageClass.Archive ? ImageStatus.Archived : ImageStatus.Activating;
        images[index] = images[index] with { Status = status, LastArchivedAt = status == ImageStatus.Archived ? DateTimeOffset.UtcNow : images[index].LastArchivedAt };
        return Task.FromResult(new StorageClassUpdate(digest, status));
    }

    /// <summary>No repository of this world has a lifecycle policy.</summary>
    public Task<LifecyclePolicy?> GetLifecyclePolicyAsync(string repositoryName, CancellationToken cancellationToken)
    {
        Call("ECR:GetLifecyclePolicy");
        return Task.FromResult<LifecyclePolicy?>(null);
    }

    public Task<LifecyclePreviewStatus> StartLifecyclePolicyPreviewAsync(string repositoryName, string? policyText, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<LifecyclePreview> GetLifecyclePolicyPreviewAsync(string repositoryName, CancellationToken cancellationToken) => throw new NotSupportedException();

    public async IAsyncEnumerable<CloudFormationStack> ListStacksAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Call("CloudFormation:ListStacks");
        foreach (var stack in Stacks.Where(s => s.Status != "DELETE_COMPLETE"))
        {
            await Task.Yield();
            yield return stack;
        }
    }

    public async Task<CloudFormationStack?> DescribeStackAsync(string stackNameOrId, CancellationToken cancellationToken)
    {
        Call("CloudFormation:DescribeStacks");
        await GateAsync("CloudFormation:DescribeStacks");
        return Stacks.FirstOrDefault(s => s.StackId == stackNameOrId || (s.StackName == stackNameOrId && s.Status != "DELETE_COMPLETE"));
    }

    public async IAsyncEnumerable<CloudFormationResource> ListStackResourcesAsync(string stackNameOrId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Call("CloudFormation:ListStackResources");
        foreach (var resource in Resources[stackNameOrId])
        {
            await Task.Yield();
            yield return resource;
        }
    }

    public async IAsyncEnumerable<LambdaFunctionVersion> ListFunctionVersionsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Call("Lambda:ListFunctions");
        foreach (var version in Versions)
        {
            await Task.Yield();
            yield return version;
        }
    }

    public Task<LambdaFunctionCode?> GetFunctionAsync(string functionName, string? qualifier, CancellationToken cancellationToken)
    {
        Call("Lambda:GetFunction");
        return Task.FromResult(qualifier is null or "$LATEST"
            ? Latest.GetValueOrDefault(functionName)
            : Published.GetValueOrDefault($"{functionName}:{qualifier}"));
    }

    public Task<string> GetDefaultBranchAsync(CancellationToken cancellationToken)
    {
        Call("GitHub:GetRepository");
        return Task.FromResult("main");
    }

    public Task<IReadOnlyList<GitHubPullRequest>> ListOpenPullRequestsAsync(CancellationToken cancellationToken)
    {
        Call("GitHub:ListPullRequests");
        return Task.FromResult<IReadOnlyList<GitHubPullRequest>>(PullRequests);
    }

    public Task<IReadOnlyList<string>> ListPullRequestCommitsAsync(int number, CancellationToken cancellationToken)
    {
        Call("GitHub:ListPullRequestCommits");
        return Task.FromResult<IReadOnlyList<string>>(PullRequestCommits.GetValueOrDefault(number) ?? new List<string>());
    }

    public Task<IReadOnlyList<GitHubDeployment>> ListDeploymentsAsync(string? environment, int page, CancellationToken cancellationToken)
    {
        Call("GitHub:ListDeployments");
        return Task.FromResult<IReadOnlyList<GitHubDeployment>>(Deployments.Where(d => environment is null || d.Environment == environment).Skip((page - 1) * 100).Take(100).ToList());
    }

    public Task<IReadOnlyList<string>> ListBranchCommitsAsync(string branch, int page, CancellationToken cancellationToken)
    {
        Call("GitHub:ListCommits");
        return Task.FromResult<IReadOnlyList<string>>(BranchCommits.Skip((page - 1) * 100).Take(100).ToList());
    }
}
