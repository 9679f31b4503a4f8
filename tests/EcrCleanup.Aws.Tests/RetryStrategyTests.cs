using EcrCleanup.Aws.Http;

namespace EcrCleanup.Aws.Tests;

public class RetryStrategyTests
{
    [Theory]
    [InlineData("ThrottlingException", 400, true)]
    [InlineData("Throttling", 400, true)]
    [InlineData("TooManyRequestsException", 429, true)]
    [InlineData("InternalFailure", 500, true)]
    [InlineData("Http502", 502, true)]
    [InlineData("RepositoryNotFoundException", 400, false)]
    [InlineData("AccessDeniedException", 400, false)]
    [InlineData("InvalidSignatureException", 403, false)]
    public void Retries_throttling_transient_errors_and_5xx_only(string code, int status, bool retryable) =>
        Assert.Equal(retryable, RetryStrategy.IsRetryable(code, status));

    [Fact]
    public void Backoff_grows_exponentially_with_full_jitter_and_is_capped()
    {
        var strategy = new RetryStrategy(10, TimeSpan.FromMilliseconds(500), random: () => 1.0);
        Assert.Equal(TimeSpan.FromMilliseconds(500), strategy.Delay(2, null));
        Assert.Equal(TimeSpan.FromMilliseconds(1000), strategy.Delay(3, null));
        Assert.Equal(TimeSpan.FromMilliseconds(2000), strategy.Delay(4, null));
        Assert.Equal(RetryStrategy.MaxBackoff, strategy.Delay(10, null));

        var jittered = new RetryStrategy(3, TimeSpan.FromMilliseconds(500), random: () => 0.25);
        Assert.Equal(TimeSpan.FromMilliseconds(125), jittered.Delay(2, null));
    }

    [Fact]
    public void A_longer_retry_after_from_the_server_is_honoured()
    {
        var strategy = new RetryStrategy(3, TimeSpan.FromMilliseconds(500), random: () => 1.0);
        Assert.Equal(TimeSpan.FromSeconds(3), strategy.Delay(2, TimeSpan.FromSeconds(3)));
        Assert.Equal(TimeSpan.FromMilliseconds(500), strategy.Delay(2, TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public void Needs_at_least_one_attempt() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryStrategy(0));
}
