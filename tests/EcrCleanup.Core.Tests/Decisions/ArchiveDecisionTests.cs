using EcrCleanup.Decisions;
using EcrCleanup.Model;
using static EcrCleanup.Core.Tests.Decisions.TestData;

namespace EcrCleanup.Core.Tests.Decisions;

/// <summary>The archive storage class in the decision tree: archive instead of delete, the two stages, restores, what cannot be pulled.</summary>
public class ArchiveDecisionTests
{
    private static EcrImage Archived(int n, double ageHours, double? archivedDaysAgo, params string[] tags) =>
        Image(n, ageHours, tags) with { Status = ImageStatus.Archived, LastArchivedAt = archivedDaysAgo is { } days ? Now.AddDays(-days) : null };

    private static readonly CleanupPolicy Archiving = new() { Archive = true };

    [Fact]
    public void An_active_candidate_is_archived_when_the_policy_archives_and_deleted_when_it_does_not()
    {
        Assert.Equal(CleanupAction.Archive, Decide([Image(1, 500)], policy: Archiving).Single().Action);
        Assert.Equal(CleanupAction.Delete, Decide([Image(1, 500)]).Single().Action);
        var archived = Decide([Image(1, 500)], policy: Archiving).Single();
        Assert.Equal((CleanupRule.Untagged, CandidateCategory.Untagged, "Untagged image (500.0h old)"), (archived.Rule, archived.Category, archived.Reason));
        Assert.True(archived.IsCandidate);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_archived_candidate_is_kept_until_it_has_been_archived_long_enough_then_deleted_never_archived_again(bool archive)
    {
        var policy = new CleanupPolicy { Archive = archive, DeleteArchivedAfterDays = 90 };

        var recent = Decide([Archived(1, 3000, 89.5)], policy: policy).Single();
        Assert.Equal((CleanupAction.Keep, CleanupRule.ArchiveWindow), (recent.Action, recent.Rule));
        Assert.Equal("Archived 89.5 days ago, deleted once archived 90 days", recent.Reason);

        var due = Decide([Archived(1, 3000, 90)], policy: policy).Single();
        Assert.Equal((CleanupAction.Delete, CleanupRule.Untagged), (due.Action, due.Rule));
        Assert.Equal("Untagged image (3000.0h old); archived 90.0 days ago", due.Reason);

        var unknown = Decide([Archived(1, 3000, null)], policy: policy).Single();
        Assert.Equal((CleanupAction.Keep, CleanupRule.ArchiveWindow, "Archived at a time ECR does not give, kept for safety"), (unknown.Action, unknown.Rule, unknown.Reason));
    }

    [Fact]
    public void Zero_days_deletes_an_archived_candidate_at_once()
    {
        Assert.Equal(CleanupAction.Delete, Decide([Archived(1, 3000, 0)], policy: Archiving with { DeleteArchivedAfterDays = 0 }).Single().Action);
    }

    [Fact]
    public void An_image_being_restored_is_kept()
    {
        var restoring = Decide([Image(1, 500) with { Status = ImageStatus.Activating }], policy: Archiving).Single();

        Assert.Equal((CleanupAction.Keep, CleanupRule.BeingRestored, "Being restored from the archive (ACTIVATING)"), (restoring.Action, restoring.Rule, restoring.Reason));
    }

    [Fact]
    public void An_archived_image_something_runs_is_kept_marked_not_pullable_and_warned_of_with_the_fix()
    {
        var deployed = new ProtectedImage(Repository, Digest(1), ProtectionReason.Deployed) { StackName = "HelpmatonProduction", FunctionName = "api", Qualifier = "$LATEST" };
        var decisions = Engine().Decide(Evidence([Archived(1, 500, 10, "lancedb-" + Sha(1)[..7]), Image(2, 500, "lancedb-" + Sha(2)[..7])]) with { ProductionHistory = [], OpenPullRequests = new Dictionary<string, int>() }, [deployed]);

        var kept = decisions.Candidates.For(1);
        Assert.Equal(CleanupAction.Keep, kept.Action);
        var protection = Assert.Single(kept.Protections);
        Assert.Equal(ImageStatus.Archived, protection.Status);
        Assert.True(protection.IsNotPullable);
        Assert.DoesNotContain(decisions.Candidates.For(2).Protections, p => p.IsNotPullable);
        var warning = Assert.Single(decisions.Warnings);
        Assert.StartsWith($"{kept.Image} is ARCHIVED and in use (Deployed: HelpmatonProduction / api ($LATEST)): it cannot be pulled", warning, StringComparison.Ordinal);
        Assert.Contains("Restore-EcrCleanupImage", warning, StringComparison.Ordinal);
        Assert.Contains("-RestoreDeployed", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void While_a_kept_archived_image_index_is_unreadable_every_untagged_image_may_be_its_child_and_stays()
    {
        var index = Archived(1, 500, 10, "lancedb-latest") with { ManifestMediaType = "application/vnd.oci.image.index.v1+json" };
        var untagged = Image(2, 500);
        var old = Image(3, 500, "lancedb-" + Sha(3)[..7]);

        var results = Decide([index, untagged, old], policy: Archiving);

        Assert.Equal(CleanupRule.IndexChildOfKept, results.For(2).Rule);
        Assert.Equal($"May be listed by kept image index {Digest(1)[..19]}…, whose manifest ECR does not give while it is ARCHIVED", results.For(2).Reason);
        Assert.Equal(CleanupAction.Archive, results.For(3).Action); // a tagged image is no child of an index
        Assert.Equal(CleanupAction.Archive, Decide([index with { ManifestMediaType = "application/vnd.oci.image.manifest.v1+json" }, untagged], policy: Archiving).For(2).Action);
    }
}
