using EcrCleanup.Configuration;
using EcrCleanup.Decisions;

namespace EcrCleanup.Protection;

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

/// <summary>What Get-ProtectedImage looks at.</summary>
public sealed record ProtectionSettings
{
    public ProtectionSettings(string repositoryName, string region)
    {
        RepositoryName = repositoryName;
        Region = region;
    }

    public string RepositoryName { get; }

    /// <summary>The region of the repository; images named by functions in other regions are not this repository's.</summary>
    public string Region { get; }

    public string ProductionStackName { get; init; } = ConfigurationDefaults.ProductionStackName;

    public string PullRequestStackPrefix { get; init; } = ConfigurationDefaults.PullRequestStackPrefix;

    public int ProductionRetentionCount { get; init; } = ConfigurationDefaults.ProductionRetentionCount;

    public string ProductionEnvironment { get; init; } = "production";

    public ProductionHistorySource HistorySource { get; init; } = ProductionHistorySource.Auto;

    /// <summary>How many stacks or functions are read at once.</summary>
    public int ThrottleLimit { get; init; } = 8;

    /// <summary>How tags are read (commit SHAs).</summary>
    public CleanupPolicy Policy { get; init; } = CleanupPolicy.Default;

    /// <summary>How many pages of 100 deployments or commits are read, at most, to find the retained production builds.</summary>
    public int MaxHistoryPages { get; init; } = 20;
}
