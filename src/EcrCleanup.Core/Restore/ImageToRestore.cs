using System.Text.RegularExpressions;
using EcrCleanup.Model;

namespace EcrCleanup.Restore;

/// <summary>An image to bring back from ECR's archive storage class: its repository and digest, and the tags it was known by (for display).</summary>
public sealed partial record ImageToRestore(string Repository, string Digest, IReadOnlyList<string> Tags)
{
    /// <summary>Whether <paramref name="digest"/> is a manifest digest as ECR names images: <c>sha256:</c> and 64 lower-case hex digits.</summary>
    public static bool IsDigest(string? digest) => digest is not null && DigestPattern().IsMatch(digest);

    public override string ToString() => ImageName.Format(Repository, Digest, Tags);

    [GeneratedRegex("^sha256:[0-9a-f]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex DigestPattern();
}
