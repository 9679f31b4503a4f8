using System.Globalization;

namespace EcrCleanup.Model;

/// <summary>What the cleanup does with an image.</summary>
public enum CleanupAction
{
    Keep,
    Delete,

    /// <summary>Moved to the archive storage class (UpdateImageStorageClass), to be restored if needed: the policy archives instead of deleting.</summary>
    Archive,
}

/// <summary>The branch of the decision tree that decided an image, in the order the tree asks (see docs/decisions.md).</summary>
public enum CleanupRule
{
    /// <summary>Keep: something runs it or was declared to need it (the protection set).</summary>
    Protected,

    /// <summary>Keep: pushed less than the minimum age ago, in the future (clock skew), or at an unknown time.</summary>
    MinimumAge,

    /// <summary>Keep: a tag matches the latest pattern.</summary>
    Latest,

    /// <summary>Keep: built from one of the newest production commits kept for rollback.</summary>
    ProductionRetention,

    /// <summary>Keep: built from a commit of an open pull request.</summary>
    OpenPullRequest,

    /// <summary>Keep: a tag matches neither the commit nor the latest pattern.</summary>
    UnknownTag,

    /// <summary>Keep: a commit image, but the production history or the open pull requests could not be read.</summary>
    CommitStatusUnknown,

    /// <summary>Keep: being restored from the archive (ACTIVATING): someone asked for it back.</summary>
    BeingRestored,

    /// <summary>Keep: archived less long than the policy's DeleteArchivedAfterDays (the archive bills 90 days at least), or at a time ECR does not give.</summary>
    ArchiveWindow,

    /// <summary>Keep: a manifest listed by a kept image index.</summary>
    IndexChildOfKept,

    /// <summary>Keep: a signature, SBOM or attestation whose subject is a kept image.</summary>
    ReferrerOfKept,

    /// <summary>Delete: a production build older than the retained ones.</summary>
    ProductionBeyondRetention,

    /// <summary>Delete: no tags, old enough, and nothing kept refers to it.</summary>
    Untagged,

    /// <summary>Delete: a commit image that is neither production nor an open pull request's.</summary>
    NotInUse,
}

/// <summary>How the cleanup report counts a deletion candidate.</summary>
public enum CandidateCategory
{
    /// <summary>The image is kept.</summary>
    None,

    /// <summary>A commit image whose commit is neither in the production history nor in an open pull request.</summary>
    OldPullRequestImage,

    /// <summary>A production build beyond the retention count.</summary>
    OldProductionImage,

    /// <summary>An image without tags.</summary>
    Untagged,

    /// <summary>Any other deletion; the current decision tree produces none.</summary>
    Other,
}

/// <summary>The decision for one image: keep or delete, the rule that decided and why, in words.</summary>
public sealed class CleanupCandidate
{
    public CleanupCandidate(EcrImage image, CleanupAction action, CleanupRule rule, string reason, double ageHours)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(reason);
        Image = image;
        Action = action;
        Rule = rule;
        Reason = reason;
        AgeHours = ageHours;
    }

    /// <summary>The image decided on, with its manifest references (for the layer that orders deletions).</summary>
    public EcrImage Image { get; }

    public string Repository => Image.Repository;

    public string Digest => Image.Digest;

    public IReadOnlyList<string> Tags => Image.Tags ?? Array.Empty<string>();

    public DateTimeOffset PushedAt => Image.PushedAt;

    /// <summary>Hours since the push at decision time; <see cref="double.NaN"/> when ECR reported no push time.</summary>
    public double AgeHours { get; }

    public long? SizeBytes => Image.SizeBytes;

    public CleanupAction Action { get; }

    public CleanupRule Rule { get; }

    /// <summary>Why, in words: <c>Old image (78.5h old, not in use)</c>.</summary>
    public string Reason { get; }

    /// <summary>The report bucket of a deletion; <see cref="CandidateCategory.None"/> for a kept image.</summary>
    public CandidateCategory Category { get; init; }

    /// <summary>The pull request the image belongs to, when an open pull request or a protection names one.</summary>
    public int? PullRequestNumber { get; init; }

    /// <summary>The commit SHA (as the tag carries it) that tied the image to production or a pull request; otherwise the first of its commit tags.</summary>
    public string? CommitSha { get; init; }

    /// <summary>1 for the newest production commit with images in the repository, 2 for the one before, ...; null for a non-production image.</summary>
    public int? ProductionRank { get; init; }

    /// <summary>Every rule that keeps the image, in the tree's order (the first is <see cref="Rule"/>); empty for a deletion.</summary>
    public IReadOnlyList<CleanupRule> KeptBy { get; init; } = Array.Empty<CleanupRule>();

    /// <summary>
    /// Every protection that keeps the image: what runs it, a retained production build, an open pull request, a
    /// protected index or subject, or something piped in. What Get-ProtectedImage lists for it.
    /// </summary>
    public IReadOnlyList<ProtectedImage> Protections { get; init; } = Array.Empty<ProtectedImage>();

    /// <summary>When the decision was made.</summary>
    public DateTimeOffset DecidedAt { get; init; }

    /// <summary>What the image was read and decided with: Remove-EcrCleanupCandidate reads and decides its repository again with them before deleting.</summary>
    public Configuration.CleanupSettings? Settings { get; init; }

    /// <summary>The plan file the candidate was imported from (Import-EcrCleanupPlan); null for any other.</summary>
    public Plans.PlanOrigin? Plan { get; init; }

    public bool IsDelete => Action == CleanupAction.Delete;

    public bool IsArchive => Action == CleanupAction.Archive;

    /// <summary>A cleanup candidate: deleted or archived, not kept.</summary>
    public bool IsCandidate => Action != CleanupAction.Keep;

    /// <summary>Where the image was when decided: active (standard storage, pullable), archived or being restored.</summary>
    public ImageStatus Status => Image.Status;

    /// <summary><c>repo@sha256:… (tag): Delete, Old image (78.5h old, not in use)</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{ImageName.Format(Repository, Digest, Tags)}: {Action}, {Reason}");
}
