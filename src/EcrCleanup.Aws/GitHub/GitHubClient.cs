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

        // A Connection of our own, not GitHubClient(product, uri): that constructor rewrites any host but github.com to
        // /api/v3/. And no Octokit.GitHubClient at all: it builds a client for every part of GitHub's API, compiled in
        // a fresh process before the first call can go, where the module asks a few URLs through the connection.
        _api = new ApiConnection(new Connection(new ProductHeaderValue("EcrCleanup"), WithTrailingSlash(apiUrl), new InMemoryCredentialStore(new Credentials(token))));
        _recorder = recorder;
        _retry = retry;
        _time = time;
    }

    public string Repository => $"{_owner}/{_name}";

    public async Task<string> GetDefaultBranchAsync(CancellationToken cancellationToken)
    {
        var repository = await CallAsync("GetRepository", string.Empty, () => _api.Get<Octokit.Repository>(ApiUrls.Repository(_owner, _name)), cancellationToken).ConfigureAwait(false);
        return string.IsNullOrEmpty(repository.DefaultBranch)
            ? throw new ServiceException(Service, "GetRepository", Repository, GitHubFailure.Malformed, "the repository's answer names no default branch.")
            : repository.DefaultBranch;
    }

    public async Task<IReadOnlyList<GitHubPullRequest>> ListOpenPullRequestsAsync(CancellationToken cancellationToken)
    {
        var pulls = await AllPagesAsync<PullRequestItem>("ListPullRequests", "pulls", ApiUrls.PullRequests(_owner, _name), new() { ["state"] = "open" },
            p => p.Number > 0 && !string.IsNullOrEmpty(p.Head?.Sha) ? null : "number and head sha", cancellationToken).ConfigureAwait(false);
        return pulls.Select(p => new GitHubPullRequest(p.Number, p.Head!.Sha!)).ToArray();
    }

    public async Task<IReadOnlyList<string>> ListPullRequestCommitsAsync(int number, CancellationToken cancellationToken)
    {
        var commits = await AllPagesAsync<ShaItem>("ListPullRequestCommits", $"pulls/{number}/commits", ApiUrls.PullRequestCommits(_owner, _name, number), new(),
            c => string.IsNullOrEmpty(c.Sha) ? "sha" : null, cancellationToken).ConfigureAwait(false);
        return commits.Select(c => c.Sha!).ToArray();
    }

    public async Task<IReadOnlyList<GitHubDeployment>> ListDeploymentsAsync(string? environment, int page, CancellationToken cancellationToken)
    {
        var filter = environment is null ? new Dictionary<string, string>() : new() { ["environment"] = environment };
        var deployments = await PageAsync<DeploymentItem>("ListDeployments", "deployments", ApiUrls.Deployments(_owner, _name), filter, page,
            d => string.IsNullOrEmpty(d.Sha) ? "sha" : null, cancellationToken).ConfigureAwait(false);
        return deployments.Select(d => new GitHubDeployment(d.Id, d.Sha!, d.Environment ?? string.Empty, d.CreatedAt)).ToArray();
    }

    public async Task<IReadOnlyList<string>> ListBranchCommitsAsync(string branch, int page, CancellationToken cancellationToken)
    {
        var commits = await PageAsync<ShaItem>("ListCommits", "commits", ApiUrls.RepositoryCommits(_owner, _name), new() { ["sha"] = branch }, page,
            c => string.IsNullOrEmpty(c.Sha) ? "sha" : null, cancellationToken).ConfigureAwait(false);
        return commits.Select(c => c.Sha!).ToArray();
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

        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || !EndpointResolver.IsHttpUrl(uri))
        {
            throw new AwsConfigurationException(AwsConfigurationException.SettingInvalid, $"GITHUB_API_URL is '{value}', which is not an http or https URL. Set it to the API's URL, for example https://api.github.com, or unset it.");
        }

        return uri;
    }

    private static Uri WithTrailingSlash(Uri uri) => uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri + "/");

    /// <summary>Every page, one call per page so that each is counted and retried alone; a short page is the last.</summary>
    private async Task<List<T>> AllPagesAsync<T>(string operation, string path, Uri url, Dictionary<string, string> parameters, Func<T, string?> missing, CancellationToken cancellationToken)
    {
        var all = new List<T>();
        for (var page = 1; ; page++)
        {
            var items = await PageAsync(operation, path, url, parameters, page, missing, cancellationToken).ConfigureAwait(false);
            all.AddRange(items);
            if (items.Count < PageSize)
            {
                return all;
            }
        }
    }

    /// <summary>
    /// One page of a list, read as GitHub documents it: a JSON array whose items have their key members
    /// (<paramref name="missing"/> names what an item lacks). Anything else (an HTML page, a cut or empty body, an
    /// object) is a malformed answer, retried, then a failure: never an empty list.
    /// </summary>
    private Task<List<T>> PageAsync<T>(string operation, string path, Uri url, Dictionary<string, string> parameters, int page, Func<T, string?> missing, CancellationToken cancellationToken) =>
        CallAsync(operation, path, async () =>
        {
            // Octokit adds nothing to this dictionary, but each attempt gets its own all the same.
            var query = new Dictionary<string, string>(parameters) { ["per_page"] = PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture), ["page"] = page.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            IApiResponse<List<T>> response;
            try
            {
                response = await _api.Connection.Get<List<T>>(url, query).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not ApiException and not HttpRequestException and not IOException and not TaskCanceledException)
            {
                throw new MalformedAnswerException($"it is not the JSON list GitHub documents: {e.GetType().Name}", e);
            }

            var raw = response.HttpResponse.Body as string;
            if (response.Body is not { } items || raw is null || !raw.TrimStart().StartsWith('['))
            {
                throw new MalformedAnswerException($"it is not a JSON list (Content-Type {response.HttpResponse.ContentType ?? "none"})");
            }

            if (items.Select(item => item is null ? "content" : missing(item)).FirstOrDefault(what => what is not null) is { } lacking)
            {
                throw new MalformedAnswerException($"an item has no {lacking}");
            }

            return items;
        }, cancellationToken);

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

    // What the module reads of GitHub's answers, and no more: Octokit fills these by reflection, and its own models
    // (a pull request with its users, repositories, labels and milestone) cost far more to map than the two members used.

    /// <summary>A pull request: its number and head commit.</summary>
    internal sealed class PullRequestItem
    {
        public int Number { get; set; }

        public ShaItem? Head { get; set; }
    }

    /// <summary>A commit, or a pull request's head: its SHA.</summary>
    internal sealed class ShaItem
    {
        public string? Sha { get; set; }
    }

    /// <summary>A deployment: which commit went to which environment, when.</summary>
    internal sealed class DeploymentItem
    {
        public long Id { get; set; }

        public string? Sha { get; set; }

        public string? Environment { get; set; }

        public DateTimeOffset CreatedAt { get; set; }
    }
}
