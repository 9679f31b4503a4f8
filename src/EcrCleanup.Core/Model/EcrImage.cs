namespace EcrCleanup.Model;

/// <summary>One image (manifest) of an ECR repository, as DescribeImages and BatchGetImage report it.</summary>
public sealed record EcrImage
{
    public EcrImage(string repository, string digest)
    {
        Repository = repository;
        Digest = digest;
    }

    /// <summary>The repository name, without registry or account.</summary>
    public string Repository { get; }

    /// <summary>The manifest digest, <c>sha256:&lt;64 hex&gt;</c>.</summary>
    public string Digest { get; }

    /// <summary>The registry (account) id that holds the repository.</summary>
    public string? RegistryId { get; init; }

    /// <summary>The image's tags; empty for an untagged image.</summary>
    public IReadOnlyList<string> Tags { get; init; } = Array.Empty<string>();

    public DateTimeOffset PushedAt { get; init; }

    /// <summary>The size ECR reports; null when ECR reports none (an image index).</summary>
    public long? SizeBytes { get; init; }

    public string? ManifestMediaType { get; init; }

    /// <summary>The artifact (config) media type ECR reports.</summary>
    public string? ArtifactType { get; init; }

    /// <summary>The digest this image refers to (OCI <c>subject</c>): set for signatures, SBOMs and attestations.</summary>
    public string? SubjectDigest { get; init; }

    /// <summary>The manifests an image index lists; empty for a single-platform image.</summary>
    public IReadOnlyList<string> ChildDigests { get; init; } = Array.Empty<string>();

    public DateTimeOffset? LastPulledAt { get; init; }

    /// <summary>The image's storage status (<c>imageStatus</c>); <see cref="ImageStatus.Active"/> unless ECR says otherwise.</summary>
    public ImageStatus Status { get; init; } = ImageStatus.Active;

    /// <summary>When the image last moved to the archive storage class (<c>lastArchivedAt</c>); null when it never did.</summary>
    public DateTimeOffset? LastArchivedAt { get; init; }

    /// <summary>When the image was last restored from the archive to the standard storage class (<c>lastActivatedAt</c>); null when it never was.</summary>
    public DateTimeOffset? LastActivatedAt { get; init; }

    public bool IsIndex => ChildDigests.Count > 0;

    /// <summary><c>repo@sha256:… (tag, tag)</c>: how the module names an image to a person.</summary>
    public override string ToString() => ImageName.Format(Repository, Digest, Tags);
}
