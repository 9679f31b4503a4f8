namespace EcrCleanup.Configuration;

/// <summary>
/// The seed system's environment variables and defaults. A parameter given on the command line wins over
/// the variable; the variable wins over the default.
/// </summary>
public static class ConfigurationDefaults
{
    public const string RepositoryNameVariable = "ECR_REPOSITORY_NAME";
    public const string RepositoryName = "helpmaton-lambda-images";

    public const string ProductionStackNameVariable = "PRODUCTION_STACK_NAME";
    public const string ProductionStackName = "HelpmatonProduction";

    public const string PullRequestStackPrefixVariable = "PR_STACK_PREFIX";
    public const string PullRequestStackPrefix = "HelpmatonStagingPR";

    public const string ProductionRetentionCountVariable = "PRODUCTION_IMAGE_RETENTION_COUNT";
    public const int ProductionRetentionCount = 15;

    public const string MinImageAgeHoursVariable = "MIN_IMAGE_AGE_HOURS";
    public const double MinImageAgeHours = 24;

    /// <summary>The seed's region, taken when neither -Region, AWS_REGION, AWS_DEFAULT_REGION nor the profile names one.</summary>
    public const string Region = "eu-west-2";

    public const string GitHubTokenVariable = "GITHUB_TOKEN";
    public const string GitHubRepositoryVariable = "GITHUB_REPOSITORY";
    public const string GitHubRepository = "djinilabs/helpmaton";

    public const string DryRunVariable = "DRY_RUN";

    /// <summary>The variable's value when set and not blank, else the default.</summary>
    public static string StringOrDefault(Func<string, string?> getEnvironmentVariable, string variable, string fallback)
    {
        var value = getEnvironmentVariable(variable);
        return string.IsNullOrWhiteSpace(value) ? fallback : value.Trim();
    }
}
