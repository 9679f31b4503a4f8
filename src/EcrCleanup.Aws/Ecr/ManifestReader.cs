using System.Text.Json;
using System.Text.Json.Nodes;
using EcrCleanup.Model;

namespace EcrCleanup.Aws.Ecr;

/// <summary>Reads from a manifest the references the module follows: an index's children, a referrer's subject.</summary>
internal static class ManifestReader
{
    public static ImageManifest Read(string digest, string? manifestJson, string? mediaTypeFromEcr)
    {
        JsonObject? manifest = null;
        if (!string.IsNullOrEmpty(manifestJson))
        {
            try
            {
                manifest = JsonNode.Parse(manifestJson) as JsonObject;
            }
            catch (JsonException)
            {
                // A manifest that is not JSON references nothing the module can follow.
            }
        }

        var children = manifest?["manifests"] is JsonArray list
            ? list.Select(m => (string?)m?["digest"]).Where(d => d is not null).Select(d => d!).ToArray()
            : Array.Empty<string>();

        return new ImageManifest(
            digest,
            (string?)manifest?["mediaType"] ?? mediaTypeFromEcr,
            (string?)manifest?["artifactType"] ?? (string?)manifest?["config"]?["mediaType"],
            (string?)manifest?["subject"]?["digest"],
            children);
    }
}
