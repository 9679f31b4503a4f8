using System.Collections.Concurrent;

namespace EcrCleanup.Sandbox.Faults;

/// <summary>
/// Token buckets per rate-limit key ("service:Op", or "service:*" for the operations without their own
/// entry), each holding one second's worth of requests and refilled continuously.
/// </summary>
internal sealed class RateLimiter(IReadOnlyDictionary<string, double> limits, TimeProvider clock)
{
    sealed class Bucket(double rate, long now)
    {
        public double Rate { get; } = rate;
        public double Tokens { get; set; } = Math.Max(1, rate);
        public long Stamp { get; set; } = now;
    }

    readonly ConcurrentDictionary<string, Bucket> _buckets = new();

    /// <summary>True when the request may go on; false when it is over its operation's rate.</summary>
    public bool TryAcquire(string service, string operation)
    {
        var key = $"{service}:{operation}";
        if (!limits.TryGetValue(key, out var rate))
        {
            key = $"{service}:*";
            if (!limits.TryGetValue(key, out rate))
            {
                return true;
            }
        }
        var now = clock.GetTimestamp();
        var bucket = _buckets.GetOrAdd(key, _ => new Bucket(rate, now));
        lock (bucket)
        {
            var elapsed = clock.GetElapsedTime(bucket.Stamp, now).TotalSeconds;
            bucket.Stamp = now;
            bucket.Tokens = Math.Min(Math.Max(1, bucket.Rate), bucket.Tokens + elapsed * bucket.Rate);
            if (bucket.Tokens < 1)
            {
                return false;
            }

            bucket.Tokens -= 1;
            return true;
        }
    }
}
