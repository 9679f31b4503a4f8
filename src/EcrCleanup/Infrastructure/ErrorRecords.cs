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
        var record = new ErrorRecord(exception, id, Category(exception), target ?? exception.Resource)
        {
            ErrorDetails = new ErrorDetails(exception.Message) { RecommendedAction = RecommendedAction(exception) },
        };
        return record;
    }

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
