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
}
