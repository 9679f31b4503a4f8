using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using EcrCleanup.Sandbox.State;

namespace EcrCleanup.Sandbox;

// Amazon ECS: task definitions first (services and tasks name them), then clusters with their services and tasks.
internal static partial class ScenarioLoader
{
    public static readonly IReadOnlyList<string> EcsLaunchTypes = ["EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"];
    public static readonly IReadOnlyList<string> TaskDefinitionStatuses = ["ACTIVE", "INACTIVE", "DELETE_IN_PROGRESS"];
    static readonly string[] ServiceStatuses = ["ACTIVE", "DRAINING", "INACTIVE"];
    static readonly string[] DeploymentStatuses = ["PRIMARY", "ACTIVE", "INACTIVE"];
    static readonly string[] RolloutStates = ["COMPLETED", "FAILED", "IN_PROGRESS"];
    static readonly string[] TaskSetStatuses = ["PRIMARY", "ACTIVE", "DRAINING"];
    static readonly string[] TaskStatuses = ["PROVISIONING", "PENDING", "ACTIVATING", "RUNNING", "DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED", "DELETED"];

    /// <summary>A task's lastStatus once ECS has been asked to stop it (its desiredStatus is then STOPPED).</summary>
    static bool IsStopping(string lastStatus) => lastStatus is "DEACTIVATING" or "STOPPING" or "DEPROVISIONING" or "STOPPED" or "DELETED";

    static (List<EcsCluster> Clusters, List<EcsTaskDefinition> TaskDefinitions) LoadEcs(ScenarioEcs? ecs, List<EcrRepository> repos,
        string account, string region, DateTimeOffset now)
    {
        if (ecs is null)
        {
            return ([], []);
        }

        var definitions = LoadTaskDefinitions(ecs.TaskDefinitions ?? [], account, region, now);
        var clusters = new List<EcsCluster>();
        var cs = ecs.Clusters ?? [];
        for (var c = 0; c < cs.Count; c++)
        {
            var p = $"$.ecs.clusters[{c}]";
            var sc = cs[c] ?? Fail<ScenarioEcsCluster>(p, "must be an object");
            var name = sc.Name ?? Fail<string>(p + ".name", "required");
            if (!EcsNamePattern().IsMatch(name))
            {
                Fail(p + ".name", $"'{name}' is not a cluster name (1-255 of letters, digits, - and _)");
            }

            if (clusters.Exists(x => x.Name == name))
            {
                Fail(p + ".name", $"cluster '{name}' is listed twice");
            }

            var arn = $"arn:aws:ecs:{region}:{account}:cluster/{name}";
            var services = new List<EcsService>();
            var ss = sc.Services ?? [];
            for (var i = 0; i < ss.Count; i++)
            {
                services.Add(LoadEcsService(ss[i], $"{p}.services[{i}]", name, services, definitions, account, region, now));
            }

            var tasks = new List<EcsTask>();
            var ts = sc.Tasks ?? [];
            for (var i = 0; i < ts.Count; i++)
            {
                tasks.Add(LoadEcsTask(ts[i], $"{p}.tasks[{i}]", name, i, tasks, services, definitions, repos, account, region, now));
            }

            // A service's (and each deployment's) counts are its tasks', as ECS reports them.
            foreach (var service in services)
            {
                var own = tasks.Where(t => t.Group == $"service:{service.Name}" && t.DesiredStatus == "RUNNING").ToList();
                service.RunningCount = own.Count(t => t.LastStatus == "RUNNING");
                service.PendingCount = own.Count(t => IsPending(t.LastStatus));
                foreach (var d in service.Deployments.Concat(service.TaskSets))
                {
                    d.RunningCount = own.Count(t => t.StartedBy == d.Id && t.LastStatus == "RUNNING");
                    d.PendingCount = own.Count(t => t.StartedBy == d.Id && IsPending(t.LastStatus));
                }
            }

            clusters.Add(new EcsCluster { Name = name, Arn = arn, Services = services, Tasks = tasks });
        }
        return (clusters, definitions);
    }

