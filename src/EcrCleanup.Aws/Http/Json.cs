using System.Text.Json.Nodes;

namespace EcrCleanup.Aws.Http;

/// <summary>
/// Reads the members of a JSON answer, each as the operation's model says it is: a member the operation always
/// returns that is missing, or a member of the wrong kind, is a <see cref="MalformedAnswerException"/>.
/// </summary>
internal static class Json
{
    /// <summary>The input for one page of a listing: <paramref name="input"/>, with <c>nextToken</c> past the first page.</summary>
    public static JsonObject Page(JsonObject input, string? nextToken)
    {
        if (nextToken is not null)
        {
            input["nextToken"] = nextToken;
        }

        return input;
    }

    /// <summary>A list of objects the operation always returns.</summary>
    public static List<JsonObject> Array(JsonObject parent, string name) =>
        Array(parent, name, item => item as JsonObject ?? throw new MalformedAnswerException($"its {name} holds something other than objects"));

    /// <summary>A list the operation always returns, each item read by <paramref name="read"/>.</summary>
    public static List<T> Array<T>(JsonObject parent, string name, Func<JsonNode?, T> read) =>
        (parent[name] as JsonArray ?? throw new MalformedAnswerException($"it has no {name} list")).Select(read).ToList();

    /// <summary>A list of objects the operation may leave out; empty when it does.</summary>
    public static List<JsonObject> OptionalArray(JsonObject? parent, string name) =>
        parent?[name] is null ? [] : Array(parent, name);

    /// <summary>An object the operation always returns.</summary>
    public static JsonObject Object(JsonObject parent, string name) =>
        parent[name] as JsonObject ?? throw new MalformedAnswerException($"it has no {name}");

    /// <summary>An object the operation may leave out; null when it does (or when <paramref name="parent"/> is null).</summary>
    public static JsonObject? OptionalObject(JsonObject? parent, string name) => parent?[name] switch
    {
        null => null,
        JsonObject value => value,
        _ => throw new MalformedAnswerException($"its {name} is not an object"),
    };

    /// <summary>Text the operation always returns.</summary>
    public static string Text(JsonObject parent, string name) =>
        OptionalText(parent, name) ?? throw new MalformedAnswerException($"it has no {name}");

    /// <summary>Text the operation may leave out; null when it does.</summary>
    public static string? OptionalText(JsonObject? parent, string name) => parent?[name] switch
    {
        null => null,
        var node => String(node, name),
    };

    public static string String(JsonNode? node, string name) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : throw new MalformedAnswerException($"its {name} is not text");

    public static long Number(JsonObject parent, string name) =>
        parent[name] is JsonValue value && value.TryGetValue<long>(out var number) ? number : throw new MalformedAnswerException($"its {name} is not a number");
}
