using System.Globalization;
using System.Text;
using System.Text.Json;
using EcrCleanup.Sandbox.Aws;
using EcrCleanup.Sandbox.Faults;
using EcrCleanup.Sandbox.State;

namespace EcrCleanup.Sandbox.GitHub;

/// <summary>
/// The GitHub REST API for one repository: the repository, pulls (list, get, commits), commits and deployments,
/// paged by <c>per_page</c> (≤ 100, default 30) and <c>page</c> with <c>Link</c> headers as GitHub sends them.
/// Served under <c>/repos/...</c> and under <c>/api/v3/repos/...</c> (Octokit.NET's GitHub Enterprise form).
/// </summary>
internal static class GitHubHandler
{
    public const string EnterprisePrefix = "/api/v3";
    const string Docs = "https://docs.github.com/rest";

    public static bool Matches(string path) =>
        path.StartsWith("/repos/", StringComparison.Ordinal) || path.StartsWith(EnterprisePrefix + "/repos/", StringComparison.Ordinal);

    /// <summary>A request split into its route: the operation (Octokit's name), owner, repo and pull number.</summary>
    internal sealed record Request(string? Operation, string Prefix, string Path, string Owner, string Repo, int? Number);

    public static Request Route(string method, string path)
    {
        var prefix = path.StartsWith(EnterprisePrefix + "/", StringComparison.Ordinal) ? EnterprisePrefix : "";
        var rest = path[prefix.Length..];
        var parts = rest.TrimEnd('/').Split('/');
        // parts[0] == "" (leading slash), parts[1] == "repos"
        if (!HttpMethods.IsGet(method) || parts.Length < 4)
        {
            return new(null, prefix, rest, "", "", null);
        }

        var (owner, repo) = (parts[2], parts[3]);
        var tail = parts[4..];
        int? number = tail.Length >= 2 && tail[0] == "pulls" && int.TryParse(tail[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
        var op = tail switch
        {
            [] => "repos.get",
            ["pulls"] => "pulls.list",
            ["pulls", _] when number is not null => "pulls.get",
            ["pulls", _, "commits"] when number is not null => "pulls.listCommits",
            ["commits"] => "repos.listCommits",
            ["deployments"] => "repos.listDeployments",
            _ => null,
        };
        return new(op, prefix, rest, owner, repo, number);
    }

    public static async Task HandleAsync(HttpContext ctx, SandboxRuntime runtime)
    {
        var session = runtime.Current;
        var state = session.State;
        var req = Route(ctx.Request.Method, ctx.Request.Path.Value ?? "/");
        if (state.LatencyMs > 0)
        {
            await Task.Delay(state.LatencyMs, ctx.RequestAborted);
        }

        var now = runtime.Clock.GetUtcNow();
        ctx.Response.Headers.Date = now.ToString("R", CultureInfo.InvariantCulture);
        if (req.Operation is not null)
        {
            session.Count(Operations.GitHub, req.Operation);
        }

        SetCommonHeaders(ctx, now, Math.Max(1, 4999 - (int)(session.Calls.Where(kv => kv.Key.StartsWith("github:", StringComparison.Ordinal)).Sum(kv => kv.Value) % 4999)));

        var github = state.GitHub;
        var token = github?.Token ?? ScenarioLoader.DefaultGitHubToken;
        if (!Authorized(ctx.Request.Headers.Authorization.ToString(), token))
        {
            await WriteAsync(ctx, 401, Message("Bad credentials", Docs, 401));
            return;
        }
        if (req.Operation is null)
        {
            await WriteAsync(ctx, 404, Message("Not Found", Docs, 404));
            return;
        }
        if (!session.Limiter.TryAcquire(Operations.GitHub, req.Operation))
        {
            ctx.Response.Headers["Retry-After"] = "1";
            await WriteAsync(ctx, 403, Message("You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
                "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits", 403));
            return;
        }
        if (session.Faults.Take(Operations.GitHub, req.Operation, req.Path) is { } fault)
        {
            if (fault.Malformed is null)
            {
                await WriteFaultAsync(ctx, int.Parse(fault.Error!, CultureInfo.InvariantCulture), fault.Message, now);
            }
            else
            {
                await Malformation.Of(fault).WriteAsync(ctx, BodyFormat.Json, () => AnswerAsync(ctx, req, github, now));
            }

            return;
        }

        await AnswerAsync(ctx, req, github, now);
    }

    /// <summary>The answer to an authorized request for a known operation.</summary>
    static async Task AnswerAsync(HttpContext ctx, Request req, GitHubData? github, DateTimeOffset now)
    {
        if (github is null || !string.Equals(req.Owner, github.Owner, StringComparison.OrdinalIgnoreCase)
                           || !string.Equals(req.Repo, github.Repo, StringComparison.OrdinalIgnoreCase))
        {
            await WriteAsync(ctx, 404, Message("Not Found", Docs + "/repos/repos#get-a-repository", 404));
            return;
        }

        var api = $"{ctx.Request.Scheme}://{ctx.Request.Host}{req.Prefix}";
        var json = new GitHubJson(github, api, now);
        var q = ctx.Request.Query;
        switch (req.Operation)
        {
            case "repos.get":
                await WriteAsync(ctx, 200, json.Write(json.Repository));
                return;
            case "pulls.list":
                {
                    var stateFilter = q["state"].ToString() is { Length: > 0 } s ? s : "open";
                    if (stateFilter is not ("open" or "closed" or "all"))
                    {
                        await WriteAsync(ctx, 422, Message("Validation Failed", Docs + "/pulls/pulls#list-pull-requests", 422));
                        return;
                    }
                    var head = q["head"].ToString();
                    var headRef = head.Contains(':') ? head[(head.IndexOf(':') + 1)..] : head;
                    var baseRef = q["base"].ToString();
                    var pulls = github.Pulls
                        .Where(p => stateFilter == "all" || p.State == stateFilter)
                        .Where(p => headRef.Length == 0 || p.HeadRef == headRef)
                        .Where(p => baseRef.Length == 0 || baseRef == github.DefaultBranch);
                    var ascending = q["direction"].ToString() == "asc";
                    var ordered = (ascending ? pulls.OrderBy(p => p.CreatedAt).ThenBy(p => p.Number) : pulls.OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Number)).ToList();
                    await WritePageAsync(ctx, api + req.Path, ordered, json.PullRequest);
                    return;
                }
            case "pulls.get":
                {
                    var pull = github.Pulls.Find(p => p.Number == req.Number);
                    if (pull is null) { await WriteAsync(ctx, 404, Message("Not Found", Docs + "/pulls/pulls#get-a-pull-request", 404)); return; }
                    await WriteAsync(ctx, 200, json.Write(w => json.PullRequest(w, pull, full: true)));
                    return;
                }
            case "pulls.listCommits":
                {
                    var pull = github.Pulls.Find(p => p.Number == req.Number);
                    if (pull is null) { await WriteAsync(ctx, 404, Message("Not Found", Docs + "/pulls/pulls#list-commits-on-a-pull-request", 404)); return; }
                    // Oldest first, as GitHub lists a pull request's commits (at most 250).
                    var commits = pull.Commits.Take(250).Select((sha, i) => (Sha: sha, Parent: i > 0 ? pull.Commits[i - 1] : github.Commits.FirstOrDefault()?.Sha,
                        Date: pull.CreatedAt.AddMinutes(i - pull.Commits.Count))).ToList();
                    await WritePageAsync(ctx, api + req.Path, commits, (w, c) => json.Commit(w, c.Sha, c.Parent, c.Date));
                    return;
                }
            case "repos.listCommits":
                {
                    var sha = q["sha"].ToString();
                    var history = BranchHistory(github, sha.Length == 0 ? github.DefaultBranch : sha);
                    if (history is null) { await WriteAsync(ctx, 404, Message($"No commit found for SHA: {sha}", Docs + "/commits/commits#list-commits", 404)); return; }
                    await WritePageAsync(ctx, api + req.Path, history, (w, c) => json.Commit(w, c.Sha, c.Parent, c.Date));
                    return;
                }
            case "repos.listDeployments":
                {
                    var env = q["environment"].ToString();
                    var sha = q["sha"].ToString();
                    var refFilter = q["ref"].ToString();
                    var task = q["task"].ToString();
                    var deployments = github.Deployments
                        .Where(d => env.Length == 0 || d.Environment == env)
                        .Where(d => sha.Length == 0 || d.Sha == sha)
                        .Where(d => refFilter.Length == 0 || d.Ref == refFilter)
                        .Where(d => task.Length == 0 || task == "deploy")
                        .ToList();
                    await WritePageAsync(ctx, api + req.Path, deployments, json.Deployment);
                    return;
                }
        }
    }

    /// <summary>The commits reachable from a branch or sha, newest first; null when GitHub knows no such ref.</summary>
    static List<(string Sha, string? Parent, DateTimeOffset Date)>? BranchHistory(GitHubData github, string refOrSha)
    {
        var main = github.Commits.Select((c, i) => (c.Sha, Parent: i + 1 < github.Commits.Count ? github.Commits[i + 1].Sha : null, c.Date)).ToList();
        if (refOrSha == github.DefaultBranch)
        {
            return main;
        }

        var start = main.FindIndex(c => c.Sha == refOrSha);
        if (start >= 0)
        {
            return main[start..];
        }

        var pull = github.Pulls.Find(p => p.HeadRef == refOrSha || p.HeadSha == refOrSha || p.Commits.Contains(refOrSha));
        if (pull is null)
        {
            return null;
        }

        var upTo = pull.HeadRef == refOrSha ? pull.Commits.Count - 1 : Math.Max(pull.Commits.IndexOf(refOrSha), pull.Commits.IndexOf(pull.HeadSha));
        var own = new List<(string, string?, DateTimeOffset)>();
        for (var i = upTo; i >= 0; i--)
        {
            own.Add((pull.Commits[i], i > 0 ? pull.Commits[i - 1] : main.FirstOrDefault().Sha, pull.CreatedAt.AddMinutes(i - pull.Commits.Count)));
        }

        return [.. own, .. main];
    }

    static bool Authorized(string header, string token)
    {
        var space = header.IndexOf(' ');
        if (space <= 0)
        {
            return false;
        }

        var scheme = header[..space];
        if (!scheme.Equals("token", StringComparison.OrdinalIgnoreCase) && !scheme.Equals("bearer", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            Encoding.UTF8.GetBytes(header[(space + 1)..].Trim()), Encoding.UTF8.GetBytes(token));
    }

    static Task WritePageAsync<T>(HttpContext ctx, string url, List<T> all, Action<Utf8JsonWriter, T> item)
    {
        var q = ctx.Request.Query;
        var perPage = int.TryParse(q["per_page"], NumberStyles.None, CultureInfo.InvariantCulture, out var pp) && pp > 0 ? Math.Min(pp, 100) : 30;
        var page = int.TryParse(q["page"], NumberStyles.None, CultureInfo.InvariantCulture, out var pg) && pg > 0 ? pg : 1;
        var last = Math.Max(1, (all.Count + perPage - 1) / perPage);

        if (last > 1)
        {
            string Link(int p, string rel)
            {
                var parts = q.Where(kv => kv.Key != "page").Select(kv => $"{Uri.EscapeDataString(kv.Key)}={Uri.EscapeDataString(kv.Value.ToString())}").ToList();
                parts.Add($"page={p}");
                return $"<{url}?{string.Join('&', parts)}>; rel=\"{rel}\"";
            }
            var links = new List<string>();
            if (page > 1)
            {
                links.Add(Link(Math.Min(page - 1, last), "prev"));
            }

            if (page < last) { links.Add(Link(page + 1, "next")); links.Add(Link(last, "last")); }
            if (page > 1)
            {
                links.Add(Link(1, "first"));
            }

            ctx.Response.Headers["Link"] = string.Join(", ", links);
        }

        var items = all.Skip((page - 1) * perPage).Take(perPage);
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, AwsResponses.WriterOptions))
        {
            w.WriteStartArray();
            foreach (var i in items)
            {
                item(w, i);
            }

            w.WriteEndArray();
        }
        return WriteAsync(ctx, 200, ms.ToArray());
    }

