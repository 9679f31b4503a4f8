using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using EcrCleanup.Sandbox.Aws;

namespace EcrCleanup.Sandbox.Faults;

/// <summary>What a service's answers are written in: what <c>drop:NAME</c> removes fields or elements from.</summary>
internal enum BodyFormat
{
    Json,
    Xml,
}

/// <summary>
/// A <c>malformed</c> fault, parsed: the operation runs (and takes effect: a BatchDeleteImage deletes), then its
/// finished answer, whatever it was, is replaced by HTTP 200 with a body that is not the operation's answer, as a
/// proxy, a captive portal, a half-closed connection or a service bug would hand it to the client.
/// <c>delayMs:N</c> is the exception: the real answer as it is (status included), N ms late.
/// </summary>
internal sealed class Malformation
{
    public const int MaxDelayMs = 600_000;

    /// <summary>The kinds a fault's <c>malformed</c> may name, for messages.</summary>
    public const string Kinds = "truncate, empty, emptyJson, html, otherXml, drop:<name>, delayMs:<n>";

    const string HtmlPage = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>Sign in to continue</title>
        </head>
        <body>
        <h1>Network login required</h1>
        <p>You must sign in before you can use this network.</p>
        <p><a href="http://portal.example.net/login">Sign in</a></p>
        </body>
        </html>

        """;

    // An answer of another service (S3's ListBuckets), as an endpoint pointed at the wrong server gives.
    const string OtherXmlDocument = """
        <?xml version="1.0" encoding="UTF-8"?>
        <ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
          <Owner>
            <ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID>
            <DisplayName>sandbox</DisplayName>
          </Owner>
          <Buckets>
            <Bucket>
              <Name>sandbox-artifacts</Name>
              <CreationDate>2025-01-01T00:00:00.000Z</CreationDate>
            </Bucket>
          </Buckets>
        </ListAllMyBucketsResult>

