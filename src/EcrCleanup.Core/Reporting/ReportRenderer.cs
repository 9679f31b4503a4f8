using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EcrCleanup.Diagnostics;
using EcrCleanup.Model;

namespace EcrCleanup.Reporting;

/// <summary>The formats a report is written in.</summary>
public enum ReportFormat
{
    Text,
    Markdown,
    Json,
}

/// <summary>Renders a <see cref="CleanupReport"/>: the seed's text report, Markdown for GitHub step summaries, JSON for machines.</summary>
public static class ReportRenderer
{
    /// <summary>How many protected images and candidates the text and Markdown lists show before "... and N more".</summary>
    public const int ListLimit = 10;

    /// <summary>The report in a format; every form is redacted (<see cref="SecretRedactor"/>) before it is returned.</summary>
    public static string Render(CleanupReport report, ReportFormat format) => format switch
    {
        ReportFormat.Markdown => Markdown(report),
        ReportFormat.Json => Json(report),
        _ => Text(report),
    };

    public static string Text(CleanupReport report)
    {
        var b = new StringBuilder();
        void Line(string text = "") => b.Append(text).Append('\n');
        void Row(string label, object value) => Line(string.Create(CultureInfo.InvariantCulture, $"  {label,-24}{value}"));

        Line("ECR Image Cleanup Report");
        Line("========================");
        Line($"Repository: {report.Repository}");
        Line($"Execution Time: {report.ExecutionTime.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC");
        Line($"Mode: {report.Mode}");
        Line();
        Line("Summary:");
        Row("Total images:", report.TotalImages);
        Row("Protected (in use):", report.ProtectedInUse);
        Row("  - Production:", report.ProtectedProduction);
        Row("  - PR environments:", report.ProtectedPullRequests);
        Row("Kept (all reasons):", report.Kept);
        Line();
        Row("Deletion candidates:", report.Candidates);
        Row("  - Old PR images:", report.OldPullRequestImages);
        Row("  - Old prod images:", report.OldProductionImages);
        Row("  - Untagged images:", report.UntaggedImages);
        Row("  - Other old images:", report.OtherImages);
        Line();
        Row(report.DryRun ? "Would delete:" : "Deleted:", report.Deleted);
        Row("Failed:", report.Failed);
        Row("Skipped:", report.Skipped);
        Row(report.DryRun ? "Storage to reclaim:" : "Storage reclaimed:", FormatBytes(report.StorageReclaimedBytes));
        Row("Monthly saving:", string.Create(CultureInfo.InvariantCulture, $"${report.MonthlySavingUsd:0.00} (at ${CleanupReport.PricePerGbMonth:0.00}/GB-month)"));
        Line();
        Line("Protected Images:");
        List(report.Protected.Select(DescribeProtected).ToList(), Line, "  • ");
        Line();
        Line("Production Builds Kept for Rollback:");
        List(report.RetainedProduction.Select(DescribeRetained).ToList(), Line, "  • ");
        Line();
        Line("Deletion Candidates:");
        List(report.CandidateList.Select(c => $"{TagText(c.Tags)} - {c.Reason}").ToList(), Line, "  • ");
        var failures = report.Results.Where(r => r.Outcome == Deletion.DeletionOutcome.Failed).ToList();
        if (failures.Count > 0)
        {
            Line();
            Line("Failures:");
            List(failures.Select(f => $"{TagText(f.Tags)} ({f.Digest}) - {f.FailureCode}: {f.FailureReason}").ToList(), Line, "  • ");
        }

        if (report.Warnings.Count > 0)
        {
            Line();
            Line("Warnings:");
            foreach (var warning in report.Warnings)
            {
                Line($"  ! {warning}");
            }
        }

        Line();
        Line("Configuration:");
        Row("Production retention:", $"{report.Configuration.ProductionRetentionCount} images");
        Row("Minimum image age:", string.Create(CultureInfo.InvariantCulture, $"{report.Configuration.MinImageAgeHours:0.##} hours"));
        Row("Region:", report.Configuration.Region);
        Row("Dry run:", report.DryRun ? "true" : "false");
        Row("Production stack:", report.Configuration.ProductionStackName);
        Row("PR stack prefix:", report.Configuration.PullRequestStackPrefix);
        Row("GitHub repository:", report.Configuration.GitHubRepository ?? "(skipped)");
        Line();
        Line("Run:");
        Row("Duration:", string.Create(CultureInfo.InvariantCulture, $"{report.Duration.TotalSeconds:0.0}s (reading {report.ReadDuration.TotalSeconds:0.0}s)"));
        Row("Read:", report.Read);
        Row("Calls:", string.Join(", ", report.Calls.Select(c => $"{c.Key} {c.Value}")));
        return SecretRedactor.Redact(b.ToString());
    }

