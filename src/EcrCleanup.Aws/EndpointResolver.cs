namespace EcrCleanup.Aws;

/// <summary>
/// Finds the URL of a service as the AWS SDKs do: an explicit endpoint first, then
/// <c>AWS_ENDPOINT_URL_&lt;SERVICE&gt;</c>, then <c>AWS_ENDPOINT_URL</c>, then the partition's regional endpoint.
/// </summary>
public static class EndpointResolver
{
    public static Uri Resolve(AwsServiceInfo service, string region, Uri? explicitEndpoint, Func<string, string?> getEnvironmentVariable)
    {
        if (explicitEndpoint is not null)
        {
            return explicitEndpoint;
        }

        foreach (var variable in new[] { "AWS_ENDPOINT_URL_" + service.EnvironmentId, "AWS_ENDPOINT_URL" })
        {
            var value = getEnvironmentVariable(variable);
            if (!string.IsNullOrWhiteSpace(value))
            {
                if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || !IsHttpUrl(uri))
                {
                    throw new AwsConfigurationException(AwsConfigurationException.SettingInvalid, $"{variable} is '{value}', which is not an http or https URL. Set it to the endpoint's URL, for example https://api.ecr.eu-west-2.amazonaws.com, or unset it.");
                }

                return uri;
            }
        }

        return new Uri($"https://{service.EndpointPrefix}.{region}.{DnsSuffix(region)}");
    }

    /// <summary>True for an absolute http or https URL: the only endpoints a service can be reached at.</summary>
    public static bool IsHttpUrl(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return endpoint.IsAbsoluteUri && (endpoint.Scheme == Uri.UriSchemeHttp || endpoint.Scheme == Uri.UriSchemeHttps);
    }

    /// <summary>The DNS suffix of the partition a region belongs to (aws, aws-cn, aws-us-gov).</summary>
    public static string DnsSuffix(string region) => region switch
    {
        _ when region.StartsWith("cn-", StringComparison.Ordinal) => "amazonaws.com.cn",
        _ when region.StartsWith("us-isob-", StringComparison.Ordinal) => "sc2s.sgov.gov",
        _ when region.StartsWith("us-iso-", StringComparison.Ordinal) => "c2s.ic.gov",
        _ => "amazonaws.com", // aws and aws-us-gov
    };
}
