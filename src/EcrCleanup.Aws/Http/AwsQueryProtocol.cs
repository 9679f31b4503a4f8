using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace EcrCleanup.Aws.Http;

/// <summary>
/// The awsQuery protocol: <c>POST /</c> with a form body <c>Action=Op&amp;Version=...&amp;...</c>, XML replies
/// whose payload sits in <c>&lt;OpResponse&gt;&lt;OpResult&gt;</c> in the service's namespace.
/// </summary>
internal sealed class AwsQueryProtocol
{
    /// <summary>What the AWS SDKs send; it is signed, so it must reach the wire unchanged.</summary>
    internal const string ContentType = "application/x-www-form-urlencoded; charset=utf-8";

    private readonly AwsServiceClient _client;
    private readonly string _version;
    private readonly XNamespace _namespace;

    public AwsQueryProtocol(AwsServiceClient client, string version, XNamespace xmlNamespace)
    {
        _client = client;
        _version = version;
        _namespace = xmlNamespace;
    }

    /// <summary>Calls <paramref name="operation"/> and reads its <c>&lt;OpResult&gt;</c> element with <paramref name="read"/>.</summary>
    /// <param name="parameters">Flattened parameters in order, lists already as <c>Name.member.N</c> (see <see cref="Members"/>).</param>
    /// <param name="read">Reads the result (see <see cref="MalformedAnswerException.Required"/> for elements it always has).</param>
    public Task<T> CallAsync<T>(string operation, string? resource, IEnumerable<KeyValuePair<string, string>> parameters, Func<XElement, T> read, CancellationToken cancellationToken)
    {
        var request = new AwsRequest(operation, resource, HttpMethod.Post, "/")
        {
            ContentType = ContentType,
            Body = EncodeBody(operation, _version, parameters),
        };
        return _client.SendAsync(request, response => read(ReadResult(response.Body, operation, _namespace)), cancellationToken);
    }

    /// <summary>A list parameter as awsQuery flattens it: <c>Name.member.1=a&amp;Name.member.2=b</c>.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Members(string name, IEnumerable<string> values) =>
        values.Select((value, i) => KeyValuePair.Create($"{name}.member.{i + 1}", value));

    /// <summary>The form body: Action and Version first, then the parameters, each name and value percent-encoded (RFC 3986).</summary>
    internal static byte[] EncodeBody(string operation, string version, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var pairs = new[] { KeyValuePair.Create("Action", operation), KeyValuePair.Create("Version", version) }.Concat(parameters);
        return Encoding.UTF8.GetBytes(string.Join("&", pairs.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value))));
    }

    /// <summary>The <c>&lt;OpResult&gt;</c> of an <c>&lt;OpResponse&gt;</c> in the service's namespace, or <see cref="MalformedAnswerException"/>.</summary>
    internal static XElement ReadResult(byte[] body, string operation, XNamespace xmlNamespace)
    {
        XDocument document;
        try
        {
            document = Parse(body);
        }
        catch (XmlException e)
        {
            throw new MalformedAnswerException(body.Length == 0 ? "it is empty" : $"it is not XML: {e.Message}", e);
        }

        var root = document.Root!;
        if (root.Name != xmlNamespace + (operation + "Response"))
        {
            throw new MalformedAnswerException($"it is a <{root.Name.LocalName}> document, not <{operation}Response>");
        }

        return MalformedAnswerException.Required(root.Element(xmlNamespace + (operation + "Result")), $"<{operation}Result>");
    }

    /// <summary>
    /// Reads <c>&lt;ErrorResponse&gt;&lt;Error&gt;&lt;Code/&gt;&lt;Message/&gt;&lt;/Error&gt;&lt;/ErrorResponse&gt;</c>. Elements are matched
    /// by local name: services differ in whether errors carry their namespace. The reply's <c>&lt;RequestId&gt;</c> is the
    /// one the transport already reads from <c>x-amzn-RequestId</c>.
    /// </summary>
    public static AwsError ParseError(AwsResponse response)
    {
        string? code = null;
        string? message = null;
        try
        {
            if (response.Body.Length > 0)
            {
                var error = Parse(response.Body).Descendants().FirstOrDefault(e => e.Name.LocalName == "Error");
                code = Child(error, "Code");
                message = Child(error, "Message");
            }
        }
        catch (XmlException)
        {
            // Not XML (a proxy's HTML page, say): fall back to the status.
        }

        return new AwsError(
            string.IsNullOrWhiteSpace(code) ? $"Http{response.StatusCode}" : code.Trim(),
            string.IsNullOrEmpty(message) ? $"HTTP status {response.StatusCode}" : message);
    }

    /// <summary>Reads the document as its declaration says (UTF-8 by default); DTDs are refused.</summary>
    private static XDocument Parse(byte[] body)
    {
        using var stream = new MemoryStream(body, writable: false);
        return XDocument.Load(stream);
    }

    private static string? Child(XElement? parent, string localName) =>
        parent?.Elements().FirstOrDefault(e => e.Name.LocalName == localName)?.Value;
}
