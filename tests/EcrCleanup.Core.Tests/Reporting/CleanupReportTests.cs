using System.Text.Json;
using EcrCleanup.Decisions;
using EcrCleanup.Deletion;
using EcrCleanup.Model;
using EcrCleanup.Reading;
using EcrCleanup.Reporting;

namespace EcrCleanup.Core.Tests.Reporting;

public class CleanupReportTests
{
    private static readonly DateTimeOffset Started = new(2025, 12, 18, 2, 0, 0, TimeSpan.Zero);

    private static EcrImage Image(int i, params string[] tags) => new("helpmaton-lambda-images", $"sha256:{i:x64}") { Tags = tags, SizeBytes = 500_000_000, PushedAt = Started.AddHours(-100) };

    private static CleanupReport Build(bool dryRun, DeletionOutcome outcome)
    {
        var images = Enumerable.Range(1, 20).Select(i => Image(i, $"lancedb-{i:x7}")).ToList();
        var protectedImages = new[]
        {
            new ProtectedImage(images[0].Repository, images[0].Digest, ProtectionReason.Deployed) { Tags = images[0].Tags, Environment = DeploymentEnvironment.Production, StackName = "HelpmatonProduction" },
            new ProtectedImage(images[0].Repository, images[0].Digest, ProtectionReason.Deployed) { Tags = images[0].Tags, Environment = DeploymentEnvironment.Production, Qualifier = "7" },
            new ProtectedImage(images[1].Repository, images[1].Digest, ProtectionReason.Deployed) { Tags = images[1].Tags, Environment = DeploymentEnvironment.PullRequest, PullRequestNumber = 123 },
        };
        var evidence = new Evidence(new EcrRepository("helpmaton-lambda-images", "123456789012", "uri", null, null, null), "eu-west-2", images);
        var decisions = images.Select((image, i) => i < 2
            ? new CleanupCandidate(image, CleanupAction.Keep, CleanupRule.Protected, "Deployed", 100) { Protections = protectedImages.Where(p => p.Digest == image.Digest).ToArray() }
            : new CleanupCandidate(image, CleanupAction.Delete, CleanupRule.NotInUse, "Old image (100.0h old, not in use)", 100) { Category = i % 2 == 0 ? CandidateCategory.OldPullRequestImage : CandidateCategory.OldProductionImage }).ToList();
        var results = decisions.Select(d => d.IsDelete ? new DeletionResult(d, outcome, Started) : new DeletionResult(d, DeletionOutcome.Skipped, Started) { SkipReason = "kept" }).ToList();
        return CleanupReportBuilder.Build(new CleanupDecisions(evidence, decisions, new[] { "a warning" }), results, dryRun, Started, Started.AddSeconds(12.5), new Dictionary<string, int> { ["ECR:DescribeImages"] = 1 },
            new ReportConfiguration(15, 24, "eu-west-2", dryRun, "HelpmatonProduction", "HelpmatonStagingPR", "djinilabs/helpmaton"));
    }

    [Fact]
    public void Counts_a_dry_run_as_the_seed_report_does()
    {
        var report = Build(dryRun: true, DeletionOutcome.WouldDelete);

        Assert.Equal(20, report.TotalImages);
        Assert.Equal(2, report.ProtectedInUse);
        Assert.Equal(1, report.ProtectedProduction);
        Assert.Equal(1, report.ProtectedPullRequests);
        Assert.Equal(18, report.Candidates);
        Assert.Equal(9, report.OldPullRequestImages);
        Assert.Equal(9, report.OldProductionImages);
        Assert.Equal(18, report.Deleted);
        Assert.Equal(0, report.Skipped);
        Assert.Equal(18 * 500_000_000L, report.StorageReclaimedBytes);
        Assert.Equal(0.90m, report.MonthlySavingUsd);
        Assert.Equal(2, report.Protected.Count); // one line per image, not per version
    }

