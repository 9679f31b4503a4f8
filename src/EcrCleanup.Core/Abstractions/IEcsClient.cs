namespace EcrCleanup.Abstractions;

/// <summary>The Amazon ECS operations the module calls (all reads).</summary>
public interface IEcsClient
{
    /// <summary>ListClusters, every page: the region's cluster ARNs.</summary>
    IAsyncEnumerable<string> ListClustersAsync(CancellationToken cancellationToken);

    /// <summary>ListServices of one cluster, every page (100 a page): service ARNs.</summary>
    IAsyncEnumerable<string> ListServicesAsync(string cluster, CancellationToken cancellationToken);

    /// <summary>
    /// DescribeServices for at most 10 services of one cluster. A service ECS reports as <c>MISSING</c> (deleted since
    /// it was listed) is left out; any other per-item failure throws a <see cref="ServiceException"/>.
    /// </summary>
    Task<IReadOnlyList<EcsService>> DescribeServicesAsync(string cluster, IReadOnlyList<string> services, CancellationToken cancellationToken);

    /// <summary>ListTasks of one cluster with <c>desiredStatus RUNNING</c> (pending tasks included), every page: task ARNs.</summary>
    IAsyncEnumerable<string> ListTasksAsync(string cluster, CancellationToken cancellationToken);

    /// <summary>
    /// DescribeTasks for at most 100 tasks of one cluster. A task ECS reports as <c>MISSING</c> (stopped and gone since
    /// it was listed) is left out; any other per-item failure throws a <see cref="ServiceException"/>.
    /// </summary>
    Task<IReadOnlyList<EcsTask>> DescribeTasksAsync(string cluster, IReadOnlyList<string> tasks, CancellationToken cancellationToken);

    /// <summary>DescribeTaskDefinition for <c>family:revision</c> or an ARN; null when ECS says it does not exist.</summary>
    Task<EcsTaskDefinition?> DescribeTaskDefinitionAsync(string taskDefinition, CancellationToken cancellationToken);

    /// <summary>ListTaskDefinitions with <c>familyPrefix</c>, one <paramref name="status"/> (ACTIVE or INACTIVE), newest first, every page: ARNs.</summary>
    IAsyncEnumerable<string> ListTaskDefinitionsAsync(string familyPrefix, string status, CancellationToken cancellationToken);
}

/// <summary>A service as DescribeServices reports it.</summary>
/// <param name="TaskDefinition">The service's task definition ARN (its primary deployment's).</param>
/// <param name="Deployments">Every deployment ECS reports: PRIMARY, ACTIVE (still draining, or the one a failed deployment rolls back to), INACTIVE.</param>
/// <param name="TaskSets">The task definition ARNs of the service's task sets (EXTERNAL and CODE_DEPLOY deployment controllers).</param>
public sealed record EcsService(string ServiceArn, string ServiceName, string ClusterArn, string Status, int DesiredCount, string? TaskDefinition, IReadOnlyList<EcsDeployment> Deployments, IReadOnlyList<string> TaskSets);

/// <summary>One deployment of a service.</summary>
/// <param name="Status">PRIMARY, ACTIVE or INACTIVE.</param>
/// <param name="RolloutState">COMPLETED, FAILED or IN_PROGRESS, when ECS says.</param>
public sealed record EcsDeployment(string Id, string Status, string TaskDefinition, string? RolloutState);

/// <summary>A task as DescribeTasks reports it.</summary>
/// <param name="Group">"service:&lt;name&gt;" for a service's task, "family:&lt;name&gt;" for a standalone one.</param>
public sealed record EcsTask(string TaskArn, string ClusterArn, string TaskDefinitionArn, string? Group, string LastStatus, IReadOnlyList<EcsContainer> Containers);

/// <summary>A container of a task: the image it names and, once ECS resolved it, the digest it runs.</summary>
public sealed record EcsContainer(string Name, string? Image, string? ImageDigest);

/// <summary>A task definition revision as DescribeTaskDefinition reports it.</summary>
/// <param name="Status">ACTIVE, INACTIVE or DELETE_IN_PROGRESS.</param>
/// <param name="Containers">Each container definition's name and image.</param>
public sealed record EcsTaskDefinition(string TaskDefinitionArn, string Family, int Revision, string Status, IReadOnlyList<EcsContainerImage> Containers);

/// <summary>A container definition's name and the image it names.</summary>
public sealed record EcsContainerImage(string Name, string? Image);
