using System.Globalization;
using System.Text.Json;
using EcrCleanup.Sandbox.Aws;
using EcrCleanup.Sandbox.State;

namespace EcrCleanup.Sandbox.Batch;

/// <summary>AWS Batch over restJson1: <c>POST /v1/describejobdefinitions</c> (DescribeJobDefinitions).</summary>
internal static class BatchHandler
{
    public const string Prefix = "/v1/";
    const int MaxPage = 100;
    const int MaxJobDefinitions = 100;

    /// <summary>The operation a request names; null for an unknown route.</summary>
    public static string? Route(string method, string path) =>
        HttpMethods.IsPost(method) && path.TrimEnd('/') == "/v1/describejobdefinitions" ? "DescribeJobDefinitions" : null;

    /// <summary>What a fault's <c>match</c> is tested against: the job definition names the request asks for, newline-separated.</summary>
    public static string Target(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body.Length == 0 ? "{}"u8.ToArray() : body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return "";
            }

            var names = new List<string>();
            if (root.TryGetProperty("jobDefinitions", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                names.AddRange(list.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => Split(x.GetString()!).Name));
            }

            if (root.TryGetProperty("jobDefinitionName", out var name) && name.ValueKind == JsonValueKind.String)
            {
                names.Add(name.GetString()!);
            }

