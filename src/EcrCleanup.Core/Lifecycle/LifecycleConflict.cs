using EcrCleanup.Decisions;
using EcrCleanup.Model;

namespace EcrCleanup.Lifecycle;

/// <summary>
/// An image the cleanup keeps for a protection that the repository's lifecycle policy would expire or archive all the
/// same: ECR applies the policy on its own, whatever the module keeps.
/// </summary>
public sealed record LifecycleConflict
{
    public required string Repository { get; init; }

    public required string Digest { get; init; }

    public required IReadOnlyList<string> Tags { get; init; }

    /// <summary>The priority of the rule that would act on it (the preview's <c>appliedRulePriority</c>).</summary>
    public required int RulePriority { get; init; }

    /// <summary>
    /// The rule in words: <c>rule 2 "expire untagged after 14 days" (expire; untagged images, sinceImagePushed &gt; 14 days)</c>,
    /// or <c>rule 2</c> when the policy text could not be read.
    /// </summary>
    public required string RuleDescription { get; init; }

    /// <summary>What the rule would do to it, as the preview says.</summary>
    public required LifecycleActionType Action { get; init; }

    /// <summary>Where a <see cref="LifecycleActionType.Transition"/> would move it; null for <see cref="LifecycleActionType.Expire"/>.</summary>
    public StorageClass? TargetStorageClass { get; init; }

    /// <summary>Why the cleanup keeps it: the kept candidate's <see cref="CleanupCandidate.Reason"/>.</summary>
    public required string Reason { get; init; }

    /// <summary>The kept candidate's protections; never empty.</summary>
    public required IReadOnlyList<ProtectedImage> Protections { get; init; }

    /// <summary>The rule as the policy text says it; null when it could not be read.</summary>
    internal LifecycleRule? Rule { get; init; }

    /// <summary>What the rule would do to <paramref name="what"/>: <c>would expire it</c>, <c>would move it to the ARCHIVE storage class</c>.</summary>
    internal string WouldDo(string what) => Action == LifecycleActionType.Expire
        ? $"would expire {what}"
        : $"would move {what} to the {TargetStorageClass?.ToString().ToUpperInvariant() ?? "other"} storage class";

    /// <summary>Its protections in words, as the cleanup's reasons name them: <c>Deployed: HelpmatonProduction / prod-api ($LATEST)</c>.</summary>
    internal string Protected => string.Join("; ", Protections.Select(ProtectionDescription.Describe).Distinct(StringComparer.Ordinal));

    /// <summary><c>app@sha256:… (lancedb-3f2a9c1): lifecycle rule 2 "…" (…) would expire it, and it is Deployed: HelpmatonProduction / prod-api ($LATEST)</c>.</summary>
    public override string ToString() =>
        $"{ImageName.Format(Repository, Digest, Tags)}: lifecycle {RuleDescription} {WouldDo("it")}, and it is {Protected}";
}
