using EcrCleanup.Abstractions;
using EcrCleanup.Model;
using Microsoft.Extensions.Time.Testing;

namespace EcrCleanup.Core.Tests.Lifecycle;

/// <summary>
/// ECR's lifecycle operations for one repository: a policy (or none), a preview that starts with <see cref="StartStatus"/>
/// and is then read as each of <see cref="Previews"/> in turn (the last from then on), and failures by operation.
/// The other operations are not the guard's and are not served.
/// </summary>
internal sealed class LifecycleEcr : IEcrClient
{
    public const string Repo = "app";

    /// <summary>The repository's policy text; null when it has none.</summary>
    public string? PolicyText { get; set; }

    public LifecyclePreviewStatus StartStatus { get; set; } = LifecyclePreviewStatus.Complete;

    public List<LifecyclePreview> Previews { get; } = [];

    /// <summary>What an operation ("GetLifecyclePolicy", ...) throws instead of answering.</summary>
    public Dictionary<string, ServiceException> Failures { get; } = [];

    /// <summary>Every call, by operation, in order.</summary>
    public List<string> Calls { get; } = [];

    private int _reads;

    /// <summary>A complete preview of <paramref name="results"/>, as ECR answers it.</summary>
    public static LifecyclePreview Complete(string? policyText, params LifecyclePreviewResult[] results) =>
        new(LifecyclePreviewStatus.Complete, policyText, results, new LifecyclePreviewSummary(results.Count(r => r.Action.Type == LifecycleActionType.Expire), []));

    public static LifecyclePreview Status(LifecyclePreviewStatus status) => new(status, null, [], null);

    public static ServiceException Error(string operation, string code, string message = "refused") => new("ECR", operation, Repo, code, message);

    private void Call(string operation, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Calls.Add(operation);
        if (Failures.TryGetValue(operation, out var failure))
        {
            throw failure;
        }
    }

    public Task<LifecyclePolicy?> GetLifecyclePolicyAsync(string repositoryName, CancellationToken cancellationToken)
    {
        Call("GetLifecyclePolicy", cancellationToken);
        return Task.FromResult(PolicyText is null ? null : new LifecyclePolicy(PolicyText, null));
    }

    public Task<LifecyclePreviewStatus> StartLifecyclePolicyPreviewAsync(string repositoryName, string? policyText, CancellationToken cancellationToken)
    {
        Call("StartLifecyclePolicyPreview", cancellationToken);
        Assert.Null(policyText);
        return Task.FromResult(StartStatus);
    }

    public Task<LifecyclePreview> GetLifecyclePolicyPreviewAsync(string repositoryName, CancellationToken cancellationToken)
    {
        Call("GetLifecyclePolicyPreview", cancellationToken);
        return Task.FromResult(Previews[Math.Min(_reads++, Previews.Count - 1)]);
    }

    public Task<EcrRepository> DescribeRepositoryAsync(string repositoryName, CancellationToken cancellationToken) => throw new NotSupportedException();

    public IAsyncEnumerable<EcrRepository> ListRepositoriesAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    public IAsyncEnumerable<EcrImage> DescribeImagesAsync(string repositoryName, ImageStatusFilter status, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<EcrImage>> DescribeImagesAsync(string repositoryName, IReadOnlyCollection<string> digests, ImageStatusFilter status, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<ImageManifest>> GetManifestsAsync(string repositoryName, IReadOnlyCollection<string> digests, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<BatchDeleteResult> BatchDeleteImageAsync(string repositoryName, IReadOnlyCollection<string> digests, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<StorageClassUpdate> UpdateImageStorageClassAsync(string repositoryName, string digest, StorageClass target, CancellationToken cancellationToken) => throw new NotSupportedException();
}

/// <summary>A fake clock that counts the timers the poller's waits start, so a test moves time only once one waits.</summary>
internal sealed class WaitClock : FakeTimeProvider
{
    public WaitClock()
        : base(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    public SemaphoreSlim Waits { get; } = new(0);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        Waits.Release();
        return timer;
    }

    /// <summary>Lets each of the next <paramref name="waits"/> waits end, once it has begun, moving the clock by <paramref name="interval"/>.</summary>
    public async Task PassAsync(int waits, TimeSpan interval)
    {
        for (var i = 0; i < waits; i++)
        {
            Assert.True(await Waits.WaitAsync(TimeSpan.FromSeconds(10)), "the poller did not wait");
            Advance(interval);
        }
    }
}
