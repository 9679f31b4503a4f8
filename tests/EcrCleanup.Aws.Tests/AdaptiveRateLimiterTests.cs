using EcrCleanup.Aws.Http;
using Microsoft.Extensions.Time.Testing;

namespace EcrCleanup.Aws.Tests;

/// <summary>The adaptive retry mode's token bucket: off until throttled, cut by CUBIC's β, grown back along the cubic curve.</summary>
public class AdaptiveRateLimiterTests
{
    private readonly FakeTimeProvider time = new();

    [Fact]
    public async Task Does_not_pace_until_the_service_throttles()
    {
        var limiter = new AdaptiveRateLimiter(time);

        for (var i = 0; i < 1000; i++)
        {
            var sentAt = await limiter.AcquireAsync(CancellationToken.None); // completes without time passing
            limiter.Update(throttled: false, sentAt);
        }

        Assert.Null(limiter.Rate);
    }

    [Fact]
    public async Task A_first_throttle_cuts_the_rate_to_seventy_percent_of_what_the_service_accepted_in_the_last_second()
    {
        var limiter = new AdaptiveRateLimiter(time);
        await SendAsync(limiter, perSecond: 20, seconds: 3);

        limiter.Update(throttled: true, await limiter.AcquireAsync(CancellationToken.None));

        Assert.InRange(limiter.Rate!.Value, 0.7 * 19, 0.7 * 21);
    }

    [Fact]
    public async Task A_throttle_in_the_first_burst_cuts_from_what_the_burst_got_through_not_to_the_floor()
    {
        var limiter = new AdaptiveRateLimiter(time);
        var sent = new List<double>();
        for (var i = 0; i < 8; i++)
        {
            sent.Add(await limiter.AcquireAsync(CancellationToken.None));
        }

        time.Advance(TimeSpan.FromMilliseconds(100));
        foreach (var sentAt in sent[1..])
        {
            limiter.Update(throttled: false, sentAt);
        }

        limiter.Update(throttled: true, sent[0]);

        Assert.Equal(0.7 * 7, limiter.Rate!.Value, 6); // 7 accepted in the burst: a second's worth, not 70 a second
    }

    [Fact]
    public async Task Throttles_of_calls_sent_before_the_cut_do_not_cut_again()
    {
        var limiter = new AdaptiveRateLimiter(time);
        await SendAsync(limiter, perSecond: 20, seconds: 3);
        var inFlight = Enumerable.Range(0, 8).Select(_ => limiter.AcquireAsync(CancellationToken.None).Result).ToArray();
        time.Advance(TimeSpan.FromMilliseconds(30));

        Assert.True(limiter.Update(throttled: true, inFlight[0]));
        var afterFirst = limiter.Rate;
        foreach (var sentAt in inFlight[1..])
        {
            Assert.False(limiter.Update(throttled: true, sentAt)); // already answered by the cut: not the call's own
        }

        Assert.Equal(afterFirst, limiter.Rate);
        var sentAfterCut = await AcquireWithinAsync(limiter);
        Assert.True(limiter.Update(throttled: true, sentAfterCut));
        Assert.True(limiter.Rate < afterFirst, "a throttle of a call sent at the new rate cuts again");
    }

    [Fact]
    public async Task A_throttle_met_while_probing_past_the_rate_last_throttled_cuts_but_is_not_the_calls_own()
    {
        var limiter = new AdaptiveRateLimiter(time);
        await SendAsync(limiter, perSecond: 20, seconds: 3);
        Assert.True(limiter.Update(throttled: true, await limiter.AcquireAsync(CancellationToken.None)));

        // W ≈ 20, K ≈ 2.47 s: one second on, the curve is still below W; a throttle then is the service's, and counts.
        await SendAsync(limiter, perSecond: 10, seconds: 1);
        var belowW = limiter.Rate!.Value;
        Assert.True(limiter.Update(throttled: true, await AcquireWithinAsync(limiter)));
        Assert.True(limiter.Rate < belowW);

        // Past K of that cut the curve climbs above the rate it was cut from: a throttle there answers the probe. It
        // cuts all the same, and is the client's own, not the call's.
        await SendAsync(limiter, perSecond: 10, seconds: 4);
        var probing = limiter.Rate!.Value;
        Assert.False(limiter.Update(throttled: true, await AcquireWithinAsync(limiter)));
        Assert.True(limiter.Rate < probing, "the probe's throttle cuts");
    }