    public static bool IsPending(string lastStatus) => lastStatus is "PROVISIONING" or "PENDING" or "ACTIVATING";

    static List<EcsTaskDefinition> LoadTaskDefinitions(List<ScenarioEcsTaskDefinition> list, string account, string region, DateTimeOffset now)
    {
        var definitions = new List<EcsTaskDefinition>();
        for (var i = 0; i < list.Count; i++)
        {
            var p = $"$.ecs.taskDefinitions[{i}]";
            var sd = list[i] ?? Fail<ScenarioEcsTaskDefinition>(p, "must be an object");
            var family = sd.Family ?? Fail<string>(p + ".family", "required");
            if (!EcsNamePattern().IsMatch(family))
            {
                Fail(p + ".family", $"'{family}' is not a task definition family (1-255 of letters, digits, - and _)");
            }

            var revision = Revision(sd.Revision, definitions.Where(x => x.Family == family).Select(x => x.Revision), "task definition", family, p);

            var status = OneOf(sd.Status ?? "ACTIVE", TaskDefinitionStatuses, p + ".status");
            var containers = LoadContainerImages(sd.Containers, p + ".containers", required: true);
            definitions.Add(new EcsTaskDefinition
            {
                Family = family,
                Revision = revision,
                Arn = $"arn:aws:ecs:{region}:{account}:task-definition/{family}:{revision}",
                Status = status,
                Containers = containers!,
                RegisteredAt = now.AddDays(-10).AddMinutes(i),
            });
        }
        return definitions;
    }

    /// <summary>
    /// A revision of a task or job definition: as given, or by default the next of its family's (as Register... numbers
    /// them); each once.
    /// </summary>
    static int Revision(int? given, IEnumerable<int> taken, string kind, string name, string p)
    {
        var revision = given ?? taken.DefaultIfEmpty(0).Max() + 1;
        if (revision < 1)
        {
            Fail(p + ".revision", "must be 1 or more");
        }

        if (taken.Contains(revision))
        {
            Fail(p + ".revision", $"{kind} '{name}:{revision}' is listed twice");
        }

        return revision;
    }

    /// <summary>Containers that name an image (task definitions, Batch job definitions): a unique name and an image each.</summary>
    static List<ContainerImage>? LoadContainerImages(List<ScenarioEcsContainer>? list, string p, bool required)
    {
        if (list is null)
        {
            return required ? Fail<List<ContainerImage>>(p, "required: an array of { name, image }") : null;
        }

        if (list.Count == 0)
        {
            Fail(p, "must hold at least one container");
        }

        var containers = new List<ContainerImage>();
        for (var i = 0; i < list.Count; i++)
        {
            var cp = $"{p}[{i}]";
            var c = list[i] ?? Fail<ScenarioEcsContainer>(cp, "must be an object");
            var name = ContainerName(c.Name, cp, containers.Select(x => x.Name));
            var image = c.Image ?? Fail<string>(cp + ".image", "required");
            ValidateImage(image, cp + ".image");
            if (c.ImageDigest is not null)
            {
                Fail(cp + ".imageDigest", "only a task's containers report a digest");
            }

            containers.Add(new ContainerImage(name, image));
        }
        return containers;
    }

    static string ContainerName(string? name, string p, IEnumerable<string> taken)
    {
        if (name is null)
        {
            Fail(p + ".name", "required");
        }

        if (!EcsNamePattern().IsMatch(name!))
        {
            Fail(p + ".name", $"'{name}' is not a container name (1-255 of letters, digits, - and _)");
        }

        if (taken.Contains(name))
        {
            Fail(p + ".name", $"container '{name}' is listed twice");
        }

        return name!;
    }

    static void ValidateImage(string image, string p)
    {
        if (!ContainerImagePattern().IsMatch(image))
        {
            Fail(p, $"'{image}' is not an image reference (1-255 of letters, digits, - _ : . / @ #)");
        }
    }

