namespace EcrCleanup.Abstractions;

/// <summary>The GitHub REST calls the module makes, for one repository.</summary>
public interface IGitHubClient
{
    /// <summary>The repository as <c>owner/name</c>.</summary>
    string Repository { get; }

    Task<string> GetDefaultBranchAsync(CancellationToken cancellationToken);

    /// <summary>Every open pull request, every page.</summary>
    Task<IReadOnlyList<GitHubPullRequest>> ListOpenPullRequestsAsync(CancellationToken cancellationToken);

    /// <summary>The SHAs of a pull request's commits.</summary>
    Task<IReadOnlyList<string>> ListPullRequestCommitsAsync(int number, CancellationToken cancellationToken);

    /// <summary>Deployments to an environment (null: to any), newest first, one page of up to 100 at <paramref name="page"/> (1-based).</summary>
    Task<IReadOnlyList<GitHubDeployment>> ListDeploymentsAsync(string? environment, int page, CancellationToken cancellationToken);

    /// <summary>Commit SHAs of a branch, newest first, one page of up to 100 at <paramref name="page"/> (1-based).</summary>
    Task<IReadOnlyList<string>> ListBranchCommitsAsync(string branch, int page, CancellationToken cancellationToken);
}

public sealed record GitHubPullRequest(int Number, string HeadSha);

public sealed record GitHubDeployment(long Id, string Sha, string Environment, DateTimeOffset CreatedAt);
