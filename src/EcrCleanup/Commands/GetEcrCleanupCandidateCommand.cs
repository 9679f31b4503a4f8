using System.Management.Automation;
using EcrCleanup.Commands.Infrastructure;
using EcrCleanup.Model;

namespace EcrCleanup.Commands;

/// <summary>
/// <para type="synopsis">Decides, for every image of one or more ECR repositories, whether the cleanup deletes it, and why.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "EcrCleanupCandidate")]
[OutputType(typeof(CleanupCandidate))]
public sealed class GetEcrCleanupCandidateCommand : DecisionCmdletBase
{
    private readonly List<ProtectedImage> _piped = new();

    /// <summary>
    /// More protection: any object with Repository and Digest properties (an ECS or Kubernetes inventory, the output
    /// of Get-ProtectedImage). It adds to what the command finds itself; it can never take a protection away.
    /// </summary>
    [Parameter(ValueFromPipeline = true)]
    public PSObject[]? InputObject { get; set; }

    /// <summary>Emit every image with its decision, not only the ones to delete or archive.</summary>
    [Parameter]
    public SwitchParameter IncludeKept { get; set; }

    protected override async Task ProcessRecordAsync()
    {
        await base.ProcessRecordAsync().ConfigureAwait(false);
        foreach (var item in InputObject ?? Array.Empty<PSObject>())
        {
            if (IsRepository(item))
            {
                // A repository (Get-ECRRepository's output): it named the repository to decide (-RepositoryName), it protects nothing.
                continue;
            }

            // An object meant to protect an image that cannot be read as a protection stops everything: going on
            // would delete the very image it was meant to keep.
            _piped.Add(PipelineProtection.From(item) ?? throw new TerminatingErrorException(ErrorRecords.InvalidInput("InvalidProtectionInput",
                $"'{item}' cannot protect an image: it needs a Repository (a repository name, not a URI) and a Digest (sha256:<64 hex>) property. Nothing was decided or deleted.", item)));
        }
    }

    protected override async Task EndProcessingAsync()
    {
        var said = new HashSet<string>(StringComparer.Ordinal);
        foreach (var decisions in await DecideAsync(_piped).ConfigureAwait(false))
        {
            foreach (var warning in decisions.Warnings.Where(said.Add))
            {
                Warn(warning);
            }

            var candidates = decisions.Candidates;
            Verbose($"{decisions.Evidence.Repository.Name}: {candidates.Count(c => c.IsDelete)} of {candidates.Count} images to delete, {candidates.Count(c => c.IsArchive)} to archive");
            foreach (var candidate in candidates.Where(c => IncludeKept || c.IsCandidate))
            {
                Emit(candidate);
            }
        }
    }

    /// <summary>
    /// An object that names a repository (RepositoryName) and no image: no Repository, ImageId or digest property
    /// (Get-ECRImage's ImageDetail has RepositoryName and ImageDigest: it is an image, and refused as a protection).
    /// </summary>
    private static bool IsRepository(PSObject item) =>
        item.Properties["RepositoryName"]?.Value is string && item.Properties["Repository"] is null && item.Properties["ImageId"] is null
        && !item.Properties.Any(p => p.Name.EndsWith("Digest", StringComparison.OrdinalIgnoreCase));
}