    static EcsService LoadEcsService(ScenarioEcsService? ss, string p, string cluster, List<EcsService> services,
        List<EcsTaskDefinition> definitions, string account, string region, DateTimeOffset now)
    {
        if (ss is null)
        {
            Fail(p, "must be an object");
        }

        var name = ss!.Name ?? Fail<string>(p + ".name", "required");
        if (!EcsNamePattern().IsMatch(name))
        {
            Fail(p + ".name", $"'{name}' is not a service name (1-255 of letters, digits, - and _)");
        }

        if (services.Exists(x => x.Name == name))
        {
            Fail(p + ".name", $"service '{name}' is listed twice in this cluster");
        }

        var status = OneOf(ss.Status ?? "ACTIVE", ServiceStatuses, p + ".status");
        // A service being deleted (DRAINING, INACTIVE) has been scaled to 0 first.
        var desired = ss.DesiredCount ?? (status == "ACTIVE" ? 1 : 0);
        if (desired < 0)
        {
            Fail(p + ".desiredCount", "must be 0 or more");
        }

        var launchType = OneOf(ss.LaunchType ?? "EC2", EcsLaunchTypes, p + ".launchType");
        var serviceDefinition = ss.TaskDefinition is null ? null : TaskDefinitionRef(ss.TaskDefinition, p + ".taskDefinition", definitions);
        var arn = $"arn:aws:ecs:{region}:{account}:service/{cluster}/{name}";

        var taskSets = new List<EcsDeployment>();
        var sts = ss.TaskSets ?? [];
        for (var i = 0; i < sts.Count; i++)
        {
            var tp = $"{p}.taskSets[{i}]";
            var st = sts[i] ?? Fail<ScenarioEcsTaskSet>(tp, "must be an object");
            var definition = TaskDefinitionRef(st.TaskDefinition ?? Fail<string>(tp + ".taskDefinition", "required"), tp + ".taskDefinition", definitions);
            var id = EcsSvcId($"taskset\n{cluster}\n{name}\n{i}");
            taskSets.Add(new EcsDeployment
            {
                Id = id,
                Arn = $"arn:aws:ecs:{region}:{account}:task-set/{cluster}/{name}/{id}",
                Status = OneOf(st.Status ?? "ACTIVE", TaskSetStatuses, tp + ".status"),
                TaskDefinitionArn = definition.Arn,
                DesiredCount = 0,
                RolloutState = null,
                CreatedAt = now.AddHours(-(i + 1)),
            });
        }

        var deployments = new List<EcsDeployment>();
        if (ss.Deployments is { } sds)
        {
            for (var i = 0; i < sds.Count; i++)
            {
                var dp = $"{p}.deployments[{i}]";
                var sd = sds[i] ?? Fail<ScenarioEcsDeployment>(dp, "must be an object");
                var dstatus = OneOf(sd.Status ?? Fail<string>(dp + ".status", "required: PRIMARY, ACTIVE or INACTIVE"), DeploymentStatuses, dp + ".status");
                if (dstatus == "PRIMARY" && deployments.Exists(x => x.Status == "PRIMARY"))
                {
                    Fail(dp + ".status", "a service has one PRIMARY deployment");
                }

                var id = sd.Id ?? EcsSvcId($"deployment\n{cluster}\n{name}\n{i}");
                if (!DeploymentIdPattern().IsMatch(id))
                {
                    Fail(dp + ".id", $"'{id}' is not a deployment id (ecs-svc/ and digits)");
                }

                if (deployments.Exists(x => x.Id == id) || taskSets.Exists(x => x.Id == id))
                {
                    Fail(dp + ".id", $"'{id}' is listed twice");
                }

                var definition = TaskDefinitionRef(sd.TaskDefinition ?? Fail<string>(dp + ".taskDefinition", "required"), dp + ".taskDefinition", definitions);
                deployments.Add(new EcsDeployment
                {
                    Id = id,
                    Arn = null,
                    Status = dstatus,
                    TaskDefinitionArn = definition.Arn,
                    DesiredCount = dstatus == "PRIMARY" ? desired : 0,
                    RolloutState = OneOf(sd.RolloutState ?? "COMPLETED", RolloutStates, dp + ".rolloutState"),
                    CreatedAt = now.AddHours(-(i + 1)),
                });
            }
            if (deployments.Count > 0 && !deployments.Exists(x => x.Status == "PRIMARY"))
            {
                Fail(p + ".deployments", "a service's deployments include one PRIMARY");
            }
        }
        else if (taskSets.Count == 0)
        {
            var definition = serviceDefinition ?? Fail<EcsTaskDefinition>(p + ".taskDefinition", "required (family:revision), unless deployments or taskSets say what the service runs");
            deployments.Add(new EcsDeployment
            {
                Id = EcsSvcId($"deployment\n{cluster}\n{name}\n0"),
                Arn = null,
                Status = "PRIMARY",
                TaskDefinitionArn = definition.Arn,
                DesiredCount = desired,
                RolloutState = "COMPLETED",
                CreatedAt = now.AddHours(-1),
            });
        }

        var primary = deployments.Find(x => x.Status == "PRIMARY");
        if (serviceDefinition is not null && primary is not null && primary.TaskDefinitionArn != serviceDefinition.Arn)
        {
            Fail(p + ".taskDefinition", "a service runs its PRIMARY deployment's task definition");
        }

        return new EcsService
        {
            Name = name,
            Arn = arn,
            Status = status,
            DesiredCount = desired,
            LaunchType = launchType,
            TaskDefinitionArn = primary?.TaskDefinitionArn ?? serviceDefinition?.Arn,
            DeploymentController = deployments.Count == 0 ? "EXTERNAL" : "ECS",
            Deployments = deployments,
            TaskSets = taskSets,
            CreatedAt = now.AddDays(-30),
        };
    }

