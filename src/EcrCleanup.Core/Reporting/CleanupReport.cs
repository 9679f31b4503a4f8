using EcrCleanup.Deletion;
using EcrCleanup.Model;

namespace EcrCleanup.Reporting;

/// <summary>The seed's cleanup report, and what operators asked of it besides: storage, savings, calls, duration.</summary>
public sealed record CleanupReport
{
    public required string Repository { get; init; }

    public required DateTimeOffset ExecutionTime { get; init; }

    public required bool DryRun { get; init; }

    public string Mode => DryRun ? "DRY RUN" : "EXECUTE";

    /// <summary>Every image, whatever its storage class: <see cref="ActiveImages"/>, <see cref="ArchivedImages"/> and <see cref="ActivatingImages"/>.</summary>
    public required int TotalImages { get; init; }

    public required int ActiveImages { get; init; }

    public required int ArchivedImages { get; init; }

    /// <summary>Images being restored from the archive.</summary>
    public required int ActivatingImages { get; init; }

    /// <summary>Images something runs (deployed, in or outside the stacks).</summary>
    public required int ProtectedInUse { get; init; }

    public required int ProtectedProduction { get; init; }

    public required int ProtectedPullRequests { get; init; }

    /// <summary>Images kept for any reason (in use, retention, open pull requests, age, latest, unknown tags, references).</summary>
    public required int Kept { get; init; }

    public required int Candidates { get; init; }

    public required int OldPullRequestImages { get; init; }

    public required int OldProductionImages { get; init; }

    public required int UntaggedImages { get; init; }

    public required int OtherImages { get; init; }

    /// <summary>Deleted (or, in a dry run, that would be deleted).</summary>
    public required int Deleted { get; init; }

    public required int Failed { get; init; }

    /// <summary>Candidates not deleted: changed since the plan, declined, or behind a failed image index.</summary>
    public required int Skipped { get; init; }

    /// <summary>Archived (or, in a dry run, that would be archived).</summary>
    public required int Archived { get; init; }

    /// <summary>The bytes deleted (or that would be), from either storage class.</summary>
    public required long StorageReclaimedBytes { get; init; }

    /// <summary>The part of <see cref="StorageReclaimedBytes"/> that was in the archive storage class.</summary>
    public required long ReclaimedFromArchiveBytes { get; init; }

    /// <summary>The bytes moved to the archive storage class (or that would be).</summary>
    public required long ArchivedBytes { get; init; }

    /// <summary>The prices the saving is estimated at.</summary>
    public required Deletion.StoragePrices Prices { get; init; }

    /// <summary>
    /// What a month of storage costs less: the standard price of what was deleted from standard storage, the archive
    /// price of what was deleted from the archive, the difference of the two for what was archived (zero while they
    /// are equal, as they are for the first 150 TB).
    /// </summary>
    public decimal MonthlySavingUsd => Math.Round(
        ((StorageReclaimedBytes - ReclaimedFromArchiveBytes) * Prices.StandardPerGbMonth
         + ReclaimedFromArchiveBytes * Prices.ArchivePerGbMonth
         + ArchivedBytes * (Prices.StandardPerGbMonth - Prices.ArchivePerGbMonth)) / 1_000_000_000m, 2);

    /// <summary>Images something runs that cannot be pulled: archived, or still being restored (one protection each).</summary>
    public required IReadOnlyList<ProtectedImage> NotPullable { get; init; }

    /// <summary>What became of the images restored during the run because something runs them (-RestoreDeployed); empty otherwise.</summary>
    public IReadOnlyList<Restore.RestoreResult> Restored { get; init; } = [];

    /// <summary>Images kept for a protection that the repository's lifecycle policy would expire or archive, each with the rule (ECR's preview).</summary>
    public required IReadOnlyList<Lifecycle.LifecycleConflict> LifecycleConflicts { get; init; }

    public required IReadOnlyList<ProtectedImage> Protected { get; init; }

    public required IReadOnlyList<CleanupCandidate> CandidateList { get; init; }

    /// <summary>The images of the production builds kept for rollback, by build number (1: what production runs now).</summary>
    public required IReadOnlyList<CleanupCandidate> RetainedProduction { get; init; }

    public required IReadOnlyList<DeletionResult> Results { get; init; }

    public required IReadOnlyList<string> Warnings { get; init; }

    public required IReadOnlyDictionary<string, int> Calls { get; init; }

    /// <summary>What the read found to look at: stacks, functions, and ECS (null when ECS was skipped).</summary>
    public required ReadCounts Read { get; init; }

    public required TimeSpan Duration { get; init; }

    /// <summary>The part of <see cref="Duration"/> spent reading the sources (the first read, not the re-check before deleting).</summary>
    public required TimeSpan ReadDuration { get; init; }

    public required ReportConfiguration Configuration { get; init; }

    /// <summary>True when any deletion or archival failed: the run's exit code is then non-zero.</summary>
    public bool HasFailures => Failed > 0;

    public override string ToString() => ReportRenderer.Text(this);
}

/// <summary>The settings a report was made with.</summary>
public sealed record ReportConfiguration(
    int ProductionRetentionCount,
    double MinImageAgeHours,
    string Region,
    bool DryRun,
    string ProductionStackName,
    string PullRequestStackPrefix,
    string? GitHubRepository,
    bool Archive = false,
    double DeleteArchivedAfterDays = Decisions.CleanupPolicy.DefaultDeleteArchivedAfterDays);

/// <summary>How much each source held: the watched stacks, the container-image functions, ECS's clusters, services, tasks and task definitions (null when skipped).</summary>
public sealed record ReadCounts(int Stacks, int Functions, Reading.WorkloadScan? Ecs)
{
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Stacks} stacks, {Functions} functions, ") +
        (Ecs is { } ecs
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"ECS {ecs.Clusters} clusters, {ecs.Services} services, {ecs.Tasks} tasks, {ecs.TaskDefinitions} task definitions")
            : "ECS skipped");
}