    [Fact]
    public async Task Paces_calls_at_the_rate_once_throttled()
    {
        var limiter = new AdaptiveRateLimiter(time);
        await SendAsync(limiter, perSecond: 10, seconds: 3);
        limiter.Update(throttled: true, await limiter.AcquireAsync(CancellationToken.None));
        var rate = limiter.Rate!.Value;

        var turns = Enumerable.Range(0, 20).Select(_ => limiter.AcquireAsync(CancellationToken.None)).ToArray();
        var completed = 0;
        for (var step = 0; step < 20; step++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Yield();
            await Task.Delay(5);
        }

        completed = turns.Count(t => t.IsCompleted);
        Assert.InRange(completed, (int)(rate * 2) - 2, (int)(rate * 2) + 2); // two seconds' worth, give or take the bucket
    }

    [Fact]
    public async Task Climbs_back_along_the_cubic_curve_past_the_rate_that_was_throttled()
    {
        var limiter = new AdaptiveRateLimiter(time);
        await SendAsync(limiter, perSecond: 20, seconds: 3);
        limiter.Update(throttled: true, await limiter.AcquireAsync(CancellationToken.None));
        var cut = limiter.Rate!.Value;

        // W = the rate throttled (≈20), K = cbrt(W(1-β)/0.4) ≈ 2.47 s: the curve is back at W after K seconds.
        var rates = new List<double>();
        for (var second = 0; second < 5; second++)
        {
            await SendAsync(limiter, perSecond: 20, seconds: 1);
            rates.Add(limiter.Rate!.Value);
        }

        Assert.True(rates[0] > cut, "grows as soon as calls succeed");
        Assert.True(rates.Zip(rates.Skip(1)).All(p => p.Second >= p.First - 0.01), string.Join(", ", rates));
        Assert.True(rates[^1] > 20, $"passes the throttled rate once K has gone by: {string.Join(", ", rates)}");
    }

    [Fact]
    public async Task Never_falls_below_half_a_call_a_second()
    {
        var limiter = new AdaptiveRateLimiter(time);
        await SendAsync(limiter, perSecond: 2, seconds: 2);
        for (var i = 0; i < 30; i++)
        {
            var sentAt = await AcquireWithinAsync(limiter);
            time.Advance(TimeSpan.FromMilliseconds(10));
            limiter.Update(throttled: true, sentAt);
        }

        Assert.Equal(0.5, limiter.Rate);
    }

    /// <summary>Sends and answers evenly, <paramref name="perSecond"/> a second, as a service with headroom would.</summary>
    private async Task SendAsync(AdaptiveRateLimiter limiter, int perSecond, int seconds)
    {
        for (var i = 0; i < perSecond * seconds; i++)
        {
            var sentAt = await AcquireWithinAsync(limiter);
            time.Advance(TimeSpan.FromSeconds(1.0 / perSecond));
            limiter.Update(throttled: false, sentAt);
        }
    }

    /// <summary>Acquires, moving the fake clock on while the bucket makes the caller wait.</summary>
    private async Task<double> AcquireWithinAsync(AdaptiveRateLimiter limiter)
    {
        var turn = limiter.AcquireAsync(CancellationToken.None);
        for (var i = 0; !turn.IsCompleted && i < 10_000; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(50));
            await Task.Delay(1);
        }

        return await turn;
    }
}
