using System.Management.Automation;
using System.Text;
using EcrCleanup.Commands.Infrastructure;
using EcrCleanup.Deletion;
using EcrCleanup.Reporting;

namespace EcrCleanup.Commands;

/// <summary>
/// <para type="synopsis">Runs the whole cleanup of an ECR repository: protected set, decisions, deletions, report.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "EcrCleanup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(CleanupReport))]
public sealed class InvokeEcrCleanupCommand : DecisionCmdletBase
{
    private string? _reportPath;
    private string? _journalPath;
    private string? _stepSummary;
    private bool _dryRun;

    /// <summary>Delete without asking for each image. -WhatIf still wins.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>A file that gets one JSON line per image before its delete call (intent) and after it (outcome).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? JournalPath { get; set; }

    /// <summary>Stop before deleting anything when more images than this would be deleted.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? MaxDeleteCount { get; set; }

    /// <summary>Stop before deleting anything when more than this percentage of the repository's images would be deleted.</summary>
    [Parameter]
    [ValidateRange(0.0, 100.0)]
    public double? MaxDeletePercent { get; set; }

    /// <summary>Also write the report to this file.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ReportPath { get; set; }

    /// <summary>The format of -ReportPath: Text (the default), Markdown or Json.</summary>
    [Parameter]
    public ReportFormat ReportFormat { get; set; } = ReportFormat.Text;

    protected override Task BeginProcessingAsync()
    {
        _reportPath = ReportPath is null ? null : ResolveOutputPath(ReportPath, "-" + nameof(ReportPath), "ReportFolderNotFound");
        _journalPath = JournalPath is null ? null : ResolveOutputPath(JournalPath, "-" + nameof(JournalPath), "JournalFolderNotFound");
        var stepSummary = Environment.GetEnvironmentVariable("GITHUB_STEP_SUMMARY");
        _stepSummary = string.IsNullOrWhiteSpace(stepSummary) ? null : ResolveOutputPath(stepSummary, "GITHUB_STEP_SUMMARY", "StepSummaryNotWritable");
        var forcedDryRun = EnvironmentDefaults.DryRun();
        _dryRun = forcedDryRun || WhatIfRequested();
        if (forcedDryRun)
        {
            Warn("DRY_RUN=true: a dry run, nothing is deleted.");
        }

        return base.BeginProcessingAsync();
    }

    protected override async Task EndProcessingAsync()
    {
        var run = CreateRun(Settings, GitHubToken, HowToGiveToken);
        var options = new DeletionOptions { DryRun = _dryRun, MaxDeleteCount = MaxDeleteCount, MaxDeletePercent = MaxDeletePercent };
        var callbacks = CreateDeletionCallbacks(Settings.RepositoryName, _dryRun, Force, _journalPath);
        var report = await CallServicesAsync(Settings.RepositoryName, async () =>
        {
            try
            {
                return await run.RunAsync(options, callbacks, Warn, CancelToken).ConfigureAwait(false);
            }
            catch (DeletionStoppedException e)
            {
                // The record first, then the failure that stopped the run.
                await WriteAsync(e.Report).ConfigureAwait(false);
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException!);
                throw;
            }
        }).ConfigureAwait(false);
        await WriteAsync(report).ConfigureAwait(false);
    }

    /// <summary>The report to -ReportPath and the step summary, and to the pipeline.</summary>
    private async Task WriteAsync(CleanupReport report)
    {
        if (_reportPath is not null)
        {
            await File.WriteAllTextAsync(_reportPath, ReportRenderer.Render(report, ReportFormat), new UTF8Encoding(false), CancelToken).ConfigureAwait(false);
            Verbose($"Report written to {_reportPath}");
        }

        if (_stepSummary is not null)
        {
            await File.AppendAllTextAsync(_stepSummary, ReportRenderer.Markdown(report) + "\n", new UTF8Encoding(false), CancelToken).ConfigureAwait(false);
        }

        Emit(report);
    }
}
