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

    /// <summary>The report of a run over several repositories in a format: the totals, then a section per repository; redacted as every form.</summary>
    public static string Render(CleanupReportSet report, ReportFormat format) => format switch
    {
        ReportFormat.Markdown => Markdown(report),
        ReportFormat.Json => Json(report),
        _ => Text(report),
    };

    public static string Text(CleanupReport report)
    {
        var b = new TextWriter();
        b.Line("ECR Image Cleanup Report");
        b.Line("========================");
        b.Line($"Repository: {report.Repository}");
        b.Line($"Execution Time: {Time(report.ExecutionTime)} UTC");
        b.Line($"Mode: {report.Mode}");
        b.Line();
        TextSection(b, report);
        TextRun(b, report.Configuration, report.DryRun, report.Duration, report.ReadDuration, report.Read, report.Calls);
        return SecretRedactor.Redact(b.ToString());
    }

    public static string Text(CleanupReportSet report)
    {
        var b = new TextWriter();
        b.Line("ECR Image Cleanup Report");
        b.Line("========================");
        b.Line(string.Create(CultureInfo.InvariantCulture, $"Repositories: {string.Join(", ", report.RepositoryNames)} ({report.RepositoryNames.Count})"));
        b.Line($"Execution Time: {Time(report.ExecutionTime)} UTC");
        b.Line($"Mode: {report.Mode}");
        b.Line();
        b.Line("Summary:");
        b.Line(string.Create(CultureInfo.InvariantCulture, $"  {"Repository",-32}{"Images",8}{"Kept",8}{"Candidates",12}{(report.DryRun ? "Would delete" : "Deleted"),14}{"Failed",8}{"Skipped",9}  Storage"));
        foreach (var name in report.RepositoryNames)
        {
            var section = report.Repositories.FirstOrDefault(r => r.Repository == name);
            b.Line(section is null
                ? $"  {name,-32}not cleaned"
                : string.Create(CultureInfo.InvariantCulture, $"  {name,-32}{section.TotalImages,8}{section.Kept,8}{section.Candidates,12}{section.Deleted,14}{section.Failed,8}{section.Skipped,9}  {FormatBytes(section.StorageReclaimedBytes)}"));
        }

        b.Line(string.Create(CultureInfo.InvariantCulture, $"  {"Total",-32}{report.TotalImages,8}{report.Kept,8}{report.Candidates,12}{report.Deleted,14}{report.Failed,8}{report.Skipped,9}  {FormatBytes(report.StorageReclaimedBytes)}"));
        b.Row("Monthly saving:", string.Create(CultureInfo.InvariantCulture, $"${report.MonthlySavingUsd:0.00} (each repository's, below)"));
        if (report.Archived > 0)
        {
            b.Row(report.DryRun ? "Would archive:" : "Archived:", string.Create(CultureInfo.InvariantCulture, $"{report.Archived} ({FormatBytes(report.ArchivedBytes)})"));
        }

        if (report.Failures.Count > 0)
        {
            b.Line();
            b.Line("Repositories not cleaned, or whose deleting stopped:");
            foreach (var failure in report.Failures)
            {
                b.Line($"  ! {failure.Repository} ({failure.ErrorId}): {failure.Message}");
            }
        }

        TextWarnings(b, report.Warnings);
        TextRun(b, report.Configuration, report.DryRun, report.Duration, report.ReadDuration, report.Read, report.Calls);
        foreach (var section in report.Repositories)
        {
            b.Line();
            b.Line($"Repository: {section.Repository}");
            b.Line(new string('-', "Repository: ".Length + section.Repository.Length));
            TextSection(b, section);
        }

        return SecretRedactor.Redact(b.ToString());
    }

    public static string Markdown(CleanupReport report)
    {
        var b = new TextWriter();
        b.Line($"## ECR image cleanup: `{report.Repository}` ({report.Mode})");
        b.Line();
        b.Line($"{Time(report.ExecutionTime)} UTC, {Seconds(report.Duration)}s (reading {Seconds(report.ReadDuration)}s: {report.Read})");
        b.Line();
        MarkdownSection(b, report);
        b.Line();
        MarkdownConfiguration(b, report.Configuration, report.DryRun);
        return SecretRedactor.Redact(b.ToString());
    }

    public static string Markdown(CleanupReportSet report)
    {
        var b = new TextWriter();
        b.Line(string.Create(CultureInfo.InvariantCulture, $"## ECR image cleanup: {report.RepositoryNames.Count} repositories ({report.Mode})"));
        b.Line();
        b.Line($"{Time(report.ExecutionTime)} UTC, {Seconds(report.Duration)}s (reading {Seconds(report.ReadDuration)}s{(report.Read is { } read ? $": {read}" : string.Empty)})");
        b.Line();
        b.Line($"| Repository | Images | Kept | Candidates | {(report.DryRun ? "Would delete" : "Deleted")} | Failed | Skipped | Storage |");
        b.Line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var name in report.RepositoryNames)
        {
            var section = report.Repositories.FirstOrDefault(r => r.Repository == name);
            b.Line(section is null
                ? $"| `{name}` | not cleaned | | | | | | |"
                : string.Create(CultureInfo.InvariantCulture, $"| `{name}` | {section.TotalImages} | {section.Kept} | {section.Candidates} | {section.Deleted} | {section.Failed} | {section.Skipped} | {FormatBytes(section.StorageReclaimedBytes)} |"));
        }

        b.Line(string.Create(CultureInfo.InvariantCulture, $"| **Total** | {report.TotalImages} | {report.Kept} | {report.Candidates} | {report.Deleted} | {report.Failed} | {report.Skipped} | {FormatBytes(report.StorageReclaimedBytes)} |"));
        b.Line();
        b.Line(string.Create(CultureInfo.InvariantCulture, $"Storage {(report.DryRun ? "to reclaim" : "reclaimed")}: **{FormatBytes(report.StorageReclaimedBytes)}**, about **${report.MonthlySavingUsd:0.00}/month**."));
        if (report.Failures.Count > 0)
        {
            b.Line();
            b.Line("**Repositories not cleaned, or whose deleting stopped**");
            b.Line();
            foreach (var failure in report.Failures)
            {
                b.Line($"- `{failure.Repository}` ({failure.ErrorId}): {Escape(failure.Message)}");
            }
        }

        MarkdownWarnings(b, report.Warnings);
        b.Line();
        MarkdownConfiguration(b, report.Configuration, report.DryRun);
        foreach (var section in report.Repositories)
        {
            b.Line();
            b.Line($"### `{section.Repository}`");
            b.Line();
            MarkdownSection(b, section);
        }

        return SecretRedactor.Redact(b.ToString());
    }

    public static string Json(CleanupReport report)
    {
        var json = JsonSection(report);
        json["configuration"] = JsonSerializer.SerializeToNode(report.Configuration);
        json["read"] = JsonRead(report.Read);
        json["calls"] = JsonSerializer.SerializeToNode(report.Calls);
        json["durationSeconds"] = Math.Round(report.Duration.TotalSeconds, 3);
        json["readSeconds"] = Math.Round(report.ReadDuration.TotalSeconds, 3);
        return SecretRedactor.Redact(json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    public static string Json(CleanupReportSet report)
    {
        var json = new JsonObject
        {
            ["repositoryNames"] = new JsonArray(report.RepositoryNames.Select(n => (JsonNode)n!).ToArray()),
            ["executionTime"] = report.ExecutionTime.ToString("O", CultureInfo.InvariantCulture),
            ["mode"] = report.Mode,
            ["dryRun"] = report.DryRun,
            ["total"] = new JsonObject
            {
                ["totalImages"] = report.TotalImages,
                ["kept"] = report.Kept,
                ["candidates"] = report.Candidates,
                [report.DryRun ? "wouldDelete" : "deleted"] = report.Deleted,
                [report.DryRun ? "wouldArchive" : "archived"] = report.Archived,
                ["failed"] = report.Failed,
                ["skipped"] = report.Skipped,
                ["storageReclaimedBytes"] = report.StorageReclaimedBytes,
                ["monthlySavingUsd"] = report.MonthlySavingUsd,
            },
            ["repositories"] = new JsonArray(report.Repositories.Select(r => (JsonNode)JsonSection(r)).ToArray()),
            ["failures"] = new JsonArray(report.Failures.Select(f => (JsonNode)new JsonObject { ["repository"] = f.Repository, ["errorId"] = f.ErrorId, ["message"] = f.Message }).ToArray()),
            ["warnings"] = new JsonArray(report.Warnings.Select(w => (JsonNode)w!).ToArray()),
            ["configuration"] = JsonSerializer.SerializeToNode(report.Configuration),
            ["read"] = report.Read is { } read ? JsonRead(read) : null,
            ["calls"] = JsonSerializer.SerializeToNode(report.Calls),
            ["durationSeconds"] = Math.Round(report.Duration.TotalSeconds, 3),
            ["readSeconds"] = Math.Round(report.ReadDuration.TotalSeconds, 3),
        };
        return SecretRedactor.Redact(json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>What one repository's text report says of it: the counts, the lists, its failures and warnings.</summary>
    private static void TextSection(TextWriter b, CleanupReport report)
    {
        var archiving = Archiving(report);
        b.Line("Summary:");
        b.Row("Total images:", report.TotalImages);
        if (report.ArchivedImages + report.ActivatingImages > 0)
        {
            b.Row("  - Archived:", report.ArchivedImages);
            b.Row("  - Being restored:", report.ActivatingImages);
        }

        b.Row("Protected (in use):", report.ProtectedInUse);
        b.Row("  - Production:", report.ProtectedProduction);
        b.Row("  - PR environments:", report.ProtectedPullRequests);
        b.Row("Kept (all reasons):", report.Kept);
        b.Line();
        b.Row("Deletion candidates:", report.Candidates);
        b.Row("  - Old PR images:", report.OldPullRequestImages);
        b.Row("  - Old prod images:", report.OldProductionImages);
        b.Row("  - Untagged images:", report.UntaggedImages);
        b.Row("  - Other old images:", report.OtherImages);
        b.Line();
        b.Row(report.DryRun ? "Would delete:" : "Deleted:", report.Deleted);
        if (archiving)
        {
            b.Row(report.DryRun ? "Would archive:" : "Archived:", report.Archived);
        }

        b.Row("Failed:", report.Failed);
        b.Row("Skipped:", report.Skipped);
        b.Row(report.DryRun ? "Storage to reclaim:" : "Storage reclaimed:", FormatBytes(report.StorageReclaimedBytes));
        if (archiving)
        {
            b.Row(report.DryRun ? "Storage to archive:" : "Storage archived:", FormatBytes(report.ArchivedBytes));
        }

        b.Row("Monthly saving:", string.Create(CultureInfo.InvariantCulture, $"${report.MonthlySavingUsd:0.00} ({Prices(report, archiving)})"));
        b.Line();
        b.Line("Protected Images:");
        List(report.Protected.Select(DescribeProtected).ToList(), b.Line, "  • ");
        if (report.NotPullable.Count > 0)
        {
            b.Line();
            b.Line("In Use but Not Pullable (restore them: Restore-EcrCleanupImage, or -RestoreDeployed):");
            List(report.NotPullable.Select(p => $"{DescribeProtected(p)} - {p.Status.ToString().ToUpperInvariant()}").ToList(), b.Line, "  ! ");
        }

        if (report.Restored.Count > 0)
        {
            b.Line();
            b.Line("Restored Because They Are in Use:");
            List(report.Restored.Select(r => $"{TagText(r.Tags)} ({r.Digest}) - {r.Outcome}{(r.FailureCode is null ? string.Empty : $" ({r.FailureCode}: {r.FailureReason})")}").ToList(), b.Line, "  • ");
        }

        if (report.LifecycleConflicts.Count > 0)
        {
            b.Line();
            b.Line("Kept Images the Lifecycle Policy Would Expire or Archive:");
            List(report.LifecycleConflicts.Select(c => c.ToString()).ToList(), b.Line, "  ! ");
        }
        b.Line();
        b.Line("Production Builds Kept for Rollback:");
        List(report.RetainedProduction.Select(DescribeRetained).ToList(), b.Line, "  • ");
        b.Line();
        b.Line("Deletion Candidates:");
        List(report.CandidateList.Select(c => $"{TagText(c.Tags)} - {c.Reason}").ToList(), b.Line, "  • ");
        var failures = report.Results.Where(r => r.Outcome == Deletion.DeletionOutcome.Failed).ToList();
        if (failures.Count > 0)
        {
            b.Line();
            b.Line("Failures:");
            List(failures.Select(f => $"{TagText(f.Tags)} ({f.Digest}) - {f.FailureCode}: {f.FailureReason}").ToList(), b.Line, "  • ");
        }

        TextWarnings(b, report.Warnings);
    }

    private static void TextWarnings(TextWriter b, IReadOnlyList<string> warnings)
    {
        if (warnings.Count > 0)
        {
            b.Line();
            b.Line("Warnings:");
            foreach (var warning in warnings)
            {
                b.Line($"  ! {warning}");
            }
        }
    }

    /// <summary>What the whole run was: its settings, how long it took, what it read and called.</summary>
    private static void TextRun(TextWriter b, ReportConfiguration configuration, bool dryRun, TimeSpan duration, TimeSpan readDuration, ReadCounts? read, IReadOnlyDictionary<string, int> calls)
    {
        b.Line();
        b.Line("Configuration:");
        b.Row("Production retention:", $"{configuration.ProductionRetentionCount} images");
        b.Row("Minimum image age:", string.Create(CultureInfo.InvariantCulture, $"{configuration.MinImageAgeHours:0.##} hours"));
        b.Row("Region:", configuration.Region);
        b.Row("Dry run:", dryRun ? "true" : "false");
        b.Row("Production stack:", configuration.ProductionStackName);
        b.Row("PR stack prefix:", configuration.PullRequestStackPrefix);
        b.Row("GitHub repository:", configuration.GitHubRepository ?? "(skipped)");
        if (configuration.Archive)
        {
            b.Row("Archive:", string.Create(CultureInfo.InvariantCulture, $"candidates archived; archived ones deleted after {configuration.DeleteArchivedAfterDays:0.##} days"));
        }

        b.Line();
        b.Line("Run:");
        b.Row("Duration:", string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.0}s (reading {readDuration.TotalSeconds:0.0}s)"));
        b.Row("Read:", (object?)read ?? "(no repository decided)");
        b.Row("Calls:", string.Join(", ", calls.Select(c => $"{c.Key} {c.Value}")));
    }

    /// <summary>What one repository's Markdown report says of it: the counts, the lists, its warnings.</summary>
    private static void MarkdownSection(TextWriter b, CleanupReport report)
    {
        b.Line("| | images |");
        b.Line("| --- | ---: |");
        b.Line($"| Total | {report.TotalImages} |");
        b.Line($"| Protected (in use) | {report.ProtectedInUse} |");
        b.Line($"| &nbsp;&nbsp;Production | {report.ProtectedProduction} |");
        b.Line($"| &nbsp;&nbsp;PR environments | {report.ProtectedPullRequests} |");
        b.Line($"| Deletion candidates | {report.Candidates} |");
        b.Line($"| &nbsp;&nbsp;Old PR images | {report.OldPullRequestImages} |");
        b.Line($"| &nbsp;&nbsp;Old prod images | {report.OldProductionImages} |");
        b.Line($"| &nbsp;&nbsp;Untagged | {report.UntaggedImages} |");
        b.Line($"| &nbsp;&nbsp;Other | {report.OtherImages} |");
        b.Line($"| {(report.DryRun ? "Would delete" : "Deleted")} | {report.Deleted} |");
        if (Archiving(report))
        {
            b.Line($"| {(report.DryRun ? "Would archive" : "Archived")} | {report.Archived} ({FormatBytes(report.ArchivedBytes)}) |");
        }

        b.Line($"| Failed | {report.Failed} |");
        b.Line($"| Skipped | {report.Skipped} |");
        b.Line();
        b.Line(string.Create(CultureInfo.InvariantCulture, $"Storage {(report.DryRun ? "to reclaim" : "reclaimed")}: **{FormatBytes(report.StorageReclaimedBytes)}**, about **${report.MonthlySavingUsd:0.00}/month**."));
        b.Line();
        b.Line("<details><summary>Protected images</summary>");
        b.Line();
        List(report.Protected.Select(p => Escape(DescribeProtected(p))).ToList(), b.Line, "- ");
        b.Line();
        b.Line("</details>");
        b.Line();
        b.Line("<details><summary>Production builds kept for rollback</summary>");
        b.Line();
        List(report.RetainedProduction.Select(c => Escape(DescribeRetained(c))).ToList(), b.Line, "- ");
        b.Line();
        b.Line("</details>");
        b.Line();
        b.Line("<details><summary>Deletion candidates</summary>");
        b.Line();
        List(report.CandidateList.Select(c => Escape($"{TagText(c.Tags)} - {c.Reason}")).ToList(), b.Line, "- ");
        b.Line();
        b.Line("</details>");
        if (report.NotPullable.Count > 0)
        {
            b.Line();
            b.Line("**In use but not pullable** (restore them: `Restore-EcrCleanupImage`, or `-RestoreDeployed`)");
            b.Line();
            List(report.NotPullable.Select(p => Escape($"{DescribeProtected(p)} - {p.Status.ToString().ToUpperInvariant()}")).ToList(), b.Line, "- ");
        }

        if (report.LifecycleConflicts.Count > 0)
        {
            b.Line();
            b.Line("**Kept images the lifecycle policy would expire or archive**");
            b.Line();
            List(report.LifecycleConflicts.Select(c => Escape(c.ToString())).ToList(), b.Line, "- ");
        }

        MarkdownWarnings(b, report.Warnings);
    }

    private static void MarkdownWarnings(TextWriter b, IReadOnlyList<string> warnings)
    {
        if (warnings.Count > 0)
        {
            b.Line();
            b.Line("**Warnings**");
            b.Line();
            foreach (var warning in warnings)
            {
                b.Line($"- {Escape(warning)}");
            }
        }
    }

    private static void MarkdownConfiguration(TextWriter b, ReportConfiguration configuration, bool dryRun) =>
        b.Line(string.Create(CultureInfo.InvariantCulture,
            $"Retention {configuration.ProductionRetentionCount}, minimum age {configuration.MinImageAgeHours:0.##}h, region {configuration.Region}, dry run {(dryRun ? "true" : "false")}."));

    /// <summary>What one repository's JSON report says of it; the whole run's settings, reads and calls are added beside it.</summary>
    private static JsonObject JsonSection(CleanupReport report) => new()
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
            [report.DryRun ? "wouldArchive" : "archived"] = report.Archived,
            ["failed"] = report.Failed,
            ["skipped"] = report.Skipped,
            ["storageReclaimedBytes"] = report.StorageReclaimedBytes,
            ["reclaimedFromArchiveBytes"] = report.ReclaimedFromArchiveBytes,
            ["archivedBytes"] = report.ArchivedBytes,
            ["monthlySavingUsd"] = report.MonthlySavingUsd,
            ["activeImages"] = report.ActiveImages,
            ["archivedImages"] = report.ArchivedImages,
            ["activatingImages"] = report.ActivatingImages,
        },
        ["prices"] = new JsonObject { ["standardPerGbMonth"] = report.Prices.StandardPerGbMonth, ["archivePerGbMonth"] = report.Prices.ArchivePerGbMonth },
        ["notPullable"] = new JsonArray(report.NotPullable.Select(p => (JsonNode)new JsonObject
        {
            ["digest"] = p.Digest,
            ["tags"] = new JsonArray(p.Tags.Select(t => (JsonNode)t!).ToArray()),
            ["status"] = p.Status.ToString(),
            ["reason"] = p.Reason.ToString(),
            ["protection"] = Decisions.ProtectionDescription.Describe(p),
        }).ToArray()),
        ["restored"] = new JsonArray(report.Restored.Select(r => (JsonNode)new JsonObject
        {
            ["digest"] = r.Digest,
            ["tags"] = new JsonArray(r.Tags.Select(t => (JsonNode)t!).ToArray()),
            ["outcome"] = r.Outcome.ToString(),
            ["failureCode"] = r.FailureCode,
        }).ToArray()),
        ["lifecycleConflicts"] = new JsonArray(report.LifecycleConflicts.Select(c => (JsonNode)new JsonObject
        {
            ["digest"] = c.Digest,
            ["tags"] = new JsonArray(c.Tags.Select(t => (JsonNode)t!).ToArray()),
            ["rulePriority"] = c.RulePriority,
            ["rule"] = c.RuleDescription,
            ["action"] = c.Action.ToString(),
            ["targetStorageClass"] = c.TargetStorageClass?.ToString(),
            ["keptBecause"] = c.Reason,
        }).ToArray()),
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
        ["results"] = new JsonArray(report.Results.Where(r => r.Candidate.IsCandidate).Select(r => (JsonNode)new JsonObject
        {
            ["digest"] = r.Digest,
            ["tags"] = new JsonArray(r.Tags.Select(t => (JsonNode)t!).ToArray()),
            ["sizeBytes"] = r.SizeBytes,
            ["category"] = r.Candidate.Category.ToString(),
            ["action"] = r.Action.ToString(),
            ["status"] = r.Status.ToString(),
            ["rule"] = r.Candidate.Rule.ToString(),
            ["reason"] = r.Candidate.Reason,
            ["outcome"] = r.Outcome.ToString(),
            ["failureCode"] = r.FailureCode,
            ["failureReason"] = r.FailureReason,
            ["skipReason"] = r.SkipReason,
        }).ToArray()),
        ["warnings"] = new JsonArray(report.Warnings.Select(w => (JsonNode)w!).ToArray()),
    };

    private static JsonObject JsonRead(ReadCounts read) => new()
    {
        ["stacks"] = read.Stacks,
        ["functions"] = read.Functions,
        ["ecs"] = read.Ecs is { } ecs
            ? new JsonObject { ["clusters"] = ecs.Clusters, ["services"] = ecs.Services, ["tasks"] = ecs.Tasks, ["taskDefinitions"] = ecs.TaskDefinitions }
            : null,
    };

    /// <summary>Whether archiving is part of the run: the policy archives, or something was (or would be) archived. Its lines are shown then.</summary>
    private static bool Archiving(CleanupReport report) => report.Configuration.Archive || report.Archived > 0;

    /// <summary>The prices a saving is estimated at: one when nothing is archived, both otherwise.</summary>
    private static string Prices(CleanupReport report, bool archiving) => archiving
        ? string.Create(CultureInfo.InvariantCulture, $"standard ${report.Prices.StandardPerGbMonth:0.00}, archive ${report.Prices.ArchivePerGbMonth:0.00} per GB-month")
        : string.Create(CultureInfo.InvariantCulture, $"at ${report.Prices.StandardPerGbMonth:0.00}/GB-month");

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);

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

    /// <summary>Lines with "\n" endings whatever the platform, and the text report's label-value rows.</summary>
    private sealed class TextWriter
    {
        private readonly StringBuilder _text = new();

        public void Line(string text = "") => _text.Append(text).Append('\n');

        public void Row(string label, object value) => Line(string.Create(CultureInfo.InvariantCulture, $"  {label,-24}{value}"));

        public override string ToString() => _text.ToString();
    }
}
