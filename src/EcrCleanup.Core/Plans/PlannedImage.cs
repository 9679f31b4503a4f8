using EcrCleanup.Configuration;
using EcrCleanup.Model;

namespace EcrCleanup.Plans;

/// <summary>
/// One decision as a plan keeps it: what deleting the image needs (its digest, and its tags, to notice a tag added
/// since), and why it was decided so. <see cref="ToCandidate"/> makes it a candidate again, to be decided again.
/// </summary>
public sealed record PlannedImage(string Digest, IReadOnlyList<string> Tags, DateTimeOffset PushedAt, long? SizeBytes, CleanupRule Rule, CandidateCategory Category, string Reason)
{
    public static PlannedImage Of(CleanupCandidate candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        return new(candidate.Digest, candidate.Tags, candidate.PushedAt, candidate.SizeBytes, candidate.Rule, candidate.Category, candidate.Reason);
    }

    /// <summary>True for the rules that delete an image.</summary>
    public static bool Deletes(CleanupRule rule) => rule is CleanupRule.ProductionBeyondRetention or CleanupRule.Untagged or CleanupRule.NotInUse;

    /// <summary>The candidate again, with what it was decided with, for Remove-EcrCleanupCandidate to decide again and delete.</summary>
    /// <param name="registryId">The account it was decided in; null when not known.</param>
    /// <param name="origin">The plan file it comes from, if any.</param>
    public CleanupCandidate ToCandidate(CleanupSettings settings, string? registryId, DateTimeOffset decidedAt, PlanOrigin? origin)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var image = new EcrImage(settings.RepositoryName, Digest) { RegistryId = registryId, Tags = Tags, PushedAt = PushedAt, SizeBytes = SizeBytes };
        var age = PushedAt == default ? double.NaN : (decidedAt - PushedAt).TotalHours;
        return new CleanupCandidate(image, Deletes(Rule) ? CleanupAction.Delete : CleanupAction.Keep, Rule, Reason, age)
        {
            Category = Category,
            DecidedAt = decidedAt,
            Settings = settings,
            Plan = origin,
        };
    }
}
