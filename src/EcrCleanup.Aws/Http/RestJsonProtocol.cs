using System.Text.Json;
using System.Text.Json.Nodes;

namespace EcrCleanup.Aws.Http;

/// <summary>
/// The restJson1 protocol for reads: <c>GET</c> a path with URI-escaped labels and query parameters (Lambda), or
/// <c>POST</c> a JSON body to a fixed path (Batch); JSON back.
/// </summary>
internal sealed class RestJsonProtocol
{
    private readonly AwsServiceClient _client;

    public RestJsonProtocol(AwsServiceClient client)
    {
        _client = client;
    }

    /// <param name="path">The request path, its labels already escaped with <see cref="Label"/>.</param>
    /// <param name="query">Query parameters, unescaped; the transport escapes and signs them.</param>
    /// <param name="read">Reads the operation's output object (see <see cref="MalformedAnswerException.Required"/> for members it always has).</param>
    public Task<T> GetAsync<T>(string operation, string? resource, string path, IReadOnlyList<KeyValuePair<string, string>> query, Func<JsonObject, T> read, CancellationToken cancellationToken)
    {
        var request = new AwsRequest(operation, resource, HttpMethod.Get, path) { Query = query };
        return _client.SendAsync(request, response => read(AwsJsonProtocol.ParseObject(response.Body)), cancellationToken);
    }

    /// <summary>Posts <paramref name="input"/> as the JSON body to <paramref name="path"/>.</summary>
    /// <param name="read">Reads the operation's output object (see <see cref="MalformedAnswerException.Required"/> for members it always has).</param>
    public Task<T> PostAsync<T>(string operation, string? resource, string path, JsonObject input, Func<JsonObject, T> read, CancellationToken cancellationToken)
    {
        var request = new AwsRequest(operation, resource, HttpMethod.Post, path)
        {
            ContentType = "application/json",
            Body = System.Text.Encoding.UTF8.GetBytes(input.ToJsonString()),
        };
        return _client.SendAsync(request, response => read(AwsJsonProtocol.ParseObject(response.Body)), cancellationToken);
    }

    /// <summary>A path label (a function name, an ARN) as one URI segment: <c>/</c>, <c>:</c> and the rest percent-encoded.</summary>
    public static string Label(string value) => Uri.EscapeDataString(value);

    /// <summary>
    /// The error code from the <c>x-amzn-ErrorType</c> header, else the body's <c>code</c> or <c>__type</c>; the message
    /// from <c>message</c> or <c>Message</c>. A body's <c>Type</c> is not read as the code: Lambda puts the fault's side
    /// there (<c>User</c>, <c>Service</c>), beside the real code in the header.
    /// </summary>
    public static AwsError ParseError(AwsResponse response)
    {
        string? type = null;
        string? message = null;
        try
        {
            if (response.Body.Length > 0 && JsonNode.Parse(response.Body) is JsonObject body)
            {
                type = Text(body["code"]) ?? Text(body["__type"]);
                message = Text(body["message"]) ?? Text(body["Message"]);
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page, say): fall back to the header and the status.
        }

        var code = AwsJsonProtocol.NormalizeCode(response.ErrorTypeHeader) ?? AwsJsonProtocol.NormalizeCode(type);
        return new AwsError(code ?? $"Http{response.StatusCode}", message ?? $"HTTP status {response.StatusCode}");
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
