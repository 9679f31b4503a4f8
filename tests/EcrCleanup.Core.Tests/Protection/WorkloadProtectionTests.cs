using EcrCleanup.Abstractions;
using EcrCleanup.Configuration;
using EcrCleanup.Decisions;
using EcrCleanup.Diagnostics;
using EcrCleanup.Model;
using EcrCleanup.Reading;
using static EcrCleanup.Core.Tests.Protection.ProtectionWorld;

namespace EcrCleanup.Core.Tests.Protection;

/// <summary>What ECS, Batch and App Runner run, read against fake services and decided: every image they name or run is kept.</summary>
public class WorkloadProtectionTests
{
    private readonly ProtectionWorld world = new();
    private readonly string production;
    private readonly string pullRequest;
    private readonly EcrImage live;

    public WorkloadProtectionTests()
    {
        production = world.AddStack("HelpmatonProduction");
        pullRequest = world.AddStack("HelpmatonStagingPR42");
        live = world.AddImage("live", 30, "lancedb-" + Sha("c0")[..7]);
        world.AddFunction(production, "prod-api", live);
        world.BranchCommits.Add(Sha("c0"));
    }

    [Fact]
    public async Task Keeps_the_digest_a_task_runs_when_the_tag_it_names_moved_and_the_image_the_tag_names_now()
    {
        var old = world.AddImage("old", 200);
        var now = world.AddImage("now", 100, "web-stable");
        var definition = world.AddTaskDefinition("web", 3, Uri("web-stable"));
        world.AddService("apps", "web", definition);
        world.AddTask("apps", definition, Uri("web-stable"), old.Digest);

        var result = await Run();

        var task = Assert.Single(For(result, old));
        Assert.Equal(ProtectionReason.DeployedOutsideStacks, task.Reason);
        Assert.StartsWith("ECS task apps/", task.Workload, StringComparison.Ordinal);
        Assert.Contains(For(result, now), p => p.Workload!.StartsWith("ECS service apps/web, PRIMARY deployment", StringComparison.Ordinal) && p.Workload.Contains("task definition web:3", StringComparison.Ordinal));
        Assert.Equal(CleanupAction.Keep, Candidate(result, old).Action);
        Assert.Contains("Deployed outside the watched stacks: ECS task apps/", Candidate(result, old).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keeps_the_old_and_the_new_task_definition_of_a_service_mid_deployment()
    {
        var previous = world.AddImage("previous", 200, "api-1111111");
        var next = world.AddImage("next", 100, "api-2222222");
        var unused = world.AddImage("unused", 300, "api-3333333");
        world.AddService("apps", "api", world.AddTaskDefinition("api", 8, Uri(next.Digest)), world.AddTaskDefinition("api", 7, Uri("api-1111111")));
        world.AddTaskDefinition("api", 6, Uri("api-3333333"));

        var result = await Run();

        Assert.Contains(For(result, next), p => p.Workload == "ECS service apps/api, PRIMARY deployment (IN_PROGRESS), ECS task definition api:8, container app");
        Assert.Contains(For(result, previous), p => p.Workload == "ECS service apps/api, ACTIVE deployment (COMPLETED), ECS task definition api:7, container app");
        Assert.Equal(CleanupAction.Delete, Candidate(result, unused).Action);
    }

    [Fact]
    public async Task Keeps_the_revisions_of_a_production_task_definition_family_within_the_retention_and_no_older()
    {
        var revisions = Enumerable.Range(1, 5).Select(r => world.AddImage($"rev{r}", 500 - r, $"worker-{Sha("r" + r)[..7]}")).ToArray();
        for (var r = 1; r <= 4; r++)
        {
            world.AddTaskDefinition("worker", r, Uri(revisions[r - 1].Tags[0]), status: "INACTIVE");
        }

        world.AddRunner(production, "WorkerTask", "AWS::ECS::TaskDefinition", world.AddTaskDefinition("worker", 5, Uri(revisions[4].Tags[0])));
        world.AddService("prod", "worker", $"arn:aws:ecs:{Region}:{Account}:task-definition/worker:5");
        world.Services[ClusterArn("prod")][0] = world.Services[ClusterArn("prod")][0] with { DesiredCount = 0 }; // stopped

        var result = await Run(); // retention 3

        Assert.Contains(For(result, revisions[4]), p => p.Reason == ProtectionReason.Deployed && p.StackName == "HelpmatonProduction" && p.Environment == DeploymentEnvironment.Production);
        var second = Assert.Single(For(result, revisions[3]));
        Assert.Equal(ProtectionReason.ProductionRetention, second.Reason);
        Assert.Equal(2, second.ProductionRank);
        Assert.Equal("Production rollback: HelpmatonProduction / ECS task definition worker:4 (revision #2 of 3 kept for rollback), container app", ProtectionDescription.Describe(second));
        Assert.Contains(For(result, revisions[2]), p => p.ProductionRank == 3);
        Assert.Equal(CleanupAction.Delete, Candidate(result, revisions[1]).Action);
        Assert.Equal(CleanupAction.Delete, Candidate(result, revisions[0]).Action);
    }

    [Fact]
    public async Task A_production_stack_that_runs_only_ECS_runs_production_build_one()
    {
        world.Resources[production].Clear(); // no Lambda function any more
        world.AddRunner(production, "ApiTask", "AWS::ECS::TaskDefinition", world.AddTaskDefinition("api", 1, Uri(live.Tags[0])));

        var result = await Run();

        Assert.Contains(For(result, live), p => p.Reason == ProtectionReason.Deployed && p.Workload == "ECS task definition api:1, container app");
        Assert.Equal(1, Candidate(result, live).ProductionRank);
    }

    [Fact]
    public async Task Keeps_what_a_Batch_job_definition_and_an_App_Runner_service_of_a_pull_request_stack_name()
    {
        var job = world.AddImage("job", 100, "job-4444444");
        var web = world.AddImage("web", 100, "web-5555555");
        const string jobArn = $"arn:aws:batch:{Region}:{Account}:job-definition/nightly:3";
        const string webArn = $"arn:aws:apprunner:{Region}:{Account}:service/web/0123456789abcdef0123456789abcdef";
        world.JobDefinitions[jobArn] = new BatchJobDefinition(jobArn, "nightly", 3, "ACTIVE", [Uri("job-4444444")]);
        world.AppRunnerServices[webArn] = new AppRunnerService(webArn, "web", "RUNNING", Uri(web.Digest), "ECR");
        world.AddRunner(pullRequest, "Nightly", "AWS::Batch::JobDefinition", jobArn);
        world.AddRunner(pullRequest, "Web", "AWS::AppRunner::Service", webArn);

        var result = await Run();

        var batch = Assert.Single(For(result, job));
        Assert.Equal((ProtectionReason.Deployed, DeploymentEnvironment.PullRequest, 42, "Batch job definition nightly:3"), (batch.Reason, batch.Environment, batch.PullRequestNumber!.Value, batch.Workload!));
        Assert.Contains(For(result, web), p => p.Workload == "App Runner service web" && p.StackName == "HelpmatonStagingPR42");
    }

    [Fact]
    public async Task Warns_of_a_resource_of_another_type_that_names_an_image_of_the_repository()
    {
        world.Templates[pullRequest] =
        [
            new TemplateResource("Model", "AWS::SageMaker::Model", ["${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/app:model-1"]),
            new TemplateResource("Other", "AWS::SageMaker::Model", [$"{Account}.dkr.ecr.{Region}.amazonaws.com/application:x"]),
            new TemplateResource("Policy", "AWS::IAM::Policy", [$"arn:aws:ecr:{Region}:{Account}:repository/app"]),
        ];

        var result = await Run();

        var warning = Assert.Single(result.Warnings, w => w.Contains("in a property the module does not read", StringComparison.Ordinal));
        Assert.StartsWith("Stack 'HelpmatonStagingPR42' resource Model (AWS::SageMaker::Model) names an image of app", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stops_when_ECS_cannot_answer()
    {
        world.AddService("apps", "api", world.AddTaskDefinition("api", 1, Uri(live.Tags[0])));
        world.Failing.Add("ECS:ListTasks");

        var e = await Assert.ThrowsAsync<ProtectionException>(() => Run());

        Assert.Equal(("ECS", ProtectionException.SourceFailed), (e.Source, e.ErrorId));
        Assert.Contains("ListTasks", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stops_when_a_service_runs_a_task_definition_ECS_says_does_not_exist()
    {
        world.AddService("apps", "api", $"arn:aws:ecs:{Region}:{Account}:task-definition/gone:1");

        var e = await Assert.ThrowsAsync<ProtectionException>(() => Run());

        Assert.Contains("contradict", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Warns_and_goes_on_when_a_retired_deployment_names_a_task_definition_that_no_longer_exists()
    {
        var runs = world.AddImage("runs", 100, "api-8888888");
        var definition = world.AddTaskDefinition("api", 2, Uri("api-8888888"));
        world.AddService("apps", "api", definition);
        var service = world.Services[ClusterArn("apps")][0];
        world.Services[ClusterArn("apps")][0] = service with { Deployments = [.. service.Deployments, new EcsDeployment("ecs-svc/9", "INACTIVE", $"arn:aws:ecs:{Region}:{Account}:task-definition/gone:1", "COMPLETED")] };

        var result = await Run();

        Assert.NotEmpty(For(result, runs));
        Assert.Contains(result.Warnings, w => w == "ECS service apps/api lists an INACTIVE deployment of task definition gone:1, which no longer exists; it runs nothing.");
    }

    [Fact]
    public async Task Skipping_ECS_reads_no_cluster_and_says_so()
    {
        var ran = world.AddImage("ran", 100, "api-6666666");
        var definition = world.AddTaskDefinition("api", 1, Uri("api-6666666"));
        world.AddService("apps", "api", definition);

        var result = await Run(ecs: false);

        Assert.DoesNotContain(world.Calls.Keys, k => k.StartsWith("ECS:", StringComparison.Ordinal));
        Assert.Empty(For(result, ran));
        Assert.Contains(result.Warnings, w => w.StartsWith("ECS is skipped (-SkipEcs)", StringComparison.Ordinal));
        Assert.Null(result.Evidence.Ecs);
    }

    [Fact]
    public async Task Skipping_ECS_stops_when_a_watched_stack_holds_a_task_definition()
    {
        world.AddRunner(pullRequest, "Task", "AWS::ECS::TaskDefinition", world.AddTaskDefinition("api", 1, Uri(live.Tags[0])));

        var e = await Assert.ThrowsAsync<ProtectionException>(() => Run(ecs: false));

        Assert.Contains("stack 'HelpmatonStagingPR42' holds ECS task definition Task", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reads_ECS_with_the_other_sources_and_describes_each_task_definition_once()
    {
        var definition = world.AddTaskDefinition("api", 1, Uri(live.Tags[0]));
        world.AddService("apps", "api", definition);
        world.AddService("apps", "api-canary", definition);
        world.AddRunner(pullRequest, "Task", "AWS::ECS::TaskDefinition", definition);
        // ECR answers only once ECS has been asked: read one after another, it never would.
        world.WaitFor["ECR:DescribeImages"] = ["ECS:ListClusters", "CloudFormation:ListStacks"];

        var result = await Run();

        Assert.Equal(1, world.Calls["ECS:DescribeTaskDefinition"]);
        Assert.Equal((1, 2, 0, 1), (result.Evidence.Ecs!.Clusters, result.Evidence.Ecs.Services, result.Evidence.Ecs.Tasks, result.Evidence.Ecs.TaskDefinitions));
    }

    [Fact]
    public async Task Describes_no_task_definition_a_running_task_already_shows()
    {
        var runs = world.AddImage("runs", 100, "api-7777777");
        var definition = world.AddTaskDefinition("api", 4, Uri("api-7777777"));
        world.AddService("apps", "api", definition);
        world.AddTask("apps", definition, Uri("api-7777777"), runs.Digest);

        var result = await Run();

        Assert.False(world.Calls.ContainsKey("ECS:DescribeTaskDefinition"));
        Assert.Contains(For(result, runs), p => p.Workload == "ECS service apps/api, PRIMARY deployment (COMPLETED), ECS task definition api:4, container app");
        Assert.Equal(1, result.Evidence.Ecs!.TaskDefinitions);
    }

    private Task<CleanupDecisions> Run(bool ecs = true) =>
        new CleanupRun(new CleanupSettings(Repo, Region) { Policy = new CleanupPolicy { ProductionRetentionCount = 3 } },
                new CleanupServices(world, world, world, ecs ? world : null, world, world, world, new ServiceCallRecorder()), TimeProvider.System)
            .DecideAsync(null, CancellationToken.None);

    private static ProtectedImage[] For(CleanupDecisions result, EcrImage image) => result.Protected.Where(p => p.Digest == image.Digest).ToArray();

    private static CleanupCandidate Candidate(CleanupDecisions result, EcrImage image) => result.Candidates.Single(c => c.Digest == image.Digest);
}
