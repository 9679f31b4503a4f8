using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace EcrCleanup.Sandbox;

// The scenario file, as the contract (shared/sandbox-scenario.md) describes it. These classes are the
// file's shape and nothing more: ScenarioLoader validates them and builds the live state from them.
// Property names are serialized camelCase, so a Scenario built in code round-trips to the same JSON.

/// <summary>A sandbox scenario: the accounts' repositories, stacks, functions, GitHub data and faults.</summary>
public sealed class Scenario
{
    public string? Account { get; set; }
    public string? Region { get; set; }
    public ScenarioCredentials? Credentials { get; set; }
    public int? LatencyMs { get; set; }
    public Dictionary<string, double>? RateLimits { get; set; }
    public List<ScenarioRepository>? Repositories { get; set; }
    public List<ScenarioStack>? Stacks { get; set; }
    public List<ScenarioFunction>? Functions { get; set; }
    public ScenarioGitHub? Github { get; set; }
    /// <summary>Optional (an addition to the contract): Amazon ECS clusters, their services and tasks, and task definitions.</summary>
    public ScenarioEcs? Ecs { get; set; }
    /// <summary>Optional (an addition to the contract): AWS Batch job definitions.</summary>
    public ScenarioBatch? Batch { get; set; }
    /// <summary>Optional (an addition to the contract): AWS App Runner services.</summary>
    public ScenarioAppRunner? AppRunner { get; set; }
    /// <summary>Optional (an addition to the contract): seconds an ECR image stays ACTIVATING after a restore (default 2).</summary>
    public double? ActivationDelaySeconds { get; set; }
    /// <summary>Optional (an addition to the contract): seconds a lifecycle policy preview stays IN_PROGRESS (default 1).</summary>
    public double? LifecyclePreviewDelaySeconds { get; set; }
    public List<ScenarioFault>? Faults { get; set; }

    /// <summary>Allowed so a scenario file can name its JSON schema or describe itself; ignored.</summary>
    [JsonPropertyName("$schema")] public string? Schema { get; set; }
    public string? Description { get; set; }

    public static Scenario Parse(string json) => ScenarioJson.Deserialize<Scenario>(json);
    public string ToJson() => JsonSerializer.Serialize(this, ScenarioJson.Options);
}

public sealed class ScenarioCredentials
{
    public string? AccessKeyId { get; set; }
    public string? SecretAccessKey { get; set; }
}

public sealed class ScenarioRepository
{
    public string? Name { get; set; }
    public string? TagMutability { get; set; }
    public List<ScenarioImage>? Images { get; set; }
    /// <summary>Optional (an addition to the contract): the repository's lifecycle policy, as its JSON text or as a JSON object.</summary>
    public JsonNode? LifecyclePolicy { get; set; }
}

public sealed class ScenarioImage
{
    public string? Digest { get; set; }
    public List<string>? Tags { get; set; }
    public double? AgeHours { get; set; }
    public DateTimeOffset? PushedAt { get; set; }
    public long? SizeBytes { get; set; }
    public string? MediaType { get; set; }
    public List<string>? Children { get; set; }
    public string? Subject { get; set; }
    public string? ArtifactType { get; set; }
    public double? LastPulledHoursAgo { get; set; }
    public DateTimeOffset? LastPulledAt { get; set; }
    /// <summary>Optional (an addition to the contract): ACTIVE (default), ARCHIVED or ACTIVATING.</summary>
    public string? Status { get; set; }
    /// <summary>Optional: when the image was last archived; default the load time for an ARCHIVED or ACTIVATING image.</summary>
    public double? ArchivedHoursAgo { get; set; }
    public DateTimeOffset? LastArchivedAt { get; set; }
    /// <summary>Optional: when the image was last restored from the archive.</summary>
    public double? ActivatedHoursAgo { get; set; }
    public DateTimeOffset? LastActivatedAt { get; set; }
}

public sealed class ScenarioStack
{
    public string? Name { get; set; }
    public string? Status { get; set; }
    public Dictionary<string, string>? Tags { get; set; }
    public List<ScenarioStackResource>? Resources { get; set; }
    /// <summary>Optional (not in the contract's example): when the stack was created; default 30 days before load.</summary>
    public double? CreatedHoursAgo { get; set; }
    public DateTimeOffset? CreatedAt { get; set; }
    /// <summary>Optional: last update time; default the creation time (not reported when never updated).</summary>
    public double? LastUpdatedHoursAgo { get; set; }
    public DateTimeOffset? LastUpdatedAt { get; set; }
    /// <summary>Optional: deletion time of a DELETE_COMPLETE stack; default the load time.</summary>
    public double? DeletedHoursAgo { get; set; }
    public DateTimeOffset? DeletedAt { get; set; }
    /// <summary>Optional: the template body GetTemplate returns, verbatim (JSON or YAML); default a JSON template built from the resources.</summary>
    public string? Template { get; set; }
}

