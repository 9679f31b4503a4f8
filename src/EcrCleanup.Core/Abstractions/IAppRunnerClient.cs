namespace EcrCleanup.Abstractions;

/// <summary>The AWS App Runner operation the module calls.</summary>
public interface IAppRunnerClient
{
    /// <summary>DescribeService by ARN; null when App Runner says it does not exist (ResourceNotFoundException).</summary>
    Task<AppRunnerService?> DescribeServiceAsync(string serviceArn, CancellationToken cancellationToken);
}

/// <summary>An App Runner service and the image its source names (<c>SourceConfiguration.ImageRepository</c>), if any.</summary>
/// <param name="ImageRepositoryType">ECR, ECR_PUBLIC, or null for a code repository source.</param>
public sealed record AppRunnerService(string ServiceArn, string ServiceName, string Status, string? ImageIdentifier, string? ImageRepositoryType);
