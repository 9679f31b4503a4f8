using System.Text.Json.Nodes;
using EcrCleanup.Abstractions;
using EcrCleanup.Configuration;
using EcrCleanup.Core.Tests.Protection;
using EcrCleanup.Decisions;
using EcrCleanup.Deletion;
using EcrCleanup.Diagnostics;
using EcrCleanup.Model;
using EcrCleanup.Plans;
using static EcrCleanup.Core.Tests.Protection.ProtectionWorld;

namespace EcrCleanup.Core.Tests.Plans;

/// <summary>Reviewed plans: what a plan file holds, its fingerprint and expiry, and applying it only where a fresh decision agrees.</summary>
public class CleanupPlanTests
{
    private static readonly TimeSpan Week = TimeSpan.FromDays(7);

    private readonly ProtectionWorld world = new();
    private readonly EcrImage live;
    private readonly EcrImage c2;
    private readonly EcrImage old;
    private readonly EcrImage untagged;

    public CleanupPlanTests()
    {
        var production = world.AddStack("HelpmatonProduction");
        live = world.AddImage("live", 30, "lancedb-" + Sha("c0")[..7]);
        world.AddFunction(production, "prod-api", live);
        world.AddImage("c1", 60, "lancedb-" + Sha("c1")[..7]);
        c2 = world.AddImage("c2", 90, "lancedb-" + Sha("c2")[..7]);
        old = world.AddImage("old", 120, "lancedb-" + Sha("old")[..7]);
        untagged = world.AddImage("untagged", 150);
        // DescribeImages names the registry of every image.
        for (var i = 0; i < world.Images.Count; i++)
        {
            world.Images[i] = world.Images[i] with { RegistryId = Account };
        }

        world.Deployments.AddRange(new[] { "c0", "c1", "c2" }.Select((c, i) => new GitHubDeployment(10 - i, Sha(c), "production", DateTimeOffset.UtcNow.AddHours(-24 * i))));
    }

    private static CleanupSettings Settings => new(Repo, Region) { Policy = new CleanupPolicy { ProductionRetentionCount = 2 } };

    private CleanupRun Run(CleanupSettings? settings = null) => new(settings ?? Settings, new CleanupServices(world, world, world, world, world, world, world, new ServiceCallRecorder()), TimeProvider.System);

    private async Task<IReadOnlyList<CleanupCandidate>> DecideAsync() => (await Run().DecideAsync(null, CancellationToken.None)).Candidates;

    private static DeletionCallbacks Yes() => new(candidates => Task.FromResult<IReadOnlyList<bool>>(candidates.Select(_ => true).ToArray()), _ => { });

    private static string Edit(string json, Action<JsonObject> change)
    {
        var document = JsonNode.Parse(json)!.AsObject();
        change(document);
        return document.ToJsonString();
    }

    [Fact]
    public async Task A_plan_holds_the_deletions_of_one_decision_and_reads_back_the_same_from_its_file()
    {
        var candidates = await DecideAsync();

        var plan = CleanupPlan.FromCandidates(candidates, Week, DateTimeOffset.UtcNow);
        var read = CleanupPlan.Parse(plan.ToJson());

        Assert.Equal(new[] { c2.Digest, old.Digest, untagged.Digest }.Order(StringComparer.Ordinal), plan.Images.Select(i => i.Digest));
        Assert.Equal((Repo, Account, Region), (plan.Repository, plan.RegistryId, plan.Region));
        Assert.Equal(candidates[0].DecidedAt, plan.DecidedAt);
        Assert.Equal(plan.DecidedAt + Week, plan.ExpiresAt);
        Assert.Equal(Settings, plan.Settings);
        Assert.Equal(plan.Fingerprint, read.Fingerprint);
        Assert.Equal(plan.Settings, read.Settings);
        Assert.Equal((plan.DecidedAt, plan.ExpiresAt), (read.DecidedAt, read.ExpiresAt));
        Assert.Equal(plan.Images.Select(i => (i.Digest, string.Join(",", i.Tags), i.PushedAt, i.SizeBytes, i.Rule, i.Category, i.Reason)),
            read.Images.Select(i => (i.Digest, string.Join(",", i.Tags), i.PushedAt, i.SizeBytes, i.Rule, i.Category, i.Reason)));
        Assert.Matches("^sha256:[0-9a-f]{64}$", plan.Fingerprint);
    }

