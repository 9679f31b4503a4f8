using System.Management.Automation;
using System.Text;
using EcrCleanup.Commands.Infrastructure;
using EcrCleanup.Configuration;
using EcrCleanup.Decisions;
using EcrCleanup.Deletion;
using EcrCleanup.Reporting;

namespace EcrCleanup.Commands;

/// <summary>
/// <para type="synopsis">Runs the whole cleanup of an ECR repository: protected set, decisions, deletions, report.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "EcrCleanup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(CleanupReport))]
public sealed class InvokeEcrCleanupCommand : DeletionCmdletBase
{
    private string? _reportPath;

    /// <summary>Images pushed more recently than this are kept. Default: MIN_IMAGE_AGE_HOURS, then 24.</summary>
    [Parameter]
    [ValidateRange(0.0, 87600.0)]
    public double? MinImageAgeHours { get; set; }

    /// <summary>Also write the report to this file.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ReportPath { get; set; }

    /// <summary>The format of -ReportPath: Text (the default), Markdown or Json.</summary>
    [Parameter]
    public ReportFormat ReportFormat { get; set; } = ReportFormat.Text;

    protected override double? MinImageAgeHoursSetting =>
        EnvironmentDefaults.Number(MinImageAgeHours, ConfigurationDefaults.MinImageAgeHoursVariable, ConfigurationDefaults.MinImageAgeHours, 0, 87600);

    protected override Task BeginProcessingAsync()
    {
        if (ReportPath is not null)
        {
            _reportPath = ResolveOutputPath(ReportPath, nameof(ReportPath), "ReportFolderNotFound");
        }

        return base.BeginProcessingAsync();
    }

    protected override async Task EndProcessingAsync()
    {
        var policy = Policy;
        var started = DateTimeOffset.UtcNow;
        var forcedDryRun = DryRunVariable();
        var dryRun = forcedDryRun || IsWhatIf;
        if (forcedDryRun)
        {
            Warn("DRY_RUN=true: a dry run, nothing is deleted.");
        }

        var protection = await ReadProtectionAsync().ConfigureAwait(false);
        var decisions = new CleanupEngine(policy, TimeProvider.System).Decide(protection.Images, new ProtectionSet(protection.Protected), protection.ProductionHistory, protection.OpenPullRequestShas);
        foreach (var warning in protection.Warnings)
        {
            Warn(warning);
        }

        // The plan is minutes old at most: no need to read the protected set a second time.
        var options = new DeletionOptions { DryRun = dryRun, MaxPlanAge = TimeSpan.FromHours(1) };
        var results = await DeleteCandidatesAsync(protection.Repository.Name, decisions, options).ConfigureAwait(false);

        var report = CleanupReportBuilder.Build(protection, decisions, results, dryRun, started, DateTimeOffset.UtcNow, Calls.Calls,
            new ReportConfiguration(policy.ProductionRetentionCount, policy.MinImageAgeHours, Clients.Session.Region, dryRun,
                EnvironmentDefaults.String(ProductionStackName, ConfigurationDefaults.ProductionStackNameVariable, ConfigurationDefaults.ProductionStackName),
                EnvironmentDefaults.String(PullRequestStackPrefix, ConfigurationDefaults.PullRequestStackPrefixVariable, ConfigurationDefaults.PullRequestStackPrefix),
                SkipGitHub ? null : EnvironmentDefaults.String(GitHubRepository, ConfigurationDefaults.GitHubRepositoryVariable, ConfigurationDefaults.GitHubRepository)));

        if (_reportPath is not null)
        {
            await File.WriteAllTextAsync(_reportPath, ReportRenderer.Render(report, ReportFormat), new UTF8Encoding(false), CancelToken).ConfigureAwait(false);
            Verbose($"Report written to {_reportPath}");
        }

        var stepSummary = Environment.GetEnvironmentVariable("GITHUB_STEP_SUMMARY");
        if (!string.IsNullOrWhiteSpace(stepSummary))
        {
            await File.AppendAllTextAsync(stepSummary, ReportRenderer.Markdown(report) + "\n", new UTF8Encoding(false), CancelToken).ConfigureAwait(false);
        }

        Emit(report);
    }

    /// <summary>DRY_RUN=true (1, yes) forces a dry run; false, 0, no or unset leave it to -WhatIf and -Confirm.</summary>
    private static bool DryRunVariable()
    {
        var value = Environment.GetEnvironmentVariable(ConfigurationDefaults.DryRunVariable)?.Trim().ToLowerInvariant();
        return value switch
        {
            null or "" or "false" or "0" or "no" => false,
            "true" or "1" or "yes" => true,
            _ => throw new TerminatingErrorException(new ErrorRecord(
                new ArgumentException($"DRY_RUN is '{value}'; it must be true or false. Nothing was read or deleted."),
                "InvalidEnvironmentVariable", ErrorCategory.InvalidArgument, ConfigurationDefaults.DryRunVariable)),
        };
    }
}
