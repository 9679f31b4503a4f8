using System.Text.Json;
using System.Text.Json.Nodes;
using EcrCleanup.Model;

namespace EcrCleanup.Aws.Ecr;

/// <summary>Reads from a manifest the references the module follows: an index's children, a referrer's subject.</summary>
internal static class ManifestReader
{
    /// <exception cref="Http.MalformedAnswerException">The manifest is not a JSON object: what it refers to cannot be known.</exception>
    public static ImageManifest Read(string digest, string manifestJson, string? mediaTypeFromEcr)
    {
        JsonObject manifest;
        try
        {
            manifest = JsonNode.Parse(manifestJson) as JsonObject ?? throw new Http.MalformedAnswerException($"the manifest of {digest} is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new Http.MalformedAnswerException($"the manifest of {digest} is not JSON", e);
        }

        var children = manifest["manifests"] is JsonArray list
            ? list.Select(m => (string?)m?["digest"]).Where(d => d is not null).Select(d => d!).ToArray()
            : Array.Empty<string>();

        return new ImageManifest(
            digest,
            (string?)manifest["mediaType"] ?? mediaTypeFromEcr,
            (string?)manifest["artifactType"] ?? (string?)manifest["config"]?["mediaType"],
            (string?)manifest["subject"]?["digest"],
            children);
    }
}
