using EcrCleanup.Model;

namespace EcrCleanup.Reading;

/// <summary>What runs or names an image, besides Lambda.</summary>
public enum WorkloadKind
{
    /// <summary>A deployment or task set of an ECS service (PRIMARY, still draining, or the one a failed deployment rolls back to).</summary>
    EcsService,

    /// <summary>An ECS task that is running or pending: the image its container names and the digest it resolved.</summary>
    EcsTask,

    /// <summary>An ECS task definition a watched stack holds, or an earlier revision of a production family within the retention.</summary>
    EcsTaskDefinition,

    /// <summary>An AWS Batch job definition a watched stack holds.</summary>
    BatchJobDefinition,

    /// <summary>An AWS App Runner service a watched stack holds.</summary>
    AppRunnerService,
}

/// <summary>A resource of a watched stack that runs images and is not a Lambda function (those are <see cref="StackFunction"/>).</summary>
/// <param name="PhysicalId">The task definition, job definition or service ARN.</param>
public sealed record StackRunner(string ResourceType, string PhysicalId, string RootStackName, string StackName, string LogicalId, DeploymentEnvironment Environment, int? PullRequestNumber);

/// <summary>
/// A resource of a watched stack, of a type the module does not read, whose template properties name an ECR image
/// (<c>.dkr.ecr.</c>): every string of its properties, so that the engine can tell whether it names this repository.
/// </summary>
public sealed record TemplateMention(string StackName, string LogicalId, string ResourceType, IReadOnlyList<string> Strings);

/// <summary>One image a workload other than Lambda names or runs.</summary>
/// <param name="Workload">The workload in words: cluster and service, task, task definition and revision, container.</param>
/// <param name="Stack">The watched stack that holds it, if any.</param>
/// <param name="Named">The image as the workload names it (a tag, a digest, or neither: then <c>latest</c>).</param>
/// <param name="Digest">The digest it runs, when the workload says (a task's resolved <c>imageDigest</c>).</param>
/// <param name="RollbackRank">For an earlier revision of a production task definition family: 2 for the revision before the stack's, and so on; null otherwise.</param>
public sealed record WorkloadImage(WorkloadKind Kind, string Workload, StackRunner? Stack, ImageReference? Named, string? Digest, int? RollbackRank = null);

/// <summary>What the other workloads run: the images, and how much was read.</summary>
public sealed record WorkloadScan(IReadOnlyList<WorkloadImage> Images, int Clusters, int Services, int Tasks, int TaskDefinitions)
{
    public static WorkloadScan None { get; } = new(Array.Empty<WorkloadImage>(), 0, 0, 0, 0);
}
