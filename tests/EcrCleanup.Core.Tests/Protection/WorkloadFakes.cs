using System.Runtime.CompilerServices;
using EcrCleanup.Abstractions;

namespace EcrCleanup.Core.Tests.Protection;

/// <summary>The world's other workloads: ECS clusters, services, tasks and task definitions; Batch; App Runner; stack templates.</summary>
internal sealed partial class ProtectionWorld : IEcsClient, IBatchClient, IAppRunnerClient
{
    public Dictionary<string, List<EcsService>> Services { get; } = new();
    public Dictionary<string, List<EcsTask>> Tasks { get; } = new();
    public Dictionary<string, EcsTaskDefinition> TaskDefinitions { get; } = new();
    public Dictionary<string, BatchJobDefinition> JobDefinitions { get; } = new();
    public Dictionary<string, AppRunnerService> AppRunnerServices { get; } = new();

    /// <summary>Each stack's template resources, by stack id; a stack without an entry has a template with none.</summary>
    public Dictionary<string, List<TemplateResource>> Templates { get; } = new();

    public static string ClusterArn(string name) => $"arn:aws:ecs:{Region}:{Account}:cluster/{name}";

    public string AddTaskDefinition(string family, int revision, string image, string status = "ACTIVE")
    {
        var arn = $"arn:aws:ecs:{Region}:{Account}:task-definition/{family}:{revision}";
        TaskDefinitions[arn] = new EcsTaskDefinition(arn, family, revision, status, [new EcsContainerImage("app", image)]);
        return arn;
    }

    /// <summary>A service whose deployments run the task definitions given, the first PRIMARY, the rest ACTIVE.</summary>
    public void AddService(string cluster, string name, params string[] taskDefinitions)
    {
        var deployments = taskDefinitions.Select((t, i) => new EcsDeployment($"ecs-svc/{i}", i == 0 ? "PRIMARY" : "ACTIVE", t, i == 0 && taskDefinitions.Length > 1 ? "IN_PROGRESS" : "COMPLETED")).ToArray();
        ServicesOf(cluster).Add(new EcsService($"arn:aws:ecs:{Region}:{Account}:service/{cluster}/{name}", name, ClusterArn(cluster), "ACTIVE", 1, taskDefinitions[0], deployments, []));
    }

    public void AddTask(string cluster, string taskDefinition, string image, string? digest)
    {
        TasksOf(cluster).Add(new EcsTask($"arn:aws:ecs:{Region}:{Account}:task/{cluster}/{Guid.NewGuid():N}", ClusterArn(cluster), taskDefinition, "service:api", "RUNNING", [new EcsContainer("app", image, digest)]));
    }

    public void AddRunner(string stackId, string logicalId, string type, string physicalId) =>
        Resources[stackId].Add(new CloudFormationResource(logicalId, physicalId, type, "UPDATE_COMPLETE"));

    private List<EcsService> ServicesOf(string cluster) => Services.TryGetValue(ClusterArn(cluster), out var list) ? list : Services[ClusterArn(cluster)] = [];

    private List<EcsTask> TasksOf(string cluster)
    {
        _ = ServicesOf(cluster);
        return Tasks.TryGetValue(ClusterArn(cluster), out var list) ? list : Tasks[ClusterArn(cluster)] = [];
    }

    public async IAsyncEnumerable<string> ListClustersAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Call("ECS:ListClusters");
        foreach (var cluster in Services.Keys)
        {
            await Task.Yield();
            yield return cluster;
        }
    }

    public async IAsyncEnumerable<string> ListServicesAsync(string cluster, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Call("ECS:ListServices");
        foreach (var service in Services[cluster])
        {
            await Task.Yield();
            yield return service.ServiceArn;
        }
    }

    public Task<IReadOnlyList<EcsService>> DescribeServicesAsync(string cluster, IReadOnlyList<string> services, CancellationToken cancellationToken)
    {
        Call("ECS:DescribeServices");
        return Task.FromResult<IReadOnlyList<EcsService>>(Services[cluster].Where(s => services.Contains(s.ServiceArn)).ToList());
    }

    public async IAsyncEnumerable<string> ListTasksAsync(string cluster, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Call("ECS:ListTasks");
        foreach (var task in Tasks.GetValueOrDefault(cluster) ?? [])
        {
            await Task.Yield();
            yield return task.TaskArn;
        }
    }

    public Task<IReadOnlyList<EcsTask>> DescribeTasksAsync(string cluster, IReadOnlyList<string> tasks, CancellationToken cancellationToken)
    {
        Call("ECS:DescribeTasks");
        return Task.FromResult<IReadOnlyList<EcsTask>>(Tasks[cluster].Where(t => tasks.Contains(t.TaskArn)).ToList());
    }

    public Task<EcsTaskDefinition?> DescribeTaskDefinitionAsync(string taskDefinition, CancellationToken cancellationToken)
    {
        Call("ECS:DescribeTaskDefinition");
        return Task.FromResult(TaskDefinitions.GetValueOrDefault(taskDefinition));
    }

    public async IAsyncEnumerable<string> ListTaskDefinitionsAsync(string familyPrefix, string status, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Call("ECS:ListTaskDefinitions");
        foreach (var definition in TaskDefinitions.Values.Where(d => d.Family.StartsWith(familyPrefix, StringComparison.Ordinal) && d.Status == status).OrderByDescending(d => d.Revision))
        {
            await Task.Yield();
            yield return definition.TaskDefinitionArn;
        }
    }

    public Task<IReadOnlyList<BatchJobDefinition>> DescribeJobDefinitionsAsync(IReadOnlyList<string> jobDefinitionArns, CancellationToken cancellationToken)
    {
        Call("Batch:DescribeJobDefinitions");
        return Task.FromResult<IReadOnlyList<BatchJobDefinition>>(jobDefinitionArns.Select(JobDefinitions.GetValueOrDefault).OfType<BatchJobDefinition>().ToList());
    }

    public Task<AppRunnerService?> DescribeServiceAsync(string serviceArn, CancellationToken cancellationToken)
    {
        Call("App Runner:DescribeService");
        return Task.FromResult(AppRunnerServices.GetValueOrDefault(serviceArn));
    }

    public Task<IReadOnlyList<TemplateResource>?> GetTemplateResourcesAsync(string stackNameOrId, CancellationToken cancellationToken)
    {
        Call("CloudFormation:GetTemplate");
        return Task.FromResult<IReadOnlyList<TemplateResource>?>(Stacks.Any(s => s.StackId == stackNameOrId) ? Templates.GetValueOrDefault(stackNameOrId) ?? [] : null);
    }
}
