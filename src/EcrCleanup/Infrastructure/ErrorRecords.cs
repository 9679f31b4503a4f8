using System.Management.Automation;
using EcrCleanup.Abstractions;
using EcrCleanup.Aws;
using EcrCleanup.Aws.Http;
using EcrCleanup.Diagnostics;
using EcrCleanup.Plans;

namespace EcrCleanup.Commands.Infrastructure;

/// <summary>Every <see cref="ErrorRecord"/> the module writes, with stable ids and categories.</summary>
internal static class ErrorRecords
{
    /// <summary>A service call that failed for good. The id is the AWS error code without "Exception" (RepositoryNotFound, AccessDenied, ...).</summary>
    public static ErrorRecord ServiceFailed(ServiceException exception, object? target) =>
        Create(exception, StableId(exception.ErrorCode), Category(exception.ErrorCode), target ?? exception.Resource, RecommendedAction(exception));

    /// <summary>The protected set cannot be known completely; the id names why (ProtectionSourceFailed, ProductionStackNotFound, ...).</summary>
    public static ErrorRecord ProtectionIncomplete(Reading.ProtectionException exception)
    {
        var category = exception.ErrorId switch
        {
            Reading.ProtectionException.ProductionStackNotFound => ErrorCategory.ObjectNotFound,
            Reading.ProtectionException.StackInProgress => ErrorCategory.ResourceBusy,
            Reading.ProtectionException.ProductionStackHasNoImage or Reading.ProtectionException.ProductionHistoryEmpty or Reading.ProtectionException.ProductionHistoryMismatch => ErrorCategory.InvalidData,
            _ => exception.InnerException is ServiceException inner ? Category(inner.ErrorCode) : ErrorCategory.NotSpecified,
        };
        return Create(exception, exception.ErrorId, category, exception.Source);
    }

    /// <summary>One image ECR did not delete; the id is ECR's failure code (ImageReferencedByManifestList, ImageNotFound, ...).</summary>
    public static ErrorRecord DeletionFailed(Deletion.DeletionResult result) =>
        Create(new InvalidOperationException($"ECR BatchDeleteImage did not delete {result.Candidate.Image}: {result.FailureCode}: {result.FailureReason}"),
            "ImageDeletionFailed." + result.FailureCode,
            result.FailureCode is "ImageNotFound" ? ErrorCategory.ObjectNotFound : result.FailureCode is "ImageReferencedByManifestList" ? ErrorCategory.ResourceBusy : ErrorCategory.WriteError,
            result,
            result.FailureCode == "ImageReferencedByManifestList"
                ? "An image index still lists this image: delete the index first, or keep both."
                : "Run the cleanup again; it reads the repository afresh.");

    /// <summary>
    /// One image not restored as asked, the result as target: the id is <c>ImageRestoreFailed.</c> and the failure code
    /// without "Exception" (ImageRestoreFailed.AccessDenied, ImageRestoreFailed.ImageNotFound, ImageRestoreFailed.RestoreWaitTimeout, ...).
    /// </summary>
    public static ErrorRecord RestoreFailed(Restore.RestoreResult result)
    {
        var failure = result.FailureCode ?? throw new ArgumentException("The result is not a failure.", nameof(result));
        var image = Model.ImageName.Format(result.Repository, result.Digest, result.Tags);
        var id = "ImageRestoreFailed." + StableId(failure);
        return failure switch
        {
            Restore.ImageRestorer.NotFoundCode => Create(new ItemNotFoundException($"Cannot restore {image}: {result.FailureReason}"), id, ErrorCategory.ObjectNotFound, result,
                $"Check the repository and the digest: 'aws ecr describe-images --repository-name {result.Repository} --filter imageStatus=ANY' lists every image, archived ones included."),
            Restore.ImageRestorer.WaitTimeoutCode => Create(new TimeoutException($"{image} is not active yet: {result.FailureReason}"), id, ErrorCategory.OperationTimeout, result,
                "Wait longer (-Timeout), or run the command with -Wait again later: an image already restoring is not asked twice."),
            var code => Create(new InvalidOperationException($"ECR UpdateImageStorageClass did not restore {image}: {code}: {result.FailureReason}"), id, Category(code), result,
                Category(code) == ErrorCategory.PermissionDenied
                    ? "Grant ecr:UpdateImageStorageClass (and ecr:DescribeImages) on the repository to the identity in use."
                    : "Run the command again for this image: it reads the image's status afresh."),
        };
    }

    /// <summary>A journal file that does not exist.</summary>
    public static ErrorRecord JournalNotFound(string path) =>
        Create(new FileNotFoundException($"There is no journal file '{path}'. Name the file a run wrote with -JournalPath. Nothing was restored.", path),
            "JournalNotFound", ErrorCategory.ObjectNotFound, path);

    /// <summary>A journal with a line that cannot be read; nothing was restored.</summary>
    public static ErrorRecord JournalUnreadable(Restore.JournalException exception) =>
        Create(exception, "JournalUnreadable", ErrorCategory.InvalidData, exception.JournalPath);

    public static ErrorRecord ConfigurationInvalid(AwsConfigurationException exception) =>
        Create(exception, exception.ErrorId, exception.ErrorId == AwsConfigurationException.CredentialsNotFound ? ErrorCategory.AuthenticationError : ErrorCategory.InvalidArgument, null);

    /// <summary>A value the command was given (a parameter, an environment variable, a piped object) that it cannot use; nothing was read or deleted.</summary>
    public static ErrorRecord InvalidInput(string errorId, string message, object? target, Exception? inner = null) =>
        Create(new ArgumentException(message, inner), errorId, ErrorCategory.InvalidArgument, target);

