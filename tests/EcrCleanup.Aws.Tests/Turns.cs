namespace EcrCleanup.Aws.Tests;

/// <summary>Waiting on calls held by a rate limiter on a fake clock.</summary>
internal static class Turns
{
    /// <summary>The first <paramref name="count"/> tasks end (their delays run their continuations on the pool), the rest do not.</summary>
    public static async Task AssertOnlyTheseCompleteAsync(Task[] tasks, int count)
    {
        await Task.WhenAll(tasks[..count]).WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(50);
        Assert.DoesNotContain(tasks[count..], t => t.IsCompleted);
    }
}
