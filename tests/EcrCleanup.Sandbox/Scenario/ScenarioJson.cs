using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace EcrCleanup.Sandbox;

/// <summary>A scenario that does not validate; <see cref="Path"/> is the JSON path of the problem.</summary>
public sealed class ScenarioValidationException(string path, string problem)
    : Exception($"{path}: {problem}")
{
    public string Path { get; } = path;
    public string Problem { get; } = problem;
}

internal static partial class ScenarioJson
{
    /// <summary>jsonc: comments and trailing commas allowed; unknown properties rejected (a typo must not pass silently).</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DictionaryKeyPolicy = null,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
        Converters = { new UtcTimeConverter() },
    };

    /// <summary>Times are written as UTC with a Z, the way the contract shows them.</summary>
    sealed class UtcTimeConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTimeOffset(out var value))
            {
                throw new JsonException("The JSON value could not be converted to System.DateTimeOffset.");
            }

            return value;
        }

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture));
    }

    public static T Deserialize<T>(string json) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options) ?? throw new ScenarioValidationException("$", "the scenario is null");
        }
        catch (JsonException e)
        {
            throw new ScenarioValidationException(PathOf(e), Describe(e));
        }
    }

    static string PathOf(JsonException e)
    {
        var path = string.IsNullOrEmpty(e.Path) ? "$" : e.Path!;
        // For an unknown property System.Text.Json reports the object's path; name the property too.
        var unknown = UnknownProperty().Match(e.Message);
        if (unknown.Success && !path.EndsWith("." + unknown.Groups[1].Value, StringComparison.Ordinal))
        {
            path = path + "." + unknown.Groups[1].Value;
        }

        return path;
    }

    static string Describe(JsonException e)
    {
        var unknown = UnknownProperty().Match(e.Message);
        if (unknown.Success)
        {
            return "unknown property (see the scenario schema in the sandbox contract)";
        }

        var msg = e.Message;
        var cut = msg.IndexOf(" Path: ", StringComparison.Ordinal);
        if (cut > 0)
        {
            msg = msg[..cut];
        }

        if (msg.StartsWith("The JSON value could not be converted to ", StringComparison.Ordinal))
        {
            var type = msg["The JSON value could not be converted to ".Length..].TrimEnd('.');
            msg = "wrong type: expected " + FriendlyType(type);
        }
        if (e.LineNumber is { } line)
        {
            msg += $" (line {line + 1})";
        }

        return msg;
    }

    static string FriendlyType(string clrType) => clrType switch
    {
        _ when clrType.Contains("Double") || clrType.Contains("Int32") || clrType.Contains("Int64") => "a number",
        _ when clrType.Contains("DateTimeOffset") => "an ISO 8601 time (e.g. 2025-12-16T10:00:00Z)",
        _ when clrType.Contains("Boolean") => "true or false",
        _ when clrType.Contains("String") && clrType.Contains("List") => "an array of strings",
        _ when clrType.Contains("Dictionary") => "an object",
        _ when clrType.Contains("List") => "an array",
        "System.String" => "a string",
        _ => "an object",
    };

    [GeneratedRegex("The JSON property '([^']*)' could not be mapped")]
    private static partial Regex UnknownProperty();
}
