using EcrCleanup.Model;

namespace EcrCleanup.Deletion;

/// <summary>What became of one candidate.</summary>
public enum DeletionOutcome
{
    /// <summary>ECR deleted the image and every tag it had.</summary>
    Deleted,

    /// <summary>ECR refused, or the call failed after its retries.</summary>
    Failed,

    /// <summary>Not deleted on purpose: kept by the plan, gone, changed since the plan, protected now, or declined.</summary>
    Skipped,

    /// <summary>A dry run (-WhatIf, DRY_RUN=true): it would have been deleted.</summary>
    WouldDelete,

    /// <summary>ECR moved the image to the archive storage class (UpdateImageStorageClass); it can be restored.</summary>
    Archived,

    /// <summary>A dry run: it would have been archived.</summary>
    WouldArchive,
}

/// <summary>The outcome for one image, with what a person needs to follow it up.</summary>
public sealed record DeletionResult(CleanupCandidate Candidate, DeletionOutcome Outcome, DateTimeOffset At)
{
    public string Repository => Candidate.Repository;

    public string Digest => Candidate.Digest;

    public IReadOnlyList<string> Tags => Candidate.Tags;

    public long? SizeBytes => Candidate.SizeBytes;

    /// <summary>What was (or would be) done: the candidate's action, or the fresh decision's when a plan is applied (it decides delete or archive).</summary>
    public CleanupAction Action { get; init; } = Candidate.Action;

    /// <summary>Where the image was when decided: what a deletion frees is billed in that storage class.</summary>
    public ImageStatus Status => Candidate.Status;

    /// <summary>ECR's failure code (ImageReferencedByManifestList, ImageNotFound, ...) or the service error code.</summary>
    public string? FailureCode { get; init; }

    public string? FailureReason { get; init; }

    /// <summary>Why a candidate was not deleted or archived.</summary>
    public string? SkipReason { get; init; }

    public override string ToString() =>
        $"{ImageName.Format(Repository, Digest, Tags)}: {Outcome}{(FailureCode is null ? string.Empty : $" ({FailureCode}: {FailureReason})")}{(SkipReason is null ? string.Empty : $" ({SkipReason})")}";
}
