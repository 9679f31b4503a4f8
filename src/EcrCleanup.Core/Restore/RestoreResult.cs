using EcrCleanup.Model;

namespace EcrCleanup.Restore;

/// <summary>What became of one image asked to be restored from the archive.</summary>
public enum RestoreOutcome
{
    /// <summary>Restored: ECR says the image is ACTIVE again (at once, or by the end of the wait).</summary>
    Restored,

    /// <summary>ECR is restoring it (ACTIVATING): asked now, or already under way; pullable once ECR is done.</summary>
    Restoring,

    /// <summary>Not archived: the image is ACTIVE, nothing was asked of ECR.</summary>
    AlreadyActive,

    /// <summary>ECR has no image with this digest in the repository (deleted, or of another repository).</summary>
    NotFound,

    /// <summary>ECR refused the restore, or the call failed after its retries.</summary>
    Failed,

    /// <summary>Archived, but not restored: declined when asked.</summary>
    Skipped,

    /// <summary>A dry run (-WhatIf): archived, and would have been restored.</summary>
    WouldRestore,
}

/// <summary>The outcome for one image, with its status as ECR last said it and what a person needs to follow it up.</summary>
/// <param name="Status">The image's status as ECR last said it; null when ECR has no such image.</param>
/// <param name="At">When the outcome was known.</param>
public sealed record RestoreResult(string Repository, string Digest, IReadOnlyList<string> Tags, RestoreOutcome Outcome, ImageStatus? Status, DateTimeOffset At)
{
    /// <summary>
    /// Why the image is not restored as asked: ECR's error code (AccessDeniedException, ...), <c>ImageNotFound</c>, or
    /// <c>RestoreWaitTimeout</c> for an image still restoring when the wait ended.
    /// </summary>
    public string? FailureCode { get; init; }

    public string? FailureReason { get; init; }

    public override string ToString() =>
        $"{ImageName.Format(Repository, Digest, Tags)}: {Outcome}{(FailureCode is null ? string.Empty : $" ({FailureCode}: {FailureReason})")}";
}