            return string.Join("\n", names);
        }
        catch (JsonException)
        {
            return "";
        }
    }

    public static AwsException UnknownOperation() => new("UnknownOperationException", 404, "Unknown operation");

    public static byte[] Handle(AwsCall call)
    {
        var state = call.State;
        var input = JsonInput.Parse(call.Body);
        var refs = input.List("jobDefinitions")?.Select(e => e.ValueKind == JsonValueKind.String
            ? e.GetString()!
            : throw JsonInput.Serialization("Expected a string in 'jobDefinitions'.")).ToList();
        if (refs?.Count > MaxJobDefinitions)
        {
            throw Client($"jobDefinitions can have at most {MaxJobDefinitions} items.");
        }

        var name = input.String("jobDefinitionName");
        var status = input.String("status");
        if (status is not (null or "ACTIVE" or "INACTIVE"))
        {
            throw Client($"status must be ACTIVE or INACTIVE, not '{status}'.");
        }

        var max = input.Int("maxResults");
        if (max is < 1 or > MaxPage)
        {
            throw Client($"maxResults must be between 1 and {MaxPage}.");
        }

        // Every filter given applies; a job definition Batch does not have is simply not returned.
        var matching = state.JobDefinitions
            .Where(d => (refs is null || refs.Exists(r => Names(state, d, r))) && (name is null || d.Name == name) && (status is null || d.Status == status))
            .ToList();
        var listing = $"{string.Join(",", refs ?? [])}\n{name}\n{status}";
        var (page, token) = call.Page(matching, listing, input.String("nextToken"), max ?? MaxPage, () => Client("Invalid nextToken."));
        return AwsResponses.Json(w =>
        {
            w.WriteStartArray("jobDefinitions");
            foreach (var d in page)
            {
                WriteJobDefinition(w, d);
            }

            w.WriteEndArray();
            if (token is not null)
            {
                w.WriteString("nextToken", token);
            }
        });
    }

    /// <summary>Whether a reference (ARN, <c>name:revision</c> or <c>name</c> for every revision) names the job definition.</summary>
    static bool Names(SandboxState state, BatchJobDefinition d, string reference)
    {
        var (name, revision, region, account) = Split(reference);
        return (region is null || (region == state.Region && account == state.Account)) && name == d.Name && (revision is null || revision == d.Revision);
    }

    static (string Name, int? Revision, string? Region, string? Account) Split(string reference)
    {
        string? region = null, account = null;
        var rest = reference;
        if (reference.StartsWith("arn:", StringComparison.Ordinal))
        {
            var parts = reference.Split(':', 6);
            if (parts.Length < 6 || parts[2] != "batch" || !parts[5].StartsWith("job-definition/", StringComparison.Ordinal))
            {
                return ("", null, "", "");
            }

            (region, account, rest) = (parts[3], parts[4], parts[5]["job-definition/".Length..]);
        }
        var colon = rest.LastIndexOf(':');
        if (colon > 0 && int.TryParse(rest[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var revision))
        {
            return (rest[..colon], revision, region, account);
        }

        return (rest, null, region, account);
    }

    static void WriteJobDefinition(Utf8JsonWriter w, BatchJobDefinition d)
    {
        w.WriteStartObject();
        w.WriteString("jobDefinitionName", d.Name);
        w.WriteString("jobDefinitionArn", d.Arn);
        w.WriteNumber("revision", d.Revision);
        w.WriteString("status", d.Status);
        w.WriteString("type", d.Type);
        w.WriteStartObject("parameters");
        w.WriteEndObject();
        if (d.Type == "multinode")
        {
            var numbers = d.NodeRanges.SelectMany(r => r.TargetNodes.Split(':')).Where(x => x.Length > 0).Select(x => int.Parse(x, CultureInfo.InvariantCulture));
            w.WriteStartObject("nodeProperties");
            w.WriteNumber("numNodes", Math.Max(d.NodeRanges.Count, numbers.DefaultIfEmpty(0).Max() + 1));
            w.WriteNumber("mainNode", 0);
            w.WriteStartArray("nodeRangeProperties");
            foreach (var (target, containers) in d.NodeRanges)
            {
                w.WriteStartObject();
                w.WriteString("targetNodes", target);
                WriteContainers(w, containers, "container");
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        else
        {
            WriteContainers(w, d.Containers, "containerProperties");
        }

        w.WriteStartObject("tags");
        w.WriteEndObject();
        w.WriteBoolean("propagateTags", false);
        w.WriteStartArray("platformCapabilities");
        w.WriteStringValue("EC2");
        w.WriteEndArray();
        w.WriteString("containerOrchestrationType", d.Containers.Eks is null && d.NodeRanges.All(r => r.Containers.Eks is null) ? "ECS" : "EKS");
        w.WriteEndObject();
    }

    /// <summary>
    /// Container properties (<paramref name="containerField"/>: containerProperties, or a node range's container),
    /// ecsProperties or eksProperties: whichever the job definition (or node range) names its images in.
    /// </summary>
    static void WriteContainers(Utf8JsonWriter w, BatchContainers c, string containerField)
    {
        if (c.Image is not null)
        {
            w.WriteStartObject(containerField);
            w.WriteString("image", c.Image);
            w.WriteStartArray("command");
            w.WriteEndArray();
            w.WriteStartArray("resourceRequirements");
            foreach (var (type, value) in new[] { ("VCPU", "1"), ("MEMORY", "2048") })
            {
                w.WriteStartObject();
                w.WriteString("value", value);
                w.WriteString("type", type);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        if (c.Ecs is not null)
        {
            w.WriteStartObject("ecsProperties");
            w.WriteStartArray("taskProperties");
            w.WriteStartObject();
            WriteContainerList(w, "containers", c.Ecs, essential: true);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        if (c.Eks is not null)
        {
            w.WriteStartObject("eksProperties");
            w.WriteStartObject("podProperties");
            WriteContainerList(w, "containers", c.Eks, essential: false);
            if (c.EksInit is not null)
            {
                WriteContainerList(w, "initContainers", c.EksInit, essential: false);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }
    }

    static void WriteContainerList(Utf8JsonWriter w, string field, List<ContainerImage> containers, bool essential)
    {
        w.WriteStartArray(field);
        foreach (var c in containers)
        {
            w.WriteStartObject();
            w.WriteString("name", c.Name);
            w.WriteString("image", c.Image);
            if (essential)
            {
                w.WriteBoolean("essential", true);
            }

            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    static AwsException Client(string message) => new("ClientException", 400, message);
}
