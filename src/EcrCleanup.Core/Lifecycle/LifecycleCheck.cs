using EcrCleanup.Model;

namespace EcrCleanup.Lifecycle;

/// <summary>How far <see cref="LifecycleGuard.CheckAsync"/> got with a repository's lifecycle policy.</summary>
public enum LifecycleCheckOutcome
{
    /// <summary>The repository has no lifecycle policy: nothing can expire or archive its images, no preview was run.</summary>
    NoPolicy,

    /// <summary>ECR previewed the repository's policy to the end: <see cref="LifecycleCheck.Preview"/> is complete.</summary>
    Previewed,

    /// <summary>A call failed: the policy was not checked, and <see cref="LifecycleCheck.Warning"/> says why and what to do.</summary>
    NotChecked,
}

/// <summary>What the lifecycle guard learnt of one repository's lifecycle policy: its preview, or why there is none.</summary>
public sealed record LifecycleCheck
{
    internal LifecycleCheck(string repository, LifecycleCheckOutcome outcome)
    {
        Repository = repository;
        Outcome = outcome;
    }

    public string Repository { get; }

    public LifecycleCheckOutcome Outcome { get; }

    /// <summary>The complete preview of the repository's own policy; null unless <see cref="LifecycleCheckOutcome.Previewed"/>.</summary>
    public LifecyclePreview? Preview { get; init; }

    /// <summary>What the guard could not do, for a person to act on; null unless <see cref="LifecycleCheckOutcome.NotChecked"/>.</summary>
    public string? Warning { get; init; }

    /// <summary>The rules of the previewed policy that could be read, to name the rule of each result in words.</summary>
    internal IReadOnlyList<LifecycleRule> Rules { get; init; } = [];
}
