using System.Management.Automation;
using System.Net;
using System.Security;
using EcrCleanup.Commands.Validation;
using EcrCleanup.Configuration;
using EcrCleanup.Decisions;
using EcrCleanup.Protection;

namespace EcrCleanup.Commands.Infrastructure;

/// <summary>
/// The parameters that say what protects an image (stacks, GitHub, retention, tag patterns) and the run of the
/// protection engine, shared by every cmdlet that needs the protected set.
/// </summary>
public abstract class ProtectionCmdletBase : AwsCmdletBase
{
    private static readonly string[] ProgressActivities = { "Reading CloudFormation stacks", "Reading Lambda functions", "Reading open pull requests" };

    /// <summary>The ECR repository. Default: ECR_REPOSITORY_NAME, then helpmaton-lambda-images.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateEcrRepositoryName]
    public string? RepositoryName { get; set; }

    /// <summary>The production CloudFormation stack. Default: PRODUCTION_STACK_NAME, then HelpmatonProduction.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ProductionStackName { get; set; }

    /// <summary>The name prefix of pull-request stacks. Default: PR_STACK_PREFIX, then HelpmatonStagingPR.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PullRequestStackPrefix { get; set; }

    /// <summary>How many production builds are kept for rollback. Default: PRODUCTION_IMAGE_RETENTION_COUNT, then 15.</summary>
    [Parameter]
    [ValidateRange(0, 10000)]
    public int? ProductionRetentionCount { get; set; }

    /// <summary>The GitHub environment whose deployments are the production history. Default: production.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string ProductionEnvironment { get; set; } = "production";

    /// <summary>Where the production history comes from: Auto (deployments if any, else default-branch commits), Deployments or Commits.</summary>
    [Parameter]
    public ProductionHistorySource ProductionHistorySource { get; set; } = ProductionHistorySource.Auto;

    /// <summary>The GitHub repository, owner/name. Default: GITHUB_REPOSITORY, then djinilabs/helpmaton.</summary>
    [Parameter]
    [ValidatePattern("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")]
    public string? GitHubRepository { get; set; }

    /// <summary>A GitHub token that can read pull requests, commits and deployments. Default: GITHUB_TOKEN.</summary>
    [Parameter]
    public SecureString? GitHubToken { get; set; }

    /// <summary>Go on without GitHub: open pull requests are not protected and no production history is read.</summary>
    [Parameter]
    public SwitchParameter SkipGitHub { get; set; }

    /// <summary>How many stacks, functions or pull requests are read at once. Default: 8.</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 8;

    /// <summary>A regular expression for commit tags, with a named group 'sha'. Default: any name, a dash, 7 to 40 hex digits.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string TagPattern { get; set; } = CleanupPolicy.DefaultTagPattern;

    /// <summary>A regular expression for 'latest' tags, which are always kept. Default: any name followed by -latest.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string LatestTagPattern { get; set; } = CleanupPolicy.DefaultLatestTagPattern;

    /// <summary>The tag, age and retention policy, checked in BeginProcessing: bad values stop the command before any AWS call.</summary>
    protected CleanupPolicy Policy { get; private set; } = CleanupPolicy.Default;

    /// <summary>The minimum age a cmdlet decides with; null for cmdlets that do not decide.</summary>
    protected virtual double? MinImageAgeHoursSetting => null;

    protected override Task BeginProcessingAsync()
    {
        Policy = BuildPolicy(MinImageAgeHoursSetting);
        return base.BeginProcessingAsync();
    }

    /// <summary>The repository name after defaults.</summary>
    protected string EffectiveRepositoryName => EnvironmentDefaults.String(RepositoryName, ConfigurationDefaults.RepositoryNameVariable, ConfigurationDefaults.RepositoryName);

