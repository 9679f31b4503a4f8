using System.Text.Json;
using System.Text.RegularExpressions;
using EcrCleanup.Sandbox.Aws;
using EcrCleanup.Sandbox.State;

namespace EcrCleanup.Sandbox.Ecs;

/// <summary>
/// Amazon ECS over awsJson1_1: <c>POST /</c>, <c>X-Amz-Target: AmazonEC2ContainerServiceV20141113.Op</c>. Reads only:
/// ListClusters, ListServices, DescribeServices, ListTasks, DescribeTasks, DescribeTaskDefinition, ListTaskDefinitions.
/// </summary>
internal static partial class EcsHandler
{
    public const string TargetPrefix = "AmazonEC2ContainerServiceV20141113.";
    const string DefaultCluster = "default";
    const int MaxPage = 100;
    const int ListServicesPage = 10;
    const int MaxServices = 10;
    const int MaxTasks = 100;

    /// <summary>
    /// What a fault's <c>match</c> is tested against: the cluster a cluster-scoped request names (default "default"), with
    /// the services, service name or family it asks about; the task definition family (DescribeTaskDefinition,
    /// ListTaskDefinitions' familyPrefix). Several subjects are joined by newlines.
    /// </summary>
    public static string Target(string operation, byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body.Length == 0 ? "{}"u8.ToArray() : body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return "";
            }

            string? Str(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var subjects = operation switch
            {
                "ListClusters" => [],
                "DescribeTaskDefinition" => [Family(Str("taskDefinition") ?? "")],
                "ListTaskDefinitions" => [Str("familyPrefix") ?? ""],
                _ => new List<string> { ClusterName(Str("cluster") ?? DefaultCluster) },
            };
            if (operation == "DescribeServices" && root.TryGetProperty("services", out var services) && services.ValueKind == JsonValueKind.Array)
            {
                subjects.AddRange(services.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => Leaf(x.GetString()!)));
            }

            if (operation == "ListTasks")
            {
                subjects.AddRange(new[] { Str("serviceName"), Str("family") }.OfType<string>());
            }

