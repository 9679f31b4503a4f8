namespace EcrCleanup.Aws;

/// <summary>The module cannot reach AWS as configured (no region, no credentials, a bad endpoint); the message says what to do.</summary>
public sealed class AwsConfigurationException : Exception
{
    public const string RegionNotSet = "AwsRegionNotSet";
    public const string CredentialsNotFound = "AwsCredentialsNotFound";
    public const string ProfileNotFound = "AwsProfileNotFound";
    public const string SettingInvalid = "AwsSettingInvalid";

    public AwsConfigurationException(string errorId, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorId = errorId;
    }

    /// <summary>A stable id for the error record: one of the constants of this class.</summary>
    public string ErrorId { get; }
}
