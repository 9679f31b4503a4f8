using System.Management.Automation;
using EcrCleanup.Commands.Infrastructure;
using EcrCleanup.Commands.Validation;
using EcrCleanup.Configuration;
using EcrCleanup.Model;
using EcrCleanup.Plans;

namespace EcrCleanup.Commands;

/// <summary>
/// <para type="synopsis">Reads a plan file, checks that it is unedited and for the repository meant, and writes what it deletes or archives as candidates.</para>
/// </summary>
[Cmdlet(VerbsData.Import, "EcrCleanupPlan")]
[OutputType(typeof(CleanupCandidate))]
public sealed class ImportEcrCleanupPlanCommand : AsyncPSCmdlet
{
    /// <summary>The plan file, as Export-EcrCleanupPlan or Invoke-EcrCleanup -PlanPath wrote it.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>The repository the plan must be for. Default: ECR_REPOSITORY_NAME, then helpmaton-lambda-images.</summary>
    [Parameter]
    [ValidateEcrRepositoryName]
    public string? RepositoryName { get; set; }

    protected override async Task EndProcessingAsync()
    {
        var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        if (!File.Exists(path))
        {
            throw new TerminatingErrorException(ErrorRecords.PlanNotFound(Path));
        }

        try
        {
            string json;
            try
            {
                json = await File.ReadAllTextAsync(path, CancelToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new PlanException(PlanException.Unreadable, $"The plan file '{Path}' cannot be read: {e.Message}", e);
            }

            var plan = CleanupPlan.Parse(json);
            plan.CheckRepository(EnvironmentDefaults.String(RepositoryName, ConfigurationDefaults.RepositoryNameVariable, ConfigurationDefaults.RepositoryName));
            Verbose(plan.ToString());
            foreach (var candidate in plan.ToCandidates(path))
            {
                Emit(candidate);
            }
        }
        catch (PlanException e)
        {
            throw new TerminatingErrorException(ErrorRecords.PlanRefused(e, Path));
        }
    }
}
