using System.Management.Automation;
using EcrCleanup.Commands.Infrastructure;
using EcrCleanup.Configuration;
using EcrCleanup.Decisions;
using EcrCleanup.Model;
using EcrCleanup.Plans;

namespace EcrCleanup.Tests.Infrastructure;

/// <summary>Candidates as Remove-EcrCleanupCandidate binds them: its own, and deserialized ones (Export-Clixml, Import-Clixml).</summary>
public class PipelineCandidateTests
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static readonly DateTimeOffset DecidedAt = new(2025, 12, 18, 2, 0, 0, TimeSpan.Zero);

    private static readonly CleanupSettings Settings = new("team/api", "us-east-1")
    {
        ProductionStackName = "ApiProd",
        PullRequestStackPrefix = "ApiPR",
        GitHubRepository = null,
        SkipEcs = true,
        ProductionEnvironment = "prod",
        HistorySource = ProductionHistorySource.Commits,
        ThrottleLimit = 4,
        MaxHistoryPages = 3,
        Policy = new CleanupPolicy { ProductionRetentionCount = 7, MinImageAgeHours = 36.5, TagPattern = "^api-(?<sha>[0-9a-f]{7})$", LatestTagPattern = "^api-latest$" },
    };

    private static EcrImage Image => new("team/api", Digest) { RegistryId = "123456789012", Tags = ["api-3f2a9c1", "release"], PushedAt = DecidedAt.AddHours(-80), SizeBytes = 123_456_789 };

    private static CleanupCandidate Candidate(CleanupAction action = CleanupAction.Delete, PlanOrigin? plan = null)
    {
        var image = Image;
        return action == CleanupAction.Delete
            ? new CleanupCandidate(image, action, CleanupRule.NotInUse, "Old image (80.0h old, not in use)", 80) { Category = CandidateCategory.OldPullRequestImage, DecidedAt = DecidedAt, Settings = Settings, Plan = plan }
            : new CleanupCandidate(image, action, CleanupRule.UnknownTag, "Unknown tag release", 80) { DecidedAt = DecidedAt, Settings = Settings, Plan = plan };
    }

    /// <summary>What Export-Clixml then Import-Clixml make of an object, at the depth the module's type data gives a candidate.</summary>
    private static PSObject RoundTrip(object value, int depth = PipelineCandidate.SerializationDepth) =>
        (PSObject)PSSerializer.Deserialize(PSSerializer.Serialize(value, depth));

    [Fact]
    public void The_modules_own_candidate_passes_through_as_it_is()
    {
        var candidate = Candidate();

        Assert.Same(candidate, PipelineCandidate.From(PSObject.AsPSObject(candidate)));
    }

    [Fact]
    public void A_deserialized_candidate_is_made_again_with_its_decision_account_and_settings()
    {
        var deserialized = RoundTrip(Candidate());
        Assert.Contains("Deserialized.EcrCleanup.Model.CleanupCandidate", deserialized.TypeNames);

        var candidate = PipelineCandidate.From(deserialized);

        Assert.Equal(("team/api", Digest, "123456789012"), (candidate.Repository, candidate.Digest, candidate.Image.RegistryId));
        Assert.Equal(["api-3f2a9c1", "release"], candidate.Tags);
        Assert.Equal((DecidedAt.AddHours(-80), 123_456_789L), (candidate.PushedAt, candidate.SizeBytes!.Value));
        Assert.Equal((CleanupAction.Delete, CleanupRule.NotInUse, CandidateCategory.OldPullRequestImage), (candidate.Action, candidate.Rule, candidate.Category));
        Assert.Equal("Old image (80.0h old, not in use)", candidate.Reason);
        Assert.Equal(DecidedAt, candidate.DecidedAt);
        Assert.Equal(Settings, candidate.Settings);
        Assert.Null(candidate.Plan);
    }

    [Fact]
    public void A_deserialized_kept_candidate_stays_kept_and_one_from_a_plan_file_keeps_its_expiry()
    {
        var origin = new PlanOrigin("/plans/plan.json", "sha256:" + new string('a', 64), DecidedAt.AddDays(7));

        var kept = PipelineCandidate.From(RoundTrip(Candidate(CleanupAction.Keep)));
        var planned = PipelineCandidate.From(RoundTrip(Candidate(plan: origin)));

        Assert.Equal((CleanupAction.Keep, CleanupRule.UnknownTag), (kept.Action, kept.Rule));
        Assert.Equal(origin, planned.Plan);
    }

    [Fact]
    public void A_deserialized_candidate_of_a_policy_that_archives_is_made_again_with_its_action_and_its_images_status()
    {
        var archiving = Settings with { Policy = Settings.Policy with { Archive = true, DeleteArchivedAfterDays = 45.5 } };
        var archivedAt = DecidedAt.AddDays(-50);
        var toArchive = new CleanupCandidate(Image, CleanupAction.Archive, CleanupRule.NotInUse, "Old image (80.0h old, not in use)", 80)
        {
            Category = CandidateCategory.OldPullRequestImage,
            DecidedAt = DecidedAt,
            Settings = archiving,
        };
        var toDelete = new CleanupCandidate(Image with { Status = ImageStatus.Archived, LastArchivedAt = archivedAt }, CleanupAction.Delete, CleanupRule.NotInUse, "Old image (80.0h old, not in use); archived 50.0 days ago", 80)
        {
            Category = CandidateCategory.OldPullRequestImage,
            DecidedAt = DecidedAt,
            Settings = archiving,
        };

        var archive = PipelineCandidate.From(RoundTrip(toArchive));
        var delete = PipelineCandidate.From(RoundTrip(toDelete));

        Assert.Equal(archiving, archive.Settings);
        Assert.Equal(archiving, delete.Settings);
        Assert.Equal((CleanupAction.Archive, ImageStatus.Active, (DateTimeOffset?)null), (archive.Action, archive.Status, archive.Image.LastArchivedAt));
        Assert.Equal((CleanupAction.Delete, ImageStatus.Archived, (DateTimeOffset?)archivedAt), (delete.Action, delete.Status, delete.Image.LastArchivedAt));
    }

    [Fact]
    public void A_candidate_deserialized_before_archive_mode_is_an_active_image_of_a_policy_that_deletes()
    {
        var deserialized = RoundTrip(Candidate());
        var image = (PSObject)deserialized.Properties["Image"].Value;
        var policy = (PSObject)((PSObject)deserialized.Properties["Settings"].Value).Properties["Policy"].Value;
        foreach (var (item, name) in new[] { (policy, "Archive"), (policy, "DeleteArchivedAfterDays"), (image, "Status"), (image, "LastArchivedAt"), (deserialized, "Status") })
        {
            item.Properties.Remove(name);
        }

        var candidate = PipelineCandidate.From(deserialized);

        Assert.Equal(Settings, candidate.Settings);
        Assert.Equal((CleanupAction.Delete, ImageStatus.Active, (DateTimeOffset?)null), (candidate.Action, candidate.Status, candidate.Image.LastArchivedAt));
    }

    [Fact]
    public void A_candidate_serialized_too_shallow_to_keep_its_policy_is_not_decidable_and_the_message_says_how_deep()
    {
        var shallow = RoundTrip(Candidate(), depth: 2);

        var e = Assert.Throws<PlanException>(() => PipelineCandidate.From(shallow));

        Assert.Equal(PlanException.NotDecidable, e.ErrorId);
        Assert.Contains("Policy is not an object", e.Message, StringComparison.Ordinal);
        Assert.Contains("-Depth 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_deserialized_candidate_missing_its_settings_is_not_decidable()
    {
        var deserialized = RoundTrip(Candidate());
        deserialized.Properties["Settings"].Value = null;

        var e = Assert.Throws<PlanException>(() => PipelineCandidate.From(deserialized));

        Assert.Equal(PlanException.NotDecidable, e.ErrorId);
        Assert.Contains("Settings is not an object", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Rule", "Untagged!")]
    [InlineData("Rule", "3")]
    [InlineData("Digest", "")]
    [InlineData("Action", "Purge")]
    [InlineData("Action", "Keep")]
    public void A_deserialized_candidate_with_a_value_it_cannot_use_is_not_decidable(string property, string value)
    {
        var deserialized = RoundTrip(Candidate());
        deserialized.Properties[property].Value = value;

        Assert.Equal(PlanException.NotDecidable, Assert.Throws<PlanException>(() => PipelineCandidate.From(deserialized)).ErrorId);
    }

    [Fact]
    public void Anything_else_is_not_a_candidate_even_with_the_same_properties()
    {
        var lookalike = new PSObject();
        foreach (var property in RoundTrip(Candidate()).Properties)
        {
            lookalike.Properties.Add(new PSNoteProperty(property.Name, property.Value));
        }

        var e = Assert.Throws<PlanException>(() => PipelineCandidate.From(lookalike));

        Assert.Equal(PlanException.NotDecidable, e.ErrorId);
        Assert.Contains("is not a cleanup candidate", e.Message, StringComparison.Ordinal);
        Assert.Throws<PlanException>(() => PipelineCandidate.From(PSObject.AsPSObject("app@" + Digest)));
    }
}
