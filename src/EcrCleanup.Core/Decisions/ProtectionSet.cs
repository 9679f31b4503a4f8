using EcrCleanup.Model;

namespace EcrCleanup.Decisions;

/// <summary>
/// Every (repository, digest) pair that must not be deleted, with why. Built from the module's own
/// <see cref="ProtectedImage"/>s or from any pair at all (an ECS or Kubernetes inventory piped in), so the
/// cmdlet can feed it arbitrary pipeline objects with Repository and Digest properties. Repository and digest
/// compare without regard to case: a pair that might name the image protects it.
/// </summary>
public sealed class ProtectionSet
{
    private readonly Dictionary<(string Repository, string Digest), List<ProtectedImage>> byImage = new(PairComparer.Instance);

    public ProtectionSet()
    {
    }

    public ProtectionSet(IEnumerable<ProtectedImage> protections)
    {
        ArgumentNullException.ThrowIfNull(protections);
        foreach (var protection in protections)
        {
            Add(protection);
        }
    }

    /// <summary>An empty set.</summary>
    public static ProtectionSet Empty => new();

    /// <summary>How many protections the set holds (an image protected for two reasons counts twice).</summary>
    public int Count { get; private set; }

    public void Add(ProtectedImage protection)
    {
        ArgumentNullException.ThrowIfNull(protection);
        var key = Key(protection.Repository, protection.Digest);
        if (!byImage.TryGetValue(key, out var list))
        {
            list = new List<ProtectedImage>(1);
            byImage.Add(key, list);
        }

        list.Add(protection);
        Count++;
    }

    /// <summary>Protects one image for a reason given from outside the module.</summary>
    /// <param name="repository">The repository name, as ECR names it.</param>
    /// <param name="digest">The manifest digest, <c>sha256:…</c>.</param>
    /// <param name="description">What needs it, in words (<c>ECS service prod/api</c>); it becomes the kept image's reason.</param>
    /// <returns>The protection added, with <see cref="ProtectionReason.External"/>.</returns>
    public ProtectedImage Add(string repository, string digest, string? description)
    {
        var protection = new ProtectedImage(repository, digest, ProtectionReason.External) { Source = description };
        Add(protection);
        return protection;
    }

    public void AddRange(IEnumerable<ProtectedImage> protections)
    {
        ArgumentNullException.ThrowIfNull(protections);
        foreach (var protection in protections)
        {
            Add(protection);
        }
    }

    public bool Contains(string repository, string digest) =>
        repository is not null && digest is not null && byImage.ContainsKey((repository, digest));

    /// <summary>The protections of one image, in the order they were added; empty when it has none.</summary>
    public IReadOnlyList<ProtectedImage> Get(string repository, string digest) =>
        repository is not null && digest is not null && byImage.TryGetValue((repository, digest), out var list)
            ? list
            : Array.Empty<ProtectedImage>();

    private static (string, string) Key(string repository, string digest)
    {
        if (string.IsNullOrWhiteSpace(repository))
        {
            throw new ArgumentException("A protected image needs a repository name.", nameof(repository));
        }

        if (string.IsNullOrWhiteSpace(digest))
        {
            throw new ArgumentException($"A protected image of repository '{repository}' needs a digest.", nameof(digest));
        }

        return (repository, digest);
    }

    private sealed class PairComparer : IEqualityComparer<(string Repository, string Digest)>
    {
        public static readonly PairComparer Instance = new();

        public bool Equals((string Repository, string Digest) x, (string Repository, string Digest) y) =>
            StringComparer.OrdinalIgnoreCase.Equals(x.Digest, y.Digest) &&
            StringComparer.OrdinalIgnoreCase.Equals(x.Repository, y.Repository);

        public int GetHashCode((string Repository, string Digest) obj) =>
            HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Repository), StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Digest));
    }
}
