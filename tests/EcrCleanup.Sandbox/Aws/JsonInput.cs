using System.Text.Json;

namespace EcrCleanup.Sandbox.Aws;

/// <summary>Reads an awsJson request body, answering type errors with SerializationException as the services do.</summary>
internal readonly struct JsonInput(JsonElement root)
{
    public static JsonInput Parse(byte[] body)
    {
        if (body.Length == 0)
        {
            return new JsonInput(JsonDocument.Parse("{}").RootElement);
        }

        try
        {
            var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Serialization("Start of structure or map expected.");
            }

            return new JsonInput(doc.RootElement);
        }
        catch (JsonException)
        {
            throw Serialization("Unable to parse the request body as JSON.");
        }
    }

    public JsonElement Root => root;

    public JsonElement? Get(string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    public string? String(string name)
    {
        if (Get(name) is not { } v)
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.String)
        {
            throw Serialization($"Expected a string for '{name}'.");
        }

        return v.GetString();
    }

    public int? Int(string name)
    {
        if (Get(name) is not { } v)
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var i))
        {
            throw Serialization($"Expected an integer for '{name}'.");
        }

        return i;
    }

    public List<JsonElement>? List(string name)
    {
        if (Get(name) is not { } v)
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.Array)
        {
            throw Serialization($"Start of list found where not expected for '{name}'.");
        }

        return [.. v.EnumerateArray()];
    }

    public JsonInput? Object(string name)
    {
        if (Get(name) is not { } v)
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.Object)
        {
            throw Serialization($"Start of structure or map expected for '{name}'.");
        }

        return new JsonInput(v);
    }

    public static AwsException Serialization(string message) => new("SerializationException", 400, message);
}