    /// <summary>A file the command would write lies in a folder that does not exist.</summary>
    public static ErrorRecord FolderNotFound(string errorId, string message, string path) =>
        Create(new DirectoryNotFoundException(message), errorId, ErrorCategory.ObjectNotFound, path);

    /// <summary>A file the command would write cannot be written (a folder, no permission, a read-only file system).</summary>
    public static ErrorRecord OutputNotWritable(string errorId, string message, string path, Exception cause) =>
        Create(new UnauthorizedAccessException(message, cause), errorId, ErrorCategory.PermissionDenied, path);

    /// <param name="howToGiveIt">What the command takes: GITHUB_TOKEN, and the parameters it has.</param>
    public static ErrorRecord GitHubTokenMissing(string howToGiveIt) =>
        Create(new InvalidOperationException($"No GitHub token: open pull requests and the production history cannot be read, and without them images still needed could be deleted. {howToGiveIt}"),
            "GitHubTokenMissing", ErrorCategory.AuthenticationError, null);

    public static ErrorRecord DeleteLimitExceeded(Deletion.DeletionLimitException exception, string repository) =>
        Create(exception, "DeleteLimitExceeded", ErrorCategory.LimitsExceeded, repository);

    /// <summary>
    /// A plan refused, or candidates that cannot be applied here; nothing was deleted. The id is the exception's
    /// (CandidateNotDecidable, PlanExpired, PlanModified, PlanAccountMismatch, ...).
    /// </summary>
    public static ErrorRecord PlanRefused(PlanException exception, object? target)
    {
        var category = exception.ErrorId switch
        {
            PlanException.Modified => ErrorCategory.SecurityError,
            PlanException.InvalidInput or PlanException.RepositoryMismatch or PlanException.RegionMismatch or PlanException.AccountMismatch => ErrorCategory.InvalidArgument,
            _ => ErrorCategory.InvalidData,
        };
        return Create(exception, exception.ErrorId, category, target);
    }

    /// <summary>A plan file that does not exist.</summary>
    public static ErrorRecord PlanNotFound(string path) =>
        Create(new FileNotFoundException($"There is no plan file '{path}'. Name the file Export-EcrCleanupPlan or Invoke-EcrCleanup -PlanPath wrote (in GitHub Actions, the artifact the dry run uploaded).", path),
            "PlanNotFound", ErrorCategory.ObjectNotFound, path);

    /// <summary>
    /// One repository of several that was not cleaned, or whose deleting stopped, while the others go on: the id and
    /// category its own run would have stopped with, the repository as target.
    /// </summary>
    public static ErrorRecord RepositoryNotCleaned(Reporting.RepositoryFailure failure)
    {
        var record = failure.Error switch
        {
            Reading.ProtectionException e => ProtectionIncomplete(e),
            ServiceException e => ServiceFailed(e, failure.Repository),
            Deletion.DeletionLimitException e => DeleteLimitExceeded(e, failure.Repository),
            PlanException e => PlanRefused(e, failure.Repository),
            var e => Create(e, failure.ErrorId, ErrorCategory.NotSpecified, failure.Repository),
        };
        return new ErrorRecord(failure.Error, record.FullyQualifiedErrorId, record.CategoryInfo.Category, failure.Repository)
        {
            ErrorDetails = new ErrorDetails(SecretRedactor.Redact($"Repository '{failure.Repository}': {failure.Message}")) { RecommendedAction = record.ErrorDetails?.RecommendedAction },
        };
    }

    /// <summary>Every record: what it says is redacted, so no secret reaches the error stream, $Error or a transcript.</summary>
    private static ErrorRecord Create(Exception exception, string errorId, ErrorCategory category, object? target, string? recommendedAction = null) =>
        new(exception, errorId, category, target) { ErrorDetails = new ErrorDetails(SecretRedactor.Redact(exception.Message)) { RecommendedAction = recommendedAction } };

    /// <summary>An AWS error code as an id: without "Exception" (RepositoryNotFound, AccessDenied, ...).</summary>
    private static string StableId(string errorCode) =>
        errorCode.EndsWith("Exception", StringComparison.Ordinal) ? errorCode[..^"Exception".Length] : errorCode;

    private static ErrorCategory Category(string errorCode) => errorCode switch
    {
        "RepositoryNotFoundException" or "ImageNotFoundException" or "ResourceNotFoundException" or "StackNotFound" => ErrorCategory.ObjectNotFound,
        "AccessDeniedException" or "AccessDenied" or "UnauthorizedOperation" => ErrorCategory.PermissionDenied,
        "UnrecognizedClientException" or "InvalidClientTokenId" or "InvalidSignatureException" or "SignatureDoesNotMatch" or "ExpiredTokenException" or "ExpiredToken" => ErrorCategory.AuthenticationError,
        "InvalidParameterException" or "ValidationError" or "ValidationException" => ErrorCategory.InvalidArgument,
        "RequestFailed" => ErrorCategory.ConnectionError,
        var code when RetryStrategy.IsThrottling(code) => ErrorCategory.LimitsExceeded,
        _ => ErrorCategory.NotSpecified,
    };

    private static string? RecommendedAction(ServiceException exception) => exception.ErrorCode switch
    {
        "RepositoryNotFoundException" => $"Check the repository name '{exception.Resource}' and the region; 'aws ecr describe-repositories' lists the repositories the credentials can see.",
        _ => null,
    };
}
