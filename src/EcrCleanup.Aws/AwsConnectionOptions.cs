namespace EcrCleanup.Aws;

/// <summary>What a user says about how to reach AWS: every AWS-facing cmdlet takes these as parameters.</summary>
public sealed record AwsConnectionOptions
{
    /// <summary>The region, e.g. <c>eu-west-2</c>; null to take it from the environment or profile.</summary>
    public string? Region { get; init; }

    /// <summary>The region used when nothing names one (the seed's default, eu-west-2); null to require one.</summary>
    public string? FallbackRegion { get; init; }

    /// <summary>A profile of the shared config and credentials files (or of <see cref="ProfileLocation"/>); null for the default chain.</summary>
    public string? ProfileName { get; init; }

    /// <summary>A credentials file to read profiles from instead of the shared files (AWS.Tools' -ProfileLocation); null for those.</summary>
    public string? ProfileLocation { get; init; }

    /// <summary>Keys handed over by the caller (-Credential), asked for each time they are needed; they win over every other source.</summary>
    public Func<AwsKeys>? Credentials { get; init; }

    /// <summary>One endpoint for every service, overriding <c>AWS_ENDPOINT_URL_*</c> and <c>AWS_ENDPOINT_URL</c>.</summary>
    public Uri? EndpointUrl { get; init; }
}
