namespace EcrCleanup.Model;

/// <summary>What BatchGetImage says of one manifest, reduced to the references the module follows.</summary>
public sealed record ImageManifest(string Digest, string? MediaType, string? ArtifactType, string? SubjectDigest, IReadOnlyList<string> ChildDigests);
