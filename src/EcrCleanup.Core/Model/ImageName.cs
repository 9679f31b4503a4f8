namespace EcrCleanup.Model;

/// <summary>How the module names an image to a person, everywhere: <c>repo@sha256:0123456789ab… (tag, tag)</c>.</summary>
public static class ImageName
{
    public static string Format(string repository, string digest, IReadOnlyCollection<string> tags)
    {
        var shortDigest = digest.Length > 19 ? digest[..19] + "…" : digest;
        var tagText = tags.Count == 0 ? "<untagged>" : string.Join(", ", tags);
        return $"{repository}@{shortDigest} ({tagText})";
    }
}
