namespace EcrCleanup.Deletion;

/// <summary>The guards of a deletion run.</summary>
public sealed record DeletionOptions
{
    /// <summary>Stop before deleting anything when more images than this would be deleted; null for no limit.</summary>
    public int? MaxDeleteCount { get; init; }

    /// <summary>Stop before deleting anything when more than this share of the repository's images would be deleted; null for no limit.</summary>
    public double? MaxDeletePercent { get; init; }

    /// <summary>Nothing is deleted or archived; every candidate that would be is reported as <see cref="DeletionOutcome.WouldDelete"/> or <see cref="DeletionOutcome.WouldArchive"/>.</summary>
    public bool DryRun { get; init; }

    /// <summary>What a GB-month costs in each storage class, for the report's savings.</summary>
    public StoragePrices Prices { get; init; } = StoragePrices.Published;

    /// <summary>Names the run in the journal.</summary>
    public string RunId { get; init; } = Guid.NewGuid().ToString("n");
}

/// <summary>A deletion run that would delete more than its guards allow; nothing was deleted.</summary>
public sealed class DeletionLimitException : Exception
{
    public DeletionLimitException(string message)
        : base(message)
    {
    }
}

/// <summary>
/// ECR's storage prices per GB-month, for the report's savings: what deleting an active image saves (standard), what
/// deleting an archived one saves (archive), what archiving saves (their difference).
/// </summary>
public sealed record StoragePrices(decimal StandardPerGbMonth, decimal ArchivePerGbMonth)
{
    /// <summary>
    /// Amazon ECR pricing as published (us-east-1, 2026): standard storage $0.10 per GB-month; archive storage $0.10
    /// per GB-month for the first 150 TB a month, $0.07 beyond; restoring $0.03 per GB; 90 days billed at least.
    /// </summary>
    public static StoragePrices Published { get; } = new(0.10m, 0.10m);
}
