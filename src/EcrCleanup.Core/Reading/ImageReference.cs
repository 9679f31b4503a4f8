using System.Text.RegularExpressions;

namespace EcrCleanup.Reading;

/// <summary>An image URI as Lambda reports it: <c>&lt;account&gt;.dkr.ecr.&lt;region&gt;.amazonaws.com[.cn]/&lt;repository&gt;(:&lt;tag&gt;|@sha256:&lt;hex&gt;)</c>.</summary>
public sealed partial record ImageReference(string RegistryId, string Region, string Repository, string? Tag, string? Digest)
{
    public static ImageReference? Parse(string? uri)
    {
        if (string.IsNullOrEmpty(uri))
        {
            return null;
        }

        var match = UriPattern().Match(uri);
        if (!match.Success)
        {
            return null;
        }

        return new ImageReference(
            match.Groups["account"].Value,
            match.Groups["region"].Value,
            match.Groups["repository"].Value,
            match.Groups["tag"].Success ? match.Groups["tag"].Value : null,
            match.Groups["digest"].Success ? match.Groups["digest"].Value : null);
    }

    public bool IsIn(string registryId, string region, string repository) =>
        RegistryId == registryId && Region == region && Repository == repository;

    [GeneratedRegex(@"^(?<account>[0-9]{12})\.dkr\.ecr(-fips)?\.(?<region>[a-z0-9-]+)\.(amazonaws\.com(\.cn)?|c2s\.ic\.gov|sc2s\.sgov\.gov)/(?<repository>[a-z0-9._/-]+?)(:(?<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(@(?<digest>sha256:[0-9a-f]{64}))?$")]
    private static partial Regex UriPattern();
}
