namespace EcrCleanup.Aws.Http;

/// <summary>
/// The AWS SDKs' adaptive retry mode for one service: a client-side token bucket, off until the service first
/// throttles, whose rate follows CUBIC congestion control — cut to 70% of the measured sending rate on a throttling
/// answer, then grown back along a cubic curve that is flat near the rate that was throttled and steep away from it.
/// The constants are the SDKs' (β 0.7, scale 0.4, smoothing 0.8, half-second measuring buckets, at least 0.5 calls a
/// second). Two refinements for a client that starts with a burst of parallel calls: the first throttle cuts from the
/// calls the service accepted in the last second (the SDKs take the measured rate, which reads 0 until the first
/// half-second has closed, and drop to the floor); and a throttling answer to a call sent before the last cut says
/// nothing about the rate now in force, so it does not cut again — the rate falls once per round trip, not once per
/// call of the burst. Either throttle, and one met while the curve is past the rate last throttled (CUBIC probing
/// above it, which the cut answers), is the client's own pace, not the call's: the caller need not count it as an
/// attempt. Safe to use from many threads.
/// </summary>
internal sealed class AdaptiveRateLimiter
{
    private const double Beta = 0.7;
    private const double ScaleConstant = 0.4;
    private const double Smoothing = 0.8;
    private const double BucketSeconds = 0.5;
    private const double MinimumFillRate = 0.5;
    private const double MinimumCapacity = 1;

    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly object _gate = new();

    private bool _enabled;
    private double _fillRate;
    private double _maxCapacity;
    private double _capacity;
    private double _lastRefill;

    private double _measuredRate;
    private double _measuringBucket;
    private int _sentInBucket;

    private double _lastMaxRate;
    private double _lastThrottle;
    private double _timeWindow;
    private double _lastCut = double.NegativeInfinity;

    /// <summary>When the successful answers of the last second came, until the bucket is first enabled.</summary>
    private readonly Queue<double> _recentSuccesses = new();

    public AdaptiveRateLimiter(TimeProvider time)
    {
        _time = time;
        _origin = time.GetTimestamp();
    }

    /// <summary>The rate the bucket refills at, or null while no throttling has been met (no pacing at all).</summary>
    public double? Rate
    {
        get
        {
            lock (_gate)
            {
                return _enabled ? _fillRate : null;
            }
        }
    }

    /// <summary>Takes a token before an attempt (at once while the bucket is off); returns the moment of sending, for <see cref="Update"/>.</summary>
    public async Task<double> AcquireAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TimeSpan wait;
            lock (_gate)
            {
                var now = Now();
                if (!_enabled)
                {
                    return now;
                }

                Refill(now);
                if (_capacity >= 1)
                {
                    _capacity -= 1;
                    return now;
                }

                // At least a millisecond: a wait rounded to nothing would spin without letting the bucket refill.
                wait = TimeSpan.FromSeconds(Math.Max((1 - _capacity) / _fillRate, 0.001));
            }

            // Woken callers compete for the token again: the rate may have changed while they waited.
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Learns from an answer to an attempt sent at <paramref name="sentAt"/>: a throttling one, or any other.</summary>
    /// <returns>
    /// False for a throttling answer the client's own pace explains, which the caller need not count as the call's
    /// attempt: to a call sent before the last cut (the rate now in force already answers it), or met while the curve
    /// was past the rate last throttled (CUBIC probing above it; this answer cuts). True for any other answer.
    /// </returns>
    public bool Update(bool throttled, double sentAt)
    {
        lock (_gate)
        {
            var now = Now();
            MeasureRate(now);
            double calculated;
            if (throttled)
            {
                if (sentAt < _lastCut)
                {
                    return false;
                }

                // Past K the curve is above the rate last throttled: CUBIC probing for more. A throttle there is the
                // probe's answer, which the cut takes; the call did not meet a service that got slower.
                var probing = _enabled && now - _lastThrottle > _timeWindow;

                var rateToUse = _enabled ? Math.Min(SendingRate(now), _fillRate) : AcceptedRate(now);
                _lastMaxRate = rateToUse;
                _timeWindow = Math.Cbrt(_lastMaxRate * (1 - Beta) / ScaleConstant);
                _lastThrottle = now;
                _lastCut = now;
                calculated = rateToUse * Beta;
                if (!_enabled)
                {
                    _enabled = true;
                    _lastRefill = now;
                    _recentSuccesses.Clear();
                }

                SetRate(calculated, now);
                return !probing;
            }
            else
            {
                if (!_enabled)
                {
                    _recentSuccesses.Enqueue(now);
                    ForgetSuccessesBefore(now - 1);
                    return true;
                }

                calculated = (ScaleConstant * Math.Pow(now - _lastThrottle - _timeWindow, 3)) + _lastMaxRate;
            }

            SetRate(calculated, now);
            return true;
        }
    }

    /// <summary>Sets the rate (at most twice the measured sending rate, at least the floor). Under the gate.</summary>
    private void SetRate(double calculated, double now)
    {
        var rate = Math.Min(calculated, 2 * SendingRate(now));
        Refill(now);
        _fillRate = Math.Max(rate, MinimumFillRate);
        _maxCapacity = Math.Max(rate, MinimumCapacity);
        _capacity = Math.Min(_capacity, _maxCapacity);
    }

    private double Now() => _time.GetElapsedTime(_origin).TotalSeconds;

    private void Refill(double now)
    {
        _capacity = Math.Min(_maxCapacity, _capacity + ((now - _lastRefill) * _fillRate));
        _lastRefill = now;
    }

    /// <summary>The smoothed rate of answers, measured in half-second buckets.</summary>
    private void MeasureRate(double now)
    {
        var bucket = Math.Floor(now / BucketSeconds) * BucketSeconds;
        if (bucket > _measuringBucket)
        {
            var rate = _sentInBucket / (bucket - _measuringBucket);
            _measuredRate = (rate * Smoothing) + (_measuredRate * (1 - Smoothing));
            _sentInBucket = 0;
            _measuringBucket = bucket;
        }

        _sentInBucket++;
    }

    /// <summary>The measured rate; before the first half-second has closed, the answers so far over the time so far.</summary>
    private double SendingRate(double now) =>
        _measuredRate > 0 ? _measuredRate : _sentInBucket / Math.Max(now - _measuringBucket, BucketSeconds / 10);

    /// <summary>Successful answers in the last second: what the service accepted, a burst counted as one second's worth.</summary>
    private double AcceptedRate(double now)
    {
        ForgetSuccessesBefore(now - 1);
        return _recentSuccesses.Count;
    }

    private void ForgetSuccessesBefore(double moment)
    {
        while (_recentSuccesses.Count > 0 && _recentSuccesses.Peek() <= moment)
        {
            _recentSuccesses.Dequeue();
        }
    }
}
