using System.Management.Automation;
using EcrCleanup.Abstractions;
using EcrCleanup.Aws;
using EcrCleanup.Aws.Http;

namespace EcrCleanup.Commands.Infrastructure;

/// <summary>Every <see cref="ErrorRecord"/> the module writes, with stable ids and categories.</summary>
internal static class ErrorRecords
{
    /// <summary>A service call that failed for good. The id is the AWS error code without "Exception" (RepositoryNotFound, AccessDenied, ...).</summary>
    public static ErrorRecord ServiceFailed(ServiceException exception, object? target)
    {
        var id = exception.ErrorCode.EndsWith("Exception", StringComparison.Ordinal)
            ? exception.ErrorCode[..^"Exception".Length]
            : exception.ErrorCode;
        return new ErrorRecord(exception, id, Category(exception), target ?? exception.Resource)
        {
            ErrorDetails = new ErrorDetails(exception.Message) { RecommendedAction = RecommendedAction(exception) },
        };
    }

    /// <summary>The protected set cannot be known completely; the id names why (ProtectionSourceFailed, ProductionStackNotFound, ...).</summary>
    public static ErrorRecord ProtectionIncomplete(Protection.ProtectionException exception)
    {
        var category = exception.ErrorId switch
        {
            Protection.ProtectionException.ProductionStackNotFound => ErrorCategory.ObjectNotFound,
            Protection.ProtectionException.StackInProgress => ErrorCategory.ResourceBusy,
            Protection.ProtectionException.ProductionStackHasNoImage => ErrorCategory.InvalidData,
            _ => exception.InnerException is ServiceException inner ? Category(inner) : ErrorCategory.NotSpecified,
        };
        return new ErrorRecord(exception, exception.ErrorId, category, exception.Source)
        {
            ErrorDetails = new ErrorDetails(exception.Message),
        };
    }

    /// <summary>One image ECR did not delete; the id is ECR's failure code (ImageReferencedByManifestList, ImageNotFound, ...).</summary>
    public static ErrorRecord DeletionFailed(Deletion.DeletionResult result) =>
        new(new InvalidOperationException($"ECR BatchDeleteImage did not delete {result.Candidate.Image}: {result.FailureCode}: {result.FailureReason}"),
            "ImageDeletionFailed." + result.FailureCode,
            result.FailureCode is "ImageNotFound" ? ErrorCategory.ObjectNotFound : result.FailureCode is "ImageReferencedByManifestList" ? ErrorCategory.ResourceBusy : ErrorCategory.WriteError,
            result)
        {
            ErrorDetails = new ErrorDetails($"ECR BatchDeleteImage did not delete {result.Candidate.Image}: {result.FailureCode}: {result.FailureReason}")
            {
                RecommendedAction = result.FailureCode == "ImageReferencedByManifestList"
                    ? "An image index still lists this image: delete the index first, or keep both."
                    : "Run the cleanup again; it reads the repository afresh.",
            },
        };

    public static ErrorRecord ConfigurationInvalid(AwsConfigurationException exception) =>
        new(exception, exception.ErrorId, exception.ErrorId == AwsConfigurationException.CredentialsNotFound ? ErrorCategory.AuthenticationError : ErrorCategory.InvalidArgument, null)
        {
            ErrorDetails = new ErrorDetails(exception.Message),
        };

    private static ErrorCategory Category(ServiceException exception) => exception.ErrorCode switch
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
