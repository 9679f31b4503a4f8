namespace EcrCleanup.Aws.Http;

/// <summary>
/// The AWS SDKs' standard retry mode: throttling, transient errors, 5xx and broken connections are retried
/// with exponential backoff and full jitter, capped at 20 seconds; a server's Retry-After is honoured.
/// </summary>
public sealed class RetryStrategy
{
    public const int DefaultMaxAttempts = 3;

    private static readonly HashSet<string> ThrottlingCodes = new(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
        "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException",
    };

    private static readonly HashSet<string> TransientCodes = new(StringComparer.Ordinal)
    {
        "RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure", "InternalServerError",
        "ServiceUnavailable", "ServiceUnavailableException", "ServerException", "IDPCommunicationError",
    };

    private readonly Func<double> _random;

    public RetryStrategy(int maxAttempts, TimeSpan? baseDelay = null, Func<double>? random = null)
    {
        if (maxAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxAttempts), maxAttempts, "At least one attempt is needed.");
        }

        MaxAttempts = maxAttempts;
        BaseDelay = baseDelay ?? TimeSpan.FromMilliseconds(500);
        _random = random ?? Random.Shared.NextDouble;
    }

    public int MaxAttempts { get; }

    /// <summary>The scale of the first backoff; later ones double it.</summary>
    public TimeSpan BaseDelay { get; }

    public static TimeSpan MaxBackoff { get; } = TimeSpan.FromSeconds(20);

    public static bool IsThrottling(string? errorCode) => errorCode is not null && ThrottlingCodes.Contains(errorCode);

    /// <summary>Whether an answer is worth asking again: throttling, a transient code, or a 5xx status.</summary>
    public static bool IsRetryable(string? errorCode, int statusCode) =>
        IsThrottling(errorCode) || (errorCode is not null && TransientCodes.Contains(errorCode)) || statusCode is 429 or >= 500 and <= 599;

    /// <summary>How long to wait before attempt <paramref name="nextAttempt"/> (2 or more).</summary>
    public TimeSpan Delay(int nextAttempt, TimeSpan? retryAfter)
    {
        var exponent = Math.Min(nextAttempt - 2, 16);
        var backoff = TimeSpan.FromTicks((long)(_random() * BaseDelay.Ticks * Math.Pow(2, exponent)));
        if (backoff > MaxBackoff)
        {
            backoff = MaxBackoff;
        }

        if (retryAfter is { } serverWait && serverWait > backoff)
        {
            return serverWait > MaxBackoff ? MaxBackoff : serverWait;
        }

        return backoff;
    }
}
