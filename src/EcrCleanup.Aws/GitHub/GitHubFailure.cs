using System.Globalization;
using EcrCleanup.Abstractions;
using EcrCleanup.Aws.Http;
using Octokit;

namespace EcrCleanup.Aws.GitHub;

/// <summary>
/// What an Octokit exception means to the module: a stable error code, whether asking again can help, and how
/// long GitHub asked to be left alone. Messages come from GitHub's replies, never from the request, so the token
/// cannot leak into them.
/// </summary>
internal sealed record GitHubFailure(string Code, string Message, int? StatusCode, bool IsRetryable, TimeSpan? ServerWait, string? RequestId, Exception Cause)
{
    /// <summary>A 2xx answer that is not the operation's document (an HTML page, a cut body, an item without its key member).</summary>
    public const string Malformed = "MalformedResponse";

    public const string BadCredentials = "BadCredentials";
    public const string RateLimited = "RateLimited";
    public const string RequestFailed = "RequestFailed";

    /// <summary>The failure an exception stands for; null for one that is not about the call (a bug, a cancellation).</summary>
    public static GitHubFailure? From(Exception exception, TimeProvider time) => exception switch
    {
        AuthorizationException e => FromApi(e, BadCredentials, retryable: false, serverWait: null),
        RateLimitExceededException or SecondaryRateLimitExceededException or AbuseException => FromApi((ApiException)exception, RateLimited, retryable: true, WaitAskedFor((ApiException)exception, time)),
        ApiException e when IsRateLimit(e) => FromApi(e, RateLimited, retryable: true, WaitAskedFor(e, time)),
        ApiException e when (int)e.StatusCode >= 500 => FromApi(e, $"Http{(int)e.StatusCode}", retryable: true, WaitAskedFor(e, time)),
        NotFoundException e => FromApi(e, "NotFound", retryable: false, serverWait: null),
        ForbiddenException e => FromApi(e, "Forbidden", retryable: false, serverWait: null),
        ApiException e => FromApi(e, $"Http{(int)e.StatusCode}", retryable: false, serverWait: null),
        MalformedAnswerException e => new(Malformed, $"an answer that is not the operation's document ({e.Message})", 200, true, null, null, exception),
        HttpRequestException or IOException => new(RequestFailed, exception.Message, null, true, null, null, exception),
        TaskCanceledException => new(RequestFailed, "The request timed out.", null, true, null, null, exception),
        _ => null,
    };

    /// <summary>The exception a caller sees once retrying is over, with what to do about it.</summary>
    public ServiceException ToException(string operation, string resource, int attempts)
    {
        var advice = Code switch
        {
            BadCredentials => " (check GITHUB_TOKEN / -GitHubToken: the token must be valid and able to read the repository)",
            RateLimited => $" (still rate limited after {attempts} attempt(s); run again when GitHub's rate limit resets, or use a token with a higher limit)",
            "NotFound" => " (check the repository name, and that the token can see it: a private repository answers 404 to a token without access)",
            "Forbidden" => " (the token lacks a permission: it needs read access to contents, pull requests and deployments)",
            RequestFailed => $" ({attempts} attempt(s); check the network and GITHUB_API_URL)",
            Malformed => $" ({attempts} time(s); a proxy, a captive portal or a cut connection answers so: check GITHUB_API_URL and the network, then run again)",
            _ => string.Empty,
        };
        return new ServiceException("GitHub", operation, resource, Code, Message + advice, StatusCode, RequestId, Cause);
    }

    private static GitHubFailure FromApi(ApiException e, string code, bool retryable, TimeSpan? serverWait) =>
        new(code, e.ApiError?.Message ?? e.Message, (int)e.StatusCode, retryable, serverWait, Header(e, "X-GitHub-Request-Id"), e);

    /// <summary>A primary limit spent (403 or 429 with no requests remaining), or a 429 of a secondary limit.</summary>
    private static bool IsRateLimit(ApiException e) =>
        (int)e.StatusCode == 429 || ((int)e.StatusCode == 403 && Header(e, "X-RateLimit-Remaining") == "0");

    /// <summary>Retry-After when GitHub sends it, else the time until the rate limit resets when none is left.</summary>
    private static TimeSpan? WaitAskedFor(ApiException e, TimeProvider time)
    {
        if (int.TryParse(Header(e, "Retry-After"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        if (Header(e, "X-RateLimit-Remaining") == "0"
            && long.TryParse(Header(e, "X-RateLimit-Reset"), NumberStyles.None, CultureInfo.InvariantCulture, out var reset))
        {
            var wait = DateTimeOffset.FromUnixTimeSeconds(reset) - time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private static string? Header(ApiException e, string name) =>
        e.HttpResponse?.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}
