using EcrCleanup.Abstractions;
using EcrCleanup.Configuration;
using EcrCleanup.Core.Tests.Protection;
using EcrCleanup.Decisions;
using EcrCleanup.Deletion;
using EcrCleanup.Diagnostics;
using EcrCleanup.Model;
using EcrCleanup.Reading;
using static EcrCleanup.Core.Tests.Protection.ProtectionWorld;

namespace EcrCleanup.Core.Tests.Runs;

/// <summary>The whole job as Invoke-EcrCleanup and Remove-EcrCleanupCandidate run it: read, decide, delete, report.</summary>
public class CleanupRunTests
{
    private readonly ProtectionWorld world = new();
    private readonly EcrImage live;
    private readonly EcrImage c1;
    private readonly EcrImage c2;
    private readonly EcrImage old;
    private readonly EcrImage untagged;
    private readonly List<CleanupCandidate> asked = new();

    public CleanupRunTests()
    {
        var production = world.AddStack("HelpmatonProduction");
        live = world.AddImage("live", 30, "lancedb-" + Sha("c0")[..7]);
        world.AddFunction(production, "prod-api", live);
        c1 = world.AddImage("c1", 60, "lancedb-" + Sha("c1")[..7]);
        c2 = world.AddImage("c2", 90, "lancedb-" + Sha("c2")[..7]);
        old = world.AddImage("old", 120, "lancedb-" + Sha("old")[..7]);
        untagged = world.AddImage("untagged", 150);
        world.Deployments.AddRange(new[] { "c0", "c1", "c2" }.Select((c, i) => new GitHubDeployment(10 - i, Sha(c), "production", DateTimeOffset.UtcNow.AddHours(-24 * i))));
    }

    private CleanupRun Run(int retention = 2, bool archive = false) =>
        new(new CleanupSettings(Repo, Region) { Policy = new CleanupPolicy { ProductionRetentionCount = retention, Archive = archive } },
            new CleanupServices(world, world, world, world, world, world, world, new ServiceCallRecorder()), TimeProvider.System);

    private DeletionCallbacks Callbacks(bool confirm = true) => new(candidates => { asked.AddRange(candidates.Select(c => c.Candidate)); return Task.FromResult<IReadOnlyList<bool>>(candidates.Select(_ => confirm).ToArray()); }, _ => { });

    [Fact]
    public async Task Reads_decides_deletes_and_reports_reading_the_images_again_just_before_deleting()
    {
        var warnings = new List<string>();
        var report = await Run().RunAsync(new DeletionOptions(), Callbacks(), d => warnings.AddRange(d.Warnings), CancellationToken.None);

        Assert.Equal(new[] { live.Digest, c1.Digest }.Order(StringComparer.Ordinal), world.Images.Select(i => i.Digest).Order(StringComparer.Ordinal));
        Assert.Equal(new[] { c2.Digest, old.Digest, untagged.Digest }.Order(StringComparer.Ordinal), asked.Select(c => c.Digest).Order(StringComparer.Ordinal));
        Assert.Equal(3, report.Deleted);
        Assert.False(report.DryRun);
        Assert.Equal(2, world.Calls["ECR:DescribeImages"]); // the read, and the re-check before deleting
        Assert.Empty(warnings);
    }

