using System.Management.Automation;
using System.Text;
using EcrCleanup.Commands.Infrastructure;
using EcrCleanup.Commands.Validation;
using EcrCleanup.Decisions;
using EcrCleanup.Deletion;
using EcrCleanup.Model;
using EcrCleanup.Plans;
using EcrCleanup.Reporting;
using EcrCleanup.Restore;

namespace EcrCleanup.Commands;

/// <summary>
/// <para type="synopsis">Runs the whole cleanup of one or more ECR repositories: protected set, decisions, deletions, report.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "EcrCleanup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(CleanupReport), typeof(CleanupReportSet))]
public sealed class InvokeEcrCleanupCommand : DecisionCmdletBase
{
    private string? _reportPath;
    private string? _journalPath;
    private string? _stepSummary;
    private string? _planPath;
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

    /// <summary>A dry run only: also write its plan to this file, to review and apply later (Import-EcrCleanupPlan | Remove-EcrCleanupCandidate).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PlanPath { get; set; }

    /// <summary>ECR's standard storage price per GB-month the report's saving is estimated at. Default: 0.10 (published).</summary>
    [Parameter]
    [ValidateRange(0.0, 100.0)]
    public decimal StandardPricePerGbMonth { get; set; } = StoragePrices.Published.StandardPerGbMonth;

    /// <summary>ECR's archive storage price per GB-month the report's saving is estimated at. Default: 0.10 (published, the first 150 TB a month; 0.07 beyond).</summary>
    [Parameter]
    [ValidateRange(0.0, 100.0)]
    public decimal ArchivePricePerGbMonth { get; set; } = StoragePrices.Published.ArchivePerGbMonth;

    /// <summary>Restore the images something runs that are archived (they cannot be pulled), during the run.</summary>
    [Parameter]
    public SwitchParameter RestoreDeployed { get; set; }

    /// <summary>How long the plan written to -PlanPath may be applied, from when it was decided. Default: 7 days.</summary>
    [Parameter]
    [ValidatePlanValidFor]
    public TimeSpan PlanValidFor { get; set; } = CleanupPlan.DefaultValidFor;

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

        if (PlanPath is not null)
        {
            _planPath = _dryRun
                ? ResolveOutputPath(PlanPath, "-" + nameof(PlanPath), "PlanFolderNotFound")
                : throw new TerminatingErrorException(ErrorRecords.InvalidInput("PlanRequiresDryRun",
                    "-PlanPath writes the plan of a dry run, to review and apply later; this run deletes. Add -WhatIf to make the plan, then apply it with Import-EcrCleanupPlan | Remove-EcrCleanupCandidate. Nothing was read or deleted.", PlanPath));
        }

