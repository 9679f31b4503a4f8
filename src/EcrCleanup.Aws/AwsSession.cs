using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;
using EcrCleanup.Aws.Http;
using EcrCleanup.Diagnostics;

namespace EcrCleanup.Aws;

/// <summary>
/// Credentials and region resolved once per command, through AWSSDK.Core's own chains: environment,
/// shared config and credentials files (profiles, SSO, assume-role, credential_process, web identity as
/// GitHub OIDC uses it), container and instance metadata.
/// </summary>
public sealed partial class AwsSession
{
    private readonly AWSCredentials _credentials;
    private readonly Uri? _explicitEndpoint;
    private readonly Func<string, string?> _getEnvironmentVariable;

    private AwsSession(AWSCredentials credentials, string region, bool isFallbackRegion, Uri? explicitEndpoint, int maxAttempts, RetryMode retryMode, Func<string, string?> getEnvironmentVariable)
    {
        RetryMode = retryMode;
        IsFallbackRegion = isFallbackRegion;
        _credentials = credentials;
        Region = region;
        _explicitEndpoint = explicitEndpoint;
        MaxAttempts = maxAttempts;
        _getEnvironmentVariable = getEnvironmentVariable;
    }

    public string Region { get; }

    /// <summary>True when no setting named a region and <see cref="AwsConnectionOptions.FallbackRegion"/> was taken.</summary>
    public bool IsFallbackRegion { get; }

    public int MaxAttempts { get; }

    /// <summary><c>AWS_RETRY_MODE</c>, else the profile's <c>retry_mode</c>, else <see cref="RetryMode.Adaptive"/>.</summary>
    public RetryMode RetryMode { get; }

    /// <summary>Resolves region and credentials; throws <see cref="AwsConfigurationException"/> with what to do when either is missing.</summary>
    public static AwsSession Create(AwsConnectionOptions options, Func<string, string?>? getEnvironmentVariable = null)
    {
        getEnvironmentVariable ??= Environment.GetEnvironmentVariable;
        var profile = ReadProfile(options.ProfileName, options.ProfileLocation);
        var configuredRegion = ResolveRegion(options.Region, profile, getEnvironmentVariable);
        var region = configuredRegion ?? options.FallbackRegion;
        if (region is null)
        {
            throw new AwsConfigurationException(AwsConfigurationException.RegionNotSet, "No AWS region is set. Pass -Region (for example -Region eu-west-2), set the AWS_REGION environment variable, or set 'region' in your AWS profile.");
        }

        var credentials = options.Credentials is { } keys ? new ExternalCredentials(keys) : ResolveCredentials(options.ProfileName, options.ProfileLocation);
        var maxAttempts = ResolveMaxAttempts(profile, getEnvironmentVariable);
        var retryMode = ResolveRetryMode(profile, getEnvironmentVariable);
        return new AwsSession(credentials, region, configuredRegion is null, options.EndpointUrl, maxAttempts, retryMode, getEnvironmentVariable);
    }

    /// <summary>
    /// The region a command would take, without a fallback and without resolving credentials: <paramref name="region"/>,
    /// AWS_REGION, AWS_DEFAULT_REGION, then the profile's; null when none names one.
    /// </summary>
    public static string? ConfiguredRegion(string? region, string? profileName, Func<string, string?>? getEnvironmentVariable = null) =>
        ResolveRegion(region, ReadProfile(profileName, null), getEnvironmentVariable ?? Environment.GetEnvironmentVariable);

    public Uri ResolveEndpoint(AwsServiceInfo service) => EndpointResolver.Resolve(service, Region, _explicitEndpoint, _getEnvironmentVariable);

