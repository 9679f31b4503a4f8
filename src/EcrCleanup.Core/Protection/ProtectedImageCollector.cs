using System.Text.RegularExpressions;
using EcrCleanup.Decisions;
using EcrCleanup.Model;

namespace EcrCleanup.Protection;

/// <summary>
/// Gathers protections for the images of one repository: one <see cref="ProtectedImage"/> per image and reason
/// (the first source offered wins, so callers offer them in a stable order), and follows references: the
/// children of a protected index and the referrers (OCI subject, cosign tags) of a protected image are protected too.
/// </summary>
internal sealed partial class ProtectedImageCollector
{
    private readonly Dictionary<string, EcrImage> _byDigest = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EcrImage> _byTag = new(StringComparer.Ordinal);
    private readonly ShaPrefixIndex<EcrImage> _byCommit = new();
    private readonly Dictionary<string, List<string>> _commitsByDigest = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<EcrImage>> _referrers = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Digest, ProtectionReason Reason), ProtectedImage> _protections = new();
    private readonly List<ProtectedImage> _ordered = new();
    private readonly HashSet<string> _protectedDigests = new(StringComparer.Ordinal);

    public ProtectedImageCollector(IReadOnlyList<EcrImage> images, TagClassifier classifier)
    {
        foreach (var image in images)
        {
            _byDigest[image.Digest] = image;
            foreach (var tag in image.Tags)
            {
                _byTag[tag] = image;
                if (classifier.Classify(tag, out var sha) == TagKind.Commit && sha is not null)
                {
                    _byCommit.Add(sha, image);
                    if (!_commitsByDigest.TryGetValue(image.Digest, out var commits))
                    {
                        commits = new List<string>(1);
                        _commitsByDigest.Add(image.Digest, commits);
                    }

                    commits.Add(sha);
                }

                if (CosignTag().Match(tag) is { Success: true } cosign)
                {
                    AddReferrer("sha256:" + cosign.Groups["hex"].Value, image);
                }
            }

            if (image.SubjectDigest is { } subject)
            {
                AddReferrer(subject, image);
            }
        }
    }

    public IReadOnlyList<ProtectedImage> Protections => _ordered;

    public bool IsProtected(string digest) => _protectedDigests.Contains(digest);

    public EcrImage? FindByDigest(string? digest) => digest is not null && _byDigest.TryGetValue(digest, out var image) ? image : null;

    public EcrImage? FindByTag(string? tag) => tag is not null && _byTag.TryGetValue(tag, out var image) ? image : null;

    /// <summary>The images whose tag carries this commit (full or abbreviated on either side).</summary>
    public IEnumerable<EcrImage> FindByCommit(string sha)
    {
        if (CommitSha.Normalize(sha) is not { } normalized)
        {
            yield break;
        }

        foreach (var candidate in _byCommit.Candidates(normalized))
        {
            if (CommitSha.Matches(candidate.Key, normalized))
            {
                yield return candidate.Value;
            }
        }
    }

    /// <summary>The commit SHAs an image's tags carry (classified once, when the collector was built).</summary>
    public IReadOnlyList<string> CommitsOf(EcrImage image) =>
        _commitsByDigest.TryGetValue(image.Digest, out var commits) ? commits : Array.Empty<string>();

    /// <summary>Adds a protection; false when the image already had one for that reason.</summary>
    public bool Add(EcrImage image, ProtectionReason reason, Func<ProtectedImage, ProtectedImage> describe)
    {
        if (_protections.ContainsKey((image.Digest, reason)))
        {
            return false;
        }

        var protection = describe(new ProtectedImage(image.Repository, image.Digest, reason) { Tags = image.Tags });
        _protections.Add((image.Digest, reason), protection);
        _ordered.Add(protection);
        _protectedDigests.Add(image.Digest);
        return true;
    }

    /// <summary>Protects the children of every protected index and the referrers of every protected image, transitively.</summary>
    public void FollowReferences()
    {
        var protectedDigests = new HashSet<string>(_ordered.Select(p => p.Digest), StringComparer.Ordinal);
        var pending = new Queue<string>(protectedDigests.OrderBy(d => d, StringComparer.Ordinal));
        while (pending.TryDequeue(out var digest))
        {
            var parent = _byDigest[digest];
            foreach (var child in parent.ChildDigests.Select(FindByDigest).OfType<EcrImage>())
            {
                Add(child, ProtectionReason.IndexChild, p => p with { ParentDigest = digest });
                if (protectedDigests.Add(child.Digest))
                {
                    pending.Enqueue(child.Digest);
                }
            }

            foreach (var referrer in _referrers.TryGetValue(digest, out var list) ? list : Enumerable.Empty<EcrImage>())
            {
                Add(referrer, ProtectionReason.Referrer, p => p with { ParentDigest = digest });
                if (protectedDigests.Add(referrer.Digest))
                {
                    pending.Enqueue(referrer.Digest);
                }
            }
        }
    }

    private void AddReferrer(string subject, EcrImage referrer)
    {
        if (!_referrers.TryGetValue(subject, out var list))
        {
            list = new List<EcrImage>();
            _referrers.Add(subject, list);
        }

        if (!list.Contains(referrer))
        {
            list.Add(referrer);
        }
    }

    /// <summary>cosign's tag scheme for signatures, attestations and SBOMs of <c>sha256:&lt;hex&gt;</c>.</summary>
    [GeneratedRegex("^sha256-(?<hex>[0-9a-f]{64})\\.(sig|att|sbom)$")]
    private static partial Regex CosignTag();
}
