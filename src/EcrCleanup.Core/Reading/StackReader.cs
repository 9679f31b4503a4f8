using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using EcrCleanup.Abstractions;
using EcrCleanup.Configuration;
using EcrCleanup.Model;

namespace EcrCleanup.Reading;

/// <summary>A Lambda function that a watched stack (or one of its nested stacks) deploys.</summary>
public sealed record StackFunction(string FunctionName, string RootStackName, string StackName, string LogicalId, DeploymentEnvironment Environment, int? PullRequestNumber);

/// <summary>What the watched stacks hold: the functions, the other runners, and the resources of other types whose properties name an ECR image.</summary>
public sealed record StackScan(IReadOnlyDictionary<string, StackFunction> Functions, IReadOnlyList<StackRunner> Runners, IReadOnlyList<TemplateMention> Mentions, IReadOnlyList<CloudFormationStack> InProgress, int StackCount);

/// <summary>
/// Reads the production stack and every pull-request stack, with their nested stacks, each once, a bounded
/// number at a time, and collects what they run: Lambda functions, ECS task definitions, Batch job definitions,
/// App Runner services. Each stack's template is read with its resources: a resource of another type whose
/// properties name an ECR image is collected too, so that it is reported rather than silently ignored.
/// </summary>
internal sealed partial class StackReader
{
    private const string FunctionType = "AWS::Lambda::Function";
    private const string NestedStackType = "AWS::CloudFormation::Stack";

