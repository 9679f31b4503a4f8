using System.Management.Automation;
using EcrCleanup.Commands.Infrastructure;
using EcrCleanup.Deletion;
using EcrCleanup.Model;
using EcrCleanup.Plans;

namespace EcrCleanup.Commands;

/// <summary>
/// <para type="synopsis">Deletes (or archives) the cleanup candidates piped to it from ECR, after reading and deciding their repository again.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "EcrCleanupCandidate", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(DeletionResult))]
public sealed class RemoveEcrCleanupCandidateCommand : AwsCmdletBase
{
    private readonly List<CleanupCandidate> _candidates = new();
    private string? _journalPath;

    /// <summary>
    /// The candidates: from Get-EcrCleanupCandidate, from Import-EcrCleanupPlan, or deserialized (Import-Clixml). Kept
    /// ones are reported as skipped; anything else stops the command before anything is read.
    /// </summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public PSObject[] InputObject { get; set; } = Array.Empty<PSObject>();

    /// <summary>Delete without asking for each image. -WhatIf still wins.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>
    /// Archive the candidates (UpdateImageStorageClass to ARCHIVE) instead of deleting them, whatever the policy they
    /// were decided with; archived candidates are still deleted once their archive window is over.
    /// </summary>
    [Parameter]
    public SwitchParameter Archive { get; set; }

    /// <summary>Write a result (Deleted, Archived, Failed, Skipped, WouldDelete, WouldArchive) for every candidate.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>A file that gets one JSON line per image before its delete call (intent) and after it (outcome).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? JournalPath { get; set; }

    /// <summary>Stop before deleting anything when more images than this would be deleted from a repository.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? MaxDeleteCount { get; set; }

    /// <summary>Stop before deleting anything when more than this percentage of a repository's images would be deleted.</summary>
    [Parameter]
    [ValidateRange(0.0, 100.0)]
    public double? MaxDeletePercent { get; set; }

    protected override Task BeginProcessingAsync()
    {
        _journalPath = JournalPath is null ? null : ResolveOutputPath(JournalPath, "-" + nameof(JournalPath), "JournalFolderNotFound");
        return base.BeginProcessingAsync();
    }

    protected override Task ProcessRecordAsync()
    {
        foreach (var item in InputObject)
        {
            try
            {
                var candidate = PipelineCandidate.From(item);
                PlanChecks.BeforeReading(candidate, Clients.Session.Region, DateTimeOffset.UtcNow);
                _candidates.Add(candidate);
            }
            catch (PlanException e)
            {
                throw new TerminatingErrorException(ErrorRecords.PlanRefused(e, item));
            }
        }

        return Task.CompletedTask;
    }

    protected override async Task EndProcessingAsync()
    {
        var options = new DeletionOptions { DryRun = WhatIfRequested(), MaxDeleteCount = MaxDeleteCount, MaxDeletePercent = MaxDeletePercent };
        foreach (var plan in _candidates.GroupBy(c => c.Settings!))
        {
            var settings = Archive ? plan.Key with { Policy = plan.Key.Policy with { Archive = true } } : plan.Key;
            var run = CreateRun(settings, null, "The candidates were decided with GitHub, and deciding them again reads it: set GITHUB_TOKEN to a token that can read pull requests, commits and deployments.");
            var callbacks = CreateDeletionCallbacks(plan.Key.RepositoryName, options.DryRun, Force, _journalPath);
            var results = await CallServicesAsync(plan.Key.RepositoryName, () => run.ApplyAsync(plan.ToList(), options, callbacks, CancelToken)).ConfigureAwait(false);
            foreach (var result in results.Where(_ => PassThru))
            {
                Emit(result);
            }
        }
    }
}
