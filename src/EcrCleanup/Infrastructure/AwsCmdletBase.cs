using System.Management.Automation;
using System.Net;
using System.Reflection;
using System.Security;
using EcrCleanup.Abstractions;
using EcrCleanup.Aws;
using EcrCleanup.Commands.Completion;
using EcrCleanup.Configuration;
using EcrCleanup.Deletion;
using EcrCleanup.Diagnostics;
using EcrCleanup.Model;
using EcrCleanup.Plans;
using EcrCleanup.Reading;

namespace EcrCleanup.Commands.Infrastructure;

/// <summary>
/// What every AWS-facing cmdlet shares: -Region, -ProfileName, -EndpointUrl; a session resolved once per
/// command; verbose text per service call; failures turned into terminating errors; the cleanup run and the way
/// deletions are confirmed and reported.
/// </summary>
public abstract class AwsCmdletBase : AsyncPSCmdlet
{
    private const int DeletionProgressId = 10;

    private static readonly Dictionary<string, int> ProgressActivities = new()
    {
        ["Reading CloudFormation stacks"] = 1,
        ["Reading Lambda functions"] = 2,
        ["Reading open pull requests"] = 3,
        ["Deleting images"] = DeletionProgressId,
    };

    private AwsClientFactory? _clients;

    /// <summary>The AWS region. Default: AWS_REGION, AWS_DEFAULT_REGION, then the profile's region.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RegionCompleter))]
    public string? Region { get; set; }

    /// <summary>A profile of the shared AWS config and credentials files. Default: AWS_PROFILE, then the default chain.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    public string? ProfileName { get; set; }

    /// <summary>A credentials file to read -ProfileName from, instead of the shared config and credentials files (as in AWS.Tools).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ProfileLocation { get; set; }

    /// <summary>
    /// AWS credentials, such as AWS.Tools' Get-AWSCredential returns (taken by their GetCredentials() method, since
    /// their type lives in another load context), or an object with AccessKey/AccessKeyId, SecretKey/SecretAccessKey
    /// and Token/SessionToken. Wins over -ProfileName and the environment.
    /// </summary>
    [Parameter]
    [ValidateNotNull]
    public PSObject? Credential { get; set; }

    /// <summary>One endpoint for every AWS service (LocalStack, the sandbox, a VPC endpoint). Default: AWS_ENDPOINT_URL_&lt;SERVICE&gt;, AWS_ENDPOINT_URL, then the regional endpoint.</summary>
    [Parameter]
    [ValidateNotNull]
    public Uri? EndpointUrl { get; set; }

    /// <summary>Counts every call of this command; the report reads it.</summary>
    protected ServiceCallRecorder Calls { get; } = new();

    /// <summary>The service clients, built on first use from the connection parameters.</summary>
    protected AwsClientFactory Clients => _clients ?? throw new InvalidOperationException("The AWS session is created in BeginProcessing.");

    protected override Task BeginProcessingAsync()
    {
        if (EndpointUrl is { } endpoint && !EndpointResolver.IsHttpUrl(endpoint))
        {
            throw new TerminatingErrorException(ErrorRecords.InvalidInput("InvalidEndpointUrl", $"-EndpointUrl '{endpoint}' is not an absolute http or https URL.", endpoint));
        }

        // What the command was given that must never be printed, whatever a service echoes (SecretRedactor); the
        // AWS credentials register themselves when they are resolved, whatever their source.
        SecretRedactor.Register(EndpointUrl?.UserInfo);
        Calls.Message += Verbose;
        try
        {
            var session = AwsSession.Create(new AwsConnectionOptions
            {
                Region = Region,
                ProfileName = ProfileName,
                ProfileLocation = ProfileLocation is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(ProfileLocation),
                Credentials = Credential is null ? null : ReadCredential(Credential),
                EndpointUrl = EndpointUrl,
                FallbackRegion = ConfigurationDefaults.Region,
            });
            if (session.IsFallbackRegion)
            {
                Warn($"No AWS region is set (-Region, AWS_REGION, AWS_DEFAULT_REGION or the profile's region): using the default, {session.Region}.");
            }

            Verbose($"AWS region {session.Region}; ECR endpoint {session.ResolveEndpoint(AwsServiceInfo.Ecr)}");
            _clients = new AwsClientFactory(session, Calls);
        }
        catch (AwsConfigurationException e)
        {
            throw new TerminatingErrorException(ErrorRecords.ConfigurationInvalid(e));
        }

        return Task.CompletedTask;
    }

    private static Func<AwsKeys> ReadCredential(PSObject credential)
    {
        try
        {
            return CredentialShape.Read(credential);
        }
        catch (Exception e) when (e is ArgumentException or TargetInvocationException)
        {
            throw new TerminatingErrorException(ErrorRecords.InvalidInput("InvalidCredential", (e.InnerException ?? e).Message, credential.BaseObject.GetType().FullName, e));
        }
    }

