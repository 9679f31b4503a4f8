namespace EcrCleanup.Aws;

/// <summary>What a user says about how to reach AWS: every AWS-facing cmdlet takes these as parameters.</summary>
public sealed record AwsConnectionOptions
{
    /// <summary>The region, e.g. <c>eu-west-2</c>; null to take it from the environment or profile.</summary>
    public string? Region { get; init; }

    /// <summary>The region used when nothing names one (the seed's default, eu-west-2); null to require one.</summary>
    public string? FallbackRegion { get; init; }

    /// <summary>A profile of the shared config and credentials files; null for the default chain.</summary>
    public string? ProfileName { get; init; }

    /// <summary>One endpoint for every service, overriding <c>AWS_ENDPOINT_URL_*</c> and <c>AWS_ENDPOINT_URL</c>.</summary>
    public Uri? EndpointUrl { get; init; }
}
