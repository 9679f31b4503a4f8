using EcrCleanup.Abstractions;
using EcrCleanup.Sandbox;

namespace EcrCleanup.Aws.Tests;

/// <summary>The ECS, Batch and App Runner clients and GetTemplate against the sandbox hosted in this process.</summary>
public class WorkloadClientsTests
{
    private const string Registry = "123456789012.dkr.ecr.eu-west-2.amazonaws.com";
    private const string Prefix = "arn:aws:ecs:eu-west-2:123456789012";

    [Fact]
    public async Task Lists_and_describes_every_service_of_a_cluster_across_pages()
    {
        var services = Enumerable.Range(1, 130).Select(i => new ScenarioEcsService { Name = $"svc{i:000}", TaskDefinition = "api:1" }).ToList();
        services.Add(new ScenarioEcsService
        {
            Name = "rolling",
            Deployments =
            [
                new() { Status = "PRIMARY", TaskDefinition = "api:2", RolloutState = "IN_PROGRESS" },
                new() { Status = "ACTIVE", TaskDefinition = "api:1" },
            ],
        });
        await using var sandbox = await SandboxHost.StartAsync(Scenario(new ScenarioEcsCluster { Name = "production", Services = services }));
        var ecs = SandboxClients.For(sandbox, new()).CreateEcs();

        var clusters = await ecs.ListClustersAsync(CancellationToken.None).ToListAsync();
        var arns = await ecs.ListServicesAsync(clusters.Single(), CancellationToken.None).ToListAsync();
        var described = new List<EcsService>();
        foreach (var batch in arns.Chunk(10))
        {
            described.AddRange(await ecs.DescribeServicesAsync(clusters.Single(), batch, CancellationToken.None));
        }

        Assert.Equal([$"{Prefix}:cluster/production"], clusters);
        Assert.Equal(131, arns.Count);
        Assert.Equal(2, sandbox.CallCount("ecs:ListServices"));
        Assert.Equal(14, sandbox.CallCount("ecs:DescribeServices"));
        Assert.Equal(arns.Order(), described.Select(s => s.ServiceArn).Order());
        var rolling = Assert.Single(described, s => s.ServiceName == "rolling");
        Assert.Equal(($"{Prefix}:cluster/production", "ACTIVE", $"{Prefix}:task-definition/api:2"), (rolling.ClusterArn, rolling.Status, rolling.TaskDefinition));
        Assert.Equal(
            [("PRIMARY", $"{Prefix}:task-definition/api:2", "IN_PROGRESS"), ("ACTIVE", $"{Prefix}:task-definition/api:1", "COMPLETED")],
            rolling.Deployments.Select(d => (d.Status, d.TaskDefinition, d.RolloutState)));
    }

    [Fact]
    public async Task A_service_deleted_since_it_was_listed_is_left_out()
    {
        await using var sandbox = await SandboxHost.StartAsync(Scenario(new ScenarioEcsCluster { Name = "production", Services = [new() { Name = "api", TaskDefinition = "api:1" }] }));

        var described = await SandboxClients.For(sandbox, new()).CreateEcs()
            .DescribeServicesAsync("production", [$"{Prefix}:service/production/api", $"{Prefix}:service/production/gone"], CancellationToken.None);

        Assert.Equal(["api"], described.Select(s => s.ServiceName));
    }

    [Fact]
    public async Task Lists_and_describes_running_tasks_across_pages_with_the_digests_they_run()
    {
        var tasks = Enumerable.Range(0, 120).Select(_ => new ScenarioEcsTask { TaskDefinition = "api:2" }).ToList();
        tasks.Add(new ScenarioEcsTask { TaskDefinition = "api:1", LastStatus = "STOPPED" });
        await using var sandbox = await SandboxHost.StartAsync(Scenario(new ScenarioEcsCluster { Name = "production", Tasks = tasks }));
        var ecs = SandboxClients.For(sandbox, new()).CreateEcs();

        var arns = await ecs.ListTasksAsync("production", CancellationToken.None).ToListAsync();
        var described = new List<EcsTask>();
        foreach (var batch in arns.Chunk(100))
        {
            described.AddRange(await ecs.DescribeTasksAsync("production", batch, CancellationToken.None));
        }

        Assert.Equal(120, arns.Count);
        Assert.Equal(2, sandbox.CallCount("ecs:ListTasks"));
        Assert.Equal(2, sandbox.CallCount("ecs:DescribeTasks"));
        Assert.All(described, task =>
        {
            Assert.Equal(($"{Prefix}:task-definition/api:2", "family:api", "RUNNING"), (task.TaskDefinitionArn, task.Group, task.LastStatus));
            Assert.Equal($"{Registry}/app:v2", Assert.Single(task.Containers).Image);
        });
    }

