namespace EcrCleanup.Aws.Http;

/// <summary>One call to an AWS service, before signing.</summary>
internal sealed record AwsRequest(string Operation, string? Resource, HttpMethod Method, string Path)
{
    public IReadOnlyList<KeyValuePair<string, string>> Query { get; init; } = Array.Empty<KeyValuePair<string, string>>();

    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public byte[] Body { get; init; } = Array.Empty<byte>();

    public string? ContentType { get; init; }
}

/// <summary>A service's answer: status, headers that matter, body.</summary>
internal sealed record AwsResponse(int StatusCode, byte[] Body, TimeSpan? RetryAfter, string? RequestId, string? ErrorTypeHeader);

/// <summary>An error a protocol found in a response.</summary>
internal sealed record AwsError(string Code, string Message);