    public static string Markdown(CleanupReport report)
    {
        var b = new StringBuilder();
        void Line(string text = "") => b.Append(text).Append('\n');
        Line($"## ECR image cleanup: `{report.Repository}` ({report.Mode})");
        Line();
        Line($"{report.ExecutionTime.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC, {report.Duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)}s (reading {report.ReadDuration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)}s: {report.Read})");
        Line();
        Line("| | images |");
        Line("| --- | ---: |");
        Line($"| Total | {report.TotalImages} |");
        Line($"| Protected (in use) | {report.ProtectedInUse} |");
        Line($"| &nbsp;&nbsp;Production | {report.ProtectedProduction} |");
        Line($"| &nbsp;&nbsp;PR environments | {report.ProtectedPullRequests} |");
        Line($"| Deletion candidates | {report.Candidates} |");
        Line($"| &nbsp;&nbsp;Old PR images | {report.OldPullRequestImages} |");
        Line($"| &nbsp;&nbsp;Old prod images | {report.OldProductionImages} |");
        Line($"| &nbsp;&nbsp;Untagged | {report.UntaggedImages} |");
        Line($"| &nbsp;&nbsp;Other | {report.OtherImages} |");
        Line($"| {(report.DryRun ? "Would delete" : "Deleted")} | {report.Deleted} |");
        Line($"| Failed | {report.Failed} |");
        Line($"| Skipped | {report.Skipped} |");
        Line();
        Line(string.Create(CultureInfo.InvariantCulture, $"Storage {(report.DryRun ? "to reclaim" : "reclaimed")}: **{FormatBytes(report.StorageReclaimedBytes)}**, about **${report.MonthlySavingUsd:0.00}/month**."));
        Line();
        Line("<details><summary>Protected images</summary>");
        Line();
        List(report.Protected.Select(p => Escape(DescribeProtected(p))).ToList(), Line, "- ");
        Line();
        Line("</details>");
        Line();
        Line("<details><summary>Production builds kept for rollback</summary>");
        Line();
        List(report.RetainedProduction.Select(c => Escape(DescribeRetained(c))).ToList(), Line, "- ");
        Line();
        Line("</details>");
        Line();
        Line("<details><summary>Deletion candidates</summary>");
        Line();
        List(report.CandidateList.Select(c => Escape($"{TagText(c.Tags)} - {c.Reason}")).ToList(), Line, "- ");
        Line();
        Line("</details>");
        if (report.Warnings.Count > 0)
        {
            Line();
            Line("**Warnings**");
            Line();
            foreach (var warning in report.Warnings)
            {
                Line($"- {Escape(warning)}");
            }
        }

        Line();
        Line(string.Create(CultureInfo.InvariantCulture,
            $"Retention {report.Configuration.ProductionRetentionCount}, minimum age {report.Configuration.MinImageAgeHours:0.##}h, region {report.Configuration.Region}, dry run {(report.DryRun ? "true" : "false")}."));
        return SecretRedactor.Redact(b.ToString());
    }

