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
/// Classifies tags with a policy's <see cref="CleanupPolicy.TagPattern"/> and <see cref="CleanupPolicy.LatestTagPattern"/>
/// (the latest pattern first), each match bounded by <see cref="CleanupPolicy.RegexTimeout"/>. Thread-safe.
/// </summary>
public sealed class TagClassifier
{
    private const string NameGroupName = "name";

    private readonly Regex tagRegex;
    private readonly Regex latestRegex;

    public TagClassifier(CleanupPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        tagRegex = CleanupPolicy.CreateRegex(policy.TagPattern);
        latestRegex = CleanupPolicy.CreateRegex(policy.LatestTagPattern);
    }

    public TagClassification Classify(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        try
        {
            if (latestRegex.Match(tag) is { Success: true } latest)
            {
                return new TagClassification(tag, TagKind.Latest, GroupValue(latest, NameGroupName), null);
            }

            var match = tagRegex.Match(tag);
            var group = match.Success ? match.Groups[CleanupPolicy.ShaGroupName] : null;

            // A pattern may capture anything; only hex of a plausible length is a commit.
            return group is { Success: true } && CommitSha.Normalize(group.Value) is { } sha
                ? new TagClassification(tag, TagKind.Commit, GroupValue(match, NameGroupName), sha)
                : new TagClassification(tag, TagKind.Unknown, null, null);
        }
        catch (RegexMatchTimeoutException)
        {
            return new TagClassification(tag, TagKind.Unknown, null, null);
        }
    }

    private static string? GroupValue(Match match, string groupName) =>
        match.Groups.TryGetValue(groupName, out var group) && group.Success ? group.Value : null;
}
