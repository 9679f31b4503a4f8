using EcrCleanup.Configuration;
using EcrCleanup.Model;

namespace EcrCleanup.Plans;

/// <summary>
/// One decision as a plan keeps it: what deleting or archiving the image needs (its digest, its tags, to notice a tag
/// added since, and its storage status, to notice it was archived or restored since), what was decided and why.
/// <see cref="ToCandidate"/> makes it a candidate again, to be decided again.
/// </summary>
public sealed record PlannedImage(string Digest, IReadOnlyList<string> Tags, DateTimeOffset PushedAt, long? SizeBytes, CleanupAction Action, CleanupRule Rule, CandidateCategory Category, string Reason)
{
    /// <summary>Where the image was when decided; active unless it was archived or being restored.</summary>
    public ImageStatus Status { get; init; } = ImageStatus.Active;

    /// <summary>When the image last moved to the archive, as ECR said when it was decided; null when it never did.</summary>
    public DateTimeOffset? LastArchivedAt { get; init; }

    public static PlannedImage Of(CleanupCandidate candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        return new(candidate.Digest, candidate.Tags, candidate.PushedAt, candidate.SizeBytes, candidate.Action, candidate.Rule, candidate.Category, candidate.Reason)
        {
            Status = candidate.Status,
            LastArchivedAt = candidate.Image.LastArchivedAt,
        };
    }

    /// <summary>True for the rules that make an image a candidate: deleted, or archived when the policy archives.</summary>
    public static bool MakesCandidate(CleanupRule rule) => rule is CleanupRule.ProductionBeyondRetention or CleanupRule.Untagged or CleanupRule.NotInUse;

    /// <summary>The candidate again, with what it was decided with, for Remove-EcrCleanupCandidate to decide again and delete or archive.</summary>
    /// <param name="registryId">The account it was decided in; null when not known.</param>
    /// <param name="origin">The plan file it comes from, if any.</param>
    /// <exception cref="ArgumentException">The action is not what the rule decides (a kept image with a rule that removes, or the reverse).</exception>
    public CleanupCandidate ToCandidate(CleanupSettings settings, string? registryId, DateTimeOffset decidedAt, PlanOrigin? origin)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!Enum.IsDefined(Action) || MakesCandidate(Rule) == (Action == CleanupAction.Keep))
        {
            throw new ArgumentException($"{Digest} has the action {Action} with the rule {Rule}, which decides {(MakesCandidate(Rule) ? "Delete or Archive" : "Keep")}.");
        }

        var image = new EcrImage(settings.RepositoryName, Digest)
        {
            RegistryId = registryId,
            Tags = Tags,
            PushedAt = PushedAt,
            SizeBytes = SizeBytes,
            Status = Status,
            LastArchivedAt = LastArchivedAt,
        };
        var age = PushedAt == default ? double.NaN : (decidedAt - PushedAt).TotalHours;
        return new CleanupCandidate(image, Action, Rule, Reason, age)
        {
            Category = Category,
            DecidedAt = decidedAt,
            Settings = settings,
            Plan = origin,
        };
    }
}
