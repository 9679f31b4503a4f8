using System.Collections.Concurrent;
using System.Globalization;
using EcrCleanup.Abstractions;
using EcrCleanup.Configuration;
using EcrCleanup.Model;

namespace EcrCleanup.Reading;

/// <summary>
/// Finds what the region's other workloads run and name: every ECS cluster's services (each deployment and task
/// set) and running or pending tasks; and, once the stacks are known, the ECS task definitions, Batch job
/// definitions and App Runner services the watched stacks hold, with the earlier revisions of a production task
/// definition family within the production retention. Each task definition is described once, whoever names it.
/// </summary>
internal sealed class WorkloadReader : IDisposable
{
    /// <summary>Deregistered revisions are listed apart from active ones; a rollback may reach for either.</summary>
    private static readonly string[] RevisionStatuses = ["ACTIVE", "INACTIVE"];

    private const string TaskDefinitionType = "AWS::ECS::TaskDefinition";
    private const string JobDefinitionType = "AWS::Batch::JobDefinition";
    private const string AppRunnerType = "AWS::AppRunner::Service";
    private const int DescribeServicesBatch = 10;
    private const int DescribeTasksBatch = 100;

    private readonly IEcsClient? _ecs;
    private readonly IBatchClient _batch;
    private readonly IAppRunnerClient _appRunner;
    private readonly int _rollbackRevisions;
    private readonly ConcurrentQueue<string> _warnings;
    private readonly Action<ReadProgress>? _progress;
    private readonly SemaphoreSlim _calls;
    // Lazy: GetOrAdd may run its factory on two threads at once (a stack and a service naming the same definition);
    // only the value that wins is ever started, so each definition is described once.
    private readonly ConcurrentDictionary<string, Lazy<Task<EcsTaskDefinition?>>> _taskDefinitions = new(StringComparer.Ordinal);

    /// <param name="ecs">Null when ECS is skipped: no cluster is read, and a watched stack holding a task definition stops the read.</param>
    /// <param name="rollbackRevisions">How many earlier revisions of a production task definition family are read (the engine's <c>RollbackRevisions</c>).</param>
    /// <param name="warnings">Told what the read noticed and could go on with: a runner that no longer exists.</param>
    public WorkloadReader(IEcsClient? ecs, IBatchClient batch, IAppRunnerClient appRunner, CleanupSettings settings, int rollbackRevisions, ConcurrentQueue<string> warnings, Action<ReadProgress>? progress)
    {
        _rollbackRevisions = rollbackRevisions;
        _warnings = warnings;
        _ecs = ecs;
        _batch = batch;
        _appRunner = appRunner;
        _progress = progress;
        _calls = new SemaphoreSlim(settings.ThrottleLimit);
    }

    /// <summary>How many task definitions were read: described, or known from a task that runs them.</summary>
    public int TaskDefinitionsRead => _taskDefinitions.Count;

    public void Dispose() => _calls.Dispose();

    /// <summary>Every cluster's services and running or pending tasks, and the images they run and name.</summary>
    public async Task<WorkloadScan> ReadClustersAsync(CancellationToken cancellationToken)
    {
        if (_ecs is not { } ecs)
        {
            return WorkloadScan.None;
        }

        var clusters = await ListAsync(ecs.ListClustersAsync(cancellationToken)).ConfigureAwait(false);
        var images = new ConcurrentBag<WorkloadImage>();
        int services = 0, tasks = 0, done = 0;
        await Task.WhenAll(clusters.Select(async cluster =>
        {
            var name = AfterSlash(cluster);
            var (serviceCount, taskCount) = await ReadClusterAsync(ecs, cluster, name, images, cancellationToken).ConfigureAwait(false);
            Interlocked.Add(ref services, serviceCount);
            Interlocked.Add(ref tasks, taskCount);
            _progress?.Invoke(new ReadProgress("Reading ECS clusters", name, Interlocked.Increment(ref done), clusters.Count));
        })).ConfigureAwait(false);
        return new WorkloadScan(images.ToArray(), clusters.Count, services, tasks, TaskDefinitionsRead);
    }

