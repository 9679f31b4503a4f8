using System.Text.RegularExpressions;
using EcrCleanup.Model;
using EcrCleanup.Reading;

namespace EcrCleanup.Decisions;

/// <summary>
/// The images of one evidence, indexed for the engine: by digest, tag and commit; what each tag says; and the
/// references between images (the manifests an index lists, the referrers of a subject, cosign's tags).
/// </summary>
internal sealed partial class ImageFacts
{
    private readonly Dictionary<string, EcrImage> _byTag = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TagClassification[]> _tags = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]> _shas = new(StringComparer.Ordinal);
    private readonly ShaPrefixIndex<EcrImage> _byCommit = new();
    private readonly Dictionary<string, List<string>> _referrers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _indexes = new(StringComparer.Ordinal);

    /// <exception cref="ArgumentException">An image is null, has no digest, belongs to another repository or is listed twice.</exception>
    public ImageFacts(Evidence evidence, TagClassifier classifier)
    {
        Images = evidence.Images;
        for (var i = 0; i < Images.Count; i++)
        {
            var image = Images[i] ?? throw new ArgumentException($"The image list holds null at position {i}.", nameof(evidence));
            if (string.IsNullOrEmpty(image.Digest))
            {
                throw new ArgumentException($"The image list holds an image of repository '{image.Repository}' without a digest.", nameof(evidence));
            }

            if (!string.Equals(image.Repository, evidence.Repository.Name, StringComparison.Ordinal))
            {
                throw new ArgumentException($"The image list of repository '{evidence.Repository.Name}' holds {image}; decide each repository from its own evidence.", nameof(evidence));
            }

            if (!ByDigest.TryAdd(image.Digest, image))
            {
                throw new ArgumentException($"The image list holds {image.Repository}@{image.Digest} twice; list each image once.", nameof(evidence));
            }

            var tags = image.Tags.Where(t => t is not null).Select(classifier.Classify).ToArray();
            _tags[image.Digest] = tags;
            _shas[image.Digest] = tags.Where(t => t.Kind == TagKind.Commit).Select(t => t.Sha!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            foreach (var tag in tags)
            {
                _byTag[tag.Tag] = image;
            }

            foreach (var sha in _shas[image.Digest])
            {
                _byCommit.Add(sha, image);
            }

            foreach (var subject in SubjectsOf(image))
            {
                Append(_referrers, subject, image.Digest);
            }

            foreach (var child in image.ChildDigests)
            {
                Append(_indexes, child, image.Digest);
            }
        }
    }

    public IReadOnlyList<EcrImage> Images { get; }

    public Dictionary<string, EcrImage> ByDigest { get; } = new(StringComparer.Ordinal);

    public EcrImage? FindByDigest(string? digest) => digest is not null && ByDigest.TryGetValue(digest, out var image) ? image : null;

    public EcrImage? FindByTag(string? tag) => tag is not null && _byTag.TryGetValue(tag, out var image) ? image : null;

    /// <summary>What each tag of the image says.</summary>
    public IReadOnlyList<TagClassification> Classified(EcrImage image) => _tags[image.Digest];

    /// <summary>The commit SHAs the image's tags carry, distinct and sorted.</summary>
    public IReadOnlyList<string> Shas(EcrImage image) => _shas[image.Digest];

    /// <summary>The images whose tags carry this commit (full or abbreviated on either side).</summary>
    public IEnumerable<EcrImage> FindByCommit(string sha) =>
        CommitSha.Normalize(sha) is { } normalized
            ? _byCommit.Candidates(normalized).Where(c => CommitSha.Matches(c.Key, normalized)).Select(c => c.Value)
            : Enumerable.Empty<EcrImage>();

    /// <summary>The images this one refers to as a signature, SBOM or attestation: its OCI subject, and the digest a cosign tag names.</summary>
    public static IEnumerable<string> SubjectsOf(EcrImage image)
    {
        if (image.SubjectDigest is { } subject)
        {
            yield return subject;
        }

        foreach (var tag in image.Tags)
        {
            if (tag is not null && CosignTag().Match(tag) is { Success: true } cosign)
            {
                yield return "sha256:" + cosign.Groups["hex"].Value;
            }
        }
    }

    /// <summary>The image indexes that list this digest.</summary>
    public IReadOnlyList<string> IndexesListing(string digest) => _indexes.TryGetValue(digest, out var list) ? list : Array.Empty<string>();

    /// <summary>The digests reached from the seeds through the manifests an index lists and the referrers of a subject, seeds included.</summary>
    public HashSet<string> Reach(IEnumerable<string> seeds)
    {
        var reached = new HashSet<string>(seeds, StringComparer.Ordinal);
        var pending = new Queue<string>(reached);
        while (pending.TryDequeue(out var digest))
        {
            var next = ByDigest[digest].ChildDigests.Where(ByDigest.ContainsKey)
                .Concat(_referrers.TryGetValue(digest, out var referrers) ? referrers : Enumerable.Empty<string>());
            foreach (var found in next)
            {
                if (reached.Add(found))
                {
                    pending.Enqueue(found);
                }
            }
        }

        return reached;
    }

    private static void Append(Dictionary<string, List<string>> map, string key, string value)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = new List<string>(1);
        }

        if (!list.Contains(value))
        {
            list.Add(value);
        }
    }

    /// <summary>cosign's tag scheme for signatures, attestations and SBOMs of <c>sha256:&lt;hex&gt;</c>.</summary>
    [GeneratedRegex("^sha256-(?<hex>[0-9a-f]{64})\\.(sig|att|sbom)$")]
    private static partial Regex CosignTag();
}
