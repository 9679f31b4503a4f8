namespace EcrCleanup.Aws.Http;

/// <summary>
/// A token bucket that keeps calls under a service quota instead of bouncing off it: it refills at the rate and,
/// for a quota given as a rate alone, holds a tenth of a second's worth (at least one), so calls leave evenly spaced;
/// a caller finding it empty waits for its turn, turns in call order. The small bucket is the margin: network delays
/// can bunch calls up on the way, and a service that allows one second's worth at once still has room for about a
/// second of such bunching. A quota that is itself a token bucket (a burst and a refill rate, as ECS documents its
/// own) is mirrored instead: the bucket holds the burst given, and starts full. Safe to use from many threads.
/// </summary>
internal sealed class RequestRateLimiter
{
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private readonly double _capacity;
    private double _tokens;
    private long _refilledAt;

    /// <param name="perSecond">The refill rate: calls a second, sustained.</param>
    /// <param name="burst">How many calls may leave at once from a full bucket (at least one); null for a tenth of a second's worth.</param>
    public RequestRateLimiter(double perSecond, TimeProvider time, double? burst = null)
    {
        if (!(perSecond > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(perSecond), perSecond, "The rate must be more than 0 requests per second.");
        }

        if (burst is { } size && !(size >= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(burst), size, "The burst must be at least 1 request.");
        }

        PerSecond = perSecond;
        _time = time;
        _capacity = burst ?? Math.Max(1, perSecond / 10);
        _tokens = _capacity;
        _refilledAt = time.GetTimestamp();
    }

    public double PerSecond { get; }

    /// <summary>The bucket's size: how many calls a full bucket lets through at once.</summary>
    public double Burst => _capacity;

    /// <summary>Takes a turn: at once while the bucket holds one, else after the wait until it does.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        TimeSpan wait;
        lock (_gate)
        {
            Refill();
            _tokens -= 1;
            wait = _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromTicks((long)Math.Ceiling(-_tokens * TimeSpan.TicksPerSecond / PerSecond));
        }

        if (wait == TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The turn was not used: give it back to whoever comes next.
            lock (_gate)
            {
                Refill();
                _tokens = Math.Min(_capacity, _tokens + 1);
            }

            throw;
        }
    }

    private void Refill()
    {
        var now = _time.GetTimestamp();
        _tokens = Math.Min(_capacity, _tokens + (_time.GetElapsedTime(_refilledAt, now).TotalSeconds * PerSecond));
        _refilledAt = now;
    }
}