public sealed class ScenarioStackResource
{
    public string? LogicalId { get; set; }
    public string? Type { get; set; }
    public string? PhysicalId { get; set; }
    /// <summary>Optional: resource status, default CREATE_COMPLETE (DELETE_COMPLETE for a deleted stack).</summary>
    public string? Status { get; set; }
    /// <summary>Optional: the resource's <c>Properties</c> in the template GetTemplate builds (default <c>{}</c>).</summary>
    public JsonObject? Properties { get; set; }
}

public sealed class ScenarioFunction
{
    public string? Name { get; set; }
    public string? PackageType { get; set; }
    public string? ImageUri { get; set; }
    public string? ResolvedDigest { get; set; }
    public List<ScenarioFunctionVersion>? Versions { get; set; }
    public List<ScenarioAlias>? Aliases { get; set; }
}

public sealed class ScenarioFunctionVersion
{
    public string? Version { get; set; }
    public string? ImageUri { get; set; }
    public string? ResolvedDigest { get; set; }
}

public sealed class ScenarioAlias
{
    public string? Name { get; set; }
    public string? Version { get; set; }
    public Dictionary<string, double>? AdditionalVersionWeights { get; set; }
}

public sealed class ScenarioGitHub
{
    public string? Repository { get; set; }
    public string? Token { get; set; }
    public string? DefaultBranch { get; set; }
    public List<string>? Commits { get; set; }
    public List<ScenarioPullRequest>? PullRequests { get; set; }
    public List<ScenarioDeployment>? Deployments { get; set; }
}

public sealed class ScenarioPullRequest
{
    public int? Number { get; set; }
    public string? State { get; set; }
    public string? HeadSha { get; set; }
    public List<string>? Commits { get; set; }
    /// <summary>Optional: head branch name, default <c>pr-{number}</c>.</summary>
    public string? HeadRef { get; set; }
    /// <summary>Optional: title, default <c>PR #{number}</c>.</summary>
    public string? Title { get; set; }
    /// <summary>Optional: whether a closed PR was merged (default false).</summary>
    public bool? Merged { get; set; }
}

public sealed class ScenarioDeployment
{
    public string? Environment { get; set; }
    public string? Sha { get; set; }
    public double? CreatedHoursAgo { get; set; }
    public DateTimeOffset? CreatedAt { get; set; }
    /// <summary>Optional: the ref deployed, default the sha.</summary>
    public string? Ref { get; set; }
}

public sealed class ScenarioEcs
{
    public List<ScenarioEcsCluster>? Clusters { get; set; }
    public List<ScenarioEcsTaskDefinition>? TaskDefinitions { get; set; }
}

public sealed class ScenarioEcsCluster
{
    public string? Name { get; set; }
    public List<ScenarioEcsService>? Services { get; set; }
    public List<ScenarioEcsTask>? Tasks { get; set; }
}

public sealed class ScenarioEcsService
{
    public string? Name { get; set; }
    /// <summary>ACTIVE (default), DRAINING or INACTIVE (described, not listed).</summary>
    public string? Status { get; set; }
    public int? DesiredCount { get; set; }
    /// <summary>EC2 (default), FARGATE, EXTERNAL or MANAGED_INSTANCES.</summary>
    public string? LaunchType { get; set; }
    /// <summary><c>family:revision</c> of one of <see cref="ScenarioEcs.TaskDefinitions"/>; default the PRIMARY deployment's.</summary>
    public string? TaskDefinition { get; set; }
    /// <summary>Default: one PRIMARY, COMPLETED deployment of <see cref="TaskDefinition"/> (none when <see cref="TaskSets"/> are given).</summary>
    public List<ScenarioEcsDeployment>? Deployments { get; set; }
    public List<ScenarioEcsTaskSet>? TaskSets { get; set; }
}

public sealed class ScenarioEcsDeployment
{
    /// <summary>Optional: <c>ecs-svc/</c> and digits; default derived from the cluster, service and position.</summary>
    public string? Id { get; set; }
    /// <summary>PRIMARY, ACTIVE or INACTIVE.</summary>
    public string? Status { get; set; }
    public string? TaskDefinition { get; set; }
    /// <summary>COMPLETED (default), FAILED or IN_PROGRESS.</summary>
    public string? RolloutState { get; set; }
}

public sealed class ScenarioEcsTaskSet
{
    public string? TaskDefinition { get; set; }
    /// <summary>PRIMARY, ACTIVE (default) or DRAINING.</summary>
    public string? Status { get; set; }
}

public sealed class ScenarioEcsTask
{
    /// <summary>Optional: 32 lowercase hex digits; default derived from the cluster and position.</summary>
    public string? Id { get; set; }
    public string? TaskDefinition { get; set; }
    /// <summary>Default <c>family:&lt;family&gt;</c>; a service's tasks are <c>service:&lt;name&gt;</c>.</summary>
    public string? Group { get; set; }
    public string? StartedBy { get; set; }
    public string? LastStatus { get; set; }
    public string? DesiredStatus { get; set; }
    /// <summary>Default: the task definition's containers, each digest resolved from the scenario's repositories.</summary>
    public List<ScenarioEcsContainer>? Containers { get; set; }
}

