using EcrCleanup.Abstractions;
using EcrCleanup.Model;

namespace EcrCleanup.Inventory;

/// <summary>
/// Reads every image of a repository, whatever its storage class (active, archived, being restored), with the
/// references (index children, OCI subject) that manifests hold. ECR gives no manifest of an image that is not
/// active: those images' references are unknown (the decisions account for it).
/// </summary>
public static class ImageInventory
{
    /// <summary>Media types whose manifests can list children or name a subject; a Docker v2 image manifest can do neither.</summary>
    private static readonly HashSet<string> ReferenceCarryingMediaTypes = new(StringComparer.Ordinal)
    {
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
    };

    /// <param name="progress">Told the number of images read so far, after each page.</param>
    public static async Task<RepositoryInventory> LoadAsync(IEcrClient ecr, string repositoryName, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        // Asked at the same time as the images. When both fail (an unknown repository, no permission), the
        // repository's own failure is the one reported: it names the repository, not a page of it.
        var describing = ecr.DescribeRepositoryAsync(repositoryName, cancellationToken);
        var images = new List<EcrImage>();
        try
        {
            await foreach (var image in ecr.DescribeImagesAsync(repositoryName, ImageStatusFilter.Any, cancellationToken).ConfigureAwait(false))
            {
                images.Add(image);
                if (images.Count % 100 == 0)
                {
                    progress?.Report(images.Count);
                }
            }
        }
        catch (Exception)
        {
            await describing.ConfigureAwait(false);
            throw;
        }

        progress?.Report(images.Count);
        var repository = await describing.ConfigureAwait(false);

        var withReferences = images.Where(CanCarryReferences).Select(i => i.Digest).ToArray();
        if (withReferences.Length == 0)
        {
            return new RepositoryInventory(repository, images);
        }

        var manifests = (await ecr.GetManifestsAsync(repositoryName, withReferences, cancellationToken).ConfigureAwait(false))
            .ToDictionary(m => m.Digest, StringComparer.Ordinal);
        return new RepositoryInventory(repository, images.Select(i => manifests.TryGetValue(i.Digest, out var m)
                ? i with { SubjectDigest = m.SubjectDigest, ChildDigests = m.ChildDigests, ArtifactType = m.ArtifactType ?? i.ArtifactType }
                : i)
            .ToList());
    }

    /// <summary>An image whose media type ECR did not say may be anything: its manifest is read too.</summary>
    internal static bool CanCarryReferences(EcrImage image) =>
        image.Status == ImageStatus.Active && (image.ManifestMediaType is null || ReferenceCarryingMediaTypes.Contains(image.ManifestMediaType));
}

/// <summary>A repository and every image in it.</summary>
public sealed record RepositoryInventory(EcrRepository Repository, IReadOnlyList<EcrImage> Images);