    /// <summary>
    /// What the watched stacks' other runners name. Warns of a runner that no longer exists (it runs nothing); stops
    /// when a stack holds a task definition and ECS is skipped.
    /// </summary>
    public async Task<IReadOnlyList<WorkloadImage>> ReadStackRunnersAsync(IReadOnlyList<StackRunner> runners, CancellationToken cancellationToken)
    {
        var taskDefinitions = runners.Where(r => r.ResourceType == TaskDefinitionType).ToList();
        if (taskDefinitions.Count > 0 && _ecs is null)
        {
            var first = taskDefinitions[0];
            throw new ProtectionException(ProtectionException.SourceFailed, "ECS",
                $"ECS is skipped (-SkipEcs), but stack '{first.StackName}' holds ECS task definition {first.LogicalId}{(taskDefinitions.Count > 1 ? $" (and {taskDefinitions.Count - 1} more)" : string.Empty)}: the images it runs cannot be known, so nothing is decided. Run without -SkipEcs (ECS read access: docs/operator-guide.md).");
        }

        var images = new ConcurrentBag<WorkloadImage>();
        await Task.WhenAll(
            Task.WhenAll(taskDefinitions.Select(runner => ReadStackTaskDefinitionAsync(runner, images, cancellationToken))),
            ReadJobDefinitionsAsync(runners.Where(r => r.ResourceType == JobDefinitionType).ToList(), images, cancellationToken),
            Task.WhenAll(runners.Where(r => r.ResourceType == AppRunnerType).Select(runner => ReadAppRunnerAsync(runner, images, cancellationToken)))).ConfigureAwait(false);
        return images.ToArray();
    }

    /// <summary>
    /// One cluster: its services and its tasks are listed and described at once. A task definition a task runs is
    /// known from the task (its containers name the definition's images), so only the task definitions no task runs
    /// (a stopped service, a rollback target) are described.
    /// </summary>
    private async Task<(int Services, int Tasks)> ReadClusterAsync(IEcsClient ecs, string cluster, string name, ConcurrentBag<WorkloadImage> images, CancellationToken cancellationToken)
    {
        async Task<IReadOnlyList<T>> ListAndDescribeAsync<T>(IAsyncEnumerable<string> listing, int batchSize, Func<IReadOnlyList<string>, Task<IReadOnlyList<T>>> describe)
        {
            var arns = await ListAsync(listing).ConfigureAwait(false);
            var described = await Task.WhenAll(arns.Chunk(batchSize).Select(batch => LimitedAsync(() => describe(batch)))).ConfigureAwait(false);
            return described.SelectMany(d => d).ToList();
        }

        var servicesRead = ListAndDescribeAsync(ecs.ListServicesAsync(cluster, cancellationToken), DescribeServicesBatch, batch => ecs.DescribeServicesAsync(cluster, batch, cancellationToken));
        var tasks = await ListAndDescribeAsync(ecs.ListTasksAsync(cluster, cancellationToken), DescribeTasksBatch, batch => ecs.DescribeTasksAsync(cluster, batch, cancellationToken)).ConfigureAwait(false);
        foreach (var task in tasks)
        {
            foreach (var container in task.Containers)
            {
                images.Add(new WorkloadImage(WorkloadKind.EcsTask,
                    $"ECS task {name}/{AfterSlash(task.TaskArn)} ({task.LastStatus}{(string.IsNullOrEmpty(task.Group) ? string.Empty : ", " + task.Group)}), container {container.Name}",
                    null, Parse(container.Image), container.ImageDigest));
            }

            if (task.Containers.Count > 0 && task.Containers.All(c => !string.IsNullOrEmpty(c.Image)) && FamilyAndRevision(task.TaskDefinitionArn) is var (family, revision))
            {
                _taskDefinitions.TryAdd(task.TaskDefinitionArn, new Lazy<Task<EcsTaskDefinition?>>(Task.FromResult<EcsTaskDefinition?>(
                    new EcsTaskDefinition(task.TaskDefinitionArn, family, revision, "ACTIVE", task.Containers.Select(c => new EcsContainerImage(c.Name, c.Image)).ToArray()))));
            }
        }

        var services = await servicesRead.ConfigureAwait(false);
        await Task.WhenAll(services.Select(service => ReadServiceAsync(name, service, images, cancellationToken))).ConfigureAwait(false);
        return (services.Count, tasks.Count);
    }

