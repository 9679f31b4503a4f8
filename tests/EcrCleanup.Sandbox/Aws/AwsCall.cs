using EcrCleanup.Sandbox.State;

namespace EcrCleanup.Sandbox.Aws;

/// <summary>One authenticated AWS request on its way to its operation's handler.</summary>
internal sealed class AwsCall
{
    public required HttpContext Http { get; init; }
    public required Session Session { get; init; }
    public required SandboxRuntime Runtime { get; init; }
    public required string Service { get; init; }
    public required string Operation { get; init; }
    public required byte[] Body { get; init; }
    public required string RequestId { get; init; }

    public SandboxState State => Session.State;
    public DateTimeOffset Now => Runtime.Clock.GetUtcNow();

    /// <summary>A scope for continuation tokens: valid only for this scenario load, operation and listing.</summary>
    public string TokenScope(string listing) => $"{Session.Generation}\n{Service}:{Operation}\n{listing}";

    /// <summary>
    /// One page of a listing: at most <paramref name="size"/> items from where <paramref name="token"/> (issued for this
    /// listing) left off, and the token for the rest (null on the last page). A token from elsewhere throws <paramref name="invalidToken"/>.
    /// </summary>
    public (List<T> Page, string? Token) Page<T>(IReadOnlyList<T> all, string listing, string? token, int size, Func<AwsException> invalidToken)
    {
        var scope = TokenScope(listing);
        var start = 0L;
        if (token is not null && !Runtime.Tokens.TryRead(token, scope, out start))
        {
            throw invalidToken();
        }

        var page = all.Skip((int)start).Take(size).ToList();
        var end = start + page.Count;
        return (page, end < all.Count ? Runtime.Tokens.Issue(scope, end) : null);
    }
}