    [Fact]
    public async Task Lists_a_familys_task_definitions_newest_first_across_pages_and_describes_them()
    {
        var definitions = Enumerable.Range(1, 230).Select(r => Definition("worker", r, r % 2 == 0 ? "INACTIVE" : "ACTIVE")).ToList();
        await using var sandbox = await SandboxHost.StartAsync(Scenario(ecs: new ScenarioEcs { TaskDefinitions = [.. definitions, Definition("worker-two", 1)] }));
        var ecs = SandboxClients.For(sandbox, new()).CreateEcs();

        var inactive = await ecs.ListTaskDefinitionsAsync("worker", "INACTIVE", CancellationToken.None).ToListAsync();
        var described = await ecs.DescribeTaskDefinitionAsync("worker:230", CancellationToken.None);
        var missing = await ecs.DescribeTaskDefinitionAsync("worker:999", CancellationToken.None);

        Assert.Equal(Enumerable.Range(1, 115).Select(i => $"{Prefix}:task-definition/worker:{232 - (2 * i)}"), inactive);
        Assert.Equal(2, sandbox.CallCount("ecs:ListTaskDefinitions"));
        Assert.Equal(new EcsTaskDefinition($"{Prefix}:task-definition/worker:230", "worker", 230, "INACTIVE", described!.Containers), described);
        Assert.Equal([new EcsContainerImage("app", $"{Registry}/app:v230")], described.Containers);
        Assert.Null(missing);
    }