    [Fact]
    public async Task The_report_says_how_long_reading_took_within_the_whole_run()
    {
        // ECR answers only 200 ms after the clock below starts: reading takes at least what is left of that when the
        // run starts, and the run at least as long as reading.
        world.WaitFor["ECR:DescribeImages"] = ["Slow:Never"];
        var clock = System.Diagnostics.Stopwatch.StartNew();
        _ = Task.Delay(200).ContinueWith(_ => world.Started.GetOrAdd("Slow:Never", _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(), TaskScheduler.Default);
        var run = Run();
        var beforeRun = clock.Elapsed;

        var report = await run.RunAsync(new DeletionOptions { DryRun = true }, Callbacks(confirm: false), _ => { }, CancellationToken.None);

        Assert.InRange(report.ReadDuration, TimeSpan.FromMilliseconds(195) - beforeRun, report.Duration);
    }

    [Fact]
    public async Task A_dry_run_reads_the_images_once_and_deletes_nothing()
    {
        var report = await Run().RunAsync(new DeletionOptions { DryRun = true }, Callbacks(confirm: false), _ => { }, CancellationToken.None);

        Assert.Equal(5, world.Images.Count);
        Assert.Equal(3, report.Deleted); // would delete
        Assert.True(report.DryRun);
        Assert.Equal(1, world.Calls["ECR:DescribeImages"]);
        Assert.False(world.Calls.ContainsKey("ECR:BatchDeleteImage"));
    }

    [Fact]
    public async Task Numbers_the_retained_builds_once_for_candidates_protections_and_report()
    {
        var report = await Run(retention: 2).RunAsync(new DeletionOptions { DryRun = true }, Callbacks(confirm: false), _ => { }, CancellationToken.None);

        Assert.Equal(new[] { (live.Digest, 1), (c1.Digest, 2) }, report.RetainedProduction.Select(c => (c.Digest, c.ProductionRank!.Value)));
        var c1Protection = Assert.Single(report.RetainedProduction[1].Protections);
        Assert.Equal(2, c1Protection.ProductionRank);
        Assert.Equal("Production image beyond retention (#3 > 2)", report.CandidateList.Single(c => c.Digest == c2.Digest).Reason);
    }

    [Fact]
    public async Task Applies_a_plan_made_earlier_only_where_a_fresh_decision_agrees()
    {
        var run = Run();
        var plan = (await run.DecideAsync(null, CancellationToken.None)).Candidates;
        world.AddLooseFunction("hotfix", old); // since the plan, a function runs one of its candidates

        var results = await run.ApplyAsync(plan, new DeletionOptions(), Callbacks(), CancellationToken.None);

        var spared = results.Single(r => r.Digest == old.Digest);
        Assert.Equal(DeletionOutcome.Skipped, spared.Outcome);
        Assert.Equal("kept when decided again: Deployed outside the watched stacks: hotfix ($LATEST)", spared.SkipReason);
        Assert.Contains(world.Images, i => i.Digest == old.Digest);
        Assert.Equal(2, results.Count(r => r.Outcome == DeletionOutcome.Deleted));
    }

    [Fact]
    public async Task A_source_that_cannot_answer_stops_the_run_before_anything_is_deleted()
    {
        world.Failing.Add("GitHub:ListDeployments");

        var e = await Assert.ThrowsAsync<ProtectionException>(() => Run().RunAsync(new DeletionOptions(), Callbacks(), _ => { }, CancellationToken.None));

        Assert.Equal("GitHub", e.Source);
        Assert.Empty(asked);
        Assert.False(world.Calls.ContainsKey("ECR:BatchDeleteImage"));
    }

    [Fact]
    public async Task A_run_that_stops_while_deleting_still_has_its_report()
    {
        var e = await Assert.ThrowsAsync<DeletionStoppedException>(() => Run().RunAsync(new DeletionOptions { MaxDeleteCount = 1 }, Callbacks(), _ => { }, CancellationToken.None));

        Assert.IsType<DeletionLimitException>(e.InnerException);
        Assert.Equal(3, e.Report.Candidates);
        Assert.Equal(0, e.Report.Deleted);
        Assert.Contains(e.Report.Warnings, w => w.StartsWith("Deleting stopped: 3 images of 'app' would be deleted", StringComparison.Ordinal));
        Assert.Equal(5, world.Images.Count);
    }

    [Fact]
    public async Task Archives_instead_of_deleting_with_the_same_recheck_questions_journal_and_report()
    {
        var journal = new RecordingJournal();
        var report = await Run(archive: true).RunAsync(new DeletionOptions { Prices = new StoragePrices(0.10m, 0.07m) }, Callbacks() with { Journal = journal }, _ => { }, CancellationToken.None);

        Assert.Equal(5, world.Images.Count);
        Assert.Equal(new[] { c2.Digest, old.Digest, untagged.Digest }.Order(StringComparer.Ordinal), world.Images.Where(i => i.Status == ImageStatus.Archived).Select(i => i.Digest).Order(StringComparer.Ordinal));
        Assert.Equal(3, asked.Count);
        Assert.Equal((0, 3, 0L), (report.Deleted, report.Archived, report.StorageReclaimedBytes));
        Assert.Equal(new[] { c2, old, untagged }.Sum(i => i.SizeBytes!.Value), report.ArchivedBytes);
        Assert.Equal(Math.Round(report.ArchivedBytes * 0.03m / 1_000_000_000m, 2), report.MonthlySavingUsd);
        Assert.Equal(2, world.Calls["ECR:DescribeImages"]); // the read, and the re-check before archiving
        Assert.Equal(3, world.Calls["ECR:UpdateImageStorageClass"]);
        Assert.All(journal.Entries, e => Assert.Equal("Archive", e.Action));
        Assert.Equal(["Archived", "Archived", "Archived"], journal.Entries.Where(e => e.Phase == "outcome").Select(e => e.Outcome));
        Assert.Contains("  Would archive:", (await Run(archive: true).RunAsync(new DeletionOptions { DryRun = true }, Callbacks(confirm: false), _ => { }, CancellationToken.None)).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deletes_an_archived_candidate_once_its_window_is_over_and_keeps_it_until_then()
    {
        var archivedLong = world.AddImage("archived-long", 5000);
        var archivedRecently = world.AddImage("archived-recently", 5000);
        world.Images[world.Images.FindIndex(i => i.Digest == archivedLong.Digest)] = archivedLong with { Status = ImageStatus.Archived, LastArchivedAt = DateTimeOffset.UtcNow.AddDays(-91), ManifestMediaType = DockerManifest };
        world.Images[world.Images.FindIndex(i => i.Digest == archivedRecently.Digest)] = archivedRecently with { Status = ImageStatus.Archived, LastArchivedAt = DateTimeOffset.UtcNow.AddDays(-30), ManifestMediaType = DockerManifest };

        var report = await Run(archive: true).RunAsync(new DeletionOptions(), Callbacks(), _ => { }, CancellationToken.None);

        Assert.DoesNotContain(world.Images, i => i.Digest == archivedLong.Digest);
        Assert.Contains(world.Images, i => i.Digest == archivedRecently.Digest && i.Status == ImageStatus.Archived);
        Assert.Equal((1, 3), (report.Deleted, report.Archived));
        Assert.Equal(archivedLong.SizeBytes, report.ReclaimedFromArchiveBytes);
        Assert.Equal((7, 5, 2), (report.TotalImages, report.ActiveImages, report.ArchivedImages));
    }

    [Fact]
    public async Task An_image_whose_storage_class_changed_since_it_was_decided_is_left_alone()
    {
        var run = Run();
        var decisions = await run.DecideAsync(null, CancellationToken.None);
        world.Images[world.Images.FindIndex(i => i.Digest == old.Digest)] = old with { Status = ImageStatus.Archived, LastArchivedAt = DateTimeOffset.UtcNow };

        var results = await run.DeleteAsync(decisions, new DeletionOptions(), Callbacks(), CancellationToken.None);

        Assert.Equal("active when decided, archived now", results.Single(r => r.Digest == old.Digest).SkipReason);
        Assert.Contains(world.Images, i => i.Digest == old.Digest);
    }

    [Fact]
    public async Task A_plan_applied_by_a_run_that_archives_archives_what_the_plan_deletes()
    {
        var plan = (await Run().DecideAsync(null, CancellationToken.None)).Candidates;

        var results = await Run(archive: true).ApplyAsync(plan, new DeletionOptions(), Callbacks(), CancellationToken.None);

        Assert.Equal(3, results.Count(r => r.Outcome == DeletionOutcome.Archived && r.Action == CleanupAction.Archive));
        Assert.Equal(5, world.Images.Count);
    }

    /// <summary>What DescribeImages says of a single-platform Docker image: no index, so an archived one lists nothing.</summary>
    private const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";

    private sealed class RecordingJournal : IDeletionJournal
    {
        public List<JournalEntry> Entries { get; } = new();

        public Task WriteAsync(JournalEntry entry, CancellationToken cancellationToken)
        {
            Entries.Add(entry);
            return Task.CompletedTask;
        }
    }
}
