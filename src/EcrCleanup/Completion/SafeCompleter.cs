using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace EcrCleanup.Commands.Completion;

/// <summary>What every completer of the module shares: a completion never fails the prompt. Whatever goes wrong, there is nothing to offer.</summary>
internal abstract class SafeCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            return Complete(wordToComplete ?? string.Empty, fakeBoundParameters).ToArray();
        }
        catch (Exception)
        {
            return [];
        }
    }

    /// <param name="fakeBoundParameters">The parameters already on the command line, as PowerShell could read them.</param>
    protected abstract IEnumerable<CompletionResult> Complete(string wordToComplete, IDictionary? fakeBoundParameters);
}
