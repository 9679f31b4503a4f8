using System.Collections;
using System.Management.Automation;

namespace EcrCleanup.Commands.Completion;

/// <summary>
/// Completes -PullRequestStackPrefix: first the prefixes of live stack names that end in a number
/// (<c>HelpmatonStagingPR</c> from <c>HelpmatonStagingPR12</c>), then the stack names themselves.
/// </summary>
internal sealed class StackPrefixCompleter : SafeCompleter
{
    protected override IEnumerable<CompletionResult> Complete(string wordToComplete, IDictionary? fakeBoundParameters)
    {
        var stacks = StackNames.Read(fakeBoundParameters);
        return CompletionText.Complete(Prefixes(stacks.Select(s => s.Value)).Concat(stacks), wordToComplete);
    }

    /// <summary>Each distinct name without its trailing digits, for the names that end in digits after something else, with the stacks it covers.</summary>
    internal static IReadOnlyList<CompletionCandidate> Prefixes(IEnumerable<string> stackNames) =>
        stackNames
            .Select(name => (Name: name, Prefix: name.TrimEnd("0123456789".ToCharArray())))
            .Where(s => s.Prefix.Length > 0 && s.Prefix.Length < s.Name.Length)
            .GroupBy(s => s.Prefix, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new CompletionCandidate(g.Key, ToolTip(g.Key, g.Select(s => s.Name).Order(StringComparer.Ordinal).ToList())))
            .ToArray();

    private static string ToolTip(string prefix, IReadOnlyList<string> names) =>
        $"Prefix of {names.Count} stack(s): {string.Join(", ", names.Take(5))}{(names.Count > 5 ? ", ..." : string.Empty)}";
}
