using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EcrCleanup.Sandbox.Aws;
using EcrCleanup.Sandbox.State;

namespace EcrCleanup.Sandbox.GitHub;

/// <summary>GitHub's JSON shapes (repository, pull request, commit, deployment), with the fields Octokit reads.</summary>
internal sealed class GitHubJson(GitHubData github, string api, DateTimeOffset now)
{
    string RepoApi => $"{api}/repos/{github.Owner}/{github.Repo}";
    string RepoHtml => $"https://github.com/{github.Owner}/{github.Repo}";

    public byte[] Write(Action<Utf8JsonWriter> body)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, AwsResponses.WriterOptions))
        {
            body(w);
        }

        return ms.ToArray();
    }

    static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    static string NodeId(string kind, long id) => Convert.ToBase64String(Encoding.ASCII.GetBytes($"0:{kind}{id}"));

    void User(Utf8JsonWriter w, string property, string login, long id, string type = "User")
    {
        w.WriteStartObject(property);
        w.WriteString("login", login);
        w.WriteNumber("id", id);
        w.WriteString("node_id", NodeId(type, id));
        w.WriteString("avatar_url", $"https://avatars.githubusercontent.com/u/{id}?v=4");
        w.WriteString("gravatar_id", "");
        w.WriteString("url", $"{api}/users/{login}");
        w.WriteString("html_url", $"https://github.com/{login}");
        w.WriteString("type", type);
        w.WriteBoolean("site_admin", false);
        w.WriteEndObject();
    }

    void Owner(Utf8JsonWriter w, string property = "owner") => User(w, property, github.Owner, 9_000_001, "Organization");
    void Bot(Utf8JsonWriter w, string property) => User(w, property, "sandbox-bot", 9_000_002);

    public void Repository(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        RepositoryFields(w);
        w.WriteEndObject();
    }

    void RepositoryFields(Utf8JsonWriter w)
    {
        w.WriteNumber("id", github.RepoId);
        w.WriteString("node_id", NodeId("Repository", github.RepoId));
        w.WriteString("name", github.Repo);
        w.WriteString("full_name", $"{github.Owner}/{github.Repo}");
        w.WriteBoolean("private", true);
        Owner(w);
        w.WriteString("html_url", RepoHtml);
        w.WriteNull("description");
        w.WriteBoolean("fork", false);
        w.WriteString("url", RepoApi);
        w.WriteString("pulls_url", RepoApi + "/pulls{/number}");
        w.WriteString("commits_url", RepoApi + "/commits{/sha}");
        w.WriteString("deployments_url", RepoApi + "/deployments");
        w.WriteString("git_url", $"git://github.com/{github.Owner}/{github.Repo}.git");
        w.WriteString("ssh_url", $"git@github.com:{github.Owner}/{github.Repo}.git");
        w.WriteString("clone_url", RepoHtml + ".git");
        w.WriteString("created_at", Time(now.AddDays(-400)));
        w.WriteString("updated_at", Time(now.AddHours(-1)));
        w.WriteString("pushed_at", Time(now.AddHours(-1)));
        w.WriteNumber("size", 10240);
        w.WriteNumber("stargazers_count", 0);
        w.WriteNumber("watchers_count", 0);
        w.WriteString("language", "TypeScript");
        w.WriteBoolean("has_issues", true);
        w.WriteBoolean("archived", false);
        w.WriteBoolean("disabled", false);
        w.WriteNumber("open_issues_count", github.Pulls.Count(p => p.State == "open"));
        w.WriteString("visibility", "private");
        w.WriteNumber("forks", 0);
        w.WriteNumber("open_issues", github.Pulls.Count(p => p.State == "open"));
        w.WriteNumber("watchers", 0);
        w.WriteString("default_branch", github.DefaultBranch);
        w.WriteStartObject("permissions");
        w.WriteBoolean("admin", false);
        w.WriteBoolean("maintain", false);
        w.WriteBoolean("push", false);
        w.WriteBoolean("triage", false);
        w.WriteBoolean("pull", true);
        w.WriteEndObject();
    }

    public void PullRequest(Utf8JsonWriter w, GitHubPull p) => PullRequest(w, p, full: false);

    public void PullRequest(Utf8JsonWriter w, GitHubPull p, bool full)
    {
        var url = $"{RepoApi}/pulls/{p.Number}";
        var closedAt = p.State == "closed" ? p.CreatedAt.AddHours(2) : (DateTimeOffset?)null;
        w.WriteStartObject();
        w.WriteString("url", url);
        w.WriteNumber("id", p.Id);
        w.WriteString("node_id", NodeId("PullRequest", p.Id));
        w.WriteString("html_url", $"{RepoHtml}/pull/{p.Number}");
        w.WriteString("diff_url", $"{RepoHtml}/pull/{p.Number}.diff");
        w.WriteString("patch_url", $"{RepoHtml}/pull/{p.Number}.patch");
        w.WriteString("issue_url", $"{RepoApi}/issues/{p.Number}");
        w.WriteNumber("number", p.Number);
        w.WriteString("state", p.State);
        w.WriteBoolean("locked", false);
        w.WriteString("title", p.Title);
        Bot(w, "user");
        w.WriteNull("body");
        w.WriteString("created_at", Time(p.CreatedAt));
        w.WriteString("updated_at", Time(closedAt ?? p.CreatedAt.AddMinutes(30)));
        if (closedAt is { } c)
        {
            w.WriteString("closed_at", Time(c));
        }
        else
        {
            w.WriteNull("closed_at");
        }

        if (p.Merged)
        {
            w.WriteString("merged_at", Time(closedAt!.Value));
        }
        else
        {
            w.WriteNull("merged_at");
        }

        if (p.Merged)
        {
            w.WriteString("merge_commit_sha", Sha($"merge-{p.Number}"));
        }
        else
        {
            w.WriteNull("merge_commit_sha");
        }

        w.WriteNull("assignee");
        w.WriteStartArray("assignees"); w.WriteEndArray();
        w.WriteStartArray("requested_reviewers"); w.WriteEndArray();
        w.WriteStartArray("labels"); w.WriteEndArray();
        w.WriteNull("milestone");
        w.WriteBoolean("draft", false);
        w.WriteString("commits_url", url + "/commits");
        w.WriteString("review_comments_url", url + "/comments");
        w.WriteString("statuses_url", $"{RepoApi}/statuses/{p.HeadSha}");
        Ref(w, "head", p.HeadRef, p.HeadSha);
        Ref(w, "base", github.DefaultBranch, github.Commits.Count > 0 ? github.Commits[0].Sha : Sha("base"));
        w.WriteString("author_association", "MEMBER");
        if (full)
        {
            w.WriteBoolean("merged", p.Merged);
            if (p.State == "open")
            {
                w.WriteBoolean("mergeable", true);
            }
            else
            {
                w.WriteNull("mergeable");
            }

            w.WriteString("mergeable_state", p.State == "open" ? "clean" : "unknown");
            if (p.Merged)
            {
                Bot(w, "merged_by");
            }
            else
            {
                w.WriteNull("merged_by");
            }

            w.WriteNumber("comments", 0);
            w.WriteNumber("review_comments", 0);
            w.WriteNumber("commits", p.Commits.Count);
            w.WriteNumber("additions", 10 * p.Commits.Count);
            w.WriteNumber("deletions", 2 * p.Commits.Count);
            w.WriteNumber("changed_files", p.Commits.Count);
        }
        w.WriteEndObject();
    }

    void Ref(Utf8JsonWriter w, string property, string @ref, string sha)
    {
        w.WriteStartObject(property);
        w.WriteString("label", $"{github.Owner}:{@ref}");
        w.WriteString("ref", @ref);
        w.WriteString("sha", sha);
        Owner(w, "user");
        w.WriteStartObject("repo");
        RepositoryFields(w);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public void Commit(Utf8JsonWriter w, string sha, string? parent, DateTimeOffset date)
    {
        var url = $"{RepoApi}/commits/{sha}";
        w.WriteStartObject();
        w.WriteString("sha", sha);
        w.WriteString("node_id", Convert.ToBase64String(Encoding.ASCII.GetBytes($"C_{sha[..16]}")));
        w.WriteStartObject("commit");
        foreach (var who in new[] { "author", "committer" })
        {
            w.WriteStartObject(who);
            w.WriteString("name", "Sandbox Bot");
            w.WriteString("email", "sandbox-bot@users.noreply.github.com");
            w.WriteString("date", Time(date));
            w.WriteEndObject();
        }
        w.WriteString("message", $"Commit {sha[..7]}");
        w.WriteStartObject("tree");
        w.WriteString("sha", Sha("tree-" + sha));
        w.WriteString("url", $"{RepoApi}/git/trees/{Sha("tree-" + sha)}");
        w.WriteEndObject();
        w.WriteString("url", $"{RepoApi}/git/commits/{sha}");
        w.WriteNumber("comment_count", 0);
        w.WriteStartObject("verification");
        w.WriteBoolean("verified", false);
        w.WriteString("reason", "unsigned");
        w.WriteNull("signature");
        w.WriteNull("payload");
        w.WriteNull("verified_at");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteString("url", url);
        w.WriteString("html_url", $"{RepoHtml}/commit/{sha}");
        w.WriteString("comments_url", url + "/comments");
        Bot(w, "author");
        Bot(w, "committer");
        w.WriteStartArray("parents");
        if (parent is not null)
        {
            w.WriteStartObject();
            w.WriteString("sha", parent);
            w.WriteString("url", $"{RepoApi}/commits/{parent}");
            w.WriteString("html_url", $"{RepoHtml}/commit/{parent}");
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public void Deployment(Utf8JsonWriter w, GitHubDeployment d)
    {
        var url = $"{RepoApi}/deployments/{d.Id}";
        w.WriteStartObject();
        w.WriteString("url", url);
        w.WriteNumber("id", d.Id);
        w.WriteString("node_id", NodeId("Deployment", d.Id));
        w.WriteString("task", "deploy");
        w.WriteString("original_environment", d.Environment);
        w.WriteString("environment", d.Environment);
        w.WriteNull("description");
        w.WriteString("created_at", Time(d.CreatedAt));
        w.WriteString("updated_at", Time(d.CreatedAt));
        w.WriteString("statuses_url", url + "/statuses");
        w.WriteString("repository_url", RepoApi);
        Bot(w, "creator");
        w.WriteString("sha", d.Sha);
        w.WriteString("ref", d.Ref);
        w.WriteStartObject("payload");
        w.WriteEndObject();
        w.WriteBoolean("transient_environment", false);
        w.WriteBoolean("production_environment", d.Environment.Contains("prod", StringComparison.OrdinalIgnoreCase));
        w.WriteNull("performed_via_github_app");
        w.WriteEndObject();
    }

    static string Sha(string seed) => Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(seed)));
}