    /// <summary>Every task definition a service may run: each deployment's (PRIMARY first), each task set's, and the service's own.</summary>
    private Task ReadServiceAsync(string cluster, EcsService service, ConcurrentBag<WorkloadImage> images, CancellationToken cancellationToken)
    {
        var uses = service.Deployments
            .OrderBy(d => d.Status == "PRIMARY" ? 0 : 1)
            .Select(d => (d.TaskDefinition, Label: $"{d.Status} deployment{(string.IsNullOrEmpty(d.RolloutState) ? string.Empty : $" ({d.RolloutState})")}", Runs: d.Status != "INACTIVE"))
            .Concat(service.TaskSets.Select(t => (TaskDefinition: t, Label: "task set", Runs: true)))
            .Append((TaskDefinition: service.TaskDefinition ?? string.Empty, Label: "service", Runs: true))
            .Where(u => !string.IsNullOrEmpty(u.TaskDefinition))
            .DistinctBy(u => u.TaskDefinition, StringComparer.Ordinal);
        return Task.WhenAll(uses.Select(async use =>
        {
            var definition = await DescribeTaskDefinitionAsync(use.TaskDefinition, cancellationToken).ConfigureAwait(false);
            if (definition is null && !use.Runs)
            {
                // A deployment ECS has retired runs nothing any more; its task definition may be deleted since.
                _warnings.Enqueue($"ECS service {cluster}/{service.ServiceName} lists an INACTIVE deployment of task definition {AfterSlash(use.TaskDefinition)}, which no longer exists; it runs nothing.");
                return;
            }

            definition = definition ?? throw new ProtectionException(ProtectionException.SourceFailed, "ECS",
                    $"ECS service {cluster}/{service.ServiceName} runs task definition {AfterSlash(use.TaskDefinition)}, and ECS DescribeTaskDefinition says it does not exist: the two answers contradict each other, so what the service runs is not known and nothing is decided. Run again; if it persists, check the endpoint.");
            AddDefinition(images, WorkloadKind.EcsService, $"ECS service {cluster}/{service.ServiceName}, {use.Label}, ", definition, null);
        }));
    }

    private async Task ReadStackTaskDefinitionAsync(StackRunner runner, ConcurrentBag<WorkloadImage> images, CancellationToken cancellationToken)
    {
        var definition = await DescribeTaskDefinitionAsync(runner.PhysicalId, cancellationToken).ConfigureAwait(false);
        if (definition is null)
        {
            _warnings.Enqueue($"ECS task definition {AfterSlash(runner.PhysicalId)} of stack '{runner.StackName}' ({runner.LogicalId}) does not exist; it runs nothing.");
            return;
        }

        AddDefinition(images, WorkloadKind.EcsTaskDefinition, string.Empty, definition, runner);
        if (runner.Environment != DeploymentEnvironment.Production || _rollbackRevisions == 0)
        {
            return;
        }

        // A rollback of production reaches for the family's earlier revisions: the newest of them, as many as the
        // decisions keep, deregistered (INACTIVE) ones included.
        var listings = await Task.WhenAll(RevisionStatuses.Select(status => ListAsync(_ecs!.ListTaskDefinitionsAsync(definition.Family, status, cancellationToken)))).ConfigureAwait(false);
        var earlier = listings.SelectMany(arns => arns)
            .Select(arn => (Arn: arn, Named: FamilyAndRevision(arn)))
            .Where(d => d.Named is { } named && named.Family == definition.Family && named.Revision < definition.Revision)
            .Select(d => (d.Arn, d.Named!.Value.Revision))
            .OrderByDescending(d => d.Revision)
            .DistinctBy(d => d.Revision)
            .Take(_rollbackRevisions)
            .ToList();
        await Task.WhenAll(earlier.Select(async (revision, index) =>
        {
            // Deleted since it was listed: nothing to roll back to.
            if (await DescribeTaskDefinitionAsync(revision.Arn, cancellationToken).ConfigureAwait(false) is { } older)
            {
                AddDefinition(images, WorkloadKind.EcsTaskDefinition, string.Empty, older, runner, index + 2, _rollbackRevisions + 1);
            }
        })).ConfigureAwait(false);
    }

