using System.Text.RegularExpressions;
using EcrCleanup.Abstractions;
using EcrCleanup.Aws.Http;
using EcrCleanup.Diagnostics;
using Octokit;
using Octokit.Internal;

namespace EcrCleanup.Aws.GitHub;

/// <summary>
/// The GitHub REST calls the module makes for one repository, through Octokit. Every call is counted, retried
/// on rate limits, 5xx and broken connections with the module's retry strategy, and fails as a
/// <see cref="ServiceException"/> of service <c>GitHub</c>.
/// </summary>
internal sealed partial class GitHubClient : Abstractions.IGitHubClient
{
    internal const string Service = "GitHub";
    internal const int PageSize = 100;

    /// <summary>GitHub.com's API; GitHub Actions sets GITHUB_API_URL to it, or to a GitHub Enterprise Server's.</summary>
    internal static readonly Uri DefaultApiUrl = new("https://api.github.com/");

    private readonly Octokit.GitHubClient _github;
    private readonly ApiConnection _api;
    private readonly ServiceCallRecorder _recorder;
    private readonly RetryStrategy _retry;
    private readonly TimeProvider _time;
    private readonly string _owner;
    private readonly string _name;

    /// <param name="repository"><c>owner/name</c>.</param>
    /// <param name="apiUrl">The API's base URL; a path (GitHub Enterprise Server's <c>/api/v3</c>) is kept as it is.</param>
    public GitHubClient(string repository, string token, Uri apiUrl, ServiceCallRecorder recorder, RetryStrategy retry, TimeProvider time)
    {
        (_owner, _name) = ParseRepository(repository);
        if (string.IsNullOrWhiteSpace(token))
        {
            throw new AwsConfigurationException(AwsConfigurationException.SettingInvalid, "No GitHub token was given. Pass -GitHubToken or set GITHUB_TOKEN (in GitHub Actions: GITHUB_TOKEN: ${{ github.token }}).");
        }

        // Connection, not GitHubClient(product, uri): that constructor rewrites any host but github.com to /api/v3/.
        var connection = new Connection(new ProductHeaderValue("EcrCleanup"), WithTrailingSlash(apiUrl), new InMemoryCredentialStore(new Credentials(token)));
        _github = new Octokit.GitHubClient(connection);
        _api = new ApiConnection(connection);
        _recorder = recorder;
        _retry = retry;
        _time = time;
    }

    public string Repository => $"{_owner}/{_name}";

    public async Task<string> GetDefaultBranchAsync(CancellationToken cancellationToken)
    {
        var repository = await CallAsync("GetRepository", string.Empty, () => _github.Repository.Get(_owner, _name), cancellationToken).ConfigureAwait(false);
        return repository.DefaultBranch;
    }

    public async Task<IReadOnlyList<GitHubPullRequest>> ListOpenPullRequestsAsync(CancellationToken cancellationToken)
    {
        var request = new PullRequestRequest { State = ItemStateFilter.Open };
        var pulls = await AllPagesAsync("ListPullRequests", "pulls", options => _github.PullRequest.GetAllForRepository(_owner, _name, request, options), cancellationToken).ConfigureAwait(false);
        return pulls.Select(p => new GitHubPullRequest(p.Number, p.Head.Sha)).ToArray();
    }

    public async Task<IReadOnlyList<string>> ListPullRequestCommitsAsync(int number, CancellationToken cancellationToken)
    {
        var url = ApiUrls.PullRequestCommits(_owner, _name, number);
        var commits = await AllPagesAsync("ListPullRequestCommits", $"pulls/{number}/commits", options => _api.GetAll<PullRequestCommit>(url, options), cancellationToken).ConfigureAwait(false);
        return commits.Select(c => c.Sha).ToArray();
    }