    public static string Json(CleanupReport report)
    {
        var json = new JsonObject
        {
            ["repository"] = report.Repository,
            ["executionTime"] = report.ExecutionTime.ToString("O", CultureInfo.InvariantCulture),
            ["mode"] = report.Mode,
            ["dryRun"] = report.DryRun,
            ["summary"] = new JsonObject
            {
                ["totalImages"] = report.TotalImages,
                ["protectedInUse"] = report.ProtectedInUse,
                ["protectedProduction"] = report.ProtectedProduction,
                ["protectedPullRequests"] = report.ProtectedPullRequests,
                ["kept"] = report.Kept,
                ["candidates"] = report.Candidates,
                ["oldPullRequestImages"] = report.OldPullRequestImages,
                ["oldProductionImages"] = report.OldProductionImages,
                ["untaggedImages"] = report.UntaggedImages,
                ["otherImages"] = report.OtherImages,
                [report.DryRun ? "wouldDelete" : "deleted"] = report.Deleted,
                ["failed"] = report.Failed,
                ["skipped"] = report.Skipped,
                ["storageReclaimedBytes"] = report.StorageReclaimedBytes,
                ["monthlySavingUsd"] = report.MonthlySavingUsd,
            },
            ["protected"] = new JsonArray(report.Protected.Select(p => (JsonNode)new JsonObject
            {
                ["digest"] = p.Digest,
                ["tags"] = new JsonArray(p.Tags.Select(t => (JsonNode)t!).ToArray()),
                ["reason"] = p.Reason.ToString(),
                ["environment"] = p.Environment.ToString(),
                ["stack"] = p.StackName,
                ["function"] = p.FunctionName,
                ["workload"] = p.Workload,
                ["qualifier"] = p.Qualifier,
                ["pullRequest"] = p.PullRequestNumber,
            }).ToArray()),
            ["retainedProduction"] = new JsonArray(report.RetainedProduction.Select(c => (JsonNode)new JsonObject
            {
                ["digest"] = c.Digest,
                ["tags"] = new JsonArray(c.Tags.Select(t => (JsonNode)t!).ToArray()),
                ["productionRank"] = c.ProductionRank,
                ["commitSha"] = c.CommitSha,
            }).ToArray()),
            ["results"] = new JsonArray(report.Results.Where(r => r.Candidate.IsDelete).Select(r => (JsonNode)new JsonObject
            {
                ["digest"] = r.Digest,
                ["tags"] = new JsonArray(r.Tags.Select(t => (JsonNode)t!).ToArray()),
                ["sizeBytes"] = r.SizeBytes,
                ["category"] = r.Candidate.Category.ToString(),
                ["rule"] = r.Candidate.Rule.ToString(),
                ["reason"] = r.Candidate.Reason,
                ["outcome"] = r.Outcome.ToString(),
                ["failureCode"] = r.FailureCode,
                ["failureReason"] = r.FailureReason,
                ["skipReason"] = r.SkipReason,
            }).ToArray()),
            ["warnings"] = new JsonArray(report.Warnings.Select(w => (JsonNode)w!).ToArray()),
            ["configuration"] = JsonSerializer.SerializeToNode(report.Configuration),
            ["read"] = new JsonObject
            {
                ["stacks"] = report.Read.Stacks,
                ["functions"] = report.Read.Functions,
                ["ecs"] = report.Read.Ecs is { } ecs
                    ? new JsonObject { ["clusters"] = ecs.Clusters, ["services"] = ecs.Services, ["tasks"] = ecs.Tasks, ["taskDefinitions"] = ecs.TaskDefinitions }
                    : null,
            },
            ["calls"] = JsonSerializer.SerializeToNode(report.Calls),
            ["durationSeconds"] = Math.Round(report.Duration.TotalSeconds, 3),
            ["readSeconds"] = Math.Round(report.ReadDuration.TotalSeconds, 3),
        };
        return SecretRedactor.Redact(json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private static void List(IReadOnlyList<string> items, Action<string> line, string bullet)
    {
        if (items.Count == 0)
        {
            line($"{bullet}(none)");
            return;
        }

        foreach (var item in items.Take(ListLimit))
        {
            line(bullet + item);
        }

        if (items.Count > ListLimit)
        {
            line($"  ... and {items.Count - ListLimit} more");
        }
    }

    private static string DescribeProtected(ProtectedImage p)
    {
        var where = p.Environment switch
        {
            DeploymentEnvironment.Production => "Production",
            DeploymentEnvironment.PullRequest => p.PullRequestNumber is { } n ? $"PR #{n}" : $"PR stack {p.StackName}",
            _ => p.FunctionName is { } function ? $"function {function}" : p.Workload ?? "outside the stacks",
        };
        return $"{TagText(p.Tags)} ({where})";
    }

    private static string DescribeRetained(CleanupCandidate c) =>
        string.Create(CultureInfo.InvariantCulture, $"{TagText(c.Tags)} (production build #{c.ProductionRank})");

    private static string TagText(IReadOnlyList<string> tags) => tags.Count == 0 ? "<untagged>" : string.Join(", ", tags);

    private static string Escape(string text) => text.Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static string FormatBytes(long bytes) => bytes switch
    {
        >= 1_000_000_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1_000_000_000.0:0.00} GB"),
        >= 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1_000_000.0:0.0} MB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes"),
    };
}