    /// <summary>The resource types whose images the module reads (a nested stack's parameters reach resources read in their own stack).</summary>
    internal static readonly IReadOnlySet<string> RunnerTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "AWS::ECS::TaskDefinition", "AWS::Batch::JobDefinition", "AWS::AppRunner::Service",
    };

    private static readonly IReadOnlySet<string> ReadTypes = new HashSet<string>(RunnerTypes.Append(FunctionType).Append(NestedStackType), StringComparer.Ordinal);

    private readonly ICloudFormationClient _cloudFormation;
    private readonly CleanupSettings _settings;
    private readonly Action<ReadProgress>? _progress;

    public StackReader(ICloudFormationClient cloudFormation, CleanupSettings settings, Action<ReadProgress>? progress)
    {
        _cloudFormation = cloudFormation;
        _settings = settings;
        _progress = progress;
    }

    public async Task<StackScan> ReadAsync(CancellationToken cancellationToken)
    {
        // The production stack is described while the stacks are listed: neither needs the other's answer.
        var describing = _cloudFormation.DescribeStackAsync(_settings.ProductionStackName, cancellationToken);
        var listed = new Dictionary<string, CloudFormationStack>(StringComparer.Ordinal);
        await foreach (var stack in _cloudFormation.ListStacksAsync(cancellationToken).ConfigureAwait(false))
        {
            listed[stack.StackId] = stack;
        }

        var production = await describing.ConfigureAwait(false)
            ?? throw new ProtectionException(ProtectionException.ProductionStackNotFound, "CloudFormation",
                $"The production stack '{_settings.ProductionStackName}' does not exist in {_settings.Region}. Without it nothing can be known to be deployed, so nothing is decided. Check -ProductionStackName (PRODUCTION_STACK_NAME) and -Region.");
        var roots = new List<(CloudFormationStack Stack, DeploymentEnvironment Environment, int? PullRequest)> { (production, DeploymentEnvironment.Production, null) };
        roots.AddRange(listed.Values
            .Where(stack => !stack.IsNested && stack.StackName.StartsWith(_settings.PullRequestStackPrefix, StringComparison.Ordinal) && stack.StackId != production.StackId)
            .Select(stack => (stack, DeploymentEnvironment.PullRequest, PullRequestNumber(stack.StackName))));

        var found = new Found(new ConcurrentDictionary<string, StackFunction>(StringComparer.Ordinal), [], [], []);
        var visited = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var done = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = _settings.ThrottleLimit, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(roots, options, async (root, token) =>
        {
            await ReadTreeAsync(root.Stack, root.Environment, root.PullRequest, listed, found, visited, token).ConfigureAwait(false);
            var count = Interlocked.Increment(ref done);
            _progress?.Invoke(new ReadProgress("Reading CloudFormation stacks", root.Stack.StackName, count, roots.Count));
        }).ConfigureAwait(false);

        return new StackScan(found.Functions, found.Runners.ToArray(), found.Mentions.ToArray(), found.InProgress.ToArray(), visited.Count);
    }

    /// <summary>What the stacks of one read hold, collected from every tree at once.</summary>
    private sealed record Found(ConcurrentDictionary<string, StackFunction> Functions, ConcurrentBag<StackRunner> Runners, ConcurrentBag<TemplateMention> Mentions, ConcurrentBag<CloudFormationStack> InProgress);

    private async Task ReadTreeAsync(
        CloudFormationStack root,
        DeploymentEnvironment environment,
        int? pullRequest,
        IReadOnlyDictionary<string, CloudFormationStack> listed,
        Found found,
        ConcurrentDictionary<string, bool> visited,
        CancellationToken cancellationToken)
    {
        var pending = new Stack<CloudFormationStack>();
        pending.Push(root);
        while (pending.TryPop(out var current))
        {
            if (!visited.TryAdd(current.StackId, true))
            {
                continue;
            }

            if (current.IsInProgress)
            {
                found.InProgress.Add(current);
            }

            // The template does not depend on the resources' answer: asked for at the same time.
            var template = _cloudFormation.GetTemplateResourcesAsync(current.StackId, cancellationToken);
            await foreach (var resource in _cloudFormation.ListStackResourcesAsync(current.StackId, cancellationToken).ConfigureAwait(false))
            {
                if (string.IsNullOrEmpty(resource.PhysicalId) || resource.ResourceStatus == "DELETE_COMPLETE")
                {
                    continue;
                }

                if (resource.ResourceType == FunctionType)
                {
                    var name = FunctionName(resource.PhysicalId);
                    found.Functions.TryAdd(name, new StackFunction(name, root.StackName, current.StackName, resource.LogicalId, environment, pullRequest));
                }
                else if (RunnerTypes.Contains(resource.ResourceType))
                {
                    found.Runners.Add(new StackRunner(resource.ResourceType, resource.PhysicalId, root.StackName, current.StackName, resource.LogicalId, environment, pullRequest));
                }
                else if (resource.ResourceType == NestedStackType)
                {
                    // The physical id of a nested stack is its ARN, which ListStacks already described; a stack
                    // created since is asked for, and one that does not exist (any more) deploys nothing.
                    var nested = listed.TryGetValue(resource.PhysicalId, out var known)
                        ? known
                        : await _cloudFormation.DescribeStackAsync(resource.PhysicalId, cancellationToken).ConfigureAwait(false);
                    if (nested is not null)
                    {
                        pending.Push(nested);
                    }
                }
            }

            // A stack deleted since it was listed has no template: its resources were read as they were.
            foreach (var resource in await template.ConfigureAwait(false) ?? [])
            {
                if (!ReadTypes.Contains(resource.ResourceType) && resource.Strings.Any(s => s.Contains(".dkr.ecr.", StringComparison.OrdinalIgnoreCase)))
                {
                    found.Mentions.Add(new TemplateMention(current.StackName, resource.LogicalId, resource.ResourceType, resource.Strings));
                }
            }
        }
    }

    /// <summary>A function's physical id is its name; an ARN is reduced to the name.</summary>
    internal static string FunctionName(string physicalId)
    {
        var marker = physicalId.IndexOf(":function:", StringComparison.Ordinal);
        if (marker < 0)
        {
            return physicalId;
        }

        var name = physicalId[(marker + ":function:".Length)..];
        var qualifier = name.IndexOf(':', StringComparison.Ordinal);
        return qualifier < 0 ? name : name[..qualifier];
    }

    private int? PullRequestNumber(string stackName)
    {
        var match = PullRequestSuffix().Match(stackName[_settings.PullRequestStackPrefix.Length..]);
        return match.Success && int.TryParse(match.Groups["number"].Value, out var number) ? number : null;
    }

    [GeneratedRegex("^[-_]?(?<number>[0-9]{1,9})")]
    private static partial Regex PullRequestSuffix();
}
