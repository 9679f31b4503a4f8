using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using EcrCleanup.Abstractions;
using EcrCleanup.Configuration;
using EcrCleanup.Decisions;

namespace EcrCleanup.Reading;

/// <summary>Reads what GitHub knows: the commits of open pull requests and the production history.</summary>
internal sealed class GitHubReader
{
    private readonly IGitHubClient _github;
    private readonly CleanupSettings _settings;
    private readonly Action<ReadProgress>? _progress;

    public GitHubReader(IGitHubClient github, CleanupSettings settings, Action<ReadProgress>? progress)
    {
        _github = github;
        _settings = settings;
        _progress = progress;
    }

    /// <summary>Every commit SHA of every open pull request (head included) with the pull request's number.</summary>
    public async Task<IReadOnlyDictionary<string, int>> ReadOpenPullRequestsAsync(CancellationToken cancellationToken)
    {
        var pullRequests = await _github.ListOpenPullRequestsAsync(cancellationToken).ConfigureAwait(false);
        var shas = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var done = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = _settings.ThrottleLimit, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(pullRequests, options, async (pullRequest, token) =>
        {
            Add(pullRequest.HeadSha, pullRequest.Number);
            foreach (var sha in await _github.ListPullRequestCommitsAsync(pullRequest.Number, token).ConfigureAwait(false))
            {
                Add(sha, pullRequest.Number);
            }

            _progress?.Invoke(new ReadProgress("Reading open pull requests", $"#{pullRequest.Number}", Interlocked.Increment(ref done), pullRequests.Count));
        }).ConfigureAwait(false);

        // Several pull requests can share a commit: the lowest number names it, whatever order the reads finished in.
        return new SortedDictionary<string, int>(shas, StringComparer.Ordinal);

        void Add(string sha, int number)
        {
            if (CommitSha.Normalize(sha) is { } normalized)
            {
                shas.AddOrUpdate(normalized, number, (_, existing) => Math.Min(existing, number));
            }
        }
    }

    /// <summary>Where the history read came from: Deployments or Commits (Auto resolved); null before the first page.</summary>
    public ProductionHistorySource? Source { get; private set; }

    /// <summary>Production commit SHAs, newest first, a page (of up to 100) at a time, as long as the caller reads and at most <see cref="CleanupSettings.MaxHistoryPages"/> pages.</summary>
    public async IAsyncEnumerable<HistoryPage> ReadProductionHistoryAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var source = _settings.HistorySource;
        IReadOnlyList<string>? firstPage = null;
        if (source != ProductionHistorySource.Commits)
        {
            firstPage = await DeploymentPageAsync(1, cancellationToken).ConfigureAwait(false);
            if (source == ProductionHistorySource.Auto)
            {
                source = firstPage.Count > 0 ? ProductionHistorySource.Deployments : ProductionHistorySource.Commits;
            }
        }

        Source = source;

        var branch = source == ProductionHistorySource.Commits ? await _github.GetDefaultBranchAsync(cancellationToken).ConfigureAwait(false) : null;
        for (var page = 1; page <= _settings.MaxHistoryPages; page++)
        {
            var shas = source == ProductionHistorySource.Deployments
                ? page == 1 && firstPage is not null ? firstPage : await DeploymentPageAsync(page, cancellationToken).ConfigureAwait(false)
                : await _github.ListBranchCommitsAsync(branch!, page, cancellationToken).ConfigureAwait(false);
            var last = shas.Count < 100 || page == _settings.MaxHistoryPages;
            yield return new HistoryPage(shas, last);
            if (last)
            {
                yield break;
            }
        }
    }

    /// <summary>The environments the newest 100 deployments went to, for a person who named one that has none.</summary>
    public async Task<IReadOnlyList<string>> ReadDeploymentEnvironmentsAsync(CancellationToken cancellationToken) =>
        (await _github.ListDeploymentsAsync(null, 1, cancellationToken).ConfigureAwait(false))
            .Select(d => d.Environment).Where(e => !string.IsNullOrEmpty(e)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();

    private async Task<IReadOnlyList<string>> DeploymentPageAsync(int page, CancellationToken cancellationToken)
    {
        var deployments = await _github.ListDeploymentsAsync(_settings.ProductionEnvironment, page, cancellationToken).ConfigureAwait(false);
        return deployments.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Select(d => d.Sha).ToArray();
    }
}

/// <summary>One page of production history, newest first; <see cref="IsLast"/> when no page follows it.</summary>
internal sealed record HistoryPage(IReadOnlyList<string> Shas, bool IsLast);
