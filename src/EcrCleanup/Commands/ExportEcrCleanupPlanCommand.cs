using System.Management.Automation;
using System.Text;
using EcrCleanup.Commands.Infrastructure;
using EcrCleanup.Commands.Validation;
using EcrCleanup.Model;
using EcrCleanup.Plans;

namespace EcrCleanup.Commands;

/// <summary>
/// <para type="synopsis">Writes what Get-EcrCleanupCandidate would delete or archive to a plan file, to review and apply later.</para>
/// </summary>
[Cmdlet(VerbsData.Export, "EcrCleanupPlan")]
[OutputType(typeof(CleanupPlan))]
public sealed class ExportEcrCleanupPlanCommand : AsyncPSCmdlet
{
    private readonly List<CleanupCandidate> _candidates = new();

    /// <summary>The plan file to write (JSON). An existing file is replaced.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>The candidates, from Get-EcrCleanupCandidate: the ones to delete or archive make the plan.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public CleanupCandidate[] InputObject { get; set; } = Array.Empty<CleanupCandidate>();

    /// <summary>How long the plan may be applied, from when its candidates were decided. Default: 7 days.</summary>
    [Parameter]
    [ValidatePlanValidFor]
    public TimeSpan ValidFor { get; set; } = CleanupPlan.DefaultValidFor;

    /// <summary>Write the plan to the pipeline too.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override Task ProcessRecordAsync()
    {
        _candidates.AddRange(InputObject);
        return Task.CompletedTask;
    }

    protected override async Task EndProcessingAsync()
    {
        CleanupPlan plan;
        try
        {
            plan = CleanupPlan.FromCandidates(_candidates, ValidFor, DateTimeOffset.UtcNow);
        }
        catch (PlanException e)
        {
            throw new TerminatingErrorException(ErrorRecords.PlanRefused(e, Path));
        }

        var path = ResolveOutputPath(Path, "-" + nameof(Path), "PlanFolderNotFound");
        await File.WriteAllTextAsync(path, plan.ToJson(), new UTF8Encoding(false), CancelToken).ConfigureAwait(false);
        Verbose($"{plan} written to {path}");
        if (PassThru)
        {
            Emit(plan);
        }
    }
}
