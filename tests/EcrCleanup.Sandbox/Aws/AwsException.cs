namespace EcrCleanup.Sandbox.Aws;

/// <summary>awsJson 1.1 (ECR, ECS), awsJson 1.0 (App Runner), awsQuery (CloudFormation), restJson1 (Lambda, Batch).</summary>
internal enum AwsProtocol { Json11, Json10, Query, RestJson }

/// <summary>An error a service answers with; the protocol layer renders it as that service would.</summary>
internal sealed class AwsException(string code, int status, string message) : Exception(message)
{
    public string Code { get; } = code;
    public int Status { get; } = status;
    /// <summary>Extra response headers (Lambda's Retry-After).</summary>
    public Dictionary<string, string> Headers { get; } = [];
    /// <summary>restJson body members other than the message (Lambda's Type, Reason).</summary>
    public Dictionary<string, string> Fields { get; } = [];
    /// <summary>The name of the message member in a JSON error ("Message" for most Lambda errors and App Runner's, else "message").</summary>
    public string MessageMember { get; init; } = "message";
    /// <summary>awsQuery: Sender (client error) or Receiver (service error).</summary>
    public string QueryType => Status >= 500 ? "Receiver" : "Sender";
}
