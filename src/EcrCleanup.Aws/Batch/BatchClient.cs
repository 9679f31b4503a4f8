using System.Text.Json.Nodes;
using EcrCleanup.Abstractions;
using EcrCleanup.Aws.Http;

namespace EcrCleanup.Aws.Batch;

/// <summary>
/// The AWS Batch operation the module calls, on the restJson1 wire protocol. Batch documents one fixed rate, 50
/// requests a second per account for SubmitJob (https://docs.aws.amazon.com/batch/latest/userguide/service_limits.html),
/// and none for DescribeJobDefinitions; a run asks for its job definitions a hundred at a time, a few calls in all, so
/// nothing here paces them: the client's adaptive retry mode slows down if the account throttles.
/// </summary>
internal sealed class BatchClient : IBatchClient
{
    internal const int BatchSize = 100;

    private readonly RestJsonProtocol _protocol;

    public BatchClient(AwsServiceClient client)
    {
        _protocol = new RestJsonProtocol(client);
    }

    public async Task<IReadOnlyList<BatchJobDefinition>> DescribeJobDefinitionsAsync(IReadOnlyList<string> jobDefinitionArns, CancellationToken cancellationToken)
    {
        var definitions = new List<BatchJobDefinition>();
        foreach (var batch in jobDefinitionArns.Distinct(StringComparer.Ordinal).Chunk(BatchSize))
        {
            var resource = batch.Length == 1 ? batch[0] : $"{batch[0]} and {batch.Length - 1} more";
            var pages = Paging.EveryPageAsync((nextToken, ct) =>
            {
                var input = Json.Page(new JsonObject { ["jobDefinitions"] = new JsonArray(batch.Select(arn => (JsonNode)arn!).ToArray()), ["maxResults"] = BatchSize }, nextToken);
                return _protocol.PostAsync("DescribeJobDefinitions", resource, "/v1/describejobdefinitions", input,
                    output => (Json.Array(output, "jobDefinitions").Select(ReadJobDefinition).ToList(), Json.OptionalText(output, "nextToken")), ct);
            }, cancellationToken);
            await foreach (var definition in pages.ConfigureAwait(false))
            {
                definitions.Add(definition);
            }
        }

        return definitions;
    }

    private static BatchJobDefinition ReadJobDefinition(JsonObject definition)
    {
        var images = Images(Json.OptionalObject(definition, "containerProperties"), definition);
        foreach (var range in Json.OptionalArray(Json.OptionalObject(definition, "nodeProperties"), "nodeRangeProperties"))
        {
            images = images.Concat(Images(Json.OptionalObject(range, "container"), range));
        }

        return new BatchJobDefinition(
            Json.Text(definition, "jobDefinitionArn"),
            Json.Text(definition, "jobDefinitionName"),
            (int)Json.Number(definition, "revision"),
            Json.OptionalText(definition, "status"),
            images.Distinct(StringComparer.Ordinal).ToList());
    }

    /// <summary>
    /// The images a job definition or one of its node ranges names: its container's (<c>containerProperties</c> at the
    /// top, <c>container</c> in a node range), every container of every task of its <c>ecsProperties</c>, and every
    /// container and init container of the pod of its <c>eksProperties</c>.
    /// </summary>
    private static IEnumerable<string> Images(JsonObject? container, JsonObject properties)
    {
        var pod = Json.OptionalObject(Json.OptionalObject(properties, "eksProperties"), "podProperties");
        var containers = new[] { container }.OfType<JsonObject>()
            .Concat(Json.OptionalArray(Json.OptionalObject(properties, "ecsProperties"), "taskProperties").SelectMany(task => Json.OptionalArray(task, "containers")))
            .Concat(Json.OptionalArray(pod, "containers"))
            .Concat(Json.OptionalArray(pod, "initContainers"));
        return containers.Select(c => Json.OptionalText(c, "image")).OfType<string>().Where(image => image.Length > 0).ToList();
    }
}
