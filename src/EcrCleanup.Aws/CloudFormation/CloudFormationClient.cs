using System.Xml.Linq;
using EcrCleanup.Abstractions;
using EcrCleanup.Aws.Http;

namespace EcrCleanup.Aws.CloudFormation;

/// <summary>The CloudFormation operations the module calls, on the awsQuery wire protocol.</summary>
internal sealed class CloudFormationClient : ICloudFormationClient
{
    internal const string ApiVersion = "2010-05-15";

    internal static readonly XNamespace Namespace = "http://cloudformation.amazonaws.com/doc/2010-05-15/";

    /// <summary>The model's StackStatus enum without DELETE_COMPLETE: every stack that still exists, in any state.</summary>
    internal static readonly IReadOnlyList<string> LiveStackStatuses =
    [
        "CREATE_IN_PROGRESS", "CREATE_FAILED", "CREATE_COMPLETE",
        "ROLLBACK_IN_PROGRESS", "ROLLBACK_FAILED", "ROLLBACK_COMPLETE",
        "DELETE_IN_PROGRESS", "DELETE_FAILED",
        "UPDATE_IN_PROGRESS", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "UPDATE_COMPLETE", "UPDATE_FAILED",
        "UPDATE_ROLLBACK_IN_PROGRESS", "UPDATE_ROLLBACK_FAILED", "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS", "UPDATE_ROLLBACK_COMPLETE",
        "REVIEW_IN_PROGRESS",
        "IMPORT_IN_PROGRESS", "IMPORT_COMPLETE", "IMPORT_ROLLBACK_IN_PROGRESS", "IMPORT_ROLLBACK_FAILED", "IMPORT_ROLLBACK_COMPLETE",
    ];

    private readonly AwsQueryProtocol _protocol;

    /// <param name="client">CloudFormation documents no fixed rate for these calls, so nothing here paces them: the client's adaptive retry mode slows down when the account throttles.</param>
    public CloudFormationClient(AwsServiceClient client)
    {
        _protocol = new AwsQueryProtocol(client, ApiVersion, Namespace);
    }

    public IAsyncEnumerable<CloudFormationStack> ListStacksAsync(CancellationToken cancellationToken) =>
        Paging.EveryPageAsync((nextToken, ct) =>
        {
            var parameters = AwsQueryProtocol.Members("StackStatusFilter", LiveStackStatuses).Concat(NextToken(nextToken));
            return _protocol.CallAsync("ListStacks", null, parameters, result => (Members(result, "StackSummaries").Select(ReadStack).ToList(), Text(result, "NextToken")), ct);
        }, cancellationToken);

    public async Task<CloudFormationStack?> DescribeStackAsync(string stackNameOrId, CancellationToken cancellationToken)
    {
        try
        {
            return await _protocol.CallAsync("DescribeStacks", stackNameOrId, [KeyValuePair.Create("StackName", stackNameOrId)],
                result => Members(result, "Stacks").Select(ReadStack).FirstOrDefault(), cancellationToken).ConfigureAwait(false);
        }
        catch (ServiceException e) when (IsStackMissing(e))
        {
            return null;
        }
    }

    public IAsyncEnumerable<CloudFormationResource> ListStackResourcesAsync(string stackNameOrId, CancellationToken cancellationToken) =>
        Paging.EveryPageAsync((nextToken, ct) =>
        {
            var parameters = new[] { KeyValuePair.Create("StackName", stackNameOrId) }.Concat(NextToken(nextToken));
            return _protocol.CallAsync("ListStackResources", stackNameOrId, parameters, result => (
                    Members(result, "StackResourceSummaries").Select(summary => new CloudFormationResource(
                        Required(summary, "LogicalResourceId"),
                        Text(summary, "PhysicalResourceId"),
                        Required(summary, "ResourceType"),
                        Text(summary, "ResourceStatus"))).ToList(),
                    Text(result, "NextToken")),
                ct);
        }, cancellationToken);

    /// <summary>
    /// GetTemplate at the Processed stage: for a stack with transforms (SAM), the template CloudFormation made of them and
    /// deployed; otherwise the one submitted. A body that is not a template is a <see cref="MalformedAnswerException"/>,
    /// as any answer that is not the operation's document.
    /// </summary>
    public async Task<IReadOnlyList<TemplateResource>?> GetTemplateResourcesAsync(string stackNameOrId, CancellationToken cancellationToken)
    {
        try
        {
            return await _protocol.CallAsync("GetTemplate", stackNameOrId, [KeyValuePair.Create("StackName", stackNameOrId), KeyValuePair.Create("TemplateStage", "Processed")],
                result => TemplateReader.Read(Required(result, "TemplateBody")), cancellationToken).ConfigureAwait(false);
        }
        catch (ServiceException e) when (IsStackMissing(e))
        {
            return null;
        }
    }

    /// <summary>CloudFormation answers a stack it does not know with ValidationError "Stack with id X does not exist".</summary>
    internal static bool IsStackMissing(ServiceException e) =>
        e.ErrorCode == "ValidationError" && e.ServiceMessage.Contains("does not exist", StringComparison.Ordinal);

    private static CloudFormationStack ReadStack(XElement stack) =>
        new(Required(stack, "StackId"), Required(stack, "StackName"), Required(stack, "StackStatus"), Text(stack, "ParentId"), Text(stack, "RootId"));

    private static IEnumerable<KeyValuePair<string, string>> NextToken(string? token) =>
        token is null ? [] : [KeyValuePair.Create("NextToken", token)];

    /// <summary>A list the operation always returns (CloudFormation sends an empty element for an empty list).</summary>
    private static IEnumerable<XElement> Members(XElement parent, string listName) =>
        MalformedAnswerException.Required(parent.Element(Namespace + listName), $"<{listName}>").Elements(Namespace + "member");

    private static string? Text(XElement parent, string name) => parent.Element(Namespace + name)?.Value;

    private static string Required(XElement parent, string name) => MalformedAnswerException.Required(Text(parent, name), $"<{name}>");
}
