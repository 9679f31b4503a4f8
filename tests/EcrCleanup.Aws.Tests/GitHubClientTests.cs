using System.Security.Cryptography;
using System.Text;
using EcrCleanup.Abstractions;
using EcrCleanup.Aws.GitHub;
using EcrCleanup.Diagnostics;
using EcrCleanup.Sandbox;

namespace EcrCleanup.Aws.Tests;

/// <summary>The GitHub client against the sandbox hosted in this process.</summary>
public class GitHubClientTests
{
    private const string Repository = "djinilabs/helpmaton";
    private const string Token = "ghp_sandbox_secret_4c1d";

    [Fact]
    public async Task Lists_every_open_pull_request_across_pages_of_a_hundred()
    {
        var pulls = Enumerable.Range(1, 260).Select(n => new ScenarioPullRequest { Number = n, State = n % 13 == 0 ? "closed" : "open", HeadSha = Sha($"pr{n}") }).ToList();
        await using var sandbox = await StartAsync(new ScenarioGitHub { PullRequests = pulls });

        var open = await Client(sandbox, new()).ListOpenPullRequestsAsync(CancellationToken.None);

        Assert.Equal(240, open.Count);
        Assert.Equal(open.Count, open.Select(p => p.Number).Distinct().Count());
        Assert.Contains(new GitHubPullRequest(12, Sha("pr12")), open);
        Assert.DoesNotContain(open, p => p.Number == 13);
        Assert.Equal(3, sandbox.CallCount("github:pulls.list"));
    }

    [Fact]
    public async Task Reads_the_default_branch_pull_request_commits_deployments_and_branch_commits()
    {
        var commits = Enumerable.Range(1, 150).Select(i => Sha($"main{i}")).ToList();
        var github = new ScenarioGitHub
        {
            DefaultBranch = "trunk",
            Commits = commits,
            PullRequests = [new() { Number = 7, HeadSha = Sha("b"), Commits = [Sha("a"), Sha("b")] }],
            Deployments =
            [
                new() { Environment = "production", Sha = commits[3], CreatedHoursAgo = 30 },
                new() { Environment = "staging", Sha = commits[1], CreatedHoursAgo = 2 },
                new() { Environment = "production", Sha = commits[0], CreatedHoursAgo = 1 },
            ],
        };
        await using var sandbox = await StartAsync(github);
        var client = Client(sandbox, new());

        Assert.Equal(Repository, client.Repository);
        Assert.Equal("trunk", await client.GetDefaultBranchAsync(CancellationToken.None));
        Assert.Equal([Sha("a"), Sha("b")], await client.ListPullRequestCommitsAsync(7, CancellationToken.None));
        var production = await client.ListDeploymentsAsync("production", 1, CancellationToken.None);
        Assert.Equal([commits[0], commits[3]], production.Select(d => d.Sha));
        Assert.All(production, d => Assert.Equal("production", d.Environment));
        Assert.True(production[0].CreatedAt > production[1].CreatedAt);
        Assert.Empty(await client.ListDeploymentsAsync("production", 2, CancellationToken.None));
        Assert.Equal(commits.Take(100), await client.ListBranchCommitsAsync("trunk", 1, CancellationToken.None));
        Assert.Equal(commits.Skip(100), await client.ListBranchCommitsAsync("trunk", 2, CancellationToken.None));
    }

    [Fact]
    public async Task A_wrong_token_fails_as_bad_credentials_without_showing_the_token()
    {
        const string wrong = "ghp_wrong_token_9f8e7d";
        await using var sandbox = await StartAsync(new ScenarioGitHub());
        var verbose = new List<string>();
        var recorder = new ServiceCallRecorder();
        recorder.Message += verbose.Add;
        var client = SandboxClients.For(sandbox, recorder).CreateGitHub(Repository, wrong, sandbox.BaseAddress);

        var e = await Assert.ThrowsAsync<ServiceException>(() => client.GetDefaultBranchAsync(CancellationToken.None));

        Assert.Equal(("GitHub", "GetRepository", Repository, GitHubFailure.BadCredentials, 401), (e.Service, e.Operation, e.Resource, e.ErrorCode, e.StatusCode));
        Assert.Contains("GITHUB_TOKEN / -GitHubToken", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, e.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(verbose, line => line.Contains(wrong, StringComparison.Ordinal));
        Assert.Equal(1, sandbox.CallCount("github:repos.get"));
    }

    [Fact]
    public async Task A_bad_gateway_is_retried_to_the_same_answer()
    {
        var pulls = Enumerable.Range(1, 5).Select(n => new ScenarioPullRequest { Number = n, HeadSha = Sha($"pr{n}") }).ToList();
        await using var sandbox = await StartAsync(new ScenarioGitHub { PullRequests = pulls });
        var expected = await Client(sandbox, new()).ListOpenPullRequestsAsync(CancellationToken.None);
        sandbox.AddFaults(new ScenarioFault { Service = "github", Operation = "pulls", Error = "502", Times = 2 });
        var recorder = new ServiceCallRecorder();

        var open = await Client(sandbox, recorder).ListOpenPullRequestsAsync(CancellationToken.None);

        Assert.Equal(expected, open);
        Assert.Equal(2, recorder.Retries["GitHub:ListPullRequests"]);
        Assert.Equal(3, recorder.Calls["GitHub:ListPullRequests"]);
    }

    [Fact]
    public async Task A_bad_gateway_that_persists_fails_after_the_allowed_attempts()
    {
        await using var sandbox = await StartAsync(new ScenarioGitHub());
        sandbox.AddFaults(new ScenarioFault { Service = "github", Operation = "deployments", Error = "502", Times = -1 });

        var e = await Assert.ThrowsAsync<ServiceException>(() => Client(sandbox, new()).ListDeploymentsAsync("production", 1, CancellationToken.None));

        Assert.Equal(("ListDeployments", $"{Repository}/deployments", "Http502", 502), (e.Operation, e.Resource, e.ErrorCode, e.StatusCode));
        Assert.Equal(3, sandbox.CallCount("github:repos.listDeployments"));
    }

    [Fact]
    public async Task A_spent_rate_limit_is_retried()
    {
        await using var sandbox = await StartAsync(new ScenarioGitHub { Commits = [Sha("c1")] });
        sandbox.AddFaults(new ScenarioFault { Service = "github", Operation = "commits", Error = "403", Times = 1 });
        var recorder = new ServiceCallRecorder();

        var commits = await Client(sandbox, recorder).ListBranchCommitsAsync("main", 1, CancellationToken.None);

        Assert.Equal([Sha("c1")], commits);
        Assert.Equal(1, recorder.Retries["GitHub:ListCommits"]);
    }

    private static Task<SandboxHost> StartAsync(ScenarioGitHub github)
    {
        github.Repository = Repository;
        github.Token = Token;
        return SandboxHost.StartAsync(new Scenario { Repositories = [], Github = github });
    }

    private static string Sha(string seed) => Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(seed)));

    private static IGitHubClient Client(SandboxHost sandbox, ServiceCallRecorder recorder) =>
        SandboxClients.For(sandbox, recorder).CreateGitHub(Repository, Token, sandbox.BaseAddress);
}