    static EcsTask LoadEcsTask(ScenarioEcsTask? st, string p, string cluster, int index, List<EcsTask> tasks, List<EcsService> services,
        List<EcsTaskDefinition> definitions, List<EcrRepository> repos, string account, string region, DateTimeOffset now)
    {
        if (st is null)
        {
            Fail(p, "must be an object");
        }

        var id = st!.Id ?? Hex(SHA256.HashData(Encoding.UTF8.GetBytes($"task\n{cluster}\n{index}")))[..32];
        if (!TaskIdPattern().IsMatch(id))
        {
            Fail(p + ".id", $"'{id}' is not a task id (32 lowercase hex digits)");
        }

        if (tasks.Exists(x => x.Id == id))
        {
            Fail(p + ".id", $"task '{id}' is listed twice in this cluster");
        }

        var definition = TaskDefinitionRef(st.TaskDefinition ?? Fail<string>(p + ".taskDefinition", "required"), p + ".taskDefinition", definitions);
        var group = st.Group ?? $"family:{definition.Family}";
        if (group.Length is 0 or > 255)
        {
            Fail(p + ".group", "a group has 1-255 characters");
        }

        var lastStatus = OneOf(st.LastStatus ?? "RUNNING", TaskStatuses, p + ".lastStatus");
        var desiredStatus = OneOf(st.DesiredStatus ?? (IsStopping(lastStatus) ? "STOPPED" : "RUNNING"), ["RUNNING", "STOPPED"], p + ".desiredStatus");
        if (IsStopping(lastStatus) && desiredStatus == "RUNNING")
        {
            Fail(p + ".desiredStatus", $"a task whose lastStatus is {lastStatus} has desiredStatus STOPPED");
        }

        // A service's task is started by the deployment (or task set) that runs its task definition.
        var service = group.StartsWith("service:", StringComparison.Ordinal) ? services.Find(s => s.Name == group["service:".Length..]) : null;
        var startedBy = st.StartedBy
            ?? service?.Deployments.Concat(service.TaskSets).FirstOrDefault(d => d.TaskDefinitionArn == definition.Arn)?.Id;
        if (startedBy is { Length: 0 or > 128 })
        {
            Fail(p + ".startedBy", "startedBy has 1-128 characters");
        }

        var containers = new List<EcsContainer>();
        var given = st.Containers ?? [.. definition.Containers.Select(c => new ScenarioEcsContainer { Name = c.Name })];
        for (var i = 0; i < given.Count; i++)
        {
            var cp = $"{p}.containers[{i}]";
            var sc = given[i] ?? Fail<ScenarioEcsContainer>(cp, "must be an object");
            var name = ContainerName(sc.Name, cp, containers.Select(x => x.Name));
            var declared = definition.Containers.Find(x => x.Name == name)
                ?? Fail<ContainerImage>(cp + ".name", $"task definition '{definition.Key}' has no container '{name}'");
            var image = sc.Image ?? declared.Image;
            ValidateImage(image, cp + ".image");
            if (sc.ImageDigest is not null && !DigestPattern().IsMatch(sc.ImageDigest))
            {
                Fail(cp + ".imageDigest", $"'{sc.ImageDigest}' is not a digest (sha256: and 64 lowercase hex digits)");
            }

            var m = ImageUriPattern().Match(image);
            var digest = sc.ImageDigest ?? (m.Success ? DigestAtLoad(m, repos, account, region) : null);
            containers.Add(new EcsContainer($"arn:aws:ecs:{region}:{account}:container/{cluster}/{id}/{DeterministicGuid($"container\n{cluster}\n{id}\n{name}")}",
                name, image, digest));
        }

        return new EcsTask
        {
            Id = id,
            Arn = $"arn:aws:ecs:{region}:{account}:task/{cluster}/{id}",
            TaskDefinition = definition,
            Group = group,
            StartedBy = startedBy,
            LastStatus = lastStatus,
            DesiredStatus = desiredStatus,
            LaunchType = service?.LaunchType ?? "EC2",
            CreatedAt = now.AddHours(-1).AddMinutes(-index),
            Containers = containers,
        };
    }

