using System.Collections;
using System.Management.Automation;

namespace EcrCleanup.Commands.Completion;

/// <summary>Completes -ProductionStackName with the names of the account's live stacks (CloudFormation ListStacks).</summary>
internal sealed class StackNameCompleter : SafeCompleter
{
    protected override IEnumerable<CompletionResult> Complete(string wordToComplete, IDictionary? fakeBoundParameters) =>
        CompletionText.Complete(StackNames.Read(fakeBoundParameters), wordToComplete);
}
