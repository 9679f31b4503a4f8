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

/// <summary>Classifies tags with a policy's <see cref="CleanupPolicy.TagPattern"/> and <see cref="CleanupPolicy.LatestTagPattern"/>. Thread-safe.</summary>
public sealed class TagClassifier
{
    private readonly Regex tagRegex;
    private readonly Regex latestRegex;

    public TagClassifier()
        : this(CleanupPolicy.Default)
    {
    }

    public TagClassifier(CleanupPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        // The policy validated both patterns; compiled, because one run matches every tag of the repository.
        tagRegex = CleanupPolicy.CreateRegex(policy.TagPattern, RegexOptions.Compiled);
        latestRegex = CleanupPolicy.CreateRegex(policy.LatestTagPattern, RegexOptions.Compiled);
    }

    public TagClassification Classify(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        var kind = Classify(tag, out var sha, out var match);
        var name = match is not null && match.Groups.TryGetValue("name", out var group) && group.Success ? group.Value : null;
        if (kind == TagKind.Latest && name is null)
        {
            try
            {
                var latest = latestRegex.Match(tag);
                name = latest.Groups.TryGetValue("name", out var latestName) && latestName.Success ? latestName.Value : null;
            }
            catch (RegexMatchTimeoutException)
            {
                name = null;
            }
        }

        return new TagClassification(tag, kind, name, sha);
    }

    /// <summary>The engine's path: kind and SHA only.</summary>
    internal TagKind Classify(string tag, out string? sha) => Classify(tag, out sha, out _);

    private TagKind Classify(string tag, out string? sha, out Match? commitMatch)
    {
        sha = null;
        commitMatch = null;
        try
        {
            if (latestRegex.IsMatch(tag))
            {
                return TagKind.Latest;
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

            commitMatch = match;
            return TagKind.Commit;
        }
        catch (RegexMatchTimeoutException)
        {
            sha = null;
            return TagKind.Unknown;
        }
    }
}