public sealed class ScenarioEcsContainer
{
    public string? Name { get; set; }
    public string? Image { get; set; }
    public string? ImageDigest { get; set; }
}

public sealed class ScenarioEcsTaskDefinition
{
    public string? Family { get; set; }
    public int? Revision { get; set; }
    /// <summary>ACTIVE (default), INACTIVE or DELETE_IN_PROGRESS.</summary>
    public string? Status { get; set; }
    public List<ScenarioEcsContainer>? Containers { get; set; }
}

public sealed class ScenarioBatch
{
    public List<ScenarioBatchJobDefinition>? JobDefinitions { get; set; }
}

public sealed class ScenarioBatchJobDefinition
{
    public string? Name { get; set; }
    public int? Revision { get; set; }
    /// <summary>ACTIVE (default) or INACTIVE.</summary>
    public string? Status { get; set; }
    /// <summary>container (default) or multinode (the default when <see cref="NodeRanges"/> are given).</summary>
    public string? Type { get; set; }
    /// <summary>containerProperties.image. Exactly one of image, ecsContainers, eksContainers and nodeRanges.</summary>
    public string? Image { get; set; }
    /// <summary>ecsProperties.taskProperties[0].containers.</summary>
    public List<ScenarioEcsContainer>? EcsContainers { get; set; }
    /// <summary>eksProperties.podProperties.containers.</summary>
    public List<ScenarioEcsContainer>? EksContainers { get; set; }
    /// <summary>eksProperties.podProperties.initContainers (with eksContainers).</summary>
    public List<ScenarioEcsContainer>? EksInitContainers { get; set; }
    /// <summary>nodeProperties.nodeRangeProperties (type multinode).</summary>
    public List<ScenarioBatchNodeRange>? NodeRanges { get; set; }
}

public sealed class ScenarioBatchNodeRange
{
    /// <summary>Default <c>i:i</c> for the i-th range.</summary>
    public string? TargetNodes { get; set; }
    public string? Image { get; set; }
    public List<ScenarioEcsContainer>? EcsContainers { get; set; }
    public List<ScenarioEcsContainer>? EksContainers { get; set; }
}

public sealed class ScenarioAppRunner
{
    public List<ScenarioAppRunnerService>? Services { get; set; }
}

public sealed class ScenarioAppRunnerService
{
    public string? Name { get; set; }
    /// <summary>Optional: 32 lowercase hex digits; default the first 32 of sha256(name).</summary>
    public string? Id { get; set; }
    /// <summary>RUNNING (default), OPERATION_IN_PROGRESS, PAUSED, CREATE_FAILED, DELETE_FAILED or DELETED.</summary>
    public string? Status { get; set; }
    /// <summary>An image source (SourceConfiguration.ImageRepository); or, instead, <see cref="CodeRepository"/>.</summary>
    public string? ImageIdentifier { get; set; }
    /// <summary>ECR or ECR_PUBLIC; default from the image identifier.</summary>
    public string? ImageRepositoryType { get; set; }
    /// <summary>A source code repository URL (SourceConfiguration.CodeRepository) instead of an image.</summary>
    public string? CodeRepository { get; set; }
}

public sealed class ScenarioFault
{
    public string? Service { get; set; }
    public string? Operation { get; set; }
    public string? Match { get; set; }
    /// <summary>An AWS error code, or an HTTP status for GitHub (a JSON number or string).</summary>
    [JsonConverter(typeof(StringOrNumberConverter))]
    public string? Error { get; set; }
    /// <summary>Instead of <see cref="Error"/>: HTTP 200 with a body that is not the operation's answer
    /// (truncate, empty, emptyJson, html, otherXml, drop:NAME, delayMs:N).</summary>
    public string? Malformed { get; set; }
    /// <summary>Instead of <see cref="Error"/>, for ECR BatchGetImage and BatchDeleteImage: the ECR failure code
    /// (KmsError, ImageNotFound, ...) the items whose digest or tag contains <see cref="Match"/> fail with.</summary>
    public string? ItemFailure { get; set; }
    /// <summary>How many matching requests (for <see cref="ItemFailure"/>: items) the fault takes; -1: every one. Default 1.</summary>
    public int? Times { get; set; }
    /// <summary>Optional: the error message, or an item failure's failureReason (default: the service's usual text).</summary>
    public string? Message { get; set; }
}

/// <summary>Reads a JSON string or number as a string (GitHub fault statuses may be written either way).</summary>
internal sealed class StringOrNumberConverter : JsonConverter<string?>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Number => reader.TryGetInt64(out var l) ? l.ToString(System.Globalization.CultureInfo.InvariantCulture) : reader.GetDouble().ToString(System.Globalization.CultureInfo.InvariantCulture),
            JsonTokenType.Null => null,
            _ => throw new JsonException("expected a string or a number"),
        };

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }
}
