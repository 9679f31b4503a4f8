using System.Text.Json.Nodes;
using EcrCleanup.Abstractions;
using EcrCleanup.Aws.Http;

namespace EcrCleanup.Aws.Ecs;

/// <summary>
/// The Amazon ECS operations the module calls, on the awsJson1_1 wire protocol, each paced under the token bucket of
/// its action group. ECS throttles every account per region with one bucket per group of actions, shared by the
/// group's actions (burst = the bucket's size, sustained = its refill rate a second), as "Request throttling for the
/// Amazon ECS API" documents (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html):
/// cluster read actions (DescribeClusters, ListClusters) 50 and 20; service read actions (DescribeServices,
/// ListServices) 100 and 20; cluster resource read actions (DescribeContainerInstances, DescribeTasks, ListAttributes,
/// ListContainerInstances, ListTasks) 100 and 20; task definition read actions (DescribeTaskDefinition,
/// ListTaskDefinitions, ListTaskDefinitionFamilies) 50 and 20. Each group here has a bucket of its own at 95% of both,
/// as the Lambda client paces at 95% of Lambda's quotas: fixed quotas are paced, not discovered by being throttled.
/// </summary>
internal sealed class EcsClient : IEcsClient
{
    internal const int PageSize = 100;
    internal const int DescribeServicesBatchSize = 10;
    internal const int DescribeTasksBatchSize = 100;

    /// <summary>The share of each documented bucket (its size and its refill rate) the client allows itself.</summary>
    internal const double PacingShare = 0.95;

    internal static readonly EcsActionGroup ClusterRead = new("cluster read actions", 50, 20);
    internal static readonly EcsActionGroup ServiceRead = new("service read actions", 100, 20);
    internal static readonly EcsActionGroup ClusterResourceRead = new("cluster resource read actions", 100, 20);
    internal static readonly EcsActionGroup TaskDefinitionRead = new("task definition read actions", 50, 20);

    private readonly AwsJsonProtocol _protocol;
    private readonly RequestRateLimiter _clusterRead;
    private readonly RequestRateLimiter _serviceRead;
    private readonly RequestRateLimiter _clusterResourceRead;
    private readonly RequestRateLimiter _taskDefinitionRead;

    public EcsClient(AwsServiceClient client, TimeProvider time)
    {
        _protocol = new AwsJsonProtocol(client, "AmazonEC2ContainerServiceV20141113");
        _clusterRead = ClusterRead.CreateLimiter(time);
        _serviceRead = ServiceRead.CreateLimiter(time);
        _clusterResourceRead = ClusterResourceRead.CreateLimiter(time);
        _taskDefinitionRead = TaskDefinitionRead.CreateLimiter(time);
    }

    public IAsyncEnumerable<string> ListClustersAsync(CancellationToken cancellationToken) =>
        ListAsync("ListClusters", null, new JsonObject(), "clusterArns", _clusterRead, cancellationToken);

    public IAsyncEnumerable<string> ListServicesAsync(string cluster, CancellationToken cancellationToken) =>
        ListAsync("ListServices", cluster, new JsonObject { ["cluster"] = cluster }, "serviceArns", _serviceRead, cancellationToken);

    public IAsyncEnumerable<string> ListTasksAsync(string cluster, CancellationToken cancellationToken) =>
        ListAsync("ListTasks", cluster, new JsonObject { ["cluster"] = cluster, ["desiredStatus"] = "RUNNING" }, "taskArns", _clusterResourceRead, cancellationToken);

    public IAsyncEnumerable<string> ListTaskDefinitionsAsync(string familyPrefix, string status, CancellationToken cancellationToken) =>
        ListAsync("ListTaskDefinitions", familyPrefix, new JsonObject { ["familyPrefix"] = familyPrefix, ["status"] = status, ["sort"] = "DESC" }, "taskDefinitionArns", _taskDefinitionRead, cancellationToken);

    public Task<IReadOnlyList<EcsService>> DescribeServicesAsync(string cluster, IReadOnlyList<string> services, CancellationToken cancellationToken) =>
        DescribeAsync("DescribeServices", cluster, "services", services, DescribeServicesBatchSize, ReadService, _serviceRead, cancellationToken);

    public Task<IReadOnlyList<EcsTask>> DescribeTasksAsync(string cluster, IReadOnlyList<string> tasks, CancellationToken cancellationToken) =>
        DescribeAsync("DescribeTasks", cluster, "tasks", tasks, DescribeTasksBatchSize, ReadTask, _clusterResourceRead, cancellationToken);

