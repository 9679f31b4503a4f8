namespace EcrCleanup.Model;

/// <summary>An ECR repository as DescribeRepositories reports it.</summary>
public sealed record EcrRepository(string Name, string RegistryId, string Uri, string? Arn, string? TagMutability, DateTimeOffset? CreatedAt);
