namespace EcrCleanup.Abstractions;

/// <summary>
/// A call to a service (ECR, CloudFormation, Lambda, GitHub) that failed for good: after the retries the
/// retry policy allows, or at once for an error that retrying cannot fix. Names everything a person needs
/// to act on it. What the service said is redacted (<see cref="Diagnostics.SecretRedactor"/>): services echo secrets.
/// </summary>
public class ServiceException : Exception
{
    public ServiceException(string service, string operation, string? resource, string errorCode, string message, int? statusCode = null, string? requestId = null, Exception? innerException = null)
        : base(Compose(service, operation, resource, errorCode, Diagnostics.SecretRedactor.Redact(message)), innerException)
    {
        Service = service;
        Operation = operation;
        Resource = resource;
        ErrorCode = errorCode;
        ServiceMessage = Diagnostics.SecretRedactor.Redact(message);
        StatusCode = statusCode;
        RequestId = requestId;
    }

    /// <summary>The service, e.g. <c>ECR</c>.</summary>
    public string Service { get; }

    /// <summary>The operation, e.g. <c>DescribeImages</c>.</summary>
    public string Operation { get; }

    /// <summary>The repository, stack, function or GitHub path the call was about.</summary>
    public string? Resource { get; }

    /// <summary>The service's error code, e.g. <c>RepositoryNotFoundException</c>.</summary>
    public string ErrorCode { get; }

    public string ServiceMessage { get; }

    public int? StatusCode { get; }

    public string? RequestId { get; }

    private static string Compose(string service, string operation, string? resource, string errorCode, string message)
    {
        var about = string.IsNullOrEmpty(resource) ? string.Empty : $" for '{resource}'";
        return $"{service} {operation}{about} failed with {errorCode}: {message}";
    }
}
