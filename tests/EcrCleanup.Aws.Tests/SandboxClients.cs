using EcrCleanup.Diagnostics;
using EcrCleanup.Sandbox;

namespace EcrCleanup.Aws.Tests;

/// <summary>The module's clients pointed at an in-process sandbox, with short retry delays.</summary>
internal static class SandboxClients
{
    /// <param name="retryMode">AWS_RETRY_MODE; null for the module's default (adaptive).</param>
    /// <param name="maxAttempts">AWS_MAX_ATTEMPTS; null for the default (3).</param>
    public static AwsClientFactory For(SandboxHost sandbox, ServiceCallRecorder recorder, string? retryMode = null, string? maxAttempts = null)
    {
        // AWSSDK.Core's credential chain reads the process environment; every scenario here uses the default keys.
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", sandbox.AccessKeyId);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", sandbox.SecretAccessKey);
        var session = AwsSession.Create(new AwsConnectionOptions { Region = sandbox.Region, EndpointUrl = sandbox.BaseAddress }, name => name switch { "AWS_RETRY_MODE" => retryMode, "AWS_MAX_ATTEMPTS" => maxAttempts, _ => null });
        return new AwsClientFactory(session, recorder, retryBaseDelay: TimeSpan.FromMilliseconds(5));
    }
}