    public async Task<IReadOnlyList<GitHubDeployment>> ListDeploymentsAsync(string environment, int page, CancellationToken cancellationToken)
    {
        // Octokit's DeploymentsClient takes no environment filter; the REST API does, so the query goes through ApiConnection.
        // Octokit adds the paging parameters to the dictionary it is given: each attempt needs its own.
        var url = ApiUrls.Deployments(_owner, _name);
        var deployments = await CallAsync("ListDeployments", "deployments", () => _api.GetAll<Deployment>(url, new Dictionary<string, string> { ["environment"] = environment }, OnePage(page)), cancellationToken).ConfigureAwait(false);
        return deployments.Select(d => new GitHubDeployment(d.Id, d.Sha, d.Environment, d.CreatedAt)).ToArray();
    }

    public async Task<IReadOnlyList<string>> ListBranchCommitsAsync(string branch, int page, CancellationToken cancellationToken)
    {
        var request = new CommitRequest { Sha = branch };
        var commits = await CallAsync("ListCommits", "commits", () => _github.Repository.Commit.GetAll(_owner, _name, request, OnePage(page)), cancellationToken).ConfigureAwait(false);
        return commits.Select(c => c.Sha).ToArray();
    }

    /// <summary><c>owner/name</c> as GitHub allows them; anything else is refused before a call is made.</summary>
    internal static (string Owner, string Name) ParseRepository(string repository)
    {
        var match = RepositoryPattern().Match(repository ?? string.Empty);
        if (!match.Success || match.Groups["name"].Value is "." or "..")
        {
            throw new AwsConfigurationException(AwsConfigurationException.SettingInvalid, $"'{repository}' is not a GitHub repository. Give it as owner/name, for example djinilabs/helpmaton (in GitHub Actions: ${{{{ github.repository }}}}).");
        }

        return (match.Groups["owner"].Value, match.Groups["name"].Value);
    }

    /// <summary>The API's URL: the one given, else GITHUB_API_URL, else api.github.com.</summary>
    internal static Uri ResolveApiUrl(Uri? explicitUrl, Func<string, string?> getEnvironmentVariable)
    {
        if (explicitUrl is not null)
        {
            return explicitUrl;
        }

        var value = getEnvironmentVariable("GITHUB_API_URL");
        if (string.IsNullOrWhiteSpace(value))
        {
            return DefaultApiUrl;
        }

        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new AwsConfigurationException(AwsConfigurationException.SettingInvalid, $"GITHUB_API_URL is '{value}', which is not an http or https URL. Set it to the API's URL, for example https://api.github.com, or unset it.");
        }

        return uri;
    }

    private static Uri WithTrailingSlash(Uri uri) => uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri + "/");

    private static ApiOptions OnePage(int page) => new() { PageSize = PageSize, PageCount = 1, StartPage = page };

    /// <summary>Every page, one call per page so that each is counted and retried alone; a short page is the last.</summary>
    private async Task<List<T>> AllPagesAsync<T>(string operation, string path, Func<ApiOptions, Task<IReadOnlyList<T>>> getPage, CancellationToken cancellationToken)
    {
        var all = new List<T>();
        for (var page = 1; ; page++)
        {
            var items = await CallAsync(operation, path, () => getPage(OnePage(page)), cancellationToken).ConfigureAwait(false);
            all.AddRange(items);
            if (items.Count < PageSize)
            {
                return all;
            }
        }
    }

    private async Task<T> CallAsync<T>(string operation, string path, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        var resource = path.Length == 0 ? Repository : $"{Repository}/{path}";
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _recorder.CallStarted(Service, operation, resource, attempt);
            GitHubFailure failure;
            try
            {
                // Octokit's calls take no cancellation token: stop waiting for them when the command is cancelled.
                return await call().WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && GitHubFailure.From(e, _time) is { } known)
            {
                failure = known;
            }

            if (!failure.IsRetryable || attempt >= _retry.MaxAttempts)
            {
                throw failure.ToException(operation, resource, attempt);
            }

            var delay = _retry.Delay(attempt + 1, failure.ServerWait);
            _recorder.RetryScheduled(Service, operation, resource, failure.Code, delay);
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    [GeneratedRegex("^(?<owner>[A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/(?<name>[A-Za-z0-9._-]{1,100})$")]
    private static partial Regex RepositoryPattern();
}
