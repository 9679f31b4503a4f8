using EcrCleanup.Abstractions;
using EcrCleanup.Model;

namespace EcrCleanup.Reading;

/// <summary>
/// What the read found, and nothing decided from it: the repository's images (with index children and
/// subjects), what every function version runs, the watched stacks, the open pull requests and the production
/// history. <see cref="Decisions.CleanupEngine"/> is the only reader of it that keeps or deletes.
/// </summary>
/// <param name="Region">The region the repository was read in: function image URIs of other regions are not its images.</param>
public sealed record Evidence(EcrRepository Repository, string Region, IReadOnlyList<EcrImage> Images)
{
    /// <summary>The stack read as production; null when no stacks were read (unit tests): then no stack is checked.</summary>
    public string? ProductionStackName { get; init; }

    /// <summary>What each container-image function version runs: $LATEST and published versions, with the stack that deploys it, if any.</summary>
    public IReadOnlyList<FunctionDeployment> Deployments { get; init; } = Array.Empty<FunctionDeployment>();

    /// <summary>What other workloads run and name: ECS services and tasks, and the task definitions, job definitions and App Runner services of the watched stacks.</summary>
    public IReadOnlyList<WorkloadImage> Workloads { get; init; } = Array.Empty<WorkloadImage>();

    /// <summary>Resources of the watched stacks, of types the module does not read, whose properties name an ECR image.</summary>
    public IReadOnlyList<TemplateMention> Mentions { get; init; } = Array.Empty<TemplateMention>();

    /// <summary>How much of ECS was read; null when ECS was skipped.</summary>
    public WorkloadScan? Ecs { get; init; }

    /// <summary>Watched stacks that were changing (…_IN_PROGRESS) while they were read.</summary>
    public IReadOnlyList<CloudFormationStack> StacksInProgress { get; init; } = Array.Empty<CloudFormationStack>();

    /// <summary>The stacks read (roots and nested).</summary>
    public int StackCount { get; init; }

    /// <summary>Commit SHA → pull request number for every commit of every open pull request; null when GitHub was not read.</summary>
    public IReadOnlyDictionary<string, int>? OpenPullRequests { get; init; }

    /// <summary>Production commit SHAs from GitHub, newest first; null when GitHub was not read.</summary>
    public IReadOnlyList<string>? ProductionHistory { get; init; }

    /// <summary>Where <see cref="ProductionHistory"/> came from (Deployments or Commits, Auto resolved); null when none was read.</summary>
    public Configuration.ProductionHistorySource? ProductionHistorySource { get; init; }

    /// <summary>What the read noticed and could go on with (a stack names a function that does not exist).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = Array.Empty<string>();

    /// <summary>What the repository's lifecycle policy would do, by ECR's own preview; null when it was not looked at.</summary>
    public Lifecycle.LifecycleCheck? Lifecycle { get; init; }

    /// <summary>How long reading every source took.</summary>
    public TimeSpan ReadDuration { get; init; }

    /// <summary>The container-image functions read.</summary>
    public int FunctionCount => Deployments.Select(d => d.FunctionName).Distinct(StringComparer.Ordinal).Count();

    public override string ToString() =>
        $"Evidence of {Repository.Name}: {Images.Count} images, {StackCount} stacks, {FunctionCount} functions";
}

/// <summary>A step of the work, for progress bars.</summary>
public sealed record ReadProgress(string Activity, string Status, int Done, int Total);
