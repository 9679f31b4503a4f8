using System.Text.RegularExpressions;

namespace EcrCleanup.Model;

/// <summary>How the module names an image to a person, everywhere: <c>repo@sha256:0123456789ab… (tag, tag)</c>.</summary>
public static partial class ImageName
{
    /// <summary>Whether <paramref name="digest"/> is a manifest digest as ECR names images: <c>sha256:</c> and 64 lower-case hex digits.</summary>
    public static bool IsDigest(string? digest) => digest is not null && DigestPattern().IsMatch(digest);

    public static string Format(string repository, string digest, IReadOnlyCollection<string> tags)
    {
        var shortDigest = digest.Length > 19 ? digest[..19] + "…" : digest;
        var tagText = tags.Count == 0 ? "<untagged>" : string.Join(", ", tags);
        return $"{repository}@{shortDigest} ({tagText})";
    }

    [GeneratedRegex("^sha256:[0-9a-f]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex DigestPattern();
}