        """;

    Malformation(string kind, string? name, int delayMs)
    {
        Kind = kind;
        Name = name;
        DelayMs = delayMs;
    }

    /// <summary>truncate, empty, emptyJson, html, otherXml, drop or delayMs.</summary>
    public string Kind { get; }

    /// <summary>The field or element <c>drop:NAME</c> removes.</summary>
    public string? Name { get; }

    /// <summary>How late <c>delayMs:N</c> answers.</summary>
    public int DelayMs { get; }

    /// <summary>Parses a fault's <c>malformed</c>; null (and the problem) when it names no known kind.</summary>
    public static Malformation? Parse(string spec, out string? problem)
    {
        problem = null;
        switch (spec)
        {
            case "truncate" or "empty" or "emptyJson" or "html" or "otherXml":
                return new Malformation(spec, null, 0);
            case var s when s.StartsWith("drop:", StringComparison.Ordinal):
                var name = s["drop:".Length..];
                if (name.Length == 0 || name.Any(c => char.IsWhiteSpace(c) || c is '<' or '>' or '"' or '/'))
                {
                    problem = $"drop:<name> names a JSON field or XML element (e.g. drop:imageManifest), not '{name}'";
                    return null;
                }
                return new Malformation("drop", name, 0);
            case var s when s.StartsWith("delayMs:", StringComparison.Ordinal):
                if (!int.TryParse(s["delayMs:".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var ms) || ms > MaxDelayMs)
                {
                    problem = $"delayMs:<n> takes a number of milliseconds from 0 to {MaxDelayMs}, not '{s["delayMs:".Length..]}'";
                    return null;
                }
                return new Malformation("delayMs", null, ms);
            default:
                problem = $"unknown kind '{spec}' (known: {Kinds})";
                return null;
        }
    }

    /// <summary>A fault's <c>malformed</c>, validated when the fault was armed.</summary>
    public static Malformation Of(ScenarioFault fault) =>
        Parse(fault.Malformed!, out var problem) ?? throw new InvalidOperationException(problem);

    /// <summary>
    /// Runs <paramref name="answer"/>, which writes the real answer to <c>ctx.Response</c>, with its body held back,
    /// then sends what this malformation makes of it. The one place a finished answer is malformed.
    /// </summary>
    public async Task WriteAsync(HttpContext ctx, BodyFormat format, Func<Task> answer)
    {
        var response = ctx.Response;
        var wire = response.Body;
        using var held = new MemoryStream();
        response.Body = held;
        try
        {
            await answer();
        }
        finally
        {
            response.Body = wire;
        }

        if (DelayMs > 0)
        {
            await Task.Delay(DelayMs, ctx.RequestAborted);
        }

        var (status, contentType, body) = Transform(response.StatusCode, response.ContentType, held.ToArray(), format);
        if (status != response.StatusCode)
        {
            // No longer an error: the header that names the error's type goes with it (restJson).
            response.Headers.Remove("X-Amzn-ErrorType");
        }

        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        await wire.WriteAsync(body, ctx.RequestAborted);
    }

    /// <summary>The answer a client gets instead of (status, contentType, body).</summary>
    public (int Status, string? ContentType, byte[] Body) Transform(int status, string? contentType, byte[] body, BodyFormat format) => Kind switch
    {
        "delayMs" => (status, contentType, body),
        "truncate" => (200, contentType, body[..(body.Length / 2)]),
        "empty" => (200, contentType, []),
        "emptyJson" => (200, contentType, "{}"u8.ToArray()),
        "html" => (200, "text/html; charset=utf-8", Encoding.UTF8.GetBytes(HtmlPage)),
        "otherXml" => (200, "text/xml", Encoding.UTF8.GetBytes(OtherXmlDocument)),
        "drop" => (200, contentType, format == BodyFormat.Xml ? DropXml(body, Name!) : DropJson(body, Name!)),
        _ => throw new InvalidOperationException($"unknown malformation '{Kind}'"),
    };

    /// <summary>The JSON without every property named <paramref name="name"/>, at any depth; numbers keep their text.</summary>
    static byte[] DropJson(byte[] body, string name)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var ms = new MemoryStream();
            using (var w = new Utf8JsonWriter(ms, AwsResponses.WriterOptions))
            {
                while (reader.Read())
                {
                    switch (reader.TokenType)
                    {
                        case JsonTokenType.PropertyName when reader.ValueTextEquals(name):
                            reader.Skip();
                            break;
                        case JsonTokenType.PropertyName:
                            w.WritePropertyName(reader.GetString()!);
                            break;
                        case JsonTokenType.StartObject:
                            w.WriteStartObject();
                            break;
                        case JsonTokenType.EndObject:
                            w.WriteEndObject();
                            break;
                        case JsonTokenType.StartArray:
                            w.WriteStartArray();
                            break;
                        case JsonTokenType.EndArray:
                            w.WriteEndArray();
                            break;
                        case JsonTokenType.String:
                            w.WriteStringValue(reader.GetString());
                            break;
                        case JsonTokenType.Number:
                            w.WriteRawValue(reader.ValueSpan, skipInputValidation: true);
                            break;
                        case JsonTokenType.True or JsonTokenType.False:
                            w.WriteBooleanValue(reader.GetBoolean());
                            break;
                        case JsonTokenType.Null:
                            w.WriteNullValue();
                            break;
                        default:
                            break;
                    }
                }
            }
            return ms.ToArray();
        }
        catch (JsonException)
        {
            // Not JSON (an empty answer): nothing to drop.
            return body;
        }
    }

    /// <summary>The XML without every element named <paramref name="name"/> (any namespace, any depth).</summary>
    static byte[] DropXml(byte[] body, string name)
    {
        XDocument doc;
        try
        {
            doc = XDocument.Parse(Encoding.UTF8.GetString(body), LoadOptions.PreserveWhitespace);
        }
        catch (XmlException)
        {
            return body;
        }

        foreach (var e in doc.Descendants().Where(e => e.Name.LocalName == name).ToList())
        {
            if (e.PreviousNode is XText { } indent && string.IsNullOrWhiteSpace(indent.Value))
            {
                indent.Remove();
            }

            e.Remove();
        }
        var text = doc.Root is null ? "" : doc.Root.ToString(SaveOptions.DisableFormatting) + "\n";
        return Encoding.UTF8.GetBytes(text);
    }
}
