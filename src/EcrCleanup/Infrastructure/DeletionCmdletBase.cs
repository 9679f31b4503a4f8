using System.Management.Automation;
using EcrCleanup.Decisions;
using EcrCleanup.Deletion;
using EcrCleanup.Model;

namespace EcrCleanup.Commands.Infrastructure;

/// <summary>
/// What the cmdlets that delete share: -Force, -JournalPath, the delete limits, one ShouldProcess per image
/// whose target names the image, a WriteError per failed image and progress while deleting.
/// </summary>
public abstract class DeletionCmdletBase : ProtectionCmdletBase
{
    private const int ProgressActivityId = 10;
    private string? _journalPath;

    /// <summary>Delete without asking for each image. -WhatIf still wins.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

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

    /// <summary>True under -WhatIf (or $WhatIfPreference): nothing is deleted, each image is shown as "What if". Read in BeginProcessing, on the pipeline thread.</summary>
    protected bool IsWhatIf { get; private set; }

    protected override Task BeginProcessingAsync()
    {
        IsWhatIf = (MyInvocation.BoundParameters.TryGetValue("WhatIf", out var whatIf) && whatIf is SwitchParameter { IsPresent: true })
            || (!MyInvocation.BoundParameters.ContainsKey("WhatIf") && LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference")));
        if (JournalPath is not null)
        {
            _journalPath = ResolveOutputPath(JournalPath, nameof(JournalPath), "JournalFolderNotFound");
        }

        return base.BeginProcessingAsync();
    }

    /// <summary>Deletes one repository's candidates; per-image failures become non-terminating errors.</summary>
    protected async Task<IReadOnlyList<DeletionResult>> DeleteCandidatesAsync(string repository, IReadOnlyList<CleanupCandidate> candidates, DeletionOptions options)
    {
        options = options with { MaxDeleteCount = MaxDeleteCount, MaxDeletePercent = MaxDeletePercent };
        var journal = _journalPath is null ? null : new JsonLinesJournal(_journalPath);
        var runner = new DeletionRunner(Clients.CreateEcr(), TimeProvider.System, journal, options);
        var total = candidates.Count(c => c.IsDelete);
        var done = 0;
        var activity = options.DryRun ? $"What if: deleting images from '{repository}'" : $"Deleting images from '{repository}'";
        try
        {
            return await CallServicesAsync(repository, () => runner.RunAsync(
                repository,
                candidates,
                async _ => new ProtectionSet((await ReadProtectionAsync(repository).ConfigureAwait(false)).Protected),
                candidate => ConfirmAsync(candidate, options.DryRun),
                result =>
                {
                    if (result.Candidate.IsDelete)
                    {
                        done++;
                        Progress(new ProgressRecord(ProgressActivityId, activity, $"{done} of {total}: {result}") { PercentComplete = total == 0 ? 100 : done * 100 / total });
                    }

                    if (result.Outcome == DeletionOutcome.Failed)
                    {
                        Error(ErrorRecords.DeletionFailed(result));
                    }
                    else if (result.Outcome == DeletionOutcome.Skipped && result.Candidate.IsDelete)
                    {
                        Warn($"Not deleted: {result.Candidate.Image} ({result.SkipReason}).");
                    }
                },
                CancelToken)).ConfigureAwait(false);
        }
        catch (DeletionLimitException e)
        {
            throw new TerminatingErrorException(new ErrorRecord(e, "DeleteLimitExceeded", ErrorCategory.LimitsExceeded, repository));
        }
        finally
        {
            Progress(new ProgressRecord(ProgressActivityId, activity, "Done") { RecordType = ProgressRecordType.Completed });
        }
    }

    private Task<bool> ConfirmAsync(CleanupCandidate candidate, bool dryRun)
    {
        var target = candidate.Image.ToString();
        if (dryRun && !IsWhatIf)
        {
            // A dry run forced by DRY_RUN=true: nothing to ask, nothing deleted.
            Verbose($"Dry run: would delete {target}: {candidate.Reason}");
            return Task.FromResult(false);
        }

        if (Force && !IsWhatIf)
        {
            Verbose($"Deleting {target}: {candidate.Reason}");
            return Task.FromResult(true);
        }

        return ShouldProcessAsync(target, "Delete image");
    }
}