    /// <summary>Reads the protected set; a source that cannot answer stops the command.</summary>
    /// <param name="repositoryName">The repository; null for -RepositoryName and its defaults.</param>
    protected async Task<ProtectionResult> ReadProtectionAsync(string? repositoryName = null)
    {
        var policy = Policy;
        var settings = new ProtectionSettings(repositoryName ?? EffectiveRepositoryName, Clients.Session.Region)
        {
            ProductionStackName = EnvironmentDefaults.String(ProductionStackName, ConfigurationDefaults.ProductionStackNameVariable, ConfigurationDefaults.ProductionStackName),
            PullRequestStackPrefix = EnvironmentDefaults.String(PullRequestStackPrefix, ConfigurationDefaults.PullRequestStackPrefixVariable, ConfigurationDefaults.PullRequestStackPrefix),
            ProductionRetentionCount = policy.ProductionRetentionCount,
            ProductionEnvironment = ProductionEnvironment,
            HistorySource = ProductionHistorySource,
            ThrottleLimit = ThrottleLimit,
            Policy = policy,
        };

        var github = CreateGitHub();
        var engine = new ProtectionEngine(settings, Clients.CreateEcr(), Clients.CreateCloudFormation(), Clients.CreateLambda(), github, ReportProgress);
        try
        {
            return await CallServicesAsync(settings.RepositoryName, () => engine.RunAsync(CancelToken)).ConfigureAwait(false);
        }
        catch (ProtectionException e)
        {
            throw new TerminatingErrorException(ErrorRecords.ProtectionIncomplete(e));
        }
        finally
        {
            for (var i = 0; i < ProgressActivities.Length; i++)
            {
                Progress(new ProgressRecord(i + 1, ProgressActivities[i], "Done") { RecordType = ProgressRecordType.Completed });
            }
        }
    }

    private CleanupPolicy BuildPolicy(double? minImageAgeHours)
    {
        try
        {
            var policy = new CleanupPolicy
            {
                ProductionRetentionCount = EnvironmentDefaults.Number(ProductionRetentionCount, ConfigurationDefaults.ProductionRetentionCountVariable, ConfigurationDefaults.ProductionRetentionCount, 0, 10000),
                TagPattern = TagPattern,
                LatestTagPattern = LatestTagPattern,
            };
            return minImageAgeHours is { } hours ? policy with { MinImageAgeHours = hours } : policy;
        }
        catch (ArgumentException e)
        {
            throw new TerminatingErrorException(new ErrorRecord(e, "InvalidPolicy", ErrorCategory.InvalidArgument, e.ParamName));
        }
    }

    private Abstractions.IGitHubClient? CreateGitHub()
    {
        if (SkipGitHub)
        {
            Warn("GitHub is skipped (-SkipGitHub): open pull requests are not protected and no production history is read, so only deployed images are known to be in use.");
            return null;
        }

        var token = GitHubToken is { Length: > 0 } secure ? new NetworkCredential(string.Empty, secure).Password : Environment.GetEnvironmentVariable(ConfigurationDefaults.GitHubTokenVariable);
        if (string.IsNullOrWhiteSpace(token))
        {
            throw new TerminatingErrorException(new ErrorRecord(
                new InvalidOperationException("No GitHub token: open pull requests and the production history cannot be read, and without them images still needed could be deleted. Set GITHUB_TOKEN or pass -GitHubToken (a token that can read pull requests, commits and deployments), or pass -SkipGitHub to go on with deployed images only."),
                "GitHubTokenMissing",
                ErrorCategory.AuthenticationError,
                null));
        }

        var repository = EnvironmentDefaults.String(GitHubRepository, ConfigurationDefaults.GitHubRepositoryVariable, ConfigurationDefaults.GitHubRepository);
        try
        {
            return Clients.CreateGitHub(repository, token);
        }
        catch (Aws.AwsConfigurationException e)
        {
            throw new TerminatingErrorException(ErrorRecords.ConfigurationInvalid(e));
        }
    }

    private void ReportProgress(ProtectionProgress progress)
    {
        var id = Array.IndexOf(ProgressActivities, progress.Activity) + 1;
        var percent = progress.Total > 0 ? Math.Min(100, progress.Done * 100 / progress.Total) : 0;
        Progress(new ProgressRecord(id > 0 ? id : ProgressActivities.Length + 1, progress.Activity, $"{progress.Done} of {progress.Total}: {progress.Status}") { PercentComplete = percent });
    }
}
