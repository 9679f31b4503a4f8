using System.Text.RegularExpressions;

namespace EcrCleanup.Decisions;

/// <summary>What a tag says about its image. An image without tags is untagged; that is a property of the image, not of a tag.</summary>
public enum TagKind
{
    /// <summary>Matches the tag pattern and its <c>sha</c> group is 7 to 64 hex characters: the image was built from that commit.</summary>
    Commit,

    /// <summary>Matches the latest pattern (checked first): always kept.</summary>
    Latest,

    /// <summary>Matches neither, or its <c>sha</c> group is not a commit SHA, or matching timed out: kept for safety.</summary>
    Unknown,
}

/// <summary>One tag, classified.</summary>
/// <param name="Tag">The tag as ECR reports it.</param>
/// <param name="Kind">What the tag is.</param>
/// <param name="Name">The <c>name</c> group of the pattern that matched, when it has one.</param>
/// <param name="Sha">For a commit tag, its SHA in lowercase (possibly abbreviated, at least 7 characters).</param>
public readonly record struct TagClassification(string Tag, TagKind Kind, string? Name, string? Sha);

/// <summary>
/// Classifies tags with a policy's <see cref="CleanupPolicy.TagPattern"/> and <see cref="CleanupPolicy.LatestTagPattern"/>.
/// Thread-safe. The default patterns are matched by equivalent hand-written code (a regex match allocates a few
/// hundred bytes per tag; a repository has one tag per image); custom patterns go through the regex engine with
/// <see cref="CleanupPolicy.RegexTimeout"/>.
/// </summary>
public sealed class TagClassifier
{
    private const string LatestSuffix = "-latest";
    private const string NameGroupName = "name";

    private readonly Regex tagRegex;
    private readonly Regex latestRegex;
    private readonly bool defaultTagPattern;
    private readonly bool defaultLatestPattern;

    public TagClassifier()
        : this(CleanupPolicy.Default)
    {
    }

    public TagClassifier(CleanupPolicy policy)
        : this(policy, useFastPaths: true)
    {
    }

    /// <summary>For the tests that prove the fast paths equal the regexes.</summary>
    internal TagClassifier(CleanupPolicy policy, bool useFastPaths)
    {
        ArgumentNullException.ThrowIfNull(policy);
        // The policy validated both patterns; compiled, because one run matches every tag of the repository.
        tagRegex = CleanupPolicy.CreateRegex(policy.TagPattern, RegexOptions.Compiled);
        latestRegex = CleanupPolicy.CreateRegex(policy.LatestTagPattern, RegexOptions.Compiled);
        defaultTagPattern = useFastPaths && policy.TagPattern == CleanupPolicy.DefaultTagPattern;
        defaultLatestPattern = useFastPaths && policy.LatestTagPattern == CleanupPolicy.DefaultLatestTagPattern;
    }

    public TagClassification Classify(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        var kind = Classify(tag, wantName: true, out var sha, out var name);
        return new TagClassification(tag, kind, name, sha);
    }

    /// <summary>The engine's path: kind and SHA only.</summary>
    internal TagKind Classify(string tag, out string? sha) => Classify(tag, wantName: false, out sha, out _);

    private TagKind Classify(string tag, bool wantName, out string? sha, out string? name)
    {
        sha = null;
        name = null;

        // `.` and `$` treat a newline specially; ECR tags never hold one, but if one does, the regex decides.
        var plain = tag.IndexOf('\n') < 0;
        try
        {
            if (defaultLatestPattern && plain)
            {
                // ^(?<name>.+)-latest$
                if (tag.Length > LatestSuffix.Length && tag.EndsWith(LatestSuffix, StringComparison.Ordinal))
                {
                    name = wantName ? tag[..^LatestSuffix.Length] : null;
                    return TagKind.Latest;
                }
            }
            else if (latestRegex.Match(tag) is { Success: true } latest)
            {
                name = wantName ? GroupValue(latest, NameGroupName) : null;
                return TagKind.Latest;
            }

            if (defaultTagPattern && plain)
            {
                // ^(?<name>.+)-(?<sha>[0-9a-f]{7,40})$: the SHA cannot hold '-', so it follows the last one.
                var dash = tag.LastIndexOf('-');
                var length = tag.Length - dash - 1;
                if (dash < 1 || length < CommitSha.MinLength || length > 40 || !IsLowerHex(tag.AsSpan(dash + 1)))
                {
                    return TagKind.Unknown;
                }

                sha = tag[(dash + 1)..];
                name = wantName ? tag[..dash] : null;
                return TagKind.Commit;
            }

            var match = tagRegex.Match(tag);
            if (!match.Success)
            {
                return TagKind.Unknown;
            }

            var group = match.Groups[CleanupPolicy.ShaGroupName];
            sha = group.Success ? CommitSha.Normalize(group.Value) : null;
            if (sha is null)
            {
                // A custom pattern may capture anything; only hex of a plausible length is a commit.
                return TagKind.Unknown;
            }

            name = wantName ? GroupValue(match, NameGroupName) : null;
            return TagKind.Commit;
        }
        catch (RegexMatchTimeoutException)
        {
            sha = null;
            name = null;
            return TagKind.Unknown;
        }
    }

    private static string? GroupValue(Match match, string groupName) =>
        match.Groups.TryGetValue(groupName, out var group) && group.Success ? group.Value : null;

    private static bool IsLowerHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }
}