    [Fact]
    public async Task The_fingerprint_is_of_the_content_not_of_its_layout_or_time_offsets()
    {
        var plan = CleanupPlan.FromCandidates(await DecideAsync(), Week, DateTimeOffset.UtcNow);
        var compactInParis = Edit(plan.ToJson(), d => d["decidedAt"] = plan.DecidedAt.ToOffset(TimeSpan.FromHours(1)).ToString("O"));

        Assert.Equal(plan.Fingerprint, CleanupPlan.Parse(compactInParis).Fingerprint);
    }

    public static TheoryData<string, Action<JsonObject>> Edits => new()
    {
        { "a reason", d => d["images"]![0]!["reason"] = "Untagged image (1.0h old)" },
        { "a digest", d => d["images"]![0]!["digest"] = Digest("live") },
        { "a tag added", d => d["images"]![1]!["tags"]!.AsArray().Add("release-1") },
        { "an image left out", d => d["images"]!.AsArray().RemoveAt(0) },
        { "a later expiry", d => d["expiresAt"] = DateTimeOffset.UtcNow.AddYears(1).ToString("O") },
        { "the retention", d => d["policy"]!["productionRetentionCount"] = 1 },
        { "the production stack", d => d["settings"]!["productionStackName"] = "Other" },
        { "the account", d => d["registryId"] = "210987654321" },
        { "the region", d => d["region"] = "us-east-1" },
        { "the fingerprint", d => d["fingerprint"] = "sha256:" + new string('0', 64) },
        { "an action", d => d["images"]![0]!["action"] = "Archive" },
        { "archive mode", d => d["policy"]!["archive"] = true },
        { "the archive window", d => d["policy"]!["deleteArchivedAfterDays"] = 30 },
        { "a status", d => d["images"]![0]!["status"] = "Archived" },
        { "when it was archived", d => d["images"]![0]!["lastArchivedAt"] = DateTimeOffset.UtcNow.AddDays(-100).ToString("O") },
    };

