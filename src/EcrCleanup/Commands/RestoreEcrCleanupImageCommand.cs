using System.Globalization;
using System.Management.Automation;
using EcrCleanup.Commands.Infrastructure;
using EcrCleanup.Commands.Validation;
using EcrCleanup.Model;
using EcrCleanup.Restore;

namespace EcrCleanup.Commands;

/// <summary>
/// <para type="synopsis">Restores archived ECR images to the standard storage class, from the pipeline or from a journal.</para>
/// </summary>
[Cmdlet(VerbsData.Restore, "EcrCleanupImage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = InputSet)]
[OutputType(typeof(RestoreResult))]
public sealed class RestoreEcrCleanupImageCommand : AwsCmdletBase
{
    private const string InputSet = "InputObject";
    private const string JournalSet = "Journal";
    private const int RestoringProgressId = 20;
    private const int WaitingProgressId = 21;

    private readonly List<ImageToRestore> _images = new();

    /// <summary>
    /// The images: the module's EcrImage, CleanupCandidate, DeletionResult, ProtectedImage or RestoreResult, or any
    /// object with Repository and Digest (AWS.Tools' ImageDetail: RepositoryName and ImageDigest). Anything else stops
    /// the command before any call.
    /// </summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputSet)]
    public PSObject[] InputObject { get; set; } = Array.Empty<PSObject>();

    /// <summary>A journal file: every image its outcome lines say was Archived is restored.</summary>
    [Parameter(Mandatory = true, ParameterSetName = JournalSet)]
    [ValidateNotNullOrEmpty]
    public string? JournalPath { get; set; }

    /// <summary>Wait until every image being restored is active (pullable), for at most -Timeout.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>The longest wait with -Wait. Default: 30 minutes (AWS expects a restore within 20).</summary>
    [Parameter]
    [ValidateRestoreTimeout]
    public TimeSpan Timeout { get; set; } = ImageRestorer.DefaultTimeout;

    /// <summary>Write a RestoreResult for every image.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Restore without asking for each image. -WhatIf still wins.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override Task ProcessRecordAsync()
    {
        if (ParameterSetName == JournalSet)
        {
            _images.AddRange(ReadJournal(SessionState.Path.GetUnresolvedProviderPathFromPSPath(JournalPath)));
            return Task.CompletedTask;
        }

        foreach (var item in InputObject)
        {
            _images.Add(PipelineImage.From(item) ?? throw new TerminatingErrorException(ErrorRecords.InvalidInput("InvalidRestoreInput",
                $"'{item}' is not an image to restore. Pipe images from Get-EcrCleanupImage, Get-EcrCleanupCandidate, Get-ProtectedImage or Remove-EcrCleanupCandidate -PassThru, " +
                "or objects with Repository (an ECR repository name) and Digest (sha256:<64 hex>) properties, or AWS.Tools' image details (RepositoryName and ImageDigest); or use -JournalPath. Nothing was restored.",
                item.BaseObject.GetType().FullName)));
        }

        return Task.CompletedTask;
    }

    protected override async Task EndProcessingAsync()
    {
        if (_images.Count == 0)
        {
            if (ParameterSetName == JournalSet)
            {
                Warn($"The journal '{JournalPath}' names no archived image: nothing to restore.");
            }

            return;
        }

        var options = new RestoreOptions { DryRun = WhatIfRequested(), Wait = Wait, Timeout = Timeout };
        var whatIf = options.DryRun;
        var restorer = new ImageRestorer(Clients.CreateEcr(), TimeProvider.System);
        foreach (var repository in _images.GroupBy(i => i.Repository, StringComparer.Ordinal))
        {
            Verbose($"Reading the status of {repository.Count()} image(s) of ECR repository '{repository.Key}'");
            var results = await CallServicesAsync(repository.Key, () => restorer.RestoreAsync(repository.ToList(), options, new RestoreCallbacks(images => Confirm(images, whatIf), ReportProgress), CancelToken)).ConfigureAwait(false);
            foreach (var id in new[] { RestoringProgressId, WaitingProgressId })
            {
                Progress(new ProgressRecord(id, "Restoring images", "Done") { RecordType = ProgressRecordType.Completed });
            }

            foreach (var result in results)
            {
                Report(result);
                if (PassThru)
                {
                    Emit(result);
                }
            }
        }
    }

    private static IReadOnlyList<ImageToRestore> ReadJournal(string path)
    {
        if (!File.Exists(path))
        {
            throw new TerminatingErrorException(ErrorRecords.JournalNotFound(path));
        }

        try
        {
            using var reader = File.OpenText(path);
            return ArchiveJournal.ReadArchived(reader, path);
        }
        catch (JournalException e)
        {
            throw new TerminatingErrorException(ErrorRecords.JournalUnreadable(e));
        }
    }

    /// <summary>ShouldProcess per image, unless -Force; under -WhatIf each image is shown as "What if" and nothing is restored.</summary>
    private Task<IReadOnlyList<bool>> Confirm(IReadOnlyList<EcrImage> images, bool whatIf)
    {
        if (Force && !whatIf)
        {
            foreach (var image in images)
            {
                Verbose($"Restoring {image} from the archive");
            }

            return Task.FromResult<IReadOnlyList<bool>>(images.Select(_ => true).ToArray());
        }

        return ShouldProcessAsync(images.Select(i => (i.ToString(), "Restore image")).ToArray());
    }

    private void ReportProgress(RestoreProgress progress)
    {
        var (id, activity, status) = progress.Stage == RestoreStage.Restoring
            ? (RestoringProgressId, $"Restoring images of '{progress.Repository}' from the archive", $"{progress.Done} of {progress.Total} asked")
            : (WaitingProgressId, $"Waiting for the restored images of '{progress.Repository}' to be active",
                string.Create(CultureInfo.InvariantCulture, $"{progress.Done} of {progress.Total} active after {progress.Waited.TotalSeconds:0} s (at most {Timeout.TotalMinutes:0.#} min)"));
        Progress(new ProgressRecord(id, activity, status) { PercentComplete = progress.Total > 0 ? progress.Done * 100 / progress.Total : 0 });
    }

    private void Report(RestoreResult result)
    {
        if (result.FailureCode is not null)
        {
            Error(ErrorRecords.RestoreFailed(result));
        }
        else if (result.Outcome == RestoreOutcome.Skipped)
        {
            Warn($"Not restored: {ImageName.Format(result.Repository, result.Digest, result.Tags)} (declined).");
        }
        else
        {
            Verbose(result.ToString());
        }
    }
}
