using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using EcrCleanup.Abstractions;
using EcrCleanup.Configuration;
using EcrCleanup.Model;

namespace EcrCleanup.Reading;

/// <summary>A Lambda function that a watched stack (or one of its nested stacks) deploys.</summary>
public sealed record StackFunction(string FunctionName, string RootStackName, string StackName, string LogicalId, DeploymentEnvironment Environment, int? PullRequestNumber);

/// <summary>What the watched stacks hold.</summary>
public sealed record StackScan(IReadOnlyDictionary<string, StackFunction> Functions, IReadOnlyList<CloudFormationStack> InProgress, int StackCount);

/// <summary>
/// Reads the production stack and every pull-request stack, with their nested stacks, each once, a bounded
/// number at a time, and collects the Lambda functions they deploy.
/// </summary>
internal sealed partial class StackReader
{
    private const string FunctionType = "AWS::Lambda::Function";
    private const string NestedStackType = "AWS::CloudFormation::Stack";

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

        var functions = new ConcurrentDictionary<string, StackFunction>(StringComparer.Ordinal);
        var inProgress = new ConcurrentBag<CloudFormationStack>();
        var visited = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var done = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = _settings.ThrottleLimit, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(roots, options, async (root, token) =>
        {
            await ReadTreeAsync(root.Stack, root.Environment, root.PullRequest, listed, functions, inProgress, visited, token).ConfigureAwait(false);
            var count = Interlocked.Increment(ref done);
            _progress?.Invoke(new ReadProgress("Reading CloudFormation stacks", root.Stack.StackName, count, roots.Count));
        }).ConfigureAwait(false);

        return new StackScan(functions, inProgress.ToArray(), visited.Count);
    }

    private async Task ReadTreeAsync(
        CloudFormationStack root,
        DeploymentEnvironment environment,
        int? pullRequest,
        IReadOnlyDictionary<string, CloudFormationStack> listed,
        ConcurrentDictionary<string, StackFunction> functions,
        ConcurrentBag<CloudFormationStack> inProgress,
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
                inProgress.Add(current);
            }

            await foreach (var resource in _cloudFormation.ListStackResourcesAsync(current.StackId, cancellationToken).ConfigureAwait(false))
            {
                if (string.IsNullOrEmpty(resource.PhysicalId) || resource.ResourceStatus == "DELETE_COMPLETE")
                {
                    continue;
                }

                if (resource.ResourceType == FunctionType)
                {
                    var name = FunctionName(resource.PhysicalId);
                    functions.TryAdd(name, new StackFunction(name, root.StackName, current.StackName, resource.LogicalId, environment, pullRequest));
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
