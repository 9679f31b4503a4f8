using System.Management.Automation;
using EcrCleanup.Commands.Infrastructure;
using EcrCleanup.Decisions;
using EcrCleanup.Deletion;
using EcrCleanup.Model;

namespace EcrCleanup.Commands;

/// <summary>
/// <para type="synopsis">Deletes the cleanup candidates piped to it from ECR, after checking each one again.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "EcrCleanupCandidate", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(DeletionResult))]
public sealed class RemoveEcrCleanupCandidateCommand : DeletionCmdletBase
{
    private readonly List<CleanupCandidate> _candidates = new();

    /// <summary>The candidates, from Get-EcrCleanupCandidate. Kept ones are reported as skipped.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public CleanupCandidate[] InputObject { get; set; } = Array.Empty<CleanupCandidate>();

    /// <summary>Write a result (Deleted, Failed, Skipped, WouldDelete) for every candidate.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>A plan older than this has its protected set read again before anything is deleted. Default: 10 minutes.</summary>
    [Parameter]
    public TimeSpan MaxPlanAge { get; set; } = TimeSpan.FromMinutes(10);

    protected override Task ProcessRecordAsync()
    {
        _candidates.AddRange(InputObject);
        return Task.CompletedTask;
    }

    protected override async Task EndProcessingAsync()
    {
        var options = new DeletionOptions { MaxPlanAge = MaxPlanAge, DryRun = IsWhatIf };
        foreach (var repository in _candidates.GroupBy(c => c.Repository, StringComparer.Ordinal))
        {
            var results = await DeleteCandidatesAsync(repository.Key, repository.ToList(), options).ConfigureAwait(false);
            if (PassThru)
            {
                foreach (var result in results)
                {
                    Emit(result);
                }
            }
        }
    }
}
