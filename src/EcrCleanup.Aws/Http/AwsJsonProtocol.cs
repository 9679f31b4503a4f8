using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EcrCleanup.Aws.Http;

/// <summary>
/// The awsJson1_1 and awsJson1_0 protocols: <c>POST /</c>, <c>X-Amz-Target: Prefix.Operation</c>, JSON in and out.
/// They differ on the wire only in the content type (<c>application/x-amz-json-1.1</c> or <c>-1.0</c>).
/// </summary>
internal sealed class AwsJsonProtocol
{
    private readonly AwsServiceClient _client;
    private readonly string _targetPrefix;
    private readonly string _contentType;

    /// <param name="version"><c>1.1</c> (ECR, ECS) or <c>1.0</c> (App Runner), as the service's model names its protocol.</param>
    public AwsJsonProtocol(AwsServiceClient client, string targetPrefix, string version = "1.1")
    {
        _client = client;
        _targetPrefix = targetPrefix;
        _contentType = "application/x-amz-json-" + version;
    }

    /// <param name="read">Reads the operation's output object (see <see cref="MalformedAnswerException.Required"/> for members it always has).</param>
    public Task<T> CallAsync<T>(string operation, string? resource, JsonObject input, Func<JsonObject, T> read, CancellationToken cancellationToken)
    {
        var request = new AwsRequest(operation, resource, HttpMethod.Post, "/")
        {
            Headers = new Dictionary<string, string> { ["X-Amz-Target"] = $"{_targetPrefix}.{operation}" },
            ContentType = _contentType,
            Body = Encoding.UTF8.GetBytes(input.ToJsonString()),
        };
        return _client.SendAsync(request, response => read(ParseObject(response.Body)), cancellationToken);
    }

    /// <summary>The JSON object an answer is, or <see cref="MalformedAnswerException"/>.</summary>
    internal static JsonObject ParseObject(byte[] body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject ?? throw new MalformedAnswerException("it is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new MalformedAnswerException(body.Length == 0 ? "it is empty" : $"it is not JSON: {e.Message}", e);
        }
    }

    /// <summary>Reads <c>__type</c> (or <c>x-amzn-ErrorType</c>) and <c>message</c> from an error reply.</summary>
    public static AwsError ParseError(AwsResponse response)
    {
        string? type = null;
        string? message = null;
        try
        {
            if (response.Body.Length > 0 && JsonNode.Parse(response.Body) is JsonObject body)
            {
                type = (string?)body["__type"] ?? (string?)body["code"];
                message = (string?)body["message"] ?? (string?)body["Message"] ?? (string?)body["errorMessage"];
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page, say): fall back to the header and the status.
        }

        type ??= response.ErrorTypeHeader;
        return new AwsError(NormalizeCode(type) ?? $"Http{response.StatusCode}", message ?? $"HTTP status {response.StatusCode}");
    }

    /// <summary><c>aws.protocoltests#FooError:http://...</c> becomes <c>FooError</c>.</summary>
    internal static string? NormalizeCode(string? type)
    {
        if (string.IsNullOrWhiteSpace(type))
        {
            return null;
        }

        var code = type;
        var colon = code.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            code = code[..colon];
        }

        var hash = code.LastIndexOf('#');
        return hash >= 0 ? code[(hash + 1)..] : code;
    }
}