    /// <summary>A scenario's reference to a task definition: <c>family:revision</c> of one it lists.</summary>
    static EcsTaskDefinition TaskDefinitionRef(string reference, string p, List<EcsTaskDefinition> definitions)
    {
        var colon = reference.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(reference[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var revision))
        {
            return Fail<EcsTaskDefinition>(p, $"'{reference}' is not family:revision");
        }

        var family = reference[..colon];
        return definitions.Find(x => x.Family == family && x.Revision == revision)
            ?? Fail<EcsTaskDefinition>(p, $"no task definition '{reference}' in $.ecs.taskDefinitions");
    }

    /// <summary>A value that must be one of a service's enum values.</summary>
    static string OneOf(string value, IReadOnlyList<string> allowed, string p)
    {
        if (!allowed.Contains(value))
        {
            Fail(p, $"must be one of {string.Join(", ", allowed)}, not '{value}'");
        }

        return value;
    }

    /// <summary>An ECS deployment or task set id: <c>ecs-svc/</c> and 19 digits, derived from a seed.</summary>
    static string EcsSvcId(string seed)
    {
        var n = BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes(seed)), 0);
        return $"ecs-svc/{1_000_000_000_000_000_000UL + n % 9_000_000_000_000_000_000UL}";
    }

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,255}$")] private static partial Regex EcsNamePattern();
    [GeneratedRegex(@"^[A-Za-z0-9_.:/@#-]{1,255}$")] private static partial Regex ContainerImagePattern();
    [GeneratedRegex(@"^ecs-svc/[0-9]{1,20}$")] private static partial Regex DeploymentIdPattern();
    [GeneratedRegex(@"^[0-9a-f]{32}$")] private static partial Regex TaskIdPattern();
}
