using EcrCleanup.Model;

namespace EcrCleanup.Abstractions;

/// <summary>The ECR operations the module calls. One implementation speaks the wire protocol; tests use fakes.</summary>
public interface IEcrClient
{
    /// <summary>DescribeRepositories for one name; throws <see cref="ServiceException"/> with code RepositoryNotFoundException when absent.</summary>
    Task<EcrRepository> DescribeRepositoryAsync(string repositoryName, CancellationToken cancellationToken);

    /// <summary>DescribeRepositories without names, every page: every repository of the account's registry in the region.</summary>
    IAsyncEnumerable<EcrRepository> ListRepositoriesAsync(CancellationToken cancellationToken);

    /// <summary>DescribeImages, every page; manifest references are not filled in.</summary>
    IAsyncEnumerable<EcrImage> DescribeImagesAsync(string repositoryName, CancellationToken cancellationToken);

    /// <summary>BatchGetImage by digest, as many calls of at most 100 ids as needed. Digests ECR cannot find are left out.</summary>
    Task<IReadOnlyList<ImageManifest>> GetManifestsAsync(string repositoryName, IReadOnlyCollection<string> digests, CancellationToken cancellationToken);

    /// <summary>BatchDeleteImage by digest (every tag goes with the image), one call of at most 100 digests. Per-image failures come back, not as exceptions.</summary>
    Task<BatchDeleteResult> BatchDeleteImageAsync(string repositoryName, IReadOnlyCollection<string> digests, CancellationToken cancellationToken);
}

/// <summary>What BatchDeleteImage did: the digests deleted and the ones it refused, with ECR's failure code and reason.</summary>
public sealed record BatchDeleteResult(IReadOnlyList<string> Deleted, IReadOnlyList<ImageDeleteFailure> Failures);

/// <summary>One image ECR did not delete: <c>ImageNotFound</c>, <c>ImageReferencedByManifestList</c>, ...</summary>
public sealed record ImageDeleteFailure(string Digest, string Code, string Reason);
