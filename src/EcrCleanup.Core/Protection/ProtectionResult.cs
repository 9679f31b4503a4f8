using EcrCleanup.Model;

namespace EcrCleanup.Protection;

/// <summary>Everything protection found: the protected images and what the decisions need besides.</summary>
public sealed record ProtectionResult(
    EcrRepository Repository,
    IReadOnlyList<EcrImage> Images,
    IReadOnlyList<ProtectedImage> Protected,
    IReadOnlyList<string> Warnings)
{
    /// <summary>Production commit SHAs, newest first, the current deployment first; null when GitHub was skipped.</summary>
    public IReadOnlyList<string>? ProductionHistory { get; init; }

    /// <summary>Commit SHA → pull request number for every commit of every open pull request; null when GitHub was skipped.</summary>
    public IReadOnlyDictionary<string, int>? OpenPullRequestShas { get; init; }

    /// <summary>The stacks read (roots and nested).</summary>
    public int StackCount { get; init; }

    /// <summary>The container-image functions read.</summary>
    public int FunctionCount { get; init; }

    /// <summary>A line, not the whole run: every ProtectedImage carries the run it came from.</summary>
    public override string ToString() =>
        $"Protection of {Repository.Name}: {Protected.Count} protections of {Images.Count} images, {StackCount} stacks, {FunctionCount} functions read";
}

/// <summary>A step of the work, for progress bars.</summary>
public sealed record ProtectionProgress(string Activity, string Status, int Done, int Total);
