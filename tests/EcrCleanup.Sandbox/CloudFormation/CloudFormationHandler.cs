using System.Globalization;
using System.Text;
using EcrCleanup.Sandbox.Aws;
using EcrCleanup.Sandbox.State;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace EcrCleanup.Sandbox.CloudFormation;

/// <summary>
/// AWS CloudFormation over awsQuery: form-encoded <c>POST /</c> with <c>Action</c> and <c>Version=2010-05-15</c>,
/// XML replies <c>&lt;XxxResponse&gt;&lt;XxxResult&gt;...&lt;ResponseMetadata&gt;</c> in the 2010-05-15 namespace.
/// </summary>
internal static class CloudFormationHandler
{
    const int PageSize = 100;
    const int DescribeStackResourcesLimit = 100;

    public static bool IsForm(string? contentType) =>
        contentType is not null && contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);

    public static Dictionary<string, StringValues> ParseForm(byte[] body) =>
        QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body));

    /// <summary>What a fault's <c>match</c> is tested against: the stack (or physical resource) the request names.</summary>
    public static string Target(Dictionary<string, StringValues> form) =>
        First(form, "StackName") ?? First(form, "PhysicalResourceId") ?? "";

    public static AwsException UnknownAction(string? action) =>
        new("InvalidAction", 400, $"Could not find operation {action} for version 2010-05-15");

    public static byte[] Handle(AwsCall call)
    {
        var form = ParseForm(call.Body);
        var state = call.State;
        var result = call.Operation switch
        {
            "ListStacks" => ListStacks(call, form),
            "DescribeStacks" => DescribeStacks(call, form),
            "ListStackResources" => ListStackResources(call, form),
            "DescribeStackResources" => DescribeStackResources(state, form),
            "GetTemplate" => GetTemplate(state, form),
            _ => throw UnknownAction(call.Operation),
        };
        var xml = new StringBuilder()
            .Append($"<{call.Operation}Response xmlns=\"{AwsResponses.QueryNamespace}\">\n")
            .Append($"  <{call.Operation}Result>\n")
            .Append(result)
            .Append($"  </{call.Operation}Result>\n")
            .Append($"  <ResponseMetadata>\n    <RequestId>{call.RequestId}</RequestId>\n  </ResponseMetadata>\n")
            .Append($"</{call.Operation}Response>\n");
        return Encoding.UTF8.GetBytes(xml.ToString());
    }

    // ---------------------------------------------------------------- ListStacks

    static string ListStacks(AwsCall call, Dictionary<string, StringValues> form)
    {
        var filter = Members(form, "StackStatusFilter");
        foreach (var status in filter)
        {
            if (!ScenarioLoader.StackStatuses.Contains(status))
            {
                throw Validation($"1 validation error detected: Value '[{string.Join(", ", filter)}]' at 'stackStatusFilter' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [{string.Join(", ", ScenarioLoader.StackStatuses)}]]");
            }
        }

        var matching = call.State.Stacks.Where(s => filter.Count == 0 || filter.Contains(s.Status)).ToList();
        var (page, token) = Page(call, form, matching, string.Join(",", filter));

        var sb = new StringBuilder("    <StackSummaries>\n");
        foreach (var s in page)
        {
            sb.Append("      <member>\n");
            El(sb, 8, "StackId", s.StackId);
            El(sb, 8, "StackStatus", s.Status);
            El(sb, 8, "StackName", s.Name);
            El(sb, 8, "CreationTime", Time(s.CreatedAt));
            if (s.LastUpdatedAt is { } u)
            {
                El(sb, 8, "LastUpdatedTime", Time(u));
            }

            if (s.DeletedAt is { } d)
            {
                El(sb, 8, "DeletionTime", Time(d));
            }

            if (s.ParentId is not null)
            {
                El(sb, 8, "ParentId", s.ParentId);
            }

            if (s.RootId is not null)
            {
                El(sb, 8, "RootId", s.RootId);
            }

            sb.Append("        <DriftInformation>\n          <StackDriftStatus>NOT_CHECKED</StackDriftStatus>\n        </DriftInformation>\n");
            sb.Append("      </member>\n");
        }
        sb.Append("    </StackSummaries>\n");
        if (token is not null)
        {
            El(sb, 4, "NextToken", token);
        }

        return sb.ToString();
    }

    // ---------------------------------------------------------------- DescribeStacks

    static string DescribeStacks(AwsCall call, Dictionary<string, StringValues> form)
    {
        var name = First(form, "StackName");
        List<CfnStack> stacks;
        string? token = null;
        if (name is not null)
        {
            stacks = [Find(call.State, name)];
        }
        else
        {
            (stacks, token) = Page(call, form, call.State.Stacks.Where(s => !s.IsDeleted).ToList(), "");
        }

        var sb = new StringBuilder("    <Stacks>\n");
        foreach (var s in stacks)
        {
            sb.Append("      <member>\n");
            El(sb, 8, "StackId", s.StackId);
            El(sb, 8, "StackName", s.Name);
            El(sb, 8, "CreationTime", Time(s.CreatedAt));
            if (s.LastUpdatedAt is { } u)
            {
                El(sb, 8, "LastUpdatedTime", Time(u));
            }

            if (s.DeletedAt is { } d)
            {
                El(sb, 8, "DeletionTime", Time(d));
            }

            El(sb, 8, "StackStatus", s.Status);
            El(sb, 8, "DisableRollback", "false");
            sb.Append("        <NotificationARNs/>\n");
            sb.Append("        <RollbackConfiguration/>\n");
            if (s.Tags.Count > 0)
            {
                sb.Append("        <Tags>\n");
                foreach (var (k, v) in s.Tags)
                {
                    sb.Append("          <member>\n");
                    El(sb, 12, "Key", k);
                    El(sb, 12, "Value", v);
                    sb.Append("          </member>\n");
                }
                sb.Append("        </Tags>\n");
            }
            else
            {
                sb.Append("        <Tags/>\n");
            }

            El(sb, 8, "EnableTerminationProtection", "false");
            if (s.ParentId is not null)
            {
                El(sb, 8, "ParentId", s.ParentId);
            }

            if (s.RootId is not null)
            {
                El(sb, 8, "RootId", s.RootId);
            }

            sb.Append("        <DriftInformation>\n          <StackDriftStatus>NOT_CHECKED</StackDriftStatus>\n        </DriftInformation>\n");
            sb.Append("      </member>\n");
        }
        sb.Append("    </Stacks>\n");
        if (token is not null)
        {
            El(sb, 4, "NextToken", token);
        }

        return sb.ToString();
    }

    // ---------------------------------------------------------------- ListStackResources

    static string ListStackResources(AwsCall call, Dictionary<string, StringValues> form)
    {
        var name = First(form, "StackName") ?? throw Validation("1 validation error detected: Value null at 'stackName' failed to satisfy constraint: Member must not be null");
        var stack = Find(call.State, name);
        var (page, token) = Page(call, form, stack.Resources, stack.StackId);

        var sb = new StringBuilder("    <StackResourceSummaries>\n");
        foreach (var r in page)
        {
            sb.Append("      <member>\n");
            El(sb, 8, "LogicalResourceId", r.LogicalId);
            if (r.PhysicalId is not null)
            {
                El(sb, 8, "PhysicalResourceId", r.PhysicalId);
            }

            El(sb, 8, "ResourceType", r.Type);
            El(sb, 8, "LastUpdatedTimestamp", Time(r.LastUpdatedAt));
            El(sb, 8, "ResourceStatus", r.Status);
            sb.Append("        <DriftInformation>\n          <StackResourceDriftStatus>NOT_CHECKED</StackResourceDriftStatus>\n        </DriftInformation>\n");
            sb.Append("      </member>\n");
        }
        sb.Append("    </StackResourceSummaries>\n");
        if (token is not null)
        {
            El(sb, 4, "NextToken", token);
        }

        return sb.ToString();
    }

    // ---------------------------------------------------------------- DescribeStackResources

    static string DescribeStackResources(SandboxState state, Dictionary<string, StringValues> form)
    {
        var name = First(form, "StackName");
        var logical = First(form, "LogicalResourceId");
        var physical = First(form, "PhysicalResourceId");
        CfnStack stack;
        if (name is not null)
        {
            stack = Find(state, name);
        }
        else if (physical is not null)
        {
            stack = state.Stacks.FirstOrDefault(s => !s.IsDeleted && s.Resources.Any(r => r.PhysicalId == physical))
                ?? throw Validation($"Stack for {physical} does not exist");
        }
        else
        {
            throw Validation("Either StackName or PhysicalResourceId must be specified.");
        }

        // As CloudFormation: only the first 100 resources, no continuation (ListStackResources pages past that).
        var resources = stack.Resources
            .Where(r => (logical is null || r.LogicalId == logical) && (physical is null || r.PhysicalId == physical))
            .Take(DescribeStackResourcesLimit);

        var sb = new StringBuilder("    <StackResources>\n");
        foreach (var r in resources)
        {
            sb.Append("      <member>\n");
            El(sb, 8, "StackName", stack.Name);
            El(sb, 8, "StackId", stack.StackId);
            El(sb, 8, "LogicalResourceId", r.LogicalId);
            if (r.PhysicalId is not null)
            {
                El(sb, 8, "PhysicalResourceId", r.PhysicalId);
            }

            El(sb, 8, "ResourceType", r.Type);
            El(sb, 8, "Timestamp", Time(r.LastUpdatedAt));
            El(sb, 8, "ResourceStatus", r.Status);
            sb.Append("        <DriftInformation>\n          <StackResourceDriftStatus>NOT_CHECKED</StackResourceDriftStatus>\n        </DriftInformation>\n");
            sb.Append("      </member>\n");
        }
        sb.Append("    </StackResources>\n");
        return sb.ToString();
    }

    // ---------------------------------------------------------------- GetTemplate

    /// <summary>
    /// The stack's template (the scenario's, verbatim, or one built from its resources), for a live stack by name or id
    /// and a deleted one by id. Without transforms the Original and Processed stages are the same text, so both give it.
    /// </summary>
    static string GetTemplate(SandboxState state, Dictionary<string, StringValues> form)
    {
        var stage = First(form, "TemplateStage");
        if (stage is not (null or "Original" or "Processed"))
        {
            throw Validation($"1 validation error detected: Value '{stage}' at 'templateStage' failed to satisfy constraint: Member must satisfy enum value set: [Original, Processed]");
        }

        if (First(form, "ChangeSetName") is { } changeSet)
        {
            // The sandbox has no change sets.
            throw new AwsException("ChangeSetNotFound", 404, $"ChangeSet [{changeSet}] does not exist");
        }

        var stack = Find(state, First(form, "StackName") ?? throw Validation("Either StackName or ChangeSetName must be specified."));
        var sb = new StringBuilder();
        El(sb, 4, "TemplateBody", stack.Template);
        sb.Append("    <StagesAvailable>\n      <member>Original</member>\n      <member>Processed</member>\n    </StagesAvailable>\n");
        return sb.ToString();
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>
    /// A stack by name or stack id (ARN). By name only a live stack is found; a deleted stack only by its id,
    /// as CloudFormation answers "Stack with id NAME does not exist" for a name whose stack is gone.
    /// </summary>
    static CfnStack Find(SandboxState state, string nameOrId)
    {
        var stack = nameOrId.StartsWith("arn:", StringComparison.Ordinal)
            ? state.Stacks.FirstOrDefault(s => s.StackId == nameOrId)
            : state.Stacks.FirstOrDefault(s => s.Name == nameOrId && !s.IsDeleted);
        return stack ?? throw Validation($"Stack with id {nameOrId} does not exist");
    }

    static (List<T> Page, string? Token) Page<T>(AwsCall call, Dictionary<string, StringValues> form, List<T> all, string listing) =>
        call.Page(all, listing, First(form, "NextToken"), PageSize, () => Validation("Invalid NextToken"));

    static List<string> Members(Dictionary<string, StringValues> form, string list) =>
        form.Where(kv => kv.Key.StartsWith(list + ".member.", StringComparison.Ordinal))
            .OrderBy(kv => int.TryParse(kv.Key[(list.Length + 8)..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue)
            .Select(kv => kv.Value.ToString())
            .ToList();

    static string? First(Dictionary<string, StringValues> form, string key) =>
        form.TryGetValue(key, out var v) && v.Count > 0 && !string.IsNullOrEmpty(v[0]) ? v[0] : null;

    static AwsException Validation(string message) => new("ValidationError", 400, message);

    static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    static void El(StringBuilder sb, int indent, string name, string value) =>
        sb.Append(' ', indent).Append('<').Append(name).Append('>').Append(AwsResponses.Esc(value)).Append("</").Append(name).Append(">\n");
}
