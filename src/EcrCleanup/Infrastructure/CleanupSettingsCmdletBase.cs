using System.Management.Automation;
using System.Security;
using EcrCleanup.Commands.Completion;
using EcrCleanup.Commands.Validation;
using EcrCleanup.Configuration;
using EcrCleanup.Decisions;
using EcrCleanup.Model;

namespace EcrCleanup.Commands.Infrastructure;

/// <summary>
/// The parameters that say what is read and how it is decided (the repository, the stacks, GitHub, retention,
/// tag patterns), for the cmdlets that read and decide a repository.
/// </summary>
public abstract class CleanupSettingsCmdletBase : AwsCmdletBase
{
    private readonly List<string> _repositoryNames = new();

    /// <summary>
    /// The ECR repositories, one or several (also from the pipeline: any object with a RepositoryName property).
    /// Several are read in one run: the stacks, functions, workloads and GitHub once for all. Default:
    /// ECR_REPOSITORY_NAME, then helpmaton-lambda-images.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateEcrRepositoryName]
    [ArgumentCompleter(typeof(RepositoryNameCompleter))]
    public string[]? RepositoryName { get; set; }

    /// <summary>The production CloudFormation stack. Default: PRODUCTION_STACK_NAME, then HelpmatonProduction.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(StackNameCompleter))]
    public string? ProductionStackName { get; set; }

    /// <summary>The name prefix of pull-request stacks. Default: PR_STACK_PREFIX, then HelpmatonStagingPR.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(StackPrefixCompleter))]
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

    /// <summary>Go on without ECS, for an account that does not use it: no ECS service or task protects an image (a watched stack holding an ECS task definition still stops the run).</summary>
    [Parameter]
    public SwitchParameter SkipEcs { get; set; }

    /// <summary>How many stacks, functions or pull requests are read at once. Default: 32.</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 32;

    /// <summary>A regular expression for commit tags, with a named group 'sha'. Default: any name, a dash, 7 to 40 hex digits.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string TagPattern { get; set; } = CleanupPolicy.DefaultTagPattern;

    /// <summary>A regular expression for 'latest' tags, which are always kept. Default: any name followed by -latest.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string LatestTagPattern { get; set; } = CleanupPolicy.DefaultLatestTagPattern;

    /// <summary>The ways these commands take a GitHub token, for the error that says there is none.</summary>
    protected const string HowToGiveToken = "Set GITHUB_TOKEN or pass -GitHubToken (a token that can read pull requests, commits and deployments), or pass -SkipGitHub to go on with deployed images only.";

    /// <summary>What the command reads and decides with, checked in BeginProcessing: bad values stop the command before any AWS call.</summary>
    protected CleanupSettings Settings { get; private set; } = null!;

    /// <summary>The policy with what only the cmdlets that decide every image set (the minimum age, archiving); as it is for the others.</summary>
    protected virtual CleanupPolicy Decides(CleanupPolicy policy) => policy;

    protected override async Task BeginProcessingAsync()
    {
        var policy = BuildPolicy();
        await base.BeginProcessingAsync().ConfigureAwait(false);
        Settings = new CleanupSettings(EnvironmentDefaults.String(RepositoryName is { Length: > 0 } names ? names[0] : null, ConfigurationDefaults.RepositoryNameVariable, ConfigurationDefaults.RepositoryName), Clients.Session.Region)
        {
            ProductionStackName = EnvironmentDefaults.String(ProductionStackName, ConfigurationDefaults.ProductionStackNameVariable, ConfigurationDefaults.ProductionStackName),
            PullRequestStackPrefix = EnvironmentDefaults.String(PullRequestStackPrefix, ConfigurationDefaults.PullRequestStackPrefixVariable, ConfigurationDefaults.PullRequestStackPrefix),
            GitHubRepository = SkipGitHub ? null : EnvironmentDefaults.String(GitHubRepository, ConfigurationDefaults.GitHubRepositoryVariable, ConfigurationDefaults.GitHubRepository),
            ProductionEnvironment = ProductionEnvironment,
            HistorySource = ProductionHistorySource,
            SkipEcs = SkipEcs,
            ThrottleLimit = ThrottleLimit,
            Policy = policy,
        };
        if (SkipGitHub)
        {
            Warn("GitHub is skipped (-SkipGitHub): open pull requests are not protected and no production history is read, so only deployed images are known to be in use.");
        }
    }

    /// <summary>The repositories given (on the command line, or each pipeline object's), else the default one.</summary>
    protected IReadOnlyList<string> RepositoryNames => _repositoryNames.Count > 0 ? _repositoryNames : [Settings.RepositoryName];

    /// <summary>Collects the repositories each pipeline object names; a command that takes more from the pipeline calls this first.</summary>
    protected override Task ProcessRecordAsync()
    {
        foreach (var name in RepositoryName ?? [])
        {
            if (!_repositoryNames.Contains(name, StringComparer.Ordinal))
            {
                _repositoryNames.Add(name);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Reads every source once and decides every image of each repository (<see cref="RepositoryNames"/>), in order.
    /// With several, a repository that cannot be read or decided is an error of its own and the others go on; a shared
    /// source that fails, or a single repository that cannot be read, stops the command.
    /// </summary>
    /// <param name="external">Protections piped in.</param>
    protected async Task<IReadOnlyList<CleanupDecisions>> DecideAsync(IEnumerable<ProtectedImage>? external = null)
    {
        var names = RepositoryNames;
        var run = CreateRun(Settings, GitHubToken, HowToGiveToken);
        var repositories = await CallServicesAsync(names.Count == 1 ? names[0] : string.Join(", ", names), () => run.DecideAsync(names, external, CancelToken)).ConfigureAwait(false);
        foreach (var failed in repositories.Where(r => r.Failure is not null))
        {
            Error(ErrorRecords.RepositoryNotCleaned(new Reporting.RepositoryFailure(failed.RepositoryName, failed.Failure!)));
        }

        return repositories.Select(r => r.Decisions).OfType<CleanupDecisions>().ToList();
    }

    private CleanupPolicy BuildPolicy()
    {
        try
        {
            var policy = new CleanupPolicy
            {
                ProductionRetentionCount = EnvironmentDefaults.Number(ProductionRetentionCount, ConfigurationDefaults.ProductionRetentionCountVariable, ConfigurationDefaults.ProductionRetentionCount, 0, 10000),
                TagPattern = TagPattern,
                LatestTagPattern = LatestTagPattern,
            };
            return Decides(policy);
        }
        catch (ArgumentException e)
        {
            throw new TerminatingErrorException(ErrorRecords.InvalidInput("InvalidPolicy", e.Message, e.ParamName, e));
        }
    }
}
