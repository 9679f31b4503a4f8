namespace EcrCleanup.Aws.Http;

/// <summary>The AWS SDKs' retry modes the module implements (<c>AWS_RETRY_MODE</c>, the profile's <c>retry_mode</c>).</summary>
public enum RetryMode
{
    /// <summary>Retries with exponential backoff and jitter; sends as fast as the callers ask.</summary>
    Standard,

    /// <summary>
    /// Standard retries, and a client-side token bucket per service whose rate drops when the service throttles and
    /// climbs back (CUBIC): full speed while the account has headroom, fewer calls while it has none. The default here.
    /// </summary>
    Adaptive,
}
