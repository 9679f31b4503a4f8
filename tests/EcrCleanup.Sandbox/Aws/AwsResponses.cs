using System.Security;
using System.Text;
using System.Text.Json;

namespace EcrCleanup.Sandbox.Aws;

/// <summary>Writes replies and errors in the three AWS wire protocols.</summary>
internal static class AwsResponses
{
    public const string QueryNamespace = "http://cloudformation.amazonaws.com/doc/2010-05-15/";

    public static Task WriteAsync(HttpContext ctx, int status, string contentType, byte[] body, string requestId)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = contentType;
        ctx.Response.Headers["x-amzn-RequestId"] = requestId;
        ctx.Response.ContentLength = body.Length;
        return ctx.Response.Body.WriteAsync(body).AsTask();
    }

    public static Task WriteErrorAsync(HttpContext ctx, AwsProtocol protocol, AwsException e, string requestId)
    {
        foreach (var (k, v) in e.Headers)
        {
            ctx.Response.Headers[k] = v;
        }

        switch (protocol)
        {
            case AwsProtocol.Json11 or AwsProtocol.Json10:
                return WriteAsync(ctx, e.Status, ContentType(protocol), Json(w =>
                {
                    w.WriteString("__type", e.Code);
                    w.WriteString(e.MessageMember, e.Message);
                }), requestId);
            case AwsProtocol.RestJson:
                ctx.Response.Headers["X-Amzn-ErrorType"] = e.Code;
                return WriteAsync(ctx, e.Status, "application/json", Json(w =>
                {
                    foreach (var (k, v) in e.Fields)
                    {
                        w.WriteString(k, v);
                    }

                    w.WriteString(e.MessageMember, e.Message);
                }), requestId);
            default:
                var xml = $"<ErrorResponse xmlns=\"{QueryNamespace}\">\n  <Error>\n    <Type>{e.QueryType}</Type>\n    <Code>{Esc(e.Code)}</Code>\n    <Message>{Esc(e.Message)}</Message>\n  </Error>\n  <RequestId>{requestId}</RequestId>\n</ErrorResponse>\n";
                return WriteAsync(ctx, e.Status, "text/xml", Encoding.UTF8.GetBytes(xml), requestId);
        }
    }

    /// <summary>The Content-Type of a protocol's replies.</summary>
    public static string ContentType(AwsProtocol protocol) => protocol switch
    {
        AwsProtocol.Json11 => "application/x-amz-json-1.1",
        AwsProtocol.Json10 => "application/x-amz-json-1.0",
        AwsProtocol.Query => "text/xml",
        _ => "application/json",
    };

    /// <summary>An awsJson/restJson timestamp: epoch seconds, as a number with a fraction (the services send milliseconds).</summary>
    public static void WriteEpoch(Utf8JsonWriter w, string name, DateTimeOffset t)
    {
        var ms = t.ToUnixTimeMilliseconds();
        w.WritePropertyName(name);
        w.WriteRawValue($"{ms / 1000}.{ms % 1000:D3}", skipInputValidation: true);
    }

    /// <summary>Services write '+', '&lt;' and the like as they are ("manifest.v2+json"), not as \u escapes.</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Esc(string s) => SecurityElement.Escape(s);

    public static byte[] Json(Action<Utf8JsonWriter> body)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, WriterOptions))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return ms.ToArray();
    }
}
