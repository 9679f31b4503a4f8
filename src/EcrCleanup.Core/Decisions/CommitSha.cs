namespace EcrCleanup.Decisions;

/// <summary>
/// Commit SHAs as tags and GitHub give them: full or abbreviated. Two SHAs name the same commit when one is a
/// prefix of the other and the shorter has at least <see cref="MinLength"/> hex characters.
/// </summary>
public static class CommitSha
{
    /// <summary>The shortest abbreviation that is matched (git's default).</summary>
    public const int MinLength = 7;

    /// <summary>The longest (a SHA-256 object id).</summary>
    public const int MaxLength = 64;

    /// <summary>The SHA in lowercase, or null when it is not 7 to 64 hex characters.</summary>
    public static string? Normalize(string? value)
    {
        if (value is null || value.Length < MinLength || value.Length > MaxLength)
        {
            return null;
        }

        var upper = false;
        foreach (var c in value)
        {
            if (c is (>= '0' and <= '9') or (>= 'a' and <= 'f'))
            {
                continue;
            }

            if (c is >= 'A' and <= 'F')
            {
                upper = true;
                continue;
            }

            return null;
        }

        return upper ? value.ToLowerInvariant() : value;
    }

    /// <summary>Whether two normalized SHAs name the same commit.</summary>
    public static bool Matches(string a, string b) =>
        a.Length <= b.Length ? b.StartsWith(a, StringComparison.Ordinal) : a.StartsWith(b, StringComparison.Ordinal);

    /// <summary>The first seven hex digits as a number: the key every matching SHA shares.</summary>
    internal static int PrefixKey(string normalized)
    {
        var key = 0;
        for (var i = 0; i < MinLength; i++)
        {
            var c = normalized[i];
            key = (key << 4) | (c <= '9' ? c - '0' : c - 'a' + 10);
        }

        return key;
    }
}

/// <summary>SHAs keyed by their 7-character prefix, so that finding the ones a SHA matches never scans them all.</summary>
internal sealed class ShaPrefixIndex<T>
{
    private static readonly List<KeyValuePair<string, T>> Empty = new();
    private readonly Dictionary<int, List<KeyValuePair<string, T>>> buckets = new();

    /// <param name="sha">A normalized SHA.</param>
    public void Add(string sha, T value)
    {
        var key = CommitSha.PrefixKey(sha);
        if (!buckets.TryGetValue(key, out var bucket))
        {
            bucket = new List<KeyValuePair<string, T>>(1);
            buckets.Add(key, bucket);
        }

        bucket.Add(new KeyValuePair<string, T>(sha, value));
    }

    /// <summary>The entries that share the SHA's prefix; the caller checks <see cref="CommitSha.Matches"/> on each.</summary>
    public List<KeyValuePair<string, T>> Candidates(string sha) =>
        buckets.TryGetValue(CommitSha.PrefixKey(sha), out var bucket) ? bucket : Empty;
}
