using EcrCleanup.Abstractions;
using EcrCleanup.Lifecycle;
using EcrCleanup.Model;
using Microsoft.Extensions.Time.Testing;

namespace EcrCleanup.Aws.Tests;

/// <summary>A lifecycle policy preview run to its end over canned ECR answers, its waits on a fake clock.</summary>
public class LifecyclePreviewPollerTests
{
    private const string Start = "AmazonEC2ContainerRegistry_V20150921.StartLifecyclePolicyPreview";
    private const string Get = "AmazonEC2ContainerRegistry_V20150921.GetLifecyclePolicyPreview";
    private const string InProgress = """{"repositoryName":"app","status":"IN_PROGRESS"}""";
    private static readonly string Digest = "sha256:" + new string('a', 64);

    private readonly WaitClock _clock = new();

    /// <summary>Answers Start in progress, then each GetLifecyclePolicyPreview with the next of <paramref name="previews"/>, the last from then on.</summary>
    private static CannedAws Ecr(params string[] previews)
    {
        var next = 0;
        return new CannedAws(request => CannedReply.Ok(request.Target == Start ? InProgress : previews[Math.Min(next++, previews.Length - 1)]));
    }

    private LifecyclePreviewPoller Poller(CannedAws http, TimeSpan? timeout = null) =>
        new(http.Factory().CreateEcr(), _clock, TimeSpan.FromSeconds(5), timeout ?? TimeSpan.FromSeconds(60));

    /// <summary>Lets each of the poller's next <paramref name="waits"/> waits end, once it has begun.</summary>
    private async Task PassAsync(int waits)
    {
        for (var i = 0; i < waits; i++)
        {
            Assert.True(await _clock.Waits.WaitAsync(TimeSpan.FromSeconds(10)), "the poller did not wait");
            _clock.Advance(TimeSpan.FromSeconds(5));
        }
    }

    [Fact]
    public async Task Starts_the_preview_then_reads_it_every_interval_until_it_is_complete()
    {
        var http = Ecr(InProgress, InProgress, $$"""
            {"status":"COMPLETE","previewResults":[{"imageDigest":"{{Digest}}","imagePushedAt":1767225600,"action":{"type":"EXPIRE"},"appliedRulePriority":1}],
             "summary":{"expiringImageTotalCount":1} }
            """);

        var run = Poller(http).PreviewAsync("app", """{"rules":[]}""", CancellationToken.None);
        await PassAsync(3);
        var preview = await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(LifecyclePreviewStatus.Complete, preview.Status);
        Assert.Equal([Digest], preview.Results.Select(r => r.Digest));
        Assert.Equal(1, preview.Summary!.ExpiringImageCount);
        Assert.Equal([Start, Get, Get, Get], http.Requests.Select(r => r.Target));
        EcsProtocolTests.AssertJson("""{"repositoryName":"app","lifecyclePolicyText":"{\"rules\":[]}"}""", http.Requests[0].Body);
        Assert.Equal(TimeSpan.FromSeconds(15), _clock.GetUtcNow() - _clock.Start);
    }

    [Theory]
    [InlineData("FAILED", "LifecyclePolicyPreviewFailed", "Check the policy's rules")]
    [InlineData("EXPIRED", "LifecyclePolicyPreviewExpired", "run again to start another")]
    public async Task A_preview_that_fails_or_expires_fails_saying_what_to_do(string status, string code, string advice)
    {
        var http = Ecr(InProgress, $$"""{"status":"{{status}}"}""");

        var run = Poller(http).PreviewAsync("app", null, CancellationToken.None);
        await PassAsync(2);
        var e = await Assert.ThrowsAsync<ServiceException>(() => run.WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(("ECR", "GetLifecyclePolicyPreview", "app", code), (e.Service, e.Operation, e.Resource, e.ErrorCode));
        Assert.Contains(advice, e.Message, StringComparison.Ordinal);
        Assert.Equal(3, http.Requests.Count);
    }

    [Fact]
    public async Task A_preview_still_in_progress_at_the_timeout_fails_without_another_wait()
    {
        var http = Ecr(InProgress);

        var run = Poller(http, TimeSpan.FromSeconds(12)).PreviewAsync("app", null, CancellationToken.None);
        await PassAsync(2);
        var e = await Assert.ThrowsAsync<ServiceException>(() => run.WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(("GetLifecyclePolicyPreview", "app", "LifecyclePolicyPreviewTimeout"), (e.Operation, e.Resource, e.ErrorCode));
        Assert.Contains("still in progress after 10 s (read every 5 s, for at most 12 s)", e.Message, StringComparison.Ordinal);
        Assert.Contains("aws ecr get-lifecycle-policy-preview --repository-name app", e.Message, StringComparison.Ordinal);
        Assert.Equal([Start, Get, Get], http.Requests.Select(r => r.Target));
        Assert.Equal(0, _clock.Waits.CurrentCount);
    }

    [Fact]
    public async Task Cancelling_ends_a_wait_at_once_and_reads_nothing_more()
    {
        var http = Ecr(InProgress);
        using var cancel = new CancellationTokenSource();

        var run = Poller(http).PreviewAsync("app", null, cancel.Token);
        Assert.True(await _clock.Waits.WaitAsync(TimeSpan.FromSeconds(10)));
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal([Start], http.Requests.Select(r => r.Target));
    }

    [Fact]
    public async Task A_start_that_ECR_refuses_fails_as_ECR_said_without_waiting()
    {
        var http = new CannedAws(new CannedReply(400, """{"__type":"LifecyclePolicyPreviewInProgressException","message":"The previous lifecycle policy preview request has not completed."}"""));

        var e = await Assert.ThrowsAsync<ServiceException>(() => Poller(http).PreviewAsync("app", null, CancellationToken.None));

        Assert.Equal(("StartLifecyclePolicyPreview", "LifecyclePolicyPreviewInProgressException"), (e.Operation, e.ErrorCode));
        Assert.Equal(0, _clock.Waits.CurrentCount);
    }

    [Fact]
    public void The_interval_must_be_positive_and_the_timeout_not_negative()
    {
        var ecr = Ecr(InProgress).Factory().CreateEcr();

        Assert.Throws<ArgumentOutOfRangeException>("interval", () => new LifecyclePreviewPoller(ecr, _clock, TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>("timeout", () => new LifecyclePreviewPoller(ecr, _clock, timeout: TimeSpan.FromSeconds(-1)));
        Assert.Equal((TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(100)), (LifecyclePreviewPoller.DefaultInterval, LifecyclePreviewPoller.DefaultTimeout));
    }

    /// <summary>A fake clock that counts the timers the poller's waits start, so a test moves time only once one waits.</summary>
    private sealed class WaitClock : FakeTimeProvider
    {
        public SemaphoreSlim Waits { get; } = new(0);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            Waits.Release();
            return timer;
        }
    }
}
