using EcrCleanup.Aws.Http;
using EcrCleanup.Aws.Lambda;
using Microsoft.Extensions.Time.Testing;

namespace EcrCleanup.Aws.Tests;

/// <summary>The token bucket that keeps Lambda calls under Lambda's quotas.</summary>
public class LambdaRateLimiterTests
{
    [Fact]
    public async Task Lets_a_tenth_of_a_seconds_worth_through_at_once()
    {
        var time = new FakeTimeProvider();
        var limiter = new RequestRateLimiter(100, time);

        var turns = Enumerable.Range(0, 11).Select(_ => limiter.WaitAsync(CancellationToken.None)).ToArray();

        await Turns.AssertOnlyTheseCompleteAsync(turns, 10);
    }

    [Fact]
    public async Task Past_the_burst_callers_wait_one_interval_each_in_order()
    {
        var time = new FakeTimeProvider();
        var limiter = new RequestRateLimiter(10, time);
        await limiter.WaitAsync(CancellationToken.None);

        var second = limiter.WaitAsync(CancellationToken.None);
        var third = limiter.WaitAsync(CancellationToken.None);

        time.Advance(TimeSpan.FromMilliseconds(99));
        await Turns.AssertOnlyTheseCompleteAsync([second, third], 0);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await Turns.AssertOnlyTheseCompleteAsync([second, third], 1);
        time.Advance(TimeSpan.FromMilliseconds(100));
        await Turns.AssertOnlyTheseCompleteAsync([second, third], 2);
    }

    [Fact]
    public async Task Never_lets_more_through_in_any_second_than_the_rate_plus_the_burst()
    {
        var time = new FakeTimeProvider();
        var limiter = new RequestRateLimiter(90, time);
        var turns = Enumerable.Range(0, 400).Select(_ => limiter.WaitAsync(CancellationToken.None)).ToArray();

        await Turns.AssertOnlyTheseCompleteAsync(turns, 9);
        time.Advance(TimeSpan.FromSeconds(1));
        await Turns.AssertOnlyTheseCompleteAsync(turns, 9 + 90);
        time.Advance(TimeSpan.FromSeconds(2));
        await Turns.AssertOnlyTheseCompleteAsync(turns, 9 + 270);
    }

    [Fact]
    public async Task An_idle_bucket_refills_to_its_burst_and_no_more()
    {
        var time = new FakeTimeProvider();
        var limiter = new RequestRateLimiter(50, time);
        for (var i = 0; i < 5; i++)
        {
            _ = limiter.WaitAsync(CancellationToken.None);
        }

        time.Advance(TimeSpan.FromMinutes(1));
        var turns = Enumerable.Range(0, 6).Select(_ => limiter.WaitAsync(CancellationToken.None)).ToArray();

        await Turns.AssertOnlyTheseCompleteAsync(turns, 5);
    }

    [Fact]
    public async Task A_cancelled_wait_gives_its_turn_back()
    {
        var time = new FakeTimeProvider();
        var limiter = new RequestRateLimiter(1, time);
        await limiter.WaitAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var cancelled = limiter.WaitAsync(cancel.Token);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        var next = limiter.WaitAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(1));
        await Turns.AssertOnlyTheseCompleteAsync([next], 1);
    }

    [Fact]
    public void The_lambda_client_stays_under_lambdas_documented_quotas()
    {
        Assert.InRange(LambdaClient.GetFunctionRate, 90, 99.9);
        Assert.InRange(LambdaClient.ControlPlaneRate, 13, 14.9);
    }

    [Fact]
    public void Needs_a_positive_rate() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new RequestRateLimiter(0, TimeProvider.System));
}
