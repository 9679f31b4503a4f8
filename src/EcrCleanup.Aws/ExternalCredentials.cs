using Amazon.Runtime;

namespace EcrCleanup.Aws;

/// <summary>An access key pair, with the session token of temporary credentials.</summary>
public sealed record AwsKeys(string AccessKey, string SecretKey, string? SessionToken);

/// <summary>
/// Credentials a caller hands over (-Credential): asked for the keys each time they are needed, so credentials that
/// renew themselves (an assumed role, SSO) stay current during a long command.
/// </summary>
internal sealed class ExternalCredentials : AWSCredentials
{
    private readonly Func<AwsKeys> _keys;

    public ExternalCredentials(Func<AwsKeys> keys) => _keys = keys;

    public override ImmutableCredentials GetCredentials()
    {
        var keys = _keys();
        return new ImmutableCredentials(keys.AccessKey, keys.SecretKey, keys.SessionToken);
    }
}
