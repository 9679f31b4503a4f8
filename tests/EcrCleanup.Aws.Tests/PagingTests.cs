using System.Collections.Concurrent;
using EcrCleanup.Abstractions;
using EcrCleanup.Aws.Http;

namespace EcrCleanup.Aws.Tests;

public class PagingTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>Pages "" (the first), "2", "3": two items each; each answer names the next page's token.</summary>
    private static (List<string> Items, string? NextToken) Page(string? token) => (token ?? "1") switch
    {
        "1" => (["a", "b"], "2"),
        "2" => (["c", "d"], "3"),
        "3" => (["e", "f"], null),
        var other => throw new InvalidOperationException($"no page at token {other}"),
    };

    [Fact]
    public async Task Reads_every_page_in_order_each_asked_at_the_token_of_the_answer_before_it()
    {
        var asked = new ConcurrentQueue<string?>();

        var items = await Paging.EveryPageAsync<string>((token, ct) =>
        {
            asked.Enqueue(token);
            return Task.FromResult(Page(token));
        }, CancellationToken.None).ToListAsync();

        Assert.Equal(["a", "b", "c", "d", "e", "f"], items);
        Assert.Equal([null, "2", "3"], asked);
    }

    [Fact]
    public async Task Asks_the_next_page_as_soon_as_the_answer_names_its_token_before_its_items_are_read()
    {
        // Each page's items are read only once the page after it has been asked: without the page asked ahead, the
        // first page would wait for the second for ever (here, until the patience runs out and the test fails).
        var asked = new ConcurrentDictionary<string, TaskCompletionSource>();
        TaskCompletionSource Asked(string token) => asked.GetOrAdd(token, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));

        var items = await Paging.EveryPageAsync<string>(async (token, tokenRead, ct) =>
        {
            Asked(token ?? "1").TrySetResult();
            await Task.Yield();
            var (pageItems, next) = Page(token);
            tokenRead(next);
            if (next is not null)
            {
                await Asked(next).Task.WaitAsync(Patience, ct);
            }

            return (pageItems, next);
        }, CancellationToken.None).ToListAsync();

        Assert.Equal(["a", "b", "c", "d", "e", "f"], items);
        Assert.Equal(["1", "2", "3"], asked.Keys.Order());
    }

    [Fact]
    public async Task A_page_asked_ahead_at_a_token_the_answer_was_not_finally_read_with_is_asked_again_and_asks_nothing_further()
    {
        // The first page's first attempt names token "stale" (then, say, its items are malformed and it is read again,
        // this time naming "2"): the page asked at "stale" is never read, and asks no page of its own.
        var asked = new ConcurrentQueue<string?>();
        var secondAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var items = await Paging.EveryPageAsync<string>(async (token, tokenRead, ct) =>
        {
            asked.Enqueue(token);
            if (token == "2")
            {
                secondAsked.TrySetResult();
            }

            await Task.Yield();
            if (token is null)
            {
                tokenRead("stale");
            }

            if (token == "stale")
            {
                // Its answer comes once the first page was read, naming "2".
                await secondAsked.Task.WaitAsync(Patience, ct);
                tokenRead("beyond-stale");
                return (["stale item"], "beyond-stale");
            }

            var page = Page(token);
            tokenRead(page.NextToken);
            return page;
        }, CancellationToken.None).ToListAsync();

        Assert.Equal(["a", "b", "c", "d", "e", "f"], items);
        Assert.Equal([null, "2", "3", "stale"], asked.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_page_asked_ahead_asks_the_next_only_once_it_is_known_to_be_read()
    {
        // The second page answers (naming the third's token) while the first is still being read: the third is asked
        // when the first has been read with the second's token, not before; at most one page is ever ahead.
        var asked = new ConcurrentQueue<string?>();
        var secondAnswered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var askedWhileFirstWasRead = Array.Empty<string?>();

        var items = await Paging.EveryPageAsync<string>(async (token, tokenRead, ct) =>
        {
            asked.Enqueue(token);
            await Task.Yield();
            var page = Page(token);
            tokenRead(page.NextToken);
            if (token is null)
            {
                await secondAnswered.Task.WaitAsync(Patience, ct);
                askedWhileFirstWasRead = [.. asked];
            }
            else if (token == "2")
            {
                secondAnswered.TrySetResult();
            }

            return page;
        }, CancellationToken.None).ToListAsync();

        Assert.Equal(["a", "b", "c", "d", "e", "f"], items);
        Assert.Equal([null, "2"], askedWhileFirstWasRead.AsEnumerable());
        Assert.Equal([null, "2", "3"], asked);
    }

    [Fact]
    public async Task A_failing_page_stops_the_listing_and_cancels_the_page_asked_ahead()
    {
        var aheadCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var listing = Paging.EveryPageAsync<string>(async (token, tokenRead, ct) =>
        {
            if (token is null)
            {
                await Task.Yield();
                tokenRead("2");
                throw new ServiceException("ECR", "DescribeImages", "app", "ServerException", "failed");
            }

            try
            {
                await Task.Delay(Timeout.Infinite, ct);
                return ([], null);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                aheadCancelled.TrySetResult();
                throw;
            }
        }, CancellationToken.None).ToListAsync().AsTask();

        Assert.Equal("ServerException", (await Assert.ThrowsAsync<ServiceException>(() => listing)).ErrorCode);
        await aheadCancelled.Task.WaitAsync(Patience);
    }

    [Fact]
    public async Task A_reader_that_stops_early_cancels_the_page_asked_ahead()
    {
        var aheadCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var first = await Paging.EveryPageAsync<string>(async (token, tokenRead, ct) =>
        {
            if (token is null)
            {
                tokenRead("2");
                return (["a", "b"], "2");
            }

            try
            {
                await Task.Delay(Timeout.Infinite, ct);
                return ([], null);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                aheadCancelled.TrySetResult();
                throw;
            }
        }, CancellationToken.None).FirstAsync();

        Assert.Equal("a", first);
        await aheadCancelled.Task.WaitAsync(Patience);
    }
}