        return base.BeginProcessingAsync();
    }

    protected override async Task EndProcessingAsync()
    {
        var names = RepositoryNames;
        var options = new DeletionOptions
        {
            DryRun = _dryRun,
            MaxDeleteCount = MaxDeleteCount,
            MaxDeletePercent = MaxDeletePercent,
            Prices = new StoragePrices(StandardPricePerGbMonth, ArchivePricePerGbMonth),
        };
        if (names.Count > 1)
        {
            await CleanSeveralAsync(names, options).ConfigureAwait(false);
            return;
        }

        var settings = Settings with { RepositoryName = names[0] };
        var run = CreateRun(settings, GitHubToken, HowToGiveToken);
        var callbacks = CreateDeletionCallbacks(settings.RepositoryName, _dryRun, Force, _journalPath);
        var report = await CallServicesAsync(settings.RepositoryName, async () =>
        {
            try
            {
                return await run.RunAsync(options, callbacks, Decided, CancelToken).ConfigureAwait(false);
            }
            catch (DeletionStoppedException e)
            {
                // The record first, then the failure that stopped the run.
                await WriteAsync(e.Report, ReportRenderer.Render, ReportRenderer.Markdown).ConfigureAwait(false);
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException!);
                throw;
            }
        }).ConfigureAwait(false);
        await WriteAsync(await RestoreNotPullableAsync(report).ConfigureAwait(false), ReportRenderer.Render, ReportRenderer.Markdown).ConfigureAwait(false);
    }

    /// <summary>
    /// Several repositories: one read of the shared sources, each repository cleaned in turn, one report. A repository
    /// not cleaned, or whose deleting stopped, is an error of its own and the others go on; a shared source that fails
    /// stops the command before anything is deleted.
    /// </summary>
    private async Task CleanSeveralAsync(IReadOnlyList<string> names, DeletionOptions options)
    {
        if (_planPath is not null)
        {
            throw new TerminatingErrorException(ErrorRecords.InvalidInput("PlanRequiresOneRepository",
                $"-PlanPath writes the plan of one repository, and this run has {names.Count} ({string.Join(", ", names)}). Make a plan per repository (Invoke-EcrCleanup -RepositoryName <name> -WhatIf -PlanPath <file>), or Get-EcrCleanupCandidate -RepositoryName {string.Join(",", names)} | Export-Clixml plan.xml for one file of all. Nothing was read or deleted.", PlanPath));
        }

        var said = new HashSet<string>(StringComparer.Ordinal);
        void Decided(Decisions.CleanupDecisions decisions)
        {
            foreach (var warning in decisions.Warnings.Where(said.Add))
            {
                Warn(warning);
            }
        }

        var run = CreateRun(Settings, GitHubToken, HowToGiveToken);
        var report = await CallServicesAsync(string.Join(", ", names), () => run.RunAsync(names, options,
            repository => CreateDeletionCallbacks(repository, _dryRun, Force, _journalPath), Decided,
            failure => Error(ErrorRecords.RepositoryNotCleaned(failure)), CancelToken)).ConfigureAwait(false);
        var sections = new List<CleanupReport>();
        foreach (var section in report.Repositories)
        {
            sections.Add(await RestoreNotPullableAsync(section).ConfigureAwait(false));
        }

        await WriteAsync(report with { Repositories = sections }, ReportRenderer.Render, ReportRenderer.Markdown).ConfigureAwait(false);
    }

    /// <summary>
    /// With -RestoreDeployed: restores the archived images something runs (ShouldProcess per image, unless -Force;
    /// "What if" in a dry run) without waiting for them, and adds what became of each to the report.
    /// </summary>
    private async Task<CleanupReport> RestoreNotPullableAsync(CleanupReport report)
    {
        var archived = report.NotPullable.Where(p => p.Status == ImageStatus.Archived).Select(p => new ImageToRestore(p.Repository, p.Digest, p.Tags)).ToList();
        if (!RestoreDeployed || archived.Count == 0)
        {
            return report;
        }

        var whatIf = WhatIfRequested();
        Task<IReadOnlyList<bool>> Confirm(IReadOnlyList<EcrImage> images) =>
            _dryRun && !whatIf ? Task.FromResult<IReadOnlyList<bool>>(images.Select(_ => false).ToArray())
            : Force && !whatIf ? Task.FromResult<IReadOnlyList<bool>>(images.Select(_ => true).ToArray())
            : ShouldProcessAsync(images.Select(i => (i.ToString(), "Restore image")).ToArray());

        var restorer = new ImageRestorer(Clients.CreateEcr(), TimeProvider.System);
        var restored = await CallServicesAsync(report.Repository, () => restorer.RestoreAsync(archived, new RestoreOptions { DryRun = _dryRun }, new RestoreCallbacks(Confirm), CancelToken)).ConfigureAwait(false);
        foreach (var result in restored.Where(r => r.FailureCode is not null))
        {
            Error(ErrorRecords.RestoreFailed(result));
        }

        return report with { Restored = restored };
    }

    /// <summary>Before anything is deleted: the warnings, and the plan to -PlanPath.</summary>
    private void Decided(CleanupDecisions decisions)
    {
        foreach (var warning in decisions.Warnings)
        {
            Warn(warning);
        }

        if (_planPath is not null)
        {
            var plan = CleanupPlan.Create(Settings with { RepositoryName = decisions.Evidence.Repository.Name }, decisions.Evidence.Repository.RegistryId, decisions.Candidates, PlanValidFor, DateTimeOffset.UtcNow);
            File.WriteAllText(_planPath, plan.ToJson(), new UTF8Encoding(false));
            Verbose($"{plan} written to {_planPath}");
        }
    }

    /// <summary>The report to -ReportPath and the step summary, and to the pipeline.</summary>
    private async Task WriteAsync<T>(T report, Func<T, ReportFormat, string> render, Func<T, string> markdown)
        where T : notnull
    {
        if (_reportPath is not null)
        {
            await File.WriteAllTextAsync(_reportPath, render(report, ReportFormat), new UTF8Encoding(false), CancelToken).ConfigureAwait(false);
            Verbose($"Report written to {_reportPath}");
        }

        if (_stepSummary is not null)
        {
            await File.AppendAllTextAsync(_stepSummary, markdown(report) + "\n", new UTF8Encoding(false), CancelToken).ConfigureAwait(false);
        }

        Emit(report);
    }
}