    public async Task<EcsTaskDefinition?> DescribeTaskDefinitionAsync(string taskDefinition, CancellationToken cancellationToken)
    {
        await _taskDefinitionRead.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await _protocol.CallAsync("DescribeTaskDefinition", taskDefinition, new JsonObject { ["taskDefinition"] = taskDefinition },
                output => ReadTaskDefinition(Json.Object(output, "taskDefinition")), cancellationToken).ConfigureAwait(false);
        }
        catch (ServiceException e) when (IsTaskDefinitionMissing(e))
        {
            return null;
        }
    }

    /// <summary>
    /// ECS answers a task definition it does not have (never registered, or deleted) with ClientException "Unable to
    /// describe task definition."; other ClientExceptions (a malformed name, say) are failures.
    /// </summary>
    internal static bool IsTaskDefinitionMissing(ServiceException e) =>
        e.ErrorCode == "ClientException" &&
        (e.ServiceMessage.Contains("Unable to describe task definition", StringComparison.OrdinalIgnoreCase) ||
         e.ServiceMessage.Contains("does not exist", StringComparison.OrdinalIgnoreCase));

    /// <summary>Every page of a listing of ARNs, 100 a page, each page paced under the action's group.</summary>
    private IAsyncEnumerable<string> ListAsync(string operation, string? resource, JsonObject filter, string listName, RequestRateLimiter limiter, CancellationToken cancellationToken) =>
        Paging.EveryPageAsync(async (nextToken, ct) =>
        {
            var input = Json.Page(filter.DeepClone().AsObject(), nextToken);
            input["maxResults"] = PageSize;
            await limiter.WaitAsync(ct).ConfigureAwait(false);
            return await _protocol.CallAsync(operation, resource, input,
                output => (Json.Array(output, listName, arn => Json.String(arn, listName)), Json.OptionalText(output, "nextToken")), ct).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>
    /// One Describe call for at most <paramref name="batchSize"/> items. An item ECS reports as <c>MISSING</c> is gone
    /// and left out; any other failure (an ARN of another cluster or region, an internal fault) means the item's state
    /// is unknown, so the call fails naming it rather than answer as if the item did not exist.
    /// </summary>
    private async Task<IReadOnlyList<T>> DescribeAsync<T>(string operation, string cluster, string listName, IReadOnlyList<string> items, int batchSize, Func<JsonObject, T> read, RequestRateLimiter limiter, CancellationToken cancellationToken)
    {
        if (items.Count == 0 || items.Count > batchSize)
        {
            throw new ArgumentOutOfRangeException(nameof(items), items.Count, $"{operation} takes 1 to {batchSize} items.");
        }

        var input = new JsonObject { ["cluster"] = cluster, [listName] = new JsonArray(items.Select(i => (JsonNode)i!).ToArray()) };
        await limiter.WaitAsync(cancellationToken).ConfigureAwait(false);
        var (described, failures) = await _protocol.CallAsync(operation, cluster, input, output => (
                Json.Array(output, listName).Select(read).ToList(),
                Json.OptionalArray(output, "failures").Select(f => (Arn: Json.OptionalText(f, "arn"), Reason: Json.OptionalText(f, "reason"), Detail: Json.OptionalText(f, "detail"))).ToList()),
            cancellationToken).ConfigureAwait(false);
        var failure = failures.FirstOrDefault(f => f.Reason != "MISSING");
        if (failure != default)
        {
            var detail = string.IsNullOrEmpty(failure.Detail) ? string.Empty : $" ({failure.Detail})";
            throw new ServiceException("ECS", operation, failure.Arn ?? cluster, failure.Reason ?? "Unknown",
                $"ECS could not describe '{failure.Arn}' in cluster '{cluster}': {failure.Reason}{detail}. Without it nobody knows which images it runs, so nothing is decided.");
        }

        return described;
    }

    private static EcsService ReadService(JsonObject service) => new(
        Json.Text(service, "serviceArn"),
        Json.Text(service, "serviceName"),
        Json.Text(service, "clusterArn"),
        Json.Text(service, "status"),
        (int)Json.Number(service, "desiredCount"),
        Json.OptionalText(service, "taskDefinition"),
        // ECS lists a service's deployments always (none for an EXTERNAL controller): a service without the member
        // is not ECS's answer, and reading it as "no deployment" would lose the one a rollback reaches for.
        Json.Array(service, "deployments").Select(d => new EcsDeployment(
            Json.Text(d, "id"), Json.Text(d, "status"), Json.Text(d, "taskDefinition"), Json.OptionalText(d, "rolloutState"))).ToList(),
        Json.OptionalArray(service, "taskSets").Select(set => Json.Text(set, "taskDefinition")).ToList());

    private static EcsTask ReadTask(JsonObject task) => new(
        Json.Text(task, "taskArn"),
        Json.Text(task, "clusterArn"),
        Json.Text(task, "taskDefinitionArn"),
        Json.OptionalText(task, "group"),
        Json.Text(task, "lastStatus"),
        Json.Array(task, "containers").Select(c => new EcsContainer(
            Json.Text(c, "name"), Json.OptionalText(c, "image"), Json.OptionalText(c, "imageDigest"))).ToList());

    private static EcsTaskDefinition ReadTaskDefinition(JsonObject definition) => new(
        Json.Text(definition, "taskDefinitionArn"),
        Json.Text(definition, "family"),
        (int)Json.Number(definition, "revision"),
        Json.Text(definition, "status"),
        Json.Array(definition, "containerDefinitions").Select(c => new EcsContainerImage(Json.Text(c, "name"), Json.OptionalText(c, "image"))).ToList());
}

/// <summary>One of ECS's throttling groups: actions that share a token bucket per account and region.</summary>
/// <param name="Name">As ECS's documentation names it (<c>service read actions</c>).</param>
/// <param name="BucketSize">The bucket's maximum capacity: the burst.</param>
/// <param name="RefillPerSecond">The bucket's refill rate: the sustained rate.</param>
internal sealed record EcsActionGroup(string Name, double BucketSize, double RefillPerSecond)
{
    /// <summary>A bucket at <see cref="EcsClient.PacingShare"/> of the group's size and refill rate.</summary>
    public RequestRateLimiter CreateLimiter(TimeProvider time) =>
        new(RefillPerSecond * EcsClient.PacingShare, time, BucketSize * EcsClient.PacingShare);
}
