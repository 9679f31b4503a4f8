using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EcrCleanup.Sandbox.State;

namespace EcrCleanup.Sandbox.Ecr;

/// <summary>
/// Synthesizes the manifest ECR stores for an image: a Docker v2 or OCI image manifest (with config and one
/// layer of the image's size), an image index listing its children, or a referrer naming its subject.
/// Config and layer digests are derived from the image digest, so the same image always gets the same manifest.
/// </summary>
internal static class EcrManifests
{
    static readonly string[] Architectures = ["amd64", "arm64", "arm", "ppc64le", "s390x"];

    /// <summary>The media type of the image's config (what ECR reports as artifactMediaType); null for an index.</summary>
    public static string? ArtifactMediaType(EcrImage i)
    {
        if (i.IsIndex)
        {
            return null;
        }

        if (i.ArtifactType is not null)
        {
            return i.ArtifactType;
        }

        return i.MediaType == MediaTypes.DockerManifest ? MediaTypes.DockerConfig : MediaTypes.OciConfig;
    }

    public static string Manifest(EcrImage image, EcrRepository repo)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", 2);
            w.WriteString("mediaType", image.MediaType);
            if (image.ArtifactType is not null && image.MediaType != MediaTypes.DockerManifest && image.MediaType != MediaTypes.DockerManifestList)
            {
                w.WriteString("artifactType", image.ArtifactType);
            }

            if (image.IsIndex)
            {
                WriteIndex(w, image, repo);
            }
            else
            {
                WriteImageManifest(w, image);
            }

            if (image.Subject is not null)
            {
                var subject = repo.ByDigest(image.Subject);
                w.WriteStartObject("subject");
                w.WriteString("mediaType", subject?.MediaType ?? MediaTypes.OciManifest);
                w.WriteString("digest", image.Subject);
                w.WriteNumber("size", ManifestSize(image.Subject));
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    static void WriteImageManifest(Utf8JsonWriter w, EcrImage image)
    {
        var docker = image.MediaType == MediaTypes.DockerManifest;
        var referrer = image.Subject is not null && image.ArtifactType is not null;
        w.WriteStartObject("config");
        w.WriteString("mediaType", docker ? MediaTypes.DockerConfig : referrer ? MediaTypes.OciEmpty : MediaTypes.OciConfig);
        w.WriteNumber("size", referrer ? 2 : 1469);
        w.WriteString("digest", referrer ? "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a" : Derived(image.Digest, "config"));
        w.WriteEndObject();
        w.WriteStartArray("layers");
        w.WriteStartObject();
        w.WriteString("mediaType", docker ? MediaTypes.DockerLayer : MediaTypes.OciLayer);
        w.WriteNumber("size", image.SizeBytes);
        w.WriteString("digest", Derived(image.Digest, "layer"));
        w.WriteEndObject();
        w.WriteEndArray();
    }

    static void WriteIndex(Utf8JsonWriter w, EcrImage image, EcrRepository repo)
    {
        w.WriteStartArray("manifests");
        var platform = 0;
        foreach (var digest in image.Children)
        {
            var child = repo.ByDigest(digest);
            w.WriteStartObject();
            w.WriteString("mediaType", child?.MediaType ?? (image.MediaType == MediaTypes.DockerManifestList ? MediaTypes.DockerManifest : MediaTypes.OciManifest));
            w.WriteString("digest", digest);
            w.WriteNumber("size", ManifestSize(digest));
            var attestation = child is not null && (child.ArtifactType is not null || child.Subject is not null);
            w.WriteStartObject("platform");
            w.WriteString("architecture", attestation ? "unknown" : Architectures[platform++ % Architectures.Length]);
            w.WriteString("os", attestation ? "unknown" : "linux");
            w.WriteEndObject();
            if (attestation && child!.Subject is not null)
            {
                w.WriteStartObject("annotations");
                w.WriteString("vnd.docker.reference.digest", child.Subject);
                w.WriteString("vnd.docker.reference.type", "attestation-manifest");
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    static string Derived(string digest, string what) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{what}\n{digest}")));

    static int ManifestSize(string digest) => 400 + (Convert.ToInt32(digest.Substring(7, 4), 16) % 1200);
}