    /// <summary>True under -WhatIf (or $WhatIfPreference). Read on the pipeline thread.</summary>
    protected bool WhatIfRequested() =>
        (MyInvocation.BoundParameters.TryGetValue("WhatIf", out var whatIf) && whatIf is SwitchParameter { IsPresent: true })
        || (!MyInvocation.BoundParameters.ContainsKey("WhatIf") && LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference")));

    /// <summary>A cleanup run of one repository with these settings, on this command's AWS session; GitHub with the token given, else GITHUB_TOKEN.</summary>
    /// <param name="howToGiveToken">What to tell a person when GitHub is needed and there is no token: the ways this command takes one.</param>
    protected CleanupRun CreateRun(CleanupSettings settings, SecureString? gitHubToken, string howToGiveToken)
    {
        IGitHubClient? github = null;
        if (settings.GitHubRepository is { } repository)
        {
            var token = gitHubToken is { Length: > 0 } secure ? new NetworkCredential(string.Empty, secure).Password : Environment.GetEnvironmentVariable(ConfigurationDefaults.GitHubTokenVariable);
            if (string.IsNullOrWhiteSpace(token))
            {
                throw new TerminatingErrorException(ErrorRecords.GitHubTokenMissing(howToGiveToken));
            }

            SecretRedactor.Register(token);

            try
            {
                github = Clients.CreateGitHub(repository, token);
            }
            catch (AwsConfigurationException e)
            {
                throw new TerminatingErrorException(ErrorRecords.ConfigurationInvalid(e));
            }
        }

        var services = new CleanupServices(Clients.CreateEcr(), Clients.CreateCloudFormation(), Clients.CreateLambda(),
            settings.SkipEcs ? null : Clients.CreateEcs(), Clients.CreateBatch(), Clients.CreateAppRunner(), github, Calls);
        return new CleanupRun(settings, services, TimeProvider.System, ReportProgress);
    }

    /// <summary>
    /// Runs service calls; a failure stops the command with an actionable error: a service that could not answer,
    /// a configuration that is wrong, evidence that cannot be decided from, a delete limit, a plan for another account.
    /// </summary>
    protected async Task<T> CallServicesAsync<T>(object? target, Func<Task<T>> work)
    {
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (ServiceException e)
        {
            throw new TerminatingErrorException(ErrorRecords.ServiceFailed(e, target));
        }
        catch (AwsConfigurationException e)
        {
            throw new TerminatingErrorException(ErrorRecords.ConfigurationInvalid(e));
        }
        catch (ProtectionException e)
        {
            throw new TerminatingErrorException(ErrorRecords.ProtectionIncomplete(e));
        }
        catch (DeletionLimitException e)
        {
            throw new TerminatingErrorException(ErrorRecords.DeleteLimitExceeded(e, target?.ToString() ?? string.Empty));
        }
        catch (PlanException e)
        {
            throw new TerminatingErrorException(ErrorRecords.PlanRefused(e, target));
        }
        finally
        {
            foreach (var (activity, id) in ProgressActivities)
            {
                Progress(new ProgressRecord(id, activity, "Done") { RecordType = ProgressRecordType.Completed });
            }
        }
    }

    /// <summary>
    /// How the deleting cmdlets ask and tell: ShouldProcess per image (the image as target, "Delete image" or
    /// "Archive image"), unless -Force or a dry run forced by DRY_RUN; progress; an error per failed image; a warning
    /// per image not deleted or archived.
    /// </summary>
    /// <param name="dryRun">Nothing is deleted or archived: each image is shown as "What if" (-WhatIf) or in verbose text (DRY_RUN).</param>
    protected DeletionCallbacks CreateDeletionCallbacks(string repository, bool dryRun, bool force, string? journalPath)
    {
        var whatIf = WhatIfRequested();
        var activity = dryRun ? $"What if: cleaning up '{repository}'" : $"Cleaning up '{repository}'";
        var done = 0;
        static string Verb(CleanupAction action) => action == CleanupAction.Archive ? "archive" : "delete";
        Task<IReadOnlyList<bool>> Confirm(IReadOnlyList<(CleanupCandidate Candidate, CleanupAction Action)> asked)
        {
            if (dryRun && !whatIf)
            {
                foreach (var (candidate, action) in asked)
                {
                    Verbose($"Dry run: would {Verb(action)} {candidate.Image}: {candidate.Reason}");
                }

                return Task.FromResult<IReadOnlyList<bool>>(asked.Select(_ => false).ToArray());
            }

            if (force && !whatIf)
            {
                foreach (var (candidate, action) in asked)
                {
                    Verbose($"{(action == CleanupAction.Archive ? "Archiving" : "Deleting")} {candidate.Image}: {candidate.Reason}");
                }

                return Task.FromResult<IReadOnlyList<bool>>(asked.Select(_ => true).ToArray());
            }

            return ShouldProcessAsync(asked.Select(a => (a.Candidate.Image.ToString(), a.Action == CleanupAction.Archive ? "Archive image" : "Delete image")).ToArray());
        }

        void Report(DeletionResult result)
        {
            if (result.Candidate.IsCandidate)
            {
                Progress(new ProgressRecord(DeletionProgressId, activity, $"{++done} deleted, archived or skipped: {result}"));
            }

            if (result.Outcome == DeletionOutcome.Failed)
            {
                Error(ErrorRecords.DeletionFailed(result));
            }
            else if (result.Outcome == DeletionOutcome.Skipped && result.Candidate.IsCandidate)
            {
                Warn($"Not {Verb(result.Action)}d: {result.Candidate.Image} ({result.SkipReason}).");
            }
        }

        return new DeletionCallbacks(Confirm, Report, journalPath is null ? null : new JsonLinesJournal(journalPath));
    }

    private void ReportProgress(ReadProgress progress)
    {
        var id = ProgressActivities.TryGetValue(progress.Activity, out var known) ? known : ProgressActivities.Count + 1;
        var percent = progress.Total > 0 ? Math.Min(100, progress.Done * 100 / progress.Total) : 0;
        Progress(new ProgressRecord(id, progress.Activity, $"{progress.Done} of {progress.Total}: {progress.Status}") { PercentComplete = percent });
    }
}
