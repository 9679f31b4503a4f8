using System.Text.Json;
using System.Text.Json.Nodes;
using EcrCleanup.Model;

namespace EcrCleanup.Restore;

/// <summary>
/// Reads which images a journal says were archived: the JSON lines a run writes (<see cref="Deletion.JournalEntry"/>), of
/// which those whose <c>phase</c> is <c>outcome</c> and whose <c>outcome</c> is <c>Archived</c> name an image now in
/// the archive storage class. Every line must be a JSON object; a line that is not, or an Archived line without its
/// image, makes the whole journal unreadable (<see cref="JournalException"/>), so that nothing is restored from half a file.
/// </summary>
public static class ArchiveJournal
{
    /// <summary>The archived images, in the journal's order (an image archived twice is named twice).</summary>
    /// <param name="source">The journal's name in messages: its path.</param>
    /// <exception cref="JournalException">A line that cannot be read, with its number.</exception>
    public static IReadOnlyList<ImageToRestore> ReadArchived(TextReader reader, string source)
    {
        var images = new List<ImageToRestore>();
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                var entry = JsonNode.Parse(line) as JsonObject ?? throw new FormatException("it is not a JSON object");
                if (Text(entry, "phase") != "outcome" || Text(entry, "outcome") != "Archived")
                {
                    continue;
                }

                var repository = Text(entry, "repository");
                var digest = Text(entry, "digest");
                if (string.IsNullOrEmpty(repository) || !ImageName.IsDigest(digest))
                {
                    throw new FormatException($"it records an Archived outcome without a repository and a digest (sha256:<64 hex>): repository '{repository}', digest '{digest}'");
                }

                images.Add(new ImageToRestore(repository, digest!, Tags(entry)));
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
            {
                throw new JournalException(source, number, e is JsonException ? $"it is not JSON ({e.Message})" : e.Message, e);
            }
        }

        return images;
    }

    /// <summary>A member that, when there, is a string.</summary>
    private static string? Text(JsonObject entry, string name) => entry[name]?.GetValue<string>();

    private static string[] Tags(JsonObject entry) =>
        entry["tags"] is { } tags ? tags.AsArray().Select(t => t?.GetValue<string>() ?? throw new FormatException("its tags hold a null")).ToArray() : [];
}

/// <summary>A journal with a line that cannot be read; nothing was restored from it.</summary>
public sealed class JournalException : Exception
{
    public JournalException(string source, int lineNumber, string problem, Exception? innerException = null)
        : base($"Line {lineNumber} of the journal '{source}' cannot be read: {problem}. Nothing was restored. Correct or remove that line (a journal is JSON lines, as a run's journal writes them), then run again.", innerException)
    {
        JournalPath = source;
        LineNumber = lineNumber;
    }

    /// <summary>The journal's path.</summary>
    public string JournalPath { get; }

    /// <summary>The line that cannot be read, from 1.</summary>
    public int LineNumber { get; }
}