    [Fact]
    public void Renders_the_seed_text_report_with_lists_cut_at_ten()
    {
        var text = Build(dryRun: true, DeletionOutcome.WouldDelete).ToString();

        Assert.StartsWith("ECR Image Cleanup Report\n========================\nRepository: helpmaton-lambda-images\nExecution Time: 2025-12-18 02:00:00 UTC\nMode: DRY RUN\n", text, StringComparison.Ordinal);
        Assert.Contains("  Total images:           20\n", text, StringComparison.Ordinal);
        Assert.Contains("  Would delete:           18\n", text, StringComparison.Ordinal);
        Assert.Contains("  • lancedb-0000001 (Production)\n", text, StringComparison.Ordinal);
        Assert.Contains("  • lancedb-0000002 (PR #123)\n", text, StringComparison.Ordinal);
        Assert.Contains("  ... and 8 more\n", text, StringComparison.Ordinal);
        Assert.Contains("  ! a warning\n", text, StringComparison.Ordinal);
        Assert.Contains("  Dry run:                true\n", text, StringComparison.Ordinal);
        Assert.Contains("$0.90", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Counts_failures_and_says_deleted_when_executing()
    {
        var report = Build(dryRun: false, DeletionOutcome.Failed);
        Assert.True(report.HasFailures);
        Assert.Equal(18, report.Failed);
        Assert.Contains("  Deleted:                0\n", report.ToString(), StringComparison.Ordinal);
        Assert.Contains("Mode: EXECUTE", report.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Renders_markdown_and_json()
    {
        var report = Build(dryRun: true, DeletionOutcome.WouldDelete);
        var markdown = ReportRenderer.Render(report, ReportFormat.Markdown);
        Assert.Contains("| Would delete | 18 |", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("<untagged>", markdown, StringComparison.Ordinal);

        using var json = JsonDocument.Parse(ReportRenderer.Render(report, ReportFormat.Json));
        Assert.Equal(18, json.RootElement.GetProperty("summary").GetProperty("wouldDelete").GetInt32());
        Assert.Equal(18, json.RootElement.GetProperty("results").GetArrayLength());
        Assert.Equal(15, json.RootElement.GetProperty("configuration").GetProperty("ProductionRetentionCount").GetInt32());
    }

    [Fact]
    public void Says_what_each_source_held_and_names_the_workload_that_protects_an_image()
    {
        var images = new[] { Image(1, "web-stable") };
        var protection = new ProtectedImage(images[0].Repository, images[0].Digest, ProtectionReason.DeployedOutsideStacks) { Tags = images[0].Tags, Workload = "ECS service apps/web, PRIMARY deployment, ECS task definition web:3, container app" };
        var evidence = new Evidence(new EcrRepository("helpmaton-lambda-images", "123456789012", "uri", null, null, null), "eu-west-2", images)
        {
            StackCount = 4,
            Ecs = new WorkloadScan([], 2, 5, 9, 3),
        };
        var kept = new CleanupCandidate(images[0], CleanupAction.Keep, CleanupRule.Protected, "Deployed", 100) { Protections = [protection] };
        CleanupReport Report(Evidence e) => CleanupReportBuilder.Build(new CleanupDecisions(e, [kept], []), [], true, Started, Started.AddSeconds(1), new Dictionary<string, int>(),
            new ReportConfiguration(15, 24, "eu-west-2", true, "HelpmatonProduction", "HelpmatonStagingPR", null));

        var report = Report(evidence);

        Assert.Contains("Read:                   4 stacks, 0 functions, ECS 2 clusters, 5 services, 9 tasks, 3 task definitions", report.ToString(), StringComparison.Ordinal);
        Assert.Contains("web-stable (ECS service apps/web, PRIMARY deployment, ECS task definition web:3, container app)", report.ToString(), StringComparison.Ordinal);
        using var json = JsonDocument.Parse(ReportRenderer.Render(report, ReportFormat.Json));
        Assert.Equal(9, json.RootElement.GetProperty("read").GetProperty("ecs").GetProperty("tasks").GetInt32());
        Assert.Equal(protection.Workload, json.RootElement.GetProperty("protected")[0].GetProperty("workload").GetString());
        Assert.Contains("ECS skipped", Report(evidence with { Ecs = null }).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_over_several_repositories_reports_a_section_each_the_total_and_the_repositories_not_cleaned()
    {
        var app = Build(dryRun: true, DeletionOutcome.WouldDelete);
        var worker = app with { Repository = "worker", Warnings = ["a warning", "worker's own warning"] };
        var failure = new RepositoryFailure("web", new ProtectionException(ProtectionException.SourceFailed, "ECR", "ECR could not answer for 'web'."));
        var set = CleanupReportSet.Of(["app", "web", "worker"], [app with { Repository = "app" }, worker], [failure], true, Started, Started.AddSeconds(20), app.Calls, app.Configuration);

        Assert.Equal(40, set.TotalImages);
        Assert.Equal(36, set.Deleted);
        Assert.Equal(36 * 500_000_000L, set.StorageReclaimedBytes);
        Assert.Equal(1.80m, set.MonthlySavingUsd);
        Assert.True(set.HasFailures);
        Assert.Equal(["a warning"], set.Warnings); // said once, at the top
        Assert.Equal(["worker's own warning"], set.Repositories[1].Warnings);

        var text = set.ToString();
        Assert.StartsWith("ECR Image Cleanup Report\n========================\nRepositories: app, web, worker (3)\n", text, StringComparison.Ordinal);
        Assert.Contains("  app                                   20       2          18            18       0        0  9.00 GB\n", text, StringComparison.Ordinal);
        Assert.Contains("  web                             not cleaned\n", text, StringComparison.Ordinal);
        Assert.Contains("  Total                                 40       4          36            36       0        0  18.00 GB\n", text, StringComparison.Ordinal);
        Assert.Contains("  ! web (ProtectionSourceFailed): ECR could not answer for 'web'.\n", text, StringComparison.Ordinal);
        Assert.Contains("\nRepository: worker\n------------------\nSummary:\n  Total images:           20\n", text, StringComparison.Ordinal);
        Assert.Equal(1, text.Split("Calls:").Length - 1); // the whole run's calls, once

        var markdown = ReportRenderer.Render(set, ReportFormat.Markdown);
        Assert.Contains("## ECR image cleanup: 3 repositories (DRY RUN)", markdown, StringComparison.Ordinal);
        Assert.Contains("| **Total** | 40 | 4 | 36 | 36 | 0 | 0 | 18.00 GB |", markdown, StringComparison.Ordinal);
        Assert.Contains("### `worker`", markdown, StringComparison.Ordinal);

        using var json = JsonDocument.Parse(ReportRenderer.Render(set, ReportFormat.Json));
        Assert.Equal(36, json.RootElement.GetProperty("total").GetProperty("wouldDelete").GetInt32());
        Assert.Equal(["app", "worker"], json.RootElement.GetProperty("repositories").EnumerateArray().Select(r => r.GetProperty("repository").GetString()));
        Assert.Equal("ProtectionSourceFailed", json.RootElement.GetProperty("failures")[0].GetProperty("errorId").GetString());
    }
}