    [Fact]
    public async Task Access_denied_names_the_ecs_action_to_grant()
    {
        var scenario = Scenario(new ScenarioEcsCluster { Name = "production" });
        scenario.Faults = [new() { Service = "ecs", Operation = "ListClusters", Error = "AccessDeniedException", Times = -1 }];
        await using var sandbox = await SandboxHost.StartAsync(scenario);

        var e = await Assert.ThrowsAsync<ServiceException>(() => SandboxClients.For(sandbox, new()).CreateEcs().ListClustersAsync(CancellationToken.None).ToListAsync().AsTask());

        Assert.Equal(("ECS", "ListClusters", "AccessDeniedException"), (e.Service, e.Operation, e.ErrorCode));
        Assert.Contains("grant ecs:ListClusters to the identity in use", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Describes_job_definitions_of_every_kind_a_hundred_at_a_time()
    {
        var jobs = Enumerable.Range(1, 130).Select(i => new ScenarioBatchJobDefinition { Name = $"job{i}", Image = $"{Registry}/jobs:v{i}" }).ToList();
        jobs.Add(new() { Name = "ecs-job", EcsContainers = [new() { Name = "main", Image = $"{Registry}/ecs:v1" }, new() { Name = "side", Image = "public.ecr.aws/envoy:v1" }] });
        jobs.Add(new() { Name = "eks-job", EksContainers = [new() { Name = "main", Image = $"{Registry}/eks:v1" }], EksInitContainers = [new() { Name = "init", Image = $"{Registry}/init:v1" }] });
        jobs.Add(new() { Name = "nodes", NodeRanges = [new() { Image = $"{Registry}/main:v1" }, new() { EcsContainers = [new() { Name = "worker", Image = $"{Registry}/worker:v1" }] }] });
        await using var sandbox = await SandboxHost.StartAsync(new Scenario { Repositories = [], Batch = new() { JobDefinitions = jobs } });
        var arns = jobs.Select(j => $"arn:aws:batch:eu-west-2:123456789012:job-definition/{j.Name}:1").Append("arn:aws:batch:eu-west-2:123456789012:job-definition/gone:1").ToList();

        var definitions = (await SandboxClients.For(sandbox, new()).CreateBatch().DescribeJobDefinitionsAsync(arns, CancellationToken.None)).ToDictionary(d => d.Name);

        Assert.Equal(133, definitions.Count);
        Assert.Equal(2, sandbox.CallCount("batch:DescribeJobDefinitions"));
        Assert.Equal([$"{Registry}/jobs:v7"], definitions["job7"].Images);
        Assert.Equal([$"{Registry}/ecs:v1", "public.ecr.aws/envoy:v1"], definitions["ecs-job"].Images);
        Assert.Equal([$"{Registry}/eks:v1", $"{Registry}/init:v1"], definitions["eks-job"].Images);
        Assert.Equal([$"{Registry}/main:v1", $"{Registry}/worker:v1"], definitions["nodes"].Images);
        Assert.Equal((1, "ACTIVE"), (definitions["nodes"].Revision, definitions["nodes"].Status));
    }

    [Fact]
    public async Task Describes_app_runner_services_and_a_missing_one_as_null()
    {
        var scenario = new Scenario
        {
            Repositories = [],
            AppRunner = new() { Services = [new() { Name = "api-service", ImageIdentifier = $"{Registry}/api:v3" }, new() { Name = "web-site", CodeRepository = "https://github.com/o/site" }] },
        };
        await using var sandbox = await SandboxHost.StartAsync(scenario);
        var appRunner = SandboxClients.For(sandbox, new()).CreateAppRunner();
        string Arn(string name) => $"arn:aws:apprunner:eu-west-2:123456789012:service/{name}/{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)))[..32]}";

        var api = await appRunner.DescribeServiceAsync(Arn("api-service"), CancellationToken.None);
        var site = await appRunner.DescribeServiceAsync(Arn("web-site"), CancellationToken.None);
        var missing = await appRunner.DescribeServiceAsync(Arn("gone-service"), CancellationToken.None);

        Assert.Equal(new AppRunnerService(Arn("api-service"), "api-service", "RUNNING", $"{Registry}/api:v3", "ECR"), api);
        Assert.Equal(new AppRunnerService(Arn("web-site"), "web-site", "RUNNING", null, null), site);
        Assert.Null(missing);
    }

    [Fact]
    public async Task Reads_a_stacks_yaml_template_with_short_form_tags_and_a_missing_stack_as_null()
    {
        const string template = """
            Resources:
              Service:
                Type: AWS::ECS::TaskDefinition
                Properties:
                  ContainerDefinitions:
                    - Name: app
                      Image: !Sub '${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/app:v9'
              Queue:
                Type: AWS::SQS::Queue
            """;
        await using var sandbox = await SandboxHost.StartAsync(new Scenario
        {
            Repositories = [],
            Stacks = [new() { Name = "Production", Status = "UPDATE_COMPLETE", Template = template }],
        });
        var cloudFormation = SandboxClients.For(sandbox, new()).CreateCloudFormation();

        var resources = await cloudFormation.GetTemplateResourcesAsync("Production", CancellationToken.None);
        var missing = await cloudFormation.GetTemplateResourcesAsync("Gone", CancellationToken.None);

        Assert.Equal(
            [
                new TemplateResource("Service", "AWS::ECS::TaskDefinition", resources![0].Strings),
                new TemplateResource("Queue", "AWS::SQS::Queue", resources[1].Strings),
            ],
            resources);
        Assert.Equal(["app", "${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/app:v9"], resources[0].Strings);
        Assert.Null(missing);
    }

    [Fact]
    public async Task Reads_the_json_template_the_sandbox_builds_from_a_stacks_resources()
    {
        var properties = new System.Text.Json.Nodes.JsonObject { ["Code"] = new System.Text.Json.Nodes.JsonObject { ["ImageUri"] = $"{Registry}/api:v4" } };
        await using var sandbox = await SandboxHost.StartAsync(new Scenario
        {
            Repositories = [],
            Stacks = [new() { Name = "Production", Status = "UPDATE_COMPLETE", Resources = [new() { LogicalId = "Api", Type = "AWS::Lambda::Function", PhysicalId = "Production-Api-1", Properties = properties }] }],
        });

        var resources = await SandboxClients.For(sandbox, new()).CreateCloudFormation().GetTemplateResourcesAsync("Production", CancellationToken.None);

        Assert.Equal(new TemplateResource("Api", "AWS::Lambda::Function", resources![0].Strings), Assert.Single(resources));
        Assert.Equal([$"{Registry}/api:v4"], resources[0].Strings);
    }

    private static Scenario Scenario(ScenarioEcsCluster? cluster = null, ScenarioEcs? ecs = null) => new()
    {
        Repositories = [],
        Ecs = ecs ?? new ScenarioEcs
        {
            TaskDefinitions = [Definition("api", 1), Definition("api", 2)],
            Clusters = cluster is null ? [] : [cluster],
        },
    };

    private static ScenarioEcsTaskDefinition Definition(string family, int revision, string status = "ACTIVE") =>
        new() { Family = family, Revision = revision, Status = status, Containers = [new() { Name = "app", Image = $"{Registry}/app:v{revision}" }] };
}
