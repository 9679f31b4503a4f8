using System.Net;
using EcrCleanup.Aws.GitHub;
using Microsoft.Extensions.Time.Testing;
using Octokit;

namespace EcrCleanup.Aws.Tests;

/// <summary>How Octokit's exceptions become the module's error codes, retries and waits.</summary>
public class GitHubFailureTests
{
    private static readonly FakeTimeProvider Time = new(new DateTimeOffset(2026, 1, 10, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Bad_credentials_are_not_retried_and_say_where_the_token_comes_from()
    {
        var failure = GitHubFailure.From(new AuthorizationException(Reply(401, """{"message":"Bad credentials"}""")), Time)!;

        Assert.Equal(GitHubFailure.BadCredentials, failure.Code);
        Assert.False(failure.IsRetryable);
        var exception = failure.ToException("GetRepository", "djinilabs/helpmaton", 1);
        Assert.Equal("GitHub", exception.Service);
        Assert.Equal(401, exception.StatusCode);
        Assert.Contains("Bad credentials", exception.Message, StringComparison.Ordinal);
        Assert.Contains("GITHUB_TOKEN / -GitHubToken", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_spent_primary_limit_waits_for_the_reset()
    {
        var reset = Time.GetUtcNow().AddSeconds(42).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var reply = Reply(403, """{"message":"API rate limit exceeded for installation ID 1."}""", ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", reset));

        var failure = GitHubFailure.From(new RateLimitExceededException(reply), Time)!;

        Assert.Equal(GitHubFailure.RateLimited, failure.Code);
        Assert.True(failure.IsRetryable);
        Assert.Equal(TimeSpan.FromSeconds(42), failure.ServerWait);
    }

    [Fact]
    public void A_403_with_no_requests_remaining_is_a_rate_limit_whatever_its_text()
    {
        var reply = Reply(403, """{"message":"Forbidden"}""", ("x-ratelimit-remaining", "0"));

        var failure = GitHubFailure.From(new ForbiddenException(reply), Time)!;

        Assert.Equal(GitHubFailure.RateLimited, failure.Code);
        Assert.True(failure.IsRetryable);
    }

    [Fact]
    public void A_secondary_limit_honours_retry_after()
    {
        var reply = Reply(403, """{"message":"You have exceeded a secondary rate limit."}""", ("Retry-After", "60"));

        var failure = GitHubFailure.From(new SecondaryRateLimitExceededException(reply), Time)!;

        Assert.Equal(GitHubFailure.RateLimited, failure.Code);
        Assert.Equal(TimeSpan.FromSeconds(60), failure.ServerWait);
    }

    [Fact]
    public void Too_many_requests_is_a_rate_limit() =>
        Assert.Equal(GitHubFailure.RateLimited, GitHubFailure.From(new ApiException(Reply(429, """{"message":"Too many requests"}""")), Time)!.Code);

    [Fact]
    public void Server_errors_and_broken_connections_are_retried()
    {
        var bad = GitHubFailure.From(new ApiException(Reply(502, "<html>Bad gateway</html>")), Time)!;
        Assert.Equal("Http502", bad.Code);
        Assert.True(bad.IsRetryable);

        var broken = GitHubFailure.From(new HttpRequestException("Connection refused"), Time)!;
        Assert.Equal(GitHubFailure.RequestFailed, broken.Code);
        Assert.True(broken.IsRetryable);
    }

    [Fact]
    public void Not_found_and_forbidden_are_not_retried()
    {
        var missing = GitHubFailure.From(new NotFoundException(Reply(404, """{"message":"Not Found"}""")), Time)!;
        Assert.Equal("NotFound", missing.Code);
        Assert.False(missing.IsRetryable);

        var forbidden = GitHubFailure.From(new ForbiddenException(Reply(403, """{"message":"Resource not accessible by integration"}""", ("X-RateLimit-Remaining", "4999"))), Time)!;
        Assert.Equal("Forbidden", forbidden.Code);
        Assert.False(forbidden.IsRetryable);
        Assert.Equal("Resource not accessible by integration", forbidden.Message);
    }

    [Fact]
    public void Carries_githubs_request_id() =>
        Assert.Equal("ABCD:1234", GitHubFailure.From(new ApiException(Reply(500, "{}", ("X-GitHub-Request-Id", "ABCD:1234"))), Time)!.RequestId);

    [Fact]
    public void Other_exceptions_are_not_service_failures() =>
        Assert.Null(GitHubFailure.From(new InvalidOperationException("a bug"), Time));

    private static IResponse Reply(int status, string body, params (string Name, string Value)[] headers) =>
        new FakeResponse((HttpStatusCode)status, body, headers.ToDictionary(h => h.Name, h => h.Value));

    private sealed record FakeResponse(HttpStatusCode StatusCode, object Body, IReadOnlyDictionary<string, string> Headers) : IResponse
    {
        public ApiInfo ApiInfo => new(new Dictionary<string, Uri>(), [], [], string.Empty, new RateLimit());

        public string ContentType => "application/json";
    }
}
