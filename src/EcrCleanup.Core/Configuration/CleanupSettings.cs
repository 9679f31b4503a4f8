using EcrCleanup.Decisions;

namespace EcrCleanup.Configuration;

/// <summary>Where the production history comes from.</summary>
public enum ProductionHistorySource
{
    /// <summary>GitHub deployments to the production environment when the repository has any, else the default branch's commits.</summary>
    Auto,

    /// <summary>GitHub deployments to the production environment.</summary>
    Deployments,

    /// <summary>The commits of the default branch.</summary>
    Commits,
}

/// <summary>
/// Everything a run is read and decided with, secrets excepted (the GitHub token and the AWS credentials come
/// from the caller each time). Every <see cref="Model.CleanupCandidate"/> carries the settings it was decided
/// with, so that Remove-EcrCleanupCandidate can read and decide its repository again without asking for them.
/// </summary>
public sealed record CleanupSettings
{
    public CleanupSettings(string repositoryName, string region)
    {
        RepositoryName = repositoryName;
        Region = region;
    }

    public string RepositoryName { get; init; }

    /// <summary>The region of the repository; images named by functions in other regions are not this repository's.</summary>
    public string Region { get; }

    public string ProductionStackName { get; init; } = ConfigurationDefaults.ProductionStackName;

    public string PullRequestStackPrefix { get; init; } = ConfigurationDefaults.PullRequestStackPrefix;

    /// <summary>owner/name of the GitHub repository; null when GitHub is skipped (no pull requests, no production history).</summary>
    public string? GitHubRepository { get; init; } = ConfigurationDefaults.GitHubRepository;

    /// <summary>True when ECS is not read (an account that does not use it): its services and tasks protect nothing.</summary>
    public bool SkipEcs { get; init; }

    public string ProductionEnvironment { get; init; } = "production";

    public ProductionHistorySource HistorySource { get; init; } = ProductionHistorySource.Auto;

    /// <summary>How many stacks, functions or pull requests are read at once.</summary>
    public int ThrottleLimit { get; init; } = 32;

    /// <summary>How many pages of 100 deployments or commits are read, at most, to find the retained production builds.</summary>
    public int MaxHistoryPages { get; init; } = 20;

    /// <summary>Tags, age and retention: what the decision tree is asked with.</summary>
    public CleanupPolicy Policy { get; init; } = CleanupPolicy.Default;
}
