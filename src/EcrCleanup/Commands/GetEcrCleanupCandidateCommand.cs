using System.Management.Automation;
using EcrCleanup.Commands.Infrastructure;
using EcrCleanup.Configuration;
using EcrCleanup.Decisions;
using EcrCleanup.Model;
using EcrCleanup.Protection;

namespace EcrCleanup.Commands;

/// <summary>
/// <para type="synopsis">Decides, for every image of an ECR repository, whether the cleanup deletes it, and why.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "EcrCleanupCandidate")]
[OutputType(typeof(CleanupCandidate))]
public sealed class GetEcrCleanupCandidateCommand : ProtectionCmdletBase
{
    private readonly List<ProtectedImage> _piped = new();

    /// <summary>
    /// Protected images: the output of Get-ProtectedImage, or any object with Repository and Digest properties
    /// (an ECS or Kubernetes inventory). Without it, the protected set is read here.
    /// </summary>
    [Parameter(ValueFromPipeline = true)]
    public PSObject[]? InputObject { get; set; }

    /// <summary>Images pushed more recently than this are kept. Default: MIN_IMAGE_AGE_HOURS, then 24.</summary>
    [Parameter]
    [ValidateRange(0.0, 87600.0)]
    public double? MinImageAgeHours { get; set; }

    /// <summary>Emit every image with its decision, not only the ones to delete.</summary>
    [Parameter]
    public SwitchParameter IncludeKept { get; set; }

    protected override double? MinImageAgeHoursSetting =>
        EnvironmentDefaults.Number(MinImageAgeHours, ConfigurationDefaults.MinImageAgeHoursVariable, ConfigurationDefaults.MinImageAgeHours, 0, 87600);

    protected override Task ProcessRecordAsync()
    {
        foreach (var item in InputObject ?? Array.Empty<PSObject>())
        {
            if (PipelineProtection.From(item) is { } protection)
            {
                _piped.Add(protection);
            }
            else
            {
                Error(new ErrorRecord(
                    new ArgumentException($"'{item}' cannot protect an image: it needs a Repository and a Digest (sha256:<64 hex>) property."),
                    "InvalidProtectionInput",
                    ErrorCategory.InvalidArgument,
                    item));
            }
        }

        return Task.CompletedTask;
    }

    protected override async Task EndProcessingAsync()
    {
        var policy = Policy;
        var runs = _piped.Select(p => p.Run).OfType<ProtectionResult>().Distinct().ToList();
        if (runs.Count == 0)
        {
            runs.Add(await ReadProtectionAsync().ConfigureAwait(false));
        }

        var engine = new CleanupEngine(policy, TimeProvider.System);
        foreach (var run in runs)
        {
            var protections = new ProtectionSet(run.Protected);
            protections.AddRange(_piped.Where(p => p.Run is null || p.Run == run));
            var candidates = engine.Decide(run.Images, protections, run.ProductionHistory, run.OpenPullRequestShas);
            Verbose($"{run.Repository.Name}: {candidates.Count(c => c.IsDelete)} of {candidates.Count} images to delete");
            foreach (var candidate in candidates)
            {
                if (IncludeKept || candidate.IsDelete)
                {
                    Emit(candidate);
                }
            }
        }
    }
}
