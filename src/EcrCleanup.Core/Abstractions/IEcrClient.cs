using EcrCleanup.Model;

namespace EcrCleanup.Abstractions;

/// <summary>The ECR operations the module calls. One implementation speaks the wire protocol; tests use fakes.</summary>
public interface IEcrClient
{
    /// <summary>DescribeRepositories for one name; throws <see cref="ServiceException"/> with code RepositoryNotFoundException when absent.</summary>
    Task<EcrRepository> DescribeRepositoryAsync(string repositoryName, CancellationToken cancellationToken);

    /// <summary>DescribeRepositories without names, every page: every repository of the account's registry in the region.</summary>
    IAsyncEnumerable<EcrRepository> ListRepositoriesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// DescribeImages of the images whose status <paramref name="status"/> admits (<c>filter.imageStatus</c>, sent for
    /// any filter but <see cref="ImageStatusFilter.Active"/>), every page; manifest references are not filled in. An
    /// image status the module does not know fails the read rather than be taken for one it does.
    /// </summary>
    IAsyncEnumerable<EcrImage> DescribeImagesAsync(string repositoryName, ImageStatusFilter status, CancellationToken cancellationToken);

    /// <summary>
    /// DescribeImages by <c>imageIds</c>: the images of <paramref name="digests"/> whose status <paramref name="status"/>
    /// admits, as many calls of at most 100 ids as needed (ECR takes no paging with ids). A digest ECR has no image for is
    /// left out of the answer, never an error: ECR refuses a whole call for one unknown id (ImageNotFoundException), so
    /// the ids of such a call are asked again one at a time to tell which it was.
    /// </summary>
    Task<IReadOnlyList<EcrImage>> DescribeImagesAsync(string repositoryName, IReadOnlyCollection<string> digests, ImageStatusFilter status, CancellationToken cancellationToken);

    /// <summary>BatchGetImage by digest, as many calls of at most 100 ids as needed. Digests ECR cannot find are left out.</summary>
    Task<IReadOnlyList<ImageManifest>> GetManifestsAsync(string repositoryName, IReadOnlyCollection<string> digests, CancellationToken cancellationToken);

    /// <summary>BatchDeleteImage by digest (every tag goes with the image), one call of at most 100 digests. Per-image failures come back, not as exceptions.</summary>
    Task<BatchDeleteResult> BatchDeleteImageAsync(string repositoryName, IReadOnlyCollection<string> digests, CancellationToken cancellationToken);

    /// <summary>
    /// UpdateImageStorageClass: moves one image, by digest, to <paramref name="target"/> (archiving it, or restoring an
    /// archived one). Answers the image's status once ECR has taken the request: a restore is
    /// <see cref="ImageStatus.Activating"/> until ECR has finished it.
    /// </summary>
    Task<StorageClassUpdate> UpdateImageStorageClassAsync(string repositoryName, string digest, StorageClass target, CancellationToken cancellationToken);

    /// <summary>GetLifecyclePolicy: the repository's lifecycle policy, or null when it has none (LifecyclePolicyNotFoundException).</summary>
    Task<LifecyclePolicy?> GetLifecyclePolicyAsync(string repositoryName, CancellationToken cancellationToken);

    /// <summary>
    /// StartLifecyclePolicyPreview: has ECR evaluate <paramref name="policyText"/>, or the repository's own policy when
    /// null, against the repository's images without acting on them. Answers the preview's status (in progress, as a rule).
    /// </summary>
    Task<LifecyclePreviewStatus> StartLifecyclePolicyPreviewAsync(string repositoryName, string? policyText, CancellationToken cancellationToken);

    /// <summary>GetLifecyclePolicyPreview: the repository's latest preview, its status, summary and every page of its results.</summary>
    Task<LifecyclePreview> GetLifecyclePolicyPreviewAsync(string repositoryName, CancellationToken cancellationToken);
}

/// <summary>What BatchDeleteImage did: the digests deleted and the ones it refused, with ECR's failure code and reason.</summary>
public sealed record BatchDeleteResult(IReadOnlyList<string> Deleted, IReadOnlyList<ImageDeleteFailure> Failures);

/// <summary>What UpdateImageStorageClass answered: the image and its status after the call.</summary>
public sealed record StorageClassUpdate(string Digest, ImageStatus Status);

/// <summary>One image ECR did not delete: <c>ImageNotFound</c>, <c>ImageReferencedByManifestList</c>, ...</summary>
public sealed record ImageDeleteFailure(string Digest, string Code, string Reason);
