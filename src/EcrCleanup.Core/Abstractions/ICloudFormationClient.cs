namespace EcrCleanup.Abstractions;

/// <summary>The CloudFormation operations the module calls.</summary>
public interface ICloudFormationClient
{
    /// <summary>ListStacks, every page, every status but DELETE_COMPLETE (nested stacks included).</summary>
    IAsyncEnumerable<CloudFormationStack> ListStacksAsync(CancellationToken cancellationToken);

    /// <summary>DescribeStacks for one stack name or id; null when CloudFormation says the stack does not exist.</summary>
    Task<CloudFormationStack?> DescribeStackAsync(string stackNameOrId, CancellationToken cancellationToken);

    /// <summary>ListStackResources, every page (a stack can hold far more resources than one page).</summary>
    IAsyncEnumerable<CloudFormationResource> ListStackResourcesAsync(string stackNameOrId, CancellationToken cancellationToken);

    /// <summary>
    /// GetTemplate with <c>TemplateStage=Processed</c> (transforms such as SAM applied), JSON or YAML, reduced to each
    /// resource's logical id, type and every string its properties hold; null when the stack does not exist.
    /// </summary>
    Task<IReadOnlyList<TemplateResource>?> GetTemplateResourcesAsync(string stackNameOrId, CancellationToken cancellationToken);
}

/// <summary>
/// A resource as the stack's template declares it: its type and every string value under its <c>Properties</c>,
/// at any depth, intrinsic functions' arguments included (the pieces of an <c>Fn::Join</c>, the text of an <c>Fn::Sub</c>).
/// </summary>
public sealed record TemplateResource(string LogicalId, string ResourceType, IReadOnlyList<string> Strings);

/// <summary>A stack as ListStacks or DescribeStacks reports it.</summary>
public sealed record CloudFormationStack(string StackId, string StackName, string Status, string? ParentId, string? RootId)
{
    public bool IsNested => !string.IsNullOrEmpty(ParentId);

    /// <summary>CREATE_IN_PROGRESS, UPDATE_ROLLBACK_IN_PROGRESS, ...: the stack is changing while it is read.</summary>
    public bool IsInProgress => Status.EndsWith("_IN_PROGRESS", StringComparison.Ordinal);
}

/// <summary>A resource of a stack as ListStackResources reports it.</summary>
public sealed record CloudFormationResource(string LogicalId, string? PhysicalId, string ResourceType, string? ResourceStatus);