    static Task WriteFaultAsync(HttpContext ctx, int status, string? message, DateTimeOffset now)
    {
        switch (status)
        {
            case 403:
                // A spent primary rate limit: nothing left until the reset (a second from now, so clients that wait for it go on).
                ctx.Response.Headers["X-RateLimit-Remaining"] = "0";
                ctx.Response.Headers["X-RateLimit-Used"] = "5000";
                ctx.Response.Headers["X-RateLimit-Reset"] = (now.ToUnixTimeSeconds() + 1).ToString(CultureInfo.InvariantCulture);
                return WriteAsync(ctx, 403, Message(message ?? "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID.",
                    "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api", 403));
            case 429:
                ctx.Response.Headers["Retry-After"] = "1";
                return WriteAsync(ctx, 429, Message(message ?? "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
                    "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits", 429));
            case 401:
                return WriteAsync(ctx, 401, Message(message ?? "Bad credentials", Docs, 401));
            case 404:
                return WriteAsync(ctx, 404, Message(message ?? "Not Found", Docs, 404));
            case 422:
                return WriteAsync(ctx, 422, Message(message ?? "Validation Failed", Docs, 422));
            default:
                return WriteAsync(ctx, status, Message(message ?? (status switch
                {
                    502 => "Server Error",
                    503 => "Service Unavailable",
                    504 => "We couldn't respond to your request in time. Sorry about that. Please try resubmitting your request and contact us if the problem persists.",
                    >= 500 => "Server Error",
                    _ => "Request failed",
                }), Docs, status));
        }
    }

