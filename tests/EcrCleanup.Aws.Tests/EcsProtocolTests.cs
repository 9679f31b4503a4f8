using System.Text.Json.Nodes;
using EcrCleanup.Abstractions;
using EcrCleanup.Aws.Ecs;

namespace EcrCleanup.Aws.Tests;

/// <summary>ECS on awsJson1_1 against canned replies: the requests' shape, paging, per-item failures, errors.</summary>
public class EcsProtocolTests
{
    private const string Cluster = "arn:aws:ecs:eu-west-2:123456789012:cluster/production";

    [Fact]
    public async Task Lists_clusters_100_a_page_following_next_token_to_the_last_page()
    {
        var http = new CannedAws(
            CannedReply.Ok("""{"clusterArns":["arn:1","arn:2"],"nextToken":"page-2"}"""),
            CannedReply.Ok("""{"clusterArns":["arn:3"]}"""));

        var clusters = await http.Factory().CreateEcs().ListClustersAsync(CancellationToken.None).ToListAsync();

        Assert.Equal(["arn:1", "arn:2", "arn:3"], clusters);
        Assert.Collection(http.Requests,
            first =>
            {
                Assert.Equal(HttpMethod.Post, first.Method);
                Assert.Equal("/", first.Uri.AbsolutePath);
                Assert.Equal("AmazonEC2ContainerServiceV20141113.ListClusters", first.Target);
                Assert.Equal("application/x-amz-json-1.1", first.ContentType);
                AssertJson("""{"maxResults":100}""", first.Body);
            },
            second => AssertJson("""{"nextToken":"page-2","maxResults":100}""", second.Body));
    }

    [Fact]
    public async Task Lists_services_tasks_and_task_definitions_with_their_filters()
    {
        var http = new CannedAws(request => CannedReply.Ok(request.Target switch
        {
            "AmazonEC2ContainerServiceV20141113.ListServices" => """{"serviceArns":["svc"]}""",
            "AmazonEC2ContainerServiceV20141113.ListTasks" => """{"taskArns":["task"]}""",
            _ => """{"taskDefinitionArns":["td:2","td:1"]}""",
        }));
        var ecs = http.Factory().CreateEcs();

        Assert.Equal(["svc"], await ecs.ListServicesAsync(Cluster, CancellationToken.None).ToListAsync());
        Assert.Equal(["task"], await ecs.ListTasksAsync(Cluster, CancellationToken.None).ToListAsync());
        Assert.Equal(["td:2", "td:1"], await ecs.ListTaskDefinitionsAsync("api", "INACTIVE", CancellationToken.None).ToListAsync());

        AssertJson($$"""{"cluster":"{{Cluster}}","maxResults":100}""", http.Requests[0].Body);
        AssertJson($$"""{"cluster":"{{Cluster}}","desiredStatus":"RUNNING","maxResults":100}""", http.Requests[1].Body);
        AssertJson("""{"familyPrefix":"api","status":"INACTIVE","sort":"DESC","maxResults":100}""", http.Requests[2].Body);
    }

    [Fact]
    public async Task Describes_services_with_their_deployments_and_task_sets_leaving_out_missing_ones()
    {
        var http = new CannedAws(CannedReply.Ok($$"""
            {"services":[{"serviceArn":"arn:svc/api","serviceName":"api","clusterArn":"{{Cluster}}","status":"ACTIVE","desiredCount":2,
              "taskDefinition":"arn:td/api:7",
              "deployments":[{"id":"ecs-svc/1","status":"PRIMARY","taskDefinition":"arn:td/api:7","rolloutState":"IN_PROGRESS"},
                             {"id":"ecs-svc/0","status":"ACTIVE","taskDefinition":"arn:td/api:6"}],
              "taskSets":[{"id":"ecs-ts/1","taskDefinition":"arn:td/api:5"}]}],
             "failures":[{"arn":"arn:svc/gone","reason":"MISSING"}]}
            """));

        var services = await http.Factory().CreateEcs().DescribeServicesAsync(Cluster, ["arn:svc/api", "arn:svc/gone"], CancellationToken.None);

        var service = Assert.Single(services);
        Assert.Equal(("arn:svc/api", "api", Cluster, "ACTIVE", 2, "arn:td/api:7"), (service.ServiceArn, service.ServiceName, service.ClusterArn, service.Status, service.DesiredCount, service.TaskDefinition));
        Assert.Equal([new EcsDeployment("ecs-svc/1", "PRIMARY", "arn:td/api:7", "IN_PROGRESS"), new EcsDeployment("ecs-svc/0", "ACTIVE", "arn:td/api:6", null)], service.Deployments);
        Assert.Equal(["arn:td/api:5"], service.TaskSets);
        Assert.Equal("AmazonEC2ContainerServiceV20141113.DescribeServices", http.Requests[0].Target);
        AssertJson($$"""{"cluster":"{{Cluster}}","services":["arn:svc/api","arn:svc/gone"]}""", http.Requests[0].Body);
    }

