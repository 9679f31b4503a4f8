using System.Text.Json.Nodes;
using EcrCleanup.Abstractions;

namespace EcrCleanup.Aws.Tests;

/// <summary>AWS Batch DescribeJobDefinitions on restJson1 against canned replies.</summary>
public class BatchProtocolTests
{
    [Fact]
    public async Task Posts_a_hundred_arns_a_call_and_follows_every_page()
    {
        var arns = Enumerable.Range(1, 230).Select(i => $"arn:aws:batch:eu-west-2:123456789012:job-definition/job{i}:1").ToList();
        var http = new CannedAws(request =>
        {
            var input = JsonNode.Parse(request.Body)!.AsObject();
            var asked = input["jobDefinitions"]!.AsArray().Select(a => (string)a!).ToList();
            // The first batch comes back in two pages of 50.
            var (page, next) = asked.Count == 100 && asked[0].EndsWith("/job1:1", StringComparison.Ordinal)
                ? input["nextToken"] is null ? (asked[..50], "second-half") : (asked[50..], null)
                : (asked, (string?)null);
            var definitions = new JsonArray(page.Select(arn => (JsonNode)Definition(arn, new JsonObject { ["containerProperties"] = new JsonObject { ["image"] = "repo:v1" } })).ToArray());
            return CannedReply.Ok(new JsonObject { ["jobDefinitions"] = definitions, ["nextToken"] = next }.ToJsonString());
        });

        var definitions = await http.Factory().CreateBatch().DescribeJobDefinitionsAsync(arns, CancellationToken.None);

        Assert.Equal(arns, definitions.Select(d => d.JobDefinitionArn));
        Assert.Equal(4, http.Requests.Count);
        Assert.All(http.Requests, request =>
        {
            Assert.Equal(HttpMethod.Post, request.Method);
            Assert.Equal("/v1/describejobdefinitions", request.Uri.AbsolutePath);
            Assert.Equal("application/json", request.ContentType);
            Assert.Null(request.Target);
            Assert.Equal(100, (int)JsonNode.Parse(request.Body)!["maxResults"]!);
        });
        Assert.Equal([100, 100, 100, 30], http.Requests.Select(r => JsonNode.Parse(r.Body)!["jobDefinitions"]!.AsArray().Count));
        Assert.Equal("second-half", (string?)JsonNode.Parse(http.Requests[1].Body)!["nextToken"]);
        Assert.Null(JsonNode.Parse(http.Requests[0].Body)!["nextToken"]);
    }

    [Fact]
    public async Task Reads_the_images_of_every_kind_of_job_definition()
    {
        var eks = new JsonObject
        {
            ["podProperties"] = new JsonObject
            {
                ["containers"] = new JsonArray(new JsonObject { ["name"] = "main", ["image"] = "eks-main" }),
                ["initContainers"] = new JsonArray(new JsonObject { ["name"] = "init", ["image"] = "eks-init" }),
            },
        };
        var ecs = new JsonObject
        {
            ["taskProperties"] = new JsonArray(new JsonObject
            {
                ["containers"] = new JsonArray(new JsonObject { ["name"] = "a", ["image"] = "ecs-a" }, new JsonObject { ["name"] = "b", ["image"] = "ecs-b" }),
            }),
        };
        var nodes = new JsonObject
        {
            ["numNodes"] = 3,
            ["nodeRangeProperties"] = new JsonArray(
                new JsonObject { ["targetNodes"] = "0", ["container"] = new JsonObject { ["image"] = "node-main" } },
                new JsonObject { ["targetNodes"] = "1:", ["container"] = new JsonObject { ["image"] = "node-worker" } },
                new JsonObject { ["targetNodes"] = "2", ["ecsProperties"] = ecs.DeepClone(), ["eksProperties"] = new JsonObject { ["podProperties"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["image"] = "node-eks" }) } } }),
        };
        var http = new CannedAws(CannedReply.Ok(new JsonObject
        {
            ["jobDefinitions"] = new JsonArray(
                Definition("arn:container", new JsonObject { ["containerProperties"] = new JsonObject { ["image"] = "container" } }),
                Definition("arn:ecs", new JsonObject { ["ecsProperties"] = ecs }),
                Definition("arn:eks", new JsonObject { ["eksProperties"] = eks }),
                Definition("arn:nodes", new JsonObject { ["nodeProperties"] = nodes }),
                Definition("arn:none", new JsonObject { ["containerProperties"] = new JsonObject { ["command"] = new JsonArray("echo") } })),
        }.ToJsonString()));

        var definitions = (await http.Factory().CreateBatch().DescribeJobDefinitionsAsync(["arn:container", "arn:ecs", "arn:eks", "arn:nodes", "arn:none"], CancellationToken.None))
            .ToDictionary(d => d.JobDefinitionArn);

        Assert.Equal(["container"], definitions["arn:container"].Images);
        Assert.Equal(["ecs-a", "ecs-b"], definitions["arn:ecs"].Images);
        Assert.Equal(["eks-main", "eks-init"], definitions["arn:eks"].Images);
        Assert.Equal(["node-main", "node-worker", "ecs-a", "ecs-b", "node-eks"], definitions["arn:nodes"].Images);
        Assert.Empty(definitions["arn:none"].Images);
        Assert.Equal(new BatchJobDefinition("arn:container", "container", 3, "ACTIVE", definitions["arn:container"].Images), definitions["arn:container"]);
    }

    [Fact]
    public async Task Asks_nothing_for_no_arns()
    {
        var http = new CannedAws(CannedReply.Ok("""{"jobDefinitions":[]}"""));

        Assert.Empty(await http.Factory().CreateBatch().DescribeJobDefinitionsAsync([], CancellationToken.None));
        Assert.Empty(http.Requests);
    }

    [Fact]
    public async Task Access_denied_names_the_iam_action_to_grant()
    {
        var http = new CannedAws(new CannedReply(403, """{"message":"User is not authorized to perform: batch:DescribeJobDefinitions"}""", "AccessDeniedException"));

        var e = await Assert.ThrowsAsync<ServiceException>(() => http.Factory().CreateBatch().DescribeJobDefinitionsAsync(["arn:job:1"], CancellationToken.None));

        Assert.Equal(("Batch", "DescribeJobDefinitions", "arn:job:1", "AccessDeniedException"), (e.Service, e.Operation, e.Resource, e.ErrorCode));
        Assert.Contains("grant batch:DescribeJobDefinitions to the identity in use", e.Message, StringComparison.Ordinal);
    }

    private static JsonObject Definition(string arn, JsonObject properties)
    {
        var definition = new JsonObject
        {
            ["jobDefinitionArn"] = arn,
            ["jobDefinitionName"] = arn.Contains('/', StringComparison.Ordinal) ? arn.Split('/')[^1].Split(':')[0] : arn.Split(':')[^1],
            ["revision"] = 3,
            ["status"] = "ACTIVE",
            ["type"] = properties.ContainsKey("nodeProperties") ? "multinode" : "container",
        };
        foreach (var (name, value) in properties.ToList())
        {
            properties.Remove(name);
            definition[name] = value;
        }

        return definition;
    }
}
