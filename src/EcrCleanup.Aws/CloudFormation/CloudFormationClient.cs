using System.Runtime.CompilerServices;
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

    /// <summary>
    /// CloudFormation documents no per-call rate for its read calls; accounts meet "Rate exceeded" at a few
    /// calls a second. 8 a second keeps a large account's read (hundreds of stacks) from bouncing off it.
    /// </summary>
    internal const double CallRate = 8;

    private readonly AwsQueryProtocol _protocol;
    private readonly RequestRateLimiter _limiter;

    public CloudFormationClient(AwsServiceClient client, TimeProvider time)
    {
        _protocol = new AwsQueryProtocol(client, ApiVersion, Namespace);
        _limiter = new RequestRateLimiter(CallRate, time);
    }

    public async IAsyncEnumerable<CloudFormationStack> ListStacksAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? nextToken = null;
        do
        {
            var parameters = AwsQueryProtocol.Members("StackStatusFilter", LiveStackStatuses).Concat(NextToken(nextToken));
            var result = await CallAsync("ListStacks", null, parameters, cancellationToken).ConfigureAwait(false);
            foreach (var summary in Members(result, "StackSummaries"))
            {
                yield return ReadStack(summary);
            }

            nextToken = Text(result, "NextToken");
        }
        while (!string.IsNullOrEmpty(nextToken));
    }

    public async Task<CloudFormationStack?> DescribeStackAsync(string stackNameOrId, CancellationToken cancellationToken)
    {
        XElement result;
        try
        {
            result = await CallAsync("DescribeStacks", stackNameOrId, [KeyValuePair.Create("StackName", stackNameOrId)], cancellationToken).ConfigureAwait(false);
        }
        catch (ServiceException e) when (IsStackMissing(e))
        {
            return null;
        }

        return Members(result, "Stacks").Select(ReadStack).FirstOrDefault();
    }

    public async IAsyncEnumerable<CloudFormationResource> ListStackResourcesAsync(string stackNameOrId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? nextToken = null;
        do
        {
            var parameters = new[] { KeyValuePair.Create("StackName", stackNameOrId) }.Concat(NextToken(nextToken));
            var result = await CallAsync("ListStackResources", stackNameOrId, parameters, cancellationToken).ConfigureAwait(false);
            foreach (var summary in Members(result, "StackResourceSummaries"))
            {
                yield return new CloudFormationResource(
                    Text(summary, "LogicalResourceId") ?? string.Empty,
                    Text(summary, "PhysicalResourceId"),
                    Text(summary, "ResourceType") ?? string.Empty,
                    Text(summary, "ResourceStatus"));
            }

            nextToken = Text(result, "NextToken");
        }
        while (!string.IsNullOrEmpty(nextToken));
    }

    /// <summary>CloudFormation answers a stack it does not know with ValidationError "Stack with id X does not exist".</summary>
    internal static bool IsStackMissing(ServiceException e) =>
        e.ErrorCode == "ValidationError" && e.ServiceMessage.Contains("does not exist", StringComparison.Ordinal);

    private static CloudFormationStack ReadStack(XElement stack) =>
        new(
            Text(stack, "StackId") ?? string.Empty,
            Text(stack, "StackName") ?? string.Empty,
            Text(stack, "StackStatus") ?? string.Empty,
            Text(stack, "ParentId"),
            Text(stack, "RootId"));

    private static IEnumerable<KeyValuePair<string, string>> NextToken(string? token) =>
        token is null ? [] : [KeyValuePair.Create("NextToken", token)];

    private static IEnumerable<XElement> Members(XElement parent, string listName) =>
        parent.Element(Namespace + listName)?.Elements(Namespace + "member") ?? [];

    private static string? Text(XElement parent, string name) => parent.Element(Namespace + name)?.Value;

    private async Task<XElement> CallAsync(string operation, string? resource, IEnumerable<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
    {
        await _limiter.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await _protocol.CallAsync(operation, resource, parameters, cancellationToken).ConfigureAwait(false);
    }
}
