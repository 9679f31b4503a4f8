namespace EcrCleanup.Sandbox.Aws;

internal enum AwsProtocol { Json11, Query, RestJson }

/// <summary>An error a service answers with; the protocol layer renders it as that service would.</summary>
internal sealed class AwsException(string code, int status, string message) : Exception(message)
{
    public string Code { get; } = code;
    public int Status { get; } = status;
    /// <summary>Extra response headers (Lambda's Retry-After).</summary>
    public Dictionary<string, string> Headers { get; } = [];
    /// <summary>restJson body members other than the message (Lambda's Type, Reason).</summary>
    public Dictionary<string, string> Fields { get; } = [];
    /// <summary>restJson: the name of the message member ("Message" for most Lambda errors, "message" for some).</summary>
    public string MessageMember { get; init; } = "message";
    /// <summary>awsQuery: Sender (client error) or Receiver (service error).</summary>
    public string QueryType => Status >= 500 ? "Receiver" : "Sender";
}
