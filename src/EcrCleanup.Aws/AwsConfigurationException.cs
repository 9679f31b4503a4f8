namespace EcrCleanup.Aws;

/// <summary>The module cannot reach AWS as configured (no region, no credentials, a bad endpoint); the message says what to do.</summary>
public sealed class AwsConfigurationException : Exception
{
    public AwsConfigurationException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