    static void SetCommonHeaders(HttpContext ctx, DateTimeOffset now, int remaining)
    {
        var h = ctx.Response.Headers;
        h["X-GitHub-Api-Version-Selected"] = "2022-11-28";
        h["X-GitHub-Media-Type"] = "github.v3; format=json";
        h["X-GitHub-Request-Id"] = Guid.NewGuid().ToString("N")[..8].ToUpperInvariant() + ":" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        h["X-RateLimit-Limit"] = "5000";
        h["X-RateLimit-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
        h["X-RateLimit-Reset"] = (now.ToUnixTimeSeconds() + 3600).ToString(CultureInfo.InvariantCulture);
        h["X-RateLimit-Used"] = (5000 - remaining).ToString(CultureInfo.InvariantCulture);
        h["X-RateLimit-Resource"] = "core";
    }

    static byte[] Message(string message, string docs, int status) => AwsResponses.Json(w =>
    {
        w.WriteString("message", message);
        w.WriteString("documentation_url", docs);
        w.WriteString("status", status.ToString(CultureInfo.InvariantCulture));
    });

    static Task WriteAsync(HttpContext ctx, int status, byte[] body)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json; charset=utf-8";
        ctx.Response.ContentLength = body.Length;
        return ctx.Response.Body.WriteAsync(body).AsTask();
    }
}