    [Theory]
    [MemberData(nameof(Edits))]
    public async Task A_plan_edited_after_it_was_made_is_refused(string what, Action<JsonObject> edit)
    {
        var plan = CleanupPlan.FromCandidates(await DecideAsync(), Week, DateTimeOffset.UtcNow);

        var e = Assert.Throws<PlanException>(() => CleanupPlan.Parse(Edit(plan.ToJson(), edit)));

        Assert.True(e.ErrorId == PlanException.Modified, $"{what}: {e.ErrorId}");
        Assert.Contains("edited after it was made", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plan_of_a_policy_that_archives_keeps_the_policy_and_each_images_action_and_status_and_is_applied_as_decided()
    {
        var archivedAt = DateTimeOffset.UtcNow.AddDays(-40);
        var index = world.Images.FindIndex(i => i.Digest == old.Digest);
        world.Images[index] = world.Images[index] with { Status = ImageStatus.Archived, LastArchivedAt = archivedAt };
        var archiving = Settings with { Policy = Settings.Policy with { Archive = true, DeleteArchivedAfterDays = 30 } };
        var decided = (await Run(archiving).DecideAsync(null, CancellationToken.None)).Candidates.Where(c => c.IsCandidate).OrderBy(c => c.Digest, StringComparer.Ordinal).ToList();

        var json = CleanupPlan.FromCandidates(decided, Week, DateTimeOffset.UtcNow).ToJson();
        var read = CleanupPlan.Parse(json);
        var fromFile = read.ToCandidates("plan.json");

        Assert.Equal(new[] { (c2.Digest, CleanupAction.Archive), (old.Digest, CleanupAction.Delete), (untagged.Digest, CleanupAction.Archive) }.OrderBy(d => d.Digest, StringComparer.Ordinal),
            decided.Select(c => (c.Digest, c.Action)));
        Assert.Equal(archiving, read.Settings);
        Assert.Contains("\"archive\": true", json, StringComparison.Ordinal);
        Assert.Contains("\"deleteArchivedAfterDays\": 30", json, StringComparison.Ordinal);
        Assert.Equal(decided.Select(c => (c.Digest, c.Action, c.Rule, c.Status, c.Image.LastArchivedAt, c.Reason)),
            fromFile.Select(c => (c.Digest, c.Action, c.Rule, c.Status, c.Image.LastArchivedAt, c.Reason)));
        Assert.Contains("1 image(s) to delete, 2 to archive", read.ToString(), StringComparison.Ordinal);

        var results = await Run(archiving).ApplyAsync(fromFile, new DeletionOptions(), Yes(), CancellationToken.None);

        Assert.Equal(new[] { c2.Digest, untagged.Digest }.Order(StringComparer.Ordinal), results.Where(r => r.Outcome == DeletionOutcome.Archived).Select(r => r.Digest).Order(StringComparer.Ordinal));
        Assert.Equal(old.Digest, results.Single(r => r.Outcome == DeletionOutcome.Deleted).Digest);
    }

    [Theory]
    [InlineData("archive left out", "policy", "archive")]
    [InlineData("an archive turned into a deletion", "images", "action")]
    public async Task A_plan_of_a_policy_that_archives_edited_to_delete_is_refused(string what, string member, string name)
    {
        var archiving = Settings with { Policy = Settings.Policy with { Archive = true } };
        var json = CleanupPlan.FromCandidates((await Run(archiving).DecideAsync(null, CancellationToken.None)).Candidates, Week, DateTimeOffset.UtcNow).ToJson();

        var e = Assert.Throws<PlanException>(() => CleanupPlan.Parse(Edit(json, d => (member == "policy" ? d["policy"]! : d["images"]![0]!).AsObject().Remove(name))));

        Assert.True(e.ErrorId == PlanException.Modified, $"{what}: {e.ErrorId}");
    }

    /// <summary>A plan as the module wrote it before archive mode: format 1 without archive, deleteArchivedAfterDays, action and status.</summary>
    private const string PlanBeforeArchiveMode = """
        {
          "formatVersion": 1,
          "repository": "app",
          "registryId": "123456789012",
          "region": "eu-west-2",
          "decidedAt": "2025-12-18T02:00:00Z",
          "expiresAt": "2025-12-25T02:00:00Z",
          "policy": {
            "productionRetentionCount": 15,
            "minImageAgeHours": 24,
            "tagPattern": "^(?<name>.+)-(?<sha>[0-9a-f]{7,40})$",
            "latestTagPattern": "^(?<name>.+)-latest$"
          },
          "settings": {
            "productionStackName": "HelpmatonProduction",
            "pullRequestStackPrefix": "HelpmatonStagingPR",
            "gitHubRepository": "djinilabs/helpmaton",
            "productionEnvironment": "production",
            "productionHistorySource": "Auto",
            "skipEcs": false,
            "throttleLimit": 32,
            "maxHistoryPages": 20
          },
          "images": [
            {
              "digest": "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
              "tags": [
                "lancedb-1234567"
              ],
              "pushedAt": "2025-12-13T22:00:00Z",
              "sizeBytes": 1000,
              "rule": "NotInUse",
              "category": "OldPullRequestImage",
              "reason": "Old image (100.0h old, not in use)"
            }
          ],
          "fingerprint": "sha256:da93e21f74ddcf188c5482a811bce6f1ba0bcf417b96dc096a236e955272ed0a"
        }
        """;

    [Fact]
    public void A_plan_written_before_archive_mode_reads_back_with_its_fingerprint_and_deletes_as_it_did()
    {
        var plan = CleanupPlan.Parse(PlanBeforeArchiveMode);
        var candidate = Assert.Single(plan.ToCandidates("old.json"));

        Assert.Equal("sha256:da93e21f74ddcf188c5482a811bce6f1ba0bcf417b96dc096a236e955272ed0a", plan.Fingerprint);
        Assert.Equal(CleanupPolicy.Default, plan.Settings.Policy);
        Assert.Equal((CleanupAction.Delete, ImageStatus.Active, (DateTimeOffset?)null), (candidate.Action, candidate.Status, candidate.Image.LastArchivedAt));
        Assert.Equal(PlanException.Modified, Assert.Throws<PlanException>(() => CleanupPlan.Parse(Edit(PlanBeforeArchiveMode, d => d["images"]![0]!["action"] = "Archive"))).ErrorId);

        // The same decision made now says what it means in full, and has the same fingerprint.
        var written = CleanupPlan.FromCandidates([candidate], Week, candidate.DecidedAt);
        Assert.Equal(plan.Fingerprint, written.Fingerprint);
        Assert.Contains("\"action\": \"Delete\"", written.ToJson(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"repository\":\"app\"}")]
    [InlineData("{\"formatVersion\":2}")]
    [InlineData("{\"formatVersion\":\"1\"}")]
    [InlineData("{\"formatVersion\":1,\"repository\":\"app\"}")]
    public void What_is_not_a_plan_of_this_format_is_unreadable(string json)
    {
        var e = Assert.Throws<PlanException>(() => CleanupPlan.Parse(json));

        Assert.Equal(PlanException.Unreadable, e.ErrorId);
    }

    [Fact]
    public async Task A_member_the_format_does_not_have_is_unreadable_rather_than_ignored()
    {
        var plan = CleanupPlan.FromCandidates(await DecideAsync(), Week, DateTimeOffset.UtcNow);

        var e = Assert.Throws<PlanException>(() => CleanupPlan.Parse(Edit(plan.ToJson(), d => d["keep"] = "lancedb-1234567")));

        Assert.Equal(PlanException.Unreadable, e.ErrorId);
    }

    [Fact]
    public void A_plan_is_valid_for_more_than_zero_and_at_most_a_year_from_its_decision()
    {
        Assert.Equal(TimeSpan.FromDays(7), CleanupPlan.DefaultValidFor);
        Assert.False(CleanupPlan.IsValidFor(TimeSpan.Zero));
        Assert.True(CleanupPlan.IsValidFor(TimeSpan.FromSeconds(1)));
        Assert.True(CleanupPlan.IsValidFor(TimeSpan.FromDays(365)));
        Assert.False(CleanupPlan.IsValidFor(TimeSpan.FromDays(366)));
    }

    [Fact]
    public async Task Candidates_too_old_for_the_validity_asked_make_no_plan()
    {
        var candidates = await DecideAsync();

        var e = Assert.Throws<PlanException>(() => CleanupPlan.FromCandidates(candidates, TimeSpan.FromHours(1), candidates[0].DecidedAt.AddHours(2)));

        Assert.Equal(PlanException.InvalidInput, e.ErrorId);
        Assert.Contains("-ValidFor", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kept_candidates_say_which_repository_a_plan_that_deletes_nothing_is_for()
    {
        var kept = (await DecideAsync()).Where(c => !c.IsDelete).ToList();

        var plan = CleanupPlan.FromCandidates(kept, Week, DateTimeOffset.UtcNow);

        Assert.Empty(plan.Images);
        Assert.Equal((Repo, Account), (plan.Repository, plan.RegistryId));
        Assert.Empty(CleanupPlan.Parse(plan.ToJson()).ToCandidates("plan.json"));
    }

    [Fact]
    public async Task Candidates_that_cannot_make_one_plan_are_refused_and_say_why()
    {
        var candidates = await DecideAsync();
        var now = DateTimeOffset.UtcNow;
        var bare = new CleanupCandidate(untagged, CleanupAction.Delete, CleanupRule.Untagged, "Untagged", 150);
        var otherRetention = candidates.Select(c => c.Settings).First()! with { Policy = new CleanupPolicy { ProductionRetentionCount = 5 } };
        var unknownAccount = PlannedImage.Of(candidates[0]).ToCandidate(Settings, null, now, null);

        Assert.Contains("No candidates", Assert.Throws<PlanException>(() => CleanupPlan.FromCandidates([], Week, now)).Message, StringComparison.Ordinal);
        Assert.Contains("carries no settings", Assert.Throws<PlanException>(() => CleanupPlan.FromCandidates([bare], Week, now)).Message, StringComparison.Ordinal);
        Assert.Contains("2 decisions", Assert.Throws<PlanException>(() => CleanupPlan.FromCandidates([candidates[0], PlannedImage.Of(candidates[1]).ToCandidate(otherRetention, Account, now, null)], Week, now)).Message, StringComparison.Ordinal);
        Assert.Contains("one AWS account", Assert.Throws<PlanException>(() => CleanupPlan.FromCandidates([candidates[0], unknownAccount], Week, now)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_secret_is_written_and_the_masked_plan_still_reads_back()
    {
        const string token = "ghp_plansecret0123456789abcdefABCDEF";
        SecretRedactor.Register(token);
        var image = new EcrImage(Repo, Digest("x")) { RegistryId = Account, Tags = ["lancedb-1234567"], PushedAt = DateTimeOffset.UtcNow.AddDays(-3) };
        var candidate = new CleanupCandidate(image, CleanupAction.Delete, CleanupRule.NotInUse, $"Old image, see https://user:{token}@example.com", 72)
        {
            Category = CandidateCategory.OldPullRequestImage,
            DecidedAt = DateTimeOffset.UtcNow,
            Settings = Settings,
        };

        var plan = CleanupPlan.FromCandidates([candidate], Week, DateTimeOffset.UtcNow);
        var json = plan.ToJson();

        Assert.DoesNotContain(token, json, StringComparison.Ordinal);
        Assert.Contains(SecretRedactor.Mask, plan.Images[0].Reason, StringComparison.Ordinal);
        Assert.Equal(plan.Fingerprint, CleanupPlan.Parse(json).Fingerprint);
    }

    [Fact]
    public async Task A_plan_for_another_repository_than_the_one_meant_is_refused()
    {
        var plan = CleanupPlan.FromCandidates(await DecideAsync(), Week, DateTimeOffset.UtcNow);

        plan.CheckRepository(Repo);
        var e = Assert.Throws<PlanException>(() => plan.CheckRepository("helpmaton-lambda-images"));

        Assert.Equal(PlanException.RepositoryMismatch, e.ErrorId);
        Assert.Contains("-RepositoryName app", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plans_candidates_carry_what_deciding_them_again_needs_and_where_they_come_from()
    {
        var plan = CleanupPlan.Parse(CleanupPlan.FromCandidates(await DecideAsync(), Week, DateTimeOffset.UtcNow).ToJson());

        var candidates = plan.ToCandidates("/plans/plan.json");

        Assert.All(candidates, c =>
        {
            Assert.True(c.IsDelete);
            Assert.Equal(Settings, c.Settings);
            Assert.Equal(Account, c.Image.RegistryId);
            Assert.Equal(plan.DecidedAt, c.DecidedAt);
            Assert.Equal(new PlanOrigin("/plans/plan.json", plan.Fingerprint, plan.ExpiresAt), c.Plan);
        });
        var oldOne = candidates.Single(c => c.Digest == old.Digest);
        Assert.Equal((CleanupRule.NotInUse, CandidateCategory.OldPullRequestImage), (oldOne.Rule, oldOne.Category));
        Assert.Equal(old.Tags, oldOne.Tags);
        Assert.InRange(oldOne.AgeHours, 119.9, 120.1);
    }

    [Fact]
    public async Task Before_reading_an_expired_plan_a_plan_of_another_region_and_candidates_without_settings_are_refused()
    {
        var plan = CleanupPlan.FromCandidates(await DecideAsync(), Week, DateTimeOffset.UtcNow);
        var fromFile = plan.ToCandidates("plan.json")[0];
        var live = (await DecideAsync()).First(c => c.IsDelete);
        var bare = new CleanupCandidate(untagged, CleanupAction.Delete, CleanupRule.Untagged, "Untagged", 150);

        PlanChecks.BeforeReading(fromFile, Region, plan.ExpiresAt.AddSeconds(-1));
        Assert.Equal(PlanException.Expired, Assert.Throws<PlanException>(() => PlanChecks.BeforeReading(fromFile, Region, plan.ExpiresAt)).ErrorId);
        Assert.Equal(PlanException.RegionMismatch, Assert.Throws<PlanException>(() => PlanChecks.BeforeReading(fromFile, "us-east-1", DateTimeOffset.UtcNow)).ErrorId);
        Assert.Equal(PlanException.NotDecidable, Assert.Throws<PlanException>(() => PlanChecks.BeforeReading(live, "us-east-1", DateTimeOffset.UtcNow)).ErrorId);
        Assert.Equal(PlanException.NotDecidable, Assert.Throws<PlanException>(() => PlanChecks.BeforeReading(bare, Region, DateTimeOffset.UtcNow)).ErrorId);
    }

    [Fact]
    public async Task Applying_a_plan_deletes_only_what_a_fresh_decision_still_deletes()
    {
        var plan = CleanupPlan.Parse(CleanupPlan.FromCandidates(await DecideAsync(), Week, DateTimeOffset.UtcNow).ToJson());
        world.AddLooseFunction("hotfix", old); // since the plan, a function runs one of its images

        var results = await Run().ApplyAsync(plan.ToCandidates("plan.json"), new DeletionOptions(), Yes(), CancellationToken.None);

        Assert.Equal(new[] { c2.Digest, untagged.Digest }.Order(StringComparer.Ordinal), results.Where(r => r.Outcome == DeletionOutcome.Deleted).Select(r => r.Digest).Order(StringComparer.Ordinal));
        Assert.StartsWith("kept when decided again: Deployed outside the watched stacks: hotfix", results.Single(r => r.Digest == old.Digest).SkipReason, StringComparison.Ordinal);
        Assert.Contains(world.Images, i => i.Digest == old.Digest);
    }

    [Fact]
    public async Task A_plan_of_another_account_is_refused_once_the_repository_is_read_again_and_nothing_is_deleted()
    {
        var plan = CleanupPlan.Create(Settings, "210987654321", await DecideAsync(), Week, DateTimeOffset.UtcNow);

        var e = await Assert.ThrowsAsync<PlanException>(() => Run().ApplyAsync(plan.ToCandidates("plan.json"), new DeletionOptions(), Yes(), CancellationToken.None));

        Assert.Equal(PlanException.AccountMismatch, e.ErrorId);
        Assert.Contains("account 210987654321", e.Message, StringComparison.Ordinal);
        Assert.Contains($"account {Account}", e.Message, StringComparison.Ordinal);
        Assert.False(world.Calls.ContainsKey("ECR:BatchDeleteImage"));
        Assert.Equal(5, world.Images.Count);
    }

    [Fact]
    public async Task An_image_index_from_a_plan_goes_before_its_child_though_the_plan_does_not_say_what_it_lists()
    {
        var child = world.AddImage("child", 200) with { RegistryId = Account, ManifestMediaType = "application/vnd.oci.image.manifest.v1+json" };
        var index = world.AddImage("index", 200) with { RegistryId = Account, ManifestMediaType = "application/vnd.oci.image.index.v1+json", ChildDigests = [child.Digest] };
        world.Images.RemoveAll(i => i.Digest == child.Digest || i.Digest == index.Digest);
        world.Images.AddRange([child, index]);
        var plan = CleanupPlan.Parse(CleanupPlan.FromCandidates(await DecideAsync(), Week, DateTimeOffset.UtcNow).ToJson());
        var fromFile = plan.ToCandidates("plan.json");
        Assert.All(fromFile, c => Assert.Empty(c.Image.ChildDigests));

        var results = await Run().ApplyAsync(fromFile, new DeletionOptions(), Yes(), CancellationToken.None);

        var deleted = results.Where(r => r.Outcome == DeletionOutcome.Deleted).Select(r => r.Digest).ToList();
        Assert.True(deleted.IndexOf(index.Digest) < deleted.IndexOf(child.Digest));
        Assert.Equal(2, world.Calls["ECR:BatchDeleteImage"]);
    }
}
