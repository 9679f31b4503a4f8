using System.Collections;
using EcrCleanup.Aws;

namespace EcrCleanup.Commands.Completion;

/// <summary>The account's stacks for the stack completers: ListStacks, every page, top-level stacks only (a nested stack is neither a production stack nor a pull request's).</summary>
internal static class StackNames
{
    public static IReadOnlyList<CompletionCandidate> Read(IDictionary? fakeBoundParameters) =>
        AccountLookup.Read("stacks", AwsServiceInfo.CloudFormation, fakeBoundParameters, ReadAsync);

    private static async Task<IReadOnlyList<CompletionCandidate>> ReadAsync(AwsClientFactory clients, CancellationToken cancellationToken)
    {
        var names = new List<CompletionCandidate>();
        await foreach (var stack in clients.CreateCloudFormation().ListStacksAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!stack.IsNested)
            {
                names.Add(new CompletionCandidate(stack.StackName, $"{stack.StackName} ({stack.Status})"));
            }
        }

        return names.OrderBy(n => n.Value, StringComparer.Ordinal).ToArray();
    }
}
