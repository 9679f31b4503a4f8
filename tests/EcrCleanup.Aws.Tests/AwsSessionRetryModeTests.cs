using EcrCleanup.Aws.Http;

namespace EcrCleanup.Aws.Tests;

/// <summary>AWS_RETRY_MODE as the AWS SDKs read it; adaptive when nothing says otherwise.</summary>
public class AwsSessionRetryModeTests
{
    [Theory]
    [InlineData(null, RetryMode.Adaptive)]
    [InlineData("", RetryMode.Adaptive)]
    [InlineData("adaptive", RetryMode.Adaptive)]
    [InlineData("ADAPTIVE", RetryMode.Adaptive)]
    [InlineData("standard", RetryMode.Standard)]
    [InlineData(" Standard ", RetryMode.Standard)]
    [InlineData("legacy", RetryMode.Standard)]
    public void Reads_the_retry_mode(string? setting, RetryMode expected) =>
        Assert.Equal(expected, Create(setting).RetryMode);

    [Fact]
    public void Refuses_a_mode_it_does_not_know_naming_the_ones_it_does()
    {
        var e = Assert.Throws<AwsConfigurationException>(() => Create("fast"));

        Assert.Equal(AwsConfigurationException.SettingInvalid, e.ErrorId);
        Assert.Contains("AWS_RETRY_MODE is 'fast'; it must be standard or adaptive", e.Message, StringComparison.Ordinal);
    }

    private static AwsSession Create(string? retryMode)
    {
        // The process environment is shared with the sandbox tests running beside these: the same keys as theirs.
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "AKIDSANDBOX");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "sandbox-secret");
        return AwsSession.Create(new AwsConnectionOptions { Region = "eu-west-2" }, name => name == "AWS_RETRY_MODE" ? retryMode : null);
    }
}
