using System.Buffers;
using System.Management.Automation;

namespace EcrCleanup.Commands.Completion;

/// <summary>A value a completer can offer, with the tooltip PowerShell shows beside it.</summary>
internal readonly record struct CompletionCandidate(string Value, string ToolTip);

/// <summary>
/// How every completer of the module answers: the values that start with what was typed (case-insensitive), in the
/// order given, quoted when PowerShell would read them otherwise, in the quotes the user opened if any.
/// </summary>
internal static class CompletionText
{
    private static readonly char[] SingleQuotes = ['\'', '\u2018', '\u2019', '\u201A', '\u201B'];
    private static readonly char[] DoubleQuotes = ['"', '\u201C', '\u201D', '\u201E'];

    /// <summary>Characters that end, split or change a bare argument: whitespace is checked separately.</summary>
    private static readonly SearchValues<char> Special = SearchValues.Create("'\"`$&|;,(){}[]@#<>\u2018\u2019\u201A\u201B\u201C\u201D\u201E");

    public static IEnumerable<CompletionResult> Complete(IEnumerable<CompletionCandidate> candidates, string? wordToComplete)
    {
        var (typed, quote) = Unquote(wordToComplete ?? string.Empty);
        return candidates
            .Where(c => c.Value.Length > 0 && c.Value.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
            .DistinctBy(c => c.Value, StringComparer.Ordinal)
            .Select(c => new CompletionResult(Quote(c.Value, quote), c.Value, CompletionResultType.ParameterValue, string.IsNullOrEmpty(c.ToolTip) ? c.Value : c.ToolTip))
            .ToArray();
    }

    /// <summary>What was typed without the quote it opened (and closed), and that quote: null when it is bare.</summary>
    internal static (string Typed, char? Quote) Unquote(string word)
    {
        if (word.Length == 0 || !(SingleQuotes.Contains(word[0]) || DoubleQuotes.Contains(word[0])))
        {
            return (word, null);
        }

        var quote = SingleQuotes.Contains(word[0]) ? '\'' : '"';
        var inner = word[1..];
        if (inner.Length > 0 && (quote == '\'' ? SingleQuotes : DoubleQuotes).Contains(inner[^1]))
        {
            inner = inner[..^1];
        }

        return (inner, quote);
    }

    /// <summary>The value as PowerShell must see it as one argument: bare when it can be, else in <paramref name="quote"/> (default single).</summary>
    internal static string Quote(string value, char? quote = null)
    {
        if (quote is null && !NeedsQuotes(value))
        {
            return value;
        }

        if (quote == '"')
        {
            var escaped = string.Concat(value.Select(c => c is '`' or '$' || DoubleQuotes.Contains(c) ? $"`{c}" : c.ToString()));
            return $"\"{escaped}\"";
        }

        return "'" + string.Concat(value.Select(c => SingleQuotes.Contains(c) ? $"{c}{c}" : c.ToString())) + "'";
    }

    private static bool NeedsQuotes(string value) =>
        value.Length == 0 || value[0] is '-' or '\u2013' or '\u2014' || value.Any(char.IsWhiteSpace) || value.AsSpan().IndexOfAny(Special) >= 0;
}
