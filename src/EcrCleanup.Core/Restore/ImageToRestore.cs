using EcrCleanup.Model;

namespace EcrCleanup.Restore;

/// <summary>An image to bring back from ECR's archive storage class: its repository and digest, and the tags it was known by (for display).</summary>
public sealed record ImageToRestore(string Repository, string Digest, IReadOnlyList<string> Tags)
{
    public override string ToString() => ImageName.Format(Repository, Digest, Tags);
}
