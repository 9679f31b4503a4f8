namespace EcrCleanup.Abstractions;

/// <summary>The AWS Batch operation the module calls.</summary>
public interface IBatchClient
{
    /// <summary>
    /// DescribeJobDefinitions for the given ARNs (any number: asked 100 at a time, every page). A job definition
    /// Batch does not return does not exist.
    /// </summary>
    Task<IReadOnlyList<BatchJobDefinition>> DescribeJobDefinitionsAsync(IReadOnlyList<string> jobDefinitionArns, CancellationToken cancellationToken);
}

/// <summary>A job definition revision and every image it names (container, ECS and EKS properties, every node range).</summary>
public sealed record BatchJobDefinition(string JobDefinitionArn, string Name, int Revision, string? Status, IReadOnlyList<string> Images);