            return string.Join("\n", subjects);
        }
        catch (JsonException)
        {
            return "";
        }
    }

    public static byte[] Handle(AwsCall call)
    {
        var input = JsonInput.Parse(call.Body);
        return call.Operation switch
        {
            "ListClusters" => ListClusters(call, input),
            "ListServices" => ListServices(call, input),
            "DescribeServices" => DescribeServices(call, input),
            "ListTasks" => ListTasks(call, input),
            "DescribeTasks" => DescribeTasks(call, input),
            "DescribeTaskDefinition" => DescribeTaskDefinition(call, input),
            "ListTaskDefinitions" => ListTaskDefinitions(call, input),
            _ => throw UnknownOperation(),
        };
    }

    public static AwsException UnknownOperation() => new("UnknownOperationException", 400, "");

    // ---------------------------------------------------------------- ListClusters

    static byte[] ListClusters(AwsCall call, JsonInput input)
    {
        var (page, token) = call.Page(call.State.EcsClusters, "", input.String("nextToken"), PageSize(input, MaxPage), InvalidToken);
        return Arns("clusterArns", page.Select(c => c.Arn), token);
    }

    // ---------------------------------------------------------------- ListServices

    static byte[] ListServices(AwsCall call, JsonInput input)
    {
        var cluster = Cluster(call.State, input);
        var launchType = Enum(input, "launchType", ScenarioLoader.EcsLaunchTypes);
        var strategy = Enum(input, "schedulingStrategy", ["REPLICA", "DAEMON"]);
        // INACTIVE services are described but no longer listed; every sandbox service is a REPLICA service.
        var services = cluster.Services
            .Where(s => s.Status != "INACTIVE" && (launchType is null || s.LaunchType == launchType) && strategy is null or "REPLICA")
            .ToList();
        var (page, token) = call.Page(services, $"{cluster.Name}\n{launchType}\n{strategy}", input.String("nextToken"), PageSize(input, ListServicesPage), InvalidToken);
        return Arns("serviceArns", page.Select(s => s.Arn), token);
    }

    // ---------------------------------------------------------------- DescribeServices

    static byte[] DescribeServices(AwsCall call, JsonInput input)
    {
        var state = call.State;
        var cluster = Cluster(state, input);
        var names = Names(input, "services", MaxServices, "Services cannot be empty.", "service names can have at most 10 items.");
        var tags = Include(input, "ServiceField");
        return Describe(state, cluster, names, "service", "services",
            name => cluster.Services.Find(s => s.Name == name || s.Arn == name || OldArn(state, "service", s.Name) == name),
            (w, s) => WriteService(w, s, cluster, state, tags));
    }

    /// <summary>
    /// A Describe call's answer: what each name or ARN asked for names (in order, once each) under <paramref name="field"/>;
    /// the rest as MISSING failures, by the ARN asked for or the one the name would have in this cluster.
    /// </summary>
    static byte[] Describe<T>(SandboxState state, EcsCluster cluster, List<string> asked, string kind, string field,
        Func<string, T?> find, Action<Utf8JsonWriter, T> write) where T : class
    {
        var found = new List<T>();
        var failures = new List<string>();
        foreach (var name in asked)
        {
            var item = find(name);
            if (item is null)
            {
                failures.Add(name.StartsWith("arn:", StringComparison.Ordinal) ? name : $"arn:aws:ecs:{state.Region}:{state.Account}:{kind}/{cluster.Name}/{name}");
            }
            else if (!found.Contains(item))
            {
                found.Add(item);
            }
        }
        return AwsResponses.Json(w =>
        {
            w.WriteStartArray(field);
            foreach (var item in found)
            {
                write(w, item);
            }

            w.WriteEndArray();
            w.WriteStartArray("failures");
            foreach (var arn in failures)
            {
                w.WriteStartObject();
                w.WriteString("arn", arn);
                w.WriteString("reason", "MISSING");
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
    }

    static void WriteService(Utf8JsonWriter w, EcsService s, EcsCluster cluster, SandboxState state, bool tags)
    {
        w.WriteStartObject();
        w.WriteString("serviceArn", s.Arn);
        w.WriteString("serviceName", s.Name);
        w.WriteString("clusterArn", cluster.Arn);
        EmptyArray(w, "loadBalancers");
        EmptyArray(w, "serviceRegistries");
        w.WriteString("status", s.Status);
        w.WriteNumber("desiredCount", s.DesiredCount);
        w.WriteNumber("runningCount", s.RunningCount);
        w.WriteNumber("pendingCount", s.PendingCount);
        WriteLaunchType(w, s.LaunchType);
        if (s.TaskDefinitionArn is not null)
        {
            w.WriteString("taskDefinition", s.TaskDefinitionArn);
        }

        w.WriteStartObject("deploymentConfiguration");
        w.WriteStartObject("deploymentCircuitBreaker");
        w.WriteBoolean("enable", false);
        w.WriteBoolean("rollback", false);
        w.WriteEndObject();
        w.WriteNumber("maximumPercent", 200);
        w.WriteNumber("minimumHealthyPercent", 100);
        w.WriteEndObject();
        if (s.TaskSets.Count > 0)
        {
            w.WriteStartArray("taskSets");
            foreach (var t in s.TaskSets)
            {
                w.WriteStartObject();
                w.WriteString("id", t.Id);
                w.WriteString("taskSetArn", t.Arn);
                w.WriteString("serviceArn", s.Arn);
                w.WriteString("clusterArn", cluster.Arn);
                w.WriteString("status", t.Status);
                w.WriteString("taskDefinition", t.TaskDefinitionArn);
                w.WriteNumber("computedDesiredCount", t.RunningCount + t.PendingCount);
                w.WriteNumber("pendingCount", t.PendingCount);
                w.WriteNumber("runningCount", t.RunningCount);
                AwsResponses.WriteEpoch(w, "createdAt", t.CreatedAt);
                AwsResponses.WriteEpoch(w, "updatedAt", t.CreatedAt);
                WriteLaunchType(w, s.LaunchType);
                w.WriteStartObject("scale");
                w.WriteNumber("value", 100.0);
                w.WriteString("unit", "PERCENT");
                w.WriteEndObject();
                w.WriteString("stabilityStatus", "STEADY_STATE");
                AwsResponses.WriteEpoch(w, "stabilityStatusAt", t.CreatedAt);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteStartArray("deployments");
        foreach (var d in s.Deployments)
        {
            w.WriteStartObject();
            w.WriteString("id", d.Id);
            w.WriteString("status", d.Status);
            w.WriteString("taskDefinition", d.TaskDefinitionArn);
            w.WriteNumber("desiredCount", d.DesiredCount);
            w.WriteNumber("pendingCount", d.PendingCount);
            w.WriteNumber("runningCount", d.RunningCount);
            w.WriteNumber("failedTasks", 0);
            AwsResponses.WriteEpoch(w, "createdAt", d.CreatedAt);
            AwsResponses.WriteEpoch(w, "updatedAt", d.CreatedAt);
            WriteLaunchType(w, s.LaunchType);
            if (d.RolloutState is { } rollout)
            {
                w.WriteString("rolloutState", rollout);
                w.WriteString("rolloutStateReason", rollout switch
                {
                    "COMPLETED" => $"ECS deployment {d.Id} completed.",
                    "IN_PROGRESS" => $"ECS deployment {d.Id} in progress.",
                    _ => "ECS deployment circuit breaker: tasks failed to start.",
                });
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        EmptyArray(w, "events");
        AwsResponses.WriteEpoch(w, "createdAt", s.CreatedAt);
        EmptyArray(w, "placementConstraints");
        EmptyArray(w, "placementStrategy");
        w.WriteString("schedulingStrategy", "REPLICA");
        w.WriteStartObject("deploymentController");
        w.WriteString("type", s.DeploymentController);
        w.WriteEndObject();
        if (tags)
        {
            EmptyArray(w, "tags");
        }

        w.WriteString("createdBy", $"arn:aws:iam::{state.Account}:role/sandbox");
        w.WriteBoolean("enableECSManagedTags", false);
        w.WriteString("propagateTags", "NONE");
        w.WriteBoolean("enableExecuteCommand", false);
        w.WriteEndObject();
    }

    // ---------------------------------------------------------------- ListTasks

    static byte[] ListTasks(AwsCall call, JsonInput input)
    {
        var cluster = Cluster(call.State, input);
        var desired = Enum(input, "desiredStatus", ["RUNNING", "PENDING", "STOPPED"]) ?? "RUNNING";
        var launchType = Enum(input, "launchType", ScenarioLoader.EcsLaunchTypes);
        var serviceName = input.String("serviceName");
        var family = input.String("family");
        var startedBy = input.String("startedBy");
        var instance = input.String("containerInstance");
        if (startedBy is not null && (serviceName is not null || family is not null))
        {
            throw InvalidParameter("startedBy must be the only filter when it is specified.");
        }

        if (serviceName is not null && !cluster.Services.Exists(s => s.Name == serviceName || s.Arn == serviceName))
        {
            throw new AwsException("ServiceNotFoundException", 400, "Service not found.");
        }

        var service = serviceName is null ? null : Leaf(serviceName);
        // No task runs on a container instance the sandbox has (it has none): that filter matches nothing.
        var tasks = cluster.Tasks.Where(t => t.DesiredStatus == desired
                && (service is null || t.Group == $"service:{service}")
                && (family is null || t.TaskDefinition.Family == family)
                && (startedBy is null || t.StartedBy == startedBy)
                && (launchType is null || t.LaunchType == launchType)
                && instance is null)
            .ToList();
        var listing = $"{cluster.Name}\n{desired}\n{launchType}\n{service}\n{family}\n{startedBy}\n{instance}";
        var (page, token) = call.Page(tasks, listing, input.String("nextToken"), PageSize(input, MaxPage), InvalidToken);
        return Arns("taskArns", page.Select(t => t.Arn), token);
    }

    // ---------------------------------------------------------------- DescribeTasks

    static byte[] DescribeTasks(AwsCall call, JsonInput input)
    {
        var state = call.State;
        var cluster = Cluster(state, input);
        var ids = Names(input, "tasks", MaxTasks, "Tasks cannot be empty.", "taskIds can have at most 100 items.");
        var tags = Include(input, "TaskField");
        return Describe(state, cluster, ids, "task", "tasks",
            id => cluster.Tasks.Find(t => t.Id == id || t.Arn == id || OldArn(state, "task", t.Id) == id),
            (w, t) => WriteTask(w, t, cluster, state, tags));
    }

    static void WriteTask(Utf8JsonWriter w, EcsTask t, EcsCluster cluster, SandboxState state, bool tags)
    {
        var started = !ScenarioLoader.IsPending(t.LastStatus);
        var stopped = t.LastStatus is "DEPROVISIONING" or "STOPPED" or "DELETED";
        w.WriteStartObject();
        EmptyArray(w, "attachments");
        w.WriteString("availabilityZone", $"{state.Region}a");
        w.WriteString("clusterArn", cluster.Arn);
        w.WriteStartArray("containers");
        foreach (var c in t.Containers)
        {
            w.WriteStartObject();
            w.WriteString("containerArn", c.Arn);
            w.WriteString("taskArn", t.Arn);
            w.WriteString("name", c.Name);
            if (c.Image is not null)
            {
                w.WriteString("image", c.Image);
            }

            if (c.ImageDigest is not null)
            {
                w.WriteString("imageDigest", c.ImageDigest);
            }

            if (started)
            {
                w.WriteString("runtimeId", $"{t.Id}-{c.Name}");
            }

            w.WriteString("lastStatus", !started ? "PENDING" : stopped ? "STOPPED" : "RUNNING");
            EmptyArray(w, "networkInterfaces");
            w.WriteString("healthStatus", "UNKNOWN");
            w.WriteString("cpu", "0");
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteString("cpu", "256");
        w.WriteString("memory", "512");
        AwsResponses.WriteEpoch(w, "createdAt", t.CreatedAt);
        w.WriteString("desiredStatus", t.DesiredStatus);
        w.WriteBoolean("enableExecuteCommand", false);
        w.WriteString("group", t.Group);
        w.WriteString("healthStatus", "UNKNOWN");
        w.WriteString("lastStatus", t.LastStatus);
        WriteLaunchType(w, t.LaunchType);
        w.WriteStartObject("overrides");
        w.WriteStartArray("containerOverrides");
        foreach (var c in t.Containers)
        {
            w.WriteStartObject();
            w.WriteString("name", c.Name);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        EmptyArray(w, "inferenceAcceleratorOverrides");
        w.WriteEndObject();
        if (started)
        {
            AwsResponses.WriteEpoch(w, "startedAt", t.CreatedAt.AddSeconds(30));
        }

        if (t.StartedBy is not null)
        {
            w.WriteString("startedBy", t.StartedBy);
        }

        if (t.DesiredStatus == "STOPPED")
        {
            AwsResponses.WriteEpoch(w, "stoppingAt", t.CreatedAt.AddMinutes(10));
            w.WriteString("stopCode", "UserInitiated");
            w.WriteString("stoppedReason", "Task stopped by user");
        }

        if (stopped)
        {
            AwsResponses.WriteEpoch(w, "stoppedAt", t.CreatedAt.AddMinutes(11));
        }

        if (tags)
        {
            EmptyArray(w, "tags");
        }

        w.WriteString("taskArn", t.Arn);
        w.WriteString("taskDefinitionArn", t.TaskDefinition.Arn);
        w.WriteNumber("version", started ? 3 : 1);
        w.WriteEndObject();
    }

    // ---------------------------------------------------------------- DescribeTaskDefinition

    static byte[] DescribeTaskDefinition(AwsCall call, JsonInput input)
    {
        var state = call.State;
        var reference = input.String("taskDefinition") ?? throw InvalidParameter("taskDefinition can not be blank.");
        var tags = Include(input, "TaskDefinitionField");
        var definition = FindTaskDefinition(state, reference) ?? throw new AwsException("ClientException", 400, "Unable to describe task definition.");
        return AwsResponses.Json(w =>
        {
            w.WriteStartObject("taskDefinition");
            w.WriteString("taskDefinitionArn", definition.Arn);
            w.WriteStartArray("containerDefinitions");
            foreach (var c in definition.Containers)
            {
                w.WriteStartObject();
                w.WriteString("name", c.Name);
                w.WriteString("image", c.Image);
                w.WriteNumber("cpu", 0);
                EmptyArray(w, "portMappings");
                w.WriteBoolean("essential", true);
                EmptyArray(w, "environment");
                EmptyArray(w, "mountPoints");
                EmptyArray(w, "volumesFrom");
                EmptyArray(w, "systemControls");
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteString("family", definition.Family);
            w.WriteString("networkMode", "awsvpc");
            w.WriteNumber("revision", definition.Revision);
            EmptyArray(w, "volumes");
            w.WriteString("status", definition.Status);
            EmptyArray(w, "requiresAttributes");
            EmptyArray(w, "placementConstraints");
            w.WriteStartArray("compatibilities");
            w.WriteStringValue("EC2");
            w.WriteStringValue("FARGATE");
            w.WriteEndArray();
            w.WriteString("cpu", "256");
            w.WriteString("memory", "512");
            AwsResponses.WriteEpoch(w, "registeredAt", definition.RegisteredAt);
            if (definition.Status != "ACTIVE")
            {
                AwsResponses.WriteEpoch(w, "deregisteredAt", definition.RegisteredAt.AddDays(1));
            }

            w.WriteString("registeredBy", $"arn:aws:iam::{state.Account}:role/sandbox");
            w.WriteEndObject();
            if (tags)
            {
                EmptyArray(w, "tags");
            }
        });
    }

    /// <summary>A task definition by <c>family</c> (its latest ACTIVE revision), <c>family:revision</c> or ARN.</summary>
    static EcsTaskDefinition? FindTaskDefinition(SandboxState state, string reference)
    {
        var m = TaskDefinitionArnPattern().Match(reference);
        if (m.Success)
        {
            if (m.Groups["region"].Value != state.Region || m.Groups["account"].Value != state.Account)
            {
                return null;
            }

            reference = m.Groups["ref"].Value;
        }
        var colon = reference.LastIndexOf(':');
        if (colon < 0)
        {
            return state.TaskDefinitions.Where(d => d.Family == reference && d.Status == "ACTIVE").MaxBy(d => d.Revision);
        }

        return state.TaskDefinitions.Find(d => d.Key == reference);
    }

    // ---------------------------------------------------------------- ListTaskDefinitions

    static byte[] ListTaskDefinitions(AwsCall call, JsonInput input)
    {
        var family = input.String("familyPrefix");
        var status = Enum(input, "status", ScenarioLoader.TaskDefinitionStatuses) ?? "ACTIVE";
        var sort = Enum(input, "sort", ["ASC", "DESC"]) ?? "ASC";
        // ASC: by family, then revision, so a family's newest revision comes last; DESC the reverse.
        var matching = call.State.TaskDefinitions
            .Where(d => d.Status == status && (family is null || d.Family == family))
            .OrderBy(d => d.Family, StringComparer.Ordinal).ThenBy(d => d.Revision)
            .ToList();
        if (sort == "DESC")
        {
            matching.Reverse();
        }

        var (page, token) = call.Page(matching, $"{family}\n{status}\n{sort}", input.String("nextToken"), PageSize(input, MaxPage), InvalidToken);
        return Arns("taskDefinitionArns", page.Select(d => d.Arn), token);
    }

    // ---------------------------------------------------------------- input

    /// <summary>The cluster a request names (short name or ARN), by default the "default" cluster, as ECS assumes.</summary>
    static EcsCluster Cluster(SandboxState state, JsonInput input)
    {
        var given = input.String("cluster") ?? DefaultCluster;
        var m = ClusterArnPattern().Match(given);
        if (m.Success && (m.Groups["region"].Value != state.Region || m.Groups["account"].Value != state.Account))
        {
            throw ClusterNotFound();
        }

        var name = ClusterName(given);
        return state.EcsClusters.Find(c => c.Name == name) ?? throw ClusterNotFound();
    }

    static string ClusterName(string given)
    {
        var m = ClusterArnPattern().Match(given);
        return m.Success ? m.Groups["name"].Value : given;
    }

    /// <summary>The last segment of an ARN (a service's or task's name or id); a plain name as it is.</summary>
    static string Leaf(string nameOrArn) =>
        nameOrArn.StartsWith("arn:", StringComparison.Ordinal) ? nameOrArn[(nameOrArn.LastIndexOf('/') + 1)..] : nameOrArn;

    static string Family(string reference)
    {
        var m = TaskDefinitionArnPattern().Match(reference);
        var r = m.Success ? m.Groups["ref"].Value : reference;
        var colon = r.LastIndexOf(':');
        return colon < 0 ? r : r[..colon];
    }

    /// <summary>A resource's ARN in the format ECS used before cluster names went into service and task ARNs.</summary>
    static string OldArn(SandboxState state, string kind, string id) => $"arn:aws:ecs:{state.Region}:{state.Account}:{kind}/{id}";

    static int PageSize(JsonInput input, int defaultSize)
    {
        var n = input.Int("maxResults");
        if (n is < 1 or > MaxPage)
        {
            throw InvalidParameter($"maxResults must be between 1 and {MaxPage}.");
        }

        return n ?? defaultSize;
    }

    static string? Enum(JsonInput input, string field, IReadOnlyList<string> allowed)
    {
        var value = input.String(field);
        if (value is not null && !allowed.Contains(value))
        {
            throw InvalidParameter($"Invalid value for {field}: '{value}'. Valid values: {string.Join(", ", allowed)}.");
        }

        return value;
    }

    /// <summary>Whether <c>include</c> asks for TAGS (the only field ECS adds on request for these calls).</summary>
    static bool Include(JsonInput input, string enumName)
    {
        var include = input.List("include") ?? [];
        foreach (var e in include)
        {
            if (e.ValueKind != JsonValueKind.String || e.GetString() != "TAGS")
            {
                throw InvalidParameter($"Invalid value for include: {e}. Valid {enumName} values: TAGS.");
            }
        }

        return include.Count > 0;
    }

    /// <summary>The names or ARNs a Describe call lists: one at least, <paramref name="max"/> at most.</summary>
    static List<string> Names(JsonInput input, string field, int max, string empty, string tooMany)
    {
        var list = input.List(field) ?? [];
        if (list.Count == 0)
        {
            throw InvalidParameter(empty);
        }

        if (list.Count > max)
        {
            throw InvalidParameter(tooMany);
        }

        return list.Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw JsonInput.Serialization($"Expected a string in '{field}'.")).ToList();
    }

    // ---------------------------------------------------------------- output

    static byte[] Arns(string field, IEnumerable<string> arns, string? nextToken) => AwsResponses.Json(w =>
    {
        w.WriteStartArray(field);
        foreach (var arn in arns)
        {
            w.WriteStringValue(arn);
        }

        w.WriteEndArray();
        if (nextToken is not null)
        {
            w.WriteString("nextToken", nextToken);
        }
    });

    static void WriteLaunchType(Utf8JsonWriter w, string launchType)
    {
        w.WriteString("launchType", launchType);
        if (launchType == "FARGATE")
        {
            w.WriteString("platformVersion", "1.4.0");
            w.WriteString("platformFamily", "Linux");
        }
    }

    static void EmptyArray(Utf8JsonWriter w, string name)
    {
        w.WriteStartArray(name);
        w.WriteEndArray();
    }

    static AwsException ClusterNotFound() => new("ClusterNotFoundException", 400, "Cluster not found.");

    static AwsException InvalidParameter(string message) => new("InvalidParameterException", 400, message);

    static AwsException InvalidToken() => InvalidParameter("Invalid nextToken.");

    [GeneratedRegex(@"^arn:aws[a-z-]*:ecs:(?<region>[^:]*):(?<account>[^:]*):cluster/(?<name>.+)$")] private static partial Regex ClusterArnPattern();
    [GeneratedRegex(@"^arn:aws[a-z-]*:ecs:(?<region>[^:]*):(?<account>[^:]*):task-definition/(?<ref>.+)$")] private static partial Regex TaskDefinitionArnPattern();
}