    /// <summary>
    /// The current key material; refreshing credentials (SSO, assume-role, web identity) renew themselves here. Whatever
    /// its source, the secret key and the session token are masked from now on wherever the module writes text.
    /// </summary>
    internal async Task<ImmutableCredentials> GetCredentialsAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var credentials = await _credentials.GetCredentialsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            SecretRedactor.Register(credentials.SecretKey);
            SecretRedactor.Register(credentials.Token);
            return credentials;
        }
        catch (AmazonClientException e)
        {
            var cause = e.InnerException is { } inner ? $" ({inner.Message})" : string.Empty;
            throw new AwsConfigurationException(AwsConfigurationException.CredentialsNotFound, $"The AWS credentials could not be obtained: {e.Message}{cause}. {HowToProvideCredentials}", e);
        }
    }

    internal const string HowToProvideCredentials =
        "Provide credentials with -Credential (such as AWS.Tools' Get-AWSCredential returns), or -ProfileName (a profile of ~/.aws/config or ~/.aws/credentials, or of the file -ProfileLocation names; SSO profiles included: run 'aws sso login' first), " +
        "or the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY environment variables (with AWS_SESSION_TOKEN for temporary keys), " +
        "or AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE (GitHub Actions OIDC), or run where container or instance credentials are available.";

    /// <summary>The profiles of <paramref name="profileLocation"/> when given, else of the shared config and credentials files.</summary>
    private static CredentialProfileStoreChain Profiles(string? profileLocation) =>
        string.IsNullOrEmpty(profileLocation) ? new CredentialProfileStoreChain() : new CredentialProfileStoreChain(profileLocation);

    private static CredentialProfile? ReadProfile(string? profileName, string? profileLocation)
    {
        if (!string.IsNullOrEmpty(profileLocation) && !File.Exists(profileLocation))
        {
            throw new AwsConfigurationException(AwsConfigurationException.ProfileNotFound, $"-ProfileLocation '{profileLocation}' is not a file. Give the path of a credentials file (the format of ~/.aws/credentials), or leave it out to read the shared files.");
        }

        var name = string.IsNullOrEmpty(profileName) ? null : profileName;
        name ??= Environment.GetEnvironmentVariable("AWS_PROFILE");
        if (name is null)
        {
            return Profiles(profileLocation).TryGetProfile("default", out var fallback) ? fallback : null;
        }

        if (Profiles(profileLocation).TryGetProfile(name, out var profile))
        {
            return profile;
        }

        if (profileName is not null)
        {
            throw new AwsConfigurationException(AwsConfigurationException.ProfileNotFound, $"The AWS profile '{profileName}' was not found in {(string.IsNullOrEmpty(profileLocation) ? "the shared config or credentials files" : $"'{profileLocation}'")}. Check the name with 'aws configure list-profiles', or leave out -ProfileName to use the default credential chain.");
        }

        return null;
    }

    private static string? ResolveRegion(string? explicitRegion, CredentialProfile? profile, Func<string, string?> getEnvironmentVariable)
    {
        // AWS_DEFAULT_REGION is what the AWS CLI reads; AWSSDK.Core does not, so it is read here.
        var region = FirstNonEmpty(
            explicitRegion,
            getEnvironmentVariable("AWS_REGION"),
            getEnvironmentVariable("AWS_DEFAULT_REGION"),
            profile?.Region?.SystemName);

        if (region is not null && !RegionPattern().IsMatch(region))
        {
            throw new AwsConfigurationException(AwsConfigurationException.SettingInvalid, $"'{region}' is not an AWS region name. Use a name such as eu-west-2, us-east-1 or cn-north-1.");
        }

        return region;
    }

    private static AWSCredentials ResolveCredentials(string? profileName, string? profileLocation)
    {
        if (!string.IsNullOrEmpty(profileName))
        {
            if (Profiles(profileLocation).TryGetAWSCredentials(profileName, out var profileCredentials))
            {
                return profileCredentials;
            }

            throw new AwsConfigurationException(AwsConfigurationException.CredentialsNotFound, $"The AWS profile '{profileName}' holds no usable credentials. {HowToProvideCredentials}");
        }

        try
        {
            return DefaultAWSCredentialsIdentityResolver.GetCredentials(null);
        }
        catch (AmazonClientException e)
        {
            throw new AwsConfigurationException(AwsConfigurationException.CredentialsNotFound, $"No AWS credentials were found. {HowToProvideCredentials}", e);
        }
    }

    private static int ResolveMaxAttempts(CredentialProfile? profile, Func<string, string?> getEnvironmentVariable)
    {
        var fromEnvironment = getEnvironmentVariable("AWS_MAX_ATTEMPTS");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            if (int.TryParse(fromEnvironment, out var parsed) && parsed >= 1)
            {
                return parsed;
            }

            throw new AwsConfigurationException(AwsConfigurationException.SettingInvalid, $"AWS_MAX_ATTEMPTS is '{fromEnvironment}'; it must be a whole number of at least 1.");
        }

        return profile?.MaxAttempts ?? RetryStrategy.DefaultMaxAttempts;
    }

    /// <summary>
    /// As the AWS SDKs read it. The default is adaptive, not the SDKs' standard: a run sends hundreds of reads at once to
    /// CloudFormation, whose limits are not documented and are shared with the account's deployments; adaptive slows down
    /// when the account is busy instead of failing or crowding it out. <c>legacy</c> is taken as standard.
    /// </summary>
    private static RetryMode ResolveRetryMode(CredentialProfile? profile, Func<string, string?> getEnvironmentVariable)
    {
        var fromEnvironment = getEnvironmentVariable("AWS_RETRY_MODE")?.Trim();
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment.ToUpperInvariant() switch
            {
                "STANDARD" or "LEGACY" => RetryMode.Standard,
                "ADAPTIVE" => RetryMode.Adaptive,
                _ => throw new AwsConfigurationException(AwsConfigurationException.SettingInvalid, $"AWS_RETRY_MODE is '{fromEnvironment}'; it must be standard or adaptive (legacy is taken as standard)."),
            };
        }

        return profile?.RetryMode switch
        {
            RequestRetryMode.Standard => RetryMode.Standard,
            _ => RetryMode.Adaptive,
        };
    }

    private static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();

    [GeneratedRegex("^[a-z]{2}(-[a-z]+)+-[0-9]+$")]
    internal static partial Regex RegionPattern();
}
