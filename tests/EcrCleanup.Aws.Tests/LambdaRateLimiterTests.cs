using EcrCleanup.Aws.Lambda;
using Microsoft.Extensions.Time.Testing;

namespace EcrCleanup.Aws.Tests;

/// <summary>The token bucket that keeps Lambda calls under Lambda's quotas.</summary>
public class LambdaRateLimiterTests
{
    [Fact]
    public void Lets_one_seconds_worth_through_at_once()
    {
        var time = new FakeTimeProvider();
        var limiter = new RequestRateLimiter(10, time);

        var turns = Enumerable.Range(0, 10).Select(_ => limiter.WaitAsync(CancellationToken.None)).ToArray();

        Assert.All(turns, t => Assert.True(t.IsCompletedSuccessfully));
    }

    [Fact]
    public async Task Past_the_burst_callers_wait_one_interval_each_in_order()
    {
        var time = new FakeTimeProvider();
        var limiter = new RequestRateLimiter(10, time);
        for (var i = 0; i < 10; i++)
        {
            _ = limiter.WaitAsync(CancellationToken.None);
        }

        var eleventh = limiter.WaitAsync(CancellationToken.None);
        var twelfth = limiter.WaitAsync(CancellationToken.None);

        time.Advance(TimeSpan.FromMilliseconds(99));
        await AssertOnlyTheseCompleteAsync([eleventh, twelfth], 0);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await AssertOnlyTheseCompleteAsync([eleventh, twelfth], 1);
        time.Advance(TimeSpan.FromMilliseconds(100));
        await AssertOnlyTheseCompleteAsync([eleventh, twelfth], 2);
    }

    [Fact]
    public async Task Never_lets_more_through_in_any_second_than_the_rate_plus_the_burst()
    {
        var time = new FakeTimeProvider();
        var limiter = new RequestRateLimiter(90, time);
        var turns = Enumerable.Range(0, 400).Select(_ => limiter.WaitAsync(CancellationToken.None)).ToArray();

        await AssertOnlyTheseCompleteAsync(turns, 90);
        time.Advance(TimeSpan.FromSeconds(1));
        await AssertOnlyTheseCompleteAsync(turns, 180);
        time.Advance(TimeSpan.FromSeconds(2));
        await AssertOnlyTheseCompleteAsync(turns, 360);
    }

    [Fact]
    public async Task An_idle_bucket_refills_to_one_second_and_no_more()
    {
        var time = new FakeTimeProvider();
        var limiter = new RequestRateLimiter(5, time);
        for (var i = 0; i < 5; i++)
        {
            _ = limiter.WaitAsync(CancellationToken.None);
        }

        time.Advance(TimeSpan.FromMinutes(1));
        var turns = Enumerable.Range(0, 6).Select(_ => limiter.WaitAsync(CancellationToken.None)).ToArray();

        await AssertOnlyTheseCompleteAsync(turns, 5);
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
        await AssertOnlyTheseCompleteAsync([next], 1);
    }

    [Fact]
    public void The_lambda_client_stays_under_lambdas_documented_quotas()
    {
        Assert.InRange(LambdaClient.GetFunctionRate, 1, 99);
        Assert.InRange(LambdaClient.ControlPlaneRate, 1, 14);
    }

    [Fact]
    public void Needs_a_positive_rate() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new RequestRateLimiter(0, TimeProvider.System));

    /// <summary>The first <paramref name="count"/> turns end (their delays run their continuations on the pool), the rest do not.</summary>
    private static async Task AssertOnlyTheseCompleteAsync(Task[] turns, int count)
    {
        await Task.WhenAll(turns[..count]).WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(50);
        Assert.DoesNotContain(turns[count..], t => t.IsCompleted);
    }
}
