namespace EcrCleanup.Deletion;

/// <summary>The guards of a deletion run.</summary>
public sealed record DeletionOptions
{
    /// <summary>Stop before deleting anything when more images than this would be deleted; null for no limit.</summary>
    public int? MaxDeleteCount { get; init; }

    /// <summary>Stop before deleting anything when more than this share of the repository's images would be deleted; null for no limit.</summary>
    public double? MaxDeletePercent { get; init; }

    /// <summary>Nothing is deleted; every candidate that would be is reported as <see cref="DeletionOutcome.WouldDelete"/>.</summary>
    public bool DryRun { get; init; }

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