    private async Task ReadJobDefinitionsAsync(IReadOnlyList<StackRunner> runners, ConcurrentBag<WorkloadImage> images, CancellationToken cancellationToken)
    {
        if (runners.Count == 0)
        {
            return;
        }

        var described = (await LimitedAsync(() => _batch.DescribeJobDefinitionsAsync(runners.Select(r => r.PhysicalId).Distinct(StringComparer.Ordinal).ToList(), cancellationToken)).ConfigureAwait(false))
            .ToDictionary(d => d.JobDefinitionArn, StringComparer.Ordinal);
        foreach (var runner in runners)
        {
            if (!described.TryGetValue(runner.PhysicalId, out var definition))
            {
                _warnings.Enqueue($"Batch job definition {AfterSlash(runner.PhysicalId)} of stack '{runner.StackName}' ({runner.LogicalId}) does not exist; it runs nothing.");
                continue;
            }

            foreach (var image in definition.Images)
            {
                images.Add(new WorkloadImage(WorkloadKind.BatchJobDefinition, string.Create(CultureInfo.InvariantCulture, $"Batch job definition {definition.Name}:{definition.Revision}"), runner, Parse(image), null));
            }
        }
    }

    private async Task ReadAppRunnerAsync(StackRunner runner, ConcurrentBag<WorkloadImage> images, CancellationToken cancellationToken)
    {
        var service = await LimitedAsync(() => _appRunner.DescribeServiceAsync(runner.PhysicalId, cancellationToken)).ConfigureAwait(false);
        if (service is null)
        {
            _warnings.Enqueue($"App Runner service {runner.PhysicalId} of stack '{runner.StackName}' ({runner.LogicalId}) does not exist; it runs nothing.");
        }
        else if (service.ImageIdentifier is { } image)
        {
            images.Add(new WorkloadImage(WorkloadKind.AppRunnerService, $"App Runner service {service.ServiceName}", runner, Parse(image), null));
        }
    }

    private static void AddDefinition(ConcurrentBag<WorkloadImage> images, WorkloadKind kind, string prefix, EcsTaskDefinition definition, StackRunner? stack, int? rollbackRank = null, int builds = 0)
    {
        foreach (var container in definition.Containers)
        {
            images.Add(new WorkloadImage(kind,
                string.Create(CultureInfo.InvariantCulture, $"{prefix}ECS task definition {definition.Family}:{definition.Revision}{(rollbackRank is { } rank ? $" (revision #{rank} of {builds} kept for rollback)" : string.Empty)}, container {container.Name}"),
                stack, Parse(container.Image), null, rollbackRank));
        }
    }

    /// <summary>Each task definition once, whoever names it, by the ARN or family:revision it is named by.</summary>
    private Task<EcsTaskDefinition?> DescribeTaskDefinitionAsync(string taskDefinition, CancellationToken cancellationToken) =>
        _taskDefinitions.GetOrAdd(taskDefinition, arn => new Lazy<Task<EcsTaskDefinition?>>(() => LimitedAsync(() => _ecs!.DescribeTaskDefinitionAsync(arn, cancellationToken)))).Value;

    private async Task<IReadOnlyList<string>> ListAsync(IAsyncEnumerable<string> listing)
    {
        var items = new List<string>();
        await _calls.WaitAsync().ConfigureAwait(false);
        try
        {
            await foreach (var item in listing.ConfigureAwait(false))
            {
                items.Add(item);
            }
        }
        finally
        {
            _calls.Release();
        }

        return items;
    }

    /// <summary>At most ThrottleLimit calls of this reader at once.</summary>
    private async Task<T> LimitedAsync<T>(Func<Task<T>> call)
    {
        await _calls.WaitAsync().ConfigureAwait(false);
        try
        {
            return await call().ConfigureAwait(false);
        }
        finally
        {
            _calls.Release();
        }
    }

    /// <summary>An ECS or Docker image name: a tag, a digest, or neither (which means <c>latest</c>); null when it is not an ECR image.</summary>
    private static ImageReference? Parse(string? image)
    {
        var reference = ImageReference.Parse(image);
        return reference is { Tag: null, Digest: null } ? reference with { Tag = "latest" } : reference;
    }

    /// <summary>What follows the last slash of an ARN: a cluster's name, a task's id, a task definition's family:revision.</summary>
    private static string AfterSlash(string arn) => arn[(arn.LastIndexOf('/') + 1)..];

    /// <summary>The family and revision a task definition ARN (or family:revision) names; null when it names neither.</summary>
    private static (string Family, int Revision)? FamilyAndRevision(string taskDefinition)
    {
        var name = AfterSlash(taskDefinition);
        var colon = name.LastIndexOf(':');
        return colon > 0 && int.TryParse(name[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var revision) ? (name[..colon], revision) : null;
    }
}