    [Theory]
    [InlineData("DescribeServices", "deployments", """{"services":[{"serviceArn":"arn:svc/api","serviceName":"api","clusterArn":"c","status":"ACTIVE","desiredCount":1,"taskDefinition":"arn:td/api:7"}],"failures":[]}""")]
    [InlineData("DescribeTasks", "containers", """{"tasks":[{"taskArn":"arn:task/1","clusterArn":"c","taskDefinitionArn":"arn:td/api:7","lastStatus":"RUNNING"}],"failures":[]}""")]
    public async Task A_service_without_deployments_or_a_task_without_containers_is_a_malformed_answer_never_none(string operation, string member, string body)
    {
        var http = new CannedAws(_ => CannedReply.Ok(body));
        var ecs = http.Factory().CreateEcs();

        var e = await Assert.ThrowsAsync<ServiceException>(() => operation == "DescribeServices"
            ? ecs.DescribeServicesAsync(Cluster, ["arn:svc/api"], CancellationToken.None)
            : ecs.DescribeTasksAsync(Cluster, ["arn:task/1"], CancellationToken.None));

        Assert.Equal(("ECS", operation, "MalformedResponse"), (e.Service, e.Operation, e.ErrorCode));
        Assert.Contains($"it has no {member} list", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failure_other_than_missing_fails_the_call_naming_the_item_and_the_reason()
    {
        var http = new CannedAws(CannedReply.Ok("""
            {"tasks":[],"failures":[{"arn":"arn:task/gone","reason":"MISSING"},{"arn":"arn:task/odd","reason":"INTERNAL_ERROR","detail":"try later"}]}
            """));

        var e = await Assert.ThrowsAsync<ServiceException>(() => http.Factory().CreateEcs().DescribeTasksAsync(Cluster, ["arn:task/gone", "arn:task/odd"], CancellationToken.None));

        Assert.Equal(("ECS", "DescribeTasks", "arn:task/odd", "INTERNAL_ERROR"), (e.Service, e.Operation, e.Resource, e.ErrorCode));
        Assert.Contains("'arn:task/odd'", e.Message, StringComparison.Ordinal);
        Assert.Contains("try later", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Describes_tasks_with_their_containers_images_and_digests()
    {
        var http = new CannedAws(CannedReply.Ok($$"""
            {"tasks":[{"taskArn":"arn:task/1","clusterArn":"{{Cluster}}","taskDefinitionArn":"arn:td/api:7","group":"service:api","lastStatus":"RUNNING",
              "containers":[{"name":"app","image":"repo:v7","imageDigest":"sha256:abc"},{"name":"sidecar","image":"envoy"}]}],"failures":[]}
            """));

        var task = Assert.Single(await http.Factory().CreateEcs().DescribeTasksAsync(Cluster, ["arn:task/1"], CancellationToken.None));

        Assert.Equal(new EcsTask("arn:task/1", Cluster, "arn:td/api:7", "service:api", "RUNNING", task.Containers), task);
        Assert.Equal([new EcsContainer("app", "repo:v7", "sha256:abc"), new EcsContainer("sidecar", "envoy", null)], task.Containers);
        AssertJson($$"""{"cluster":"{{Cluster}}","tasks":["arn:task/1"]}""", http.Requests[0].Body);
    }

    [Fact]
    public async Task Describes_at_most_ten_services_and_a_hundred_tasks_a_call()
    {
        var ecs = new CannedAws(CannedReply.Ok("{}")).Factory().CreateEcs();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ecs.DescribeServicesAsync(Cluster, Enumerable.Range(0, 11).Select(i => $"s{i}").ToList(), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ecs.DescribeTasksAsync(Cluster, Enumerable.Range(0, 101).Select(i => $"t{i}").ToList(), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ecs.DescribeTasksAsync(Cluster, [], CancellationToken.None));
    }

    [Fact]
    public async Task Describes_a_task_definition_and_a_missing_one_as_null()
    {
        var http = new CannedAws(request => request.Body.Contains("gone", StringComparison.Ordinal)
            ? new CannedReply(400, """{"__type":"ClientException","message":"Unable to describe task definition."}""")
            : CannedReply.Ok("""
                {"taskDefinition":{"taskDefinitionArn":"arn:td/api:7","family":"api","revision":7,"status":"INACTIVE",
                  "containerDefinitions":[{"name":"app","image":"repo@sha256:abc"},{"name":"init"}]}}
                """));
        var ecs = http.Factory().CreateEcs();

        var definition = await ecs.DescribeTaskDefinitionAsync("api:7", CancellationToken.None);
        var missing = await ecs.DescribeTaskDefinitionAsync("gone:1", CancellationToken.None);

        Assert.Equal(("arn:td/api:7", "api", 7, "INACTIVE"), (definition!.TaskDefinitionArn, definition.Family, definition.Revision, definition.Status));
        Assert.Equal([new EcsContainerImage("app", "repo@sha256:abc"), new EcsContainerImage("init", null)], definition.Containers);
        Assert.Null(missing);
        Assert.Equal("AmazonEC2ContainerServiceV20141113.DescribeTaskDefinition", http.Requests[0].Target);
        AssertJson("""{"taskDefinition":"api:7"}""", http.Requests[0].Body);
    }

    [Fact]
    public async Task Another_client_exception_of_describe_task_definition_fails()
    {
        var http = new CannedAws(new CannedReply(400, """{"__type":"ClientException","message":"Invalid revision number. Number: x"}"""));

        var e = await Assert.ThrowsAsync<ServiceException>(() => http.Factory().CreateEcs().DescribeTaskDefinitionAsync("api:x", CancellationToken.None));

        Assert.Equal(("DescribeTaskDefinition", "api:x", "ClientException"), (e.Operation, e.Resource, e.ErrorCode));
    }

    [Theory]
    [InlineData("Unable to describe task definition.", true)]
    [InlineData("The task definition does not exist.", true)]
    [InlineData("Invalid revision number. Number: x", false)]
    public void A_missing_task_definition_is_told_apart_from_other_client_exceptions(string message, bool missing) =>
        Assert.Equal(missing, EcsClient.IsTaskDefinitionMissing(new("ECS", "DescribeTaskDefinition", "api:1", "ClientException", message)));

    [Fact]
    public async Task Access_denied_names_the_iam_action_to_grant()
    {
        var http = new CannedAws(new CannedReply(400, """{"__type":"AccessDeniedException","message":"User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecs:ListClusters"}"""));

        var e = await Assert.ThrowsAsync<ServiceException>(() => http.Factory().CreateEcs().ListClustersAsync(CancellationToken.None).ToListAsync().AsTask());

        Assert.Equal("AccessDeniedException", e.ErrorCode);
        Assert.Contains("grant ecs:ListClusters to the identity in use; docs/operator-guide.md lists the IAM policy", e.Message, StringComparison.Ordinal);
        Assert.Single(http.Requests);
    }

    [Fact]
    public async Task A_list_answer_without_its_list_is_malformed_not_empty()
    {
        var http = new CannedAws(CannedReply.Ok("""{"nextToken":null}"""));

        var e = await Assert.ThrowsAsync<ServiceException>(() => http.Factory().CreateEcs().ListServicesAsync(Cluster, CancellationToken.None).ToListAsync().AsTask());

        Assert.Equal("MalformedResponse", e.ErrorCode);
        Assert.Contains("it has no serviceArns list", e.Message, StringComparison.Ordinal);
    }

    internal static void AssertJson(string expected, string actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)), $"expected {expected}, sent {actual}");
}
