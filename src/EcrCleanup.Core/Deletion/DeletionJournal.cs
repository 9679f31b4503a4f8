using System.Text.Json;
using System.Text.Json.Serialization;
using EcrCleanup.Diagnostics;

namespace EcrCleanup.Deletion;

/// <summary>Where a deletion run records its intent before each delete call and the outcome after it.</summary>
public interface IDeletionJournal
{
    Task WriteAsync(JournalEntry entry, CancellationToken cancellationToken);
}

/// <summary>One line of the journal: everything needed to know what was lost.</summary>
public sealed record JournalEntry(
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("runId")] string RunId,
    [property: JsonPropertyName("phase")] string Phase,
    [property: JsonPropertyName("repository")] string Repository,
    [property: JsonPropertyName("digest")] string Digest,
    [property: JsonPropertyName("tags")] IReadOnlyList<string> Tags,
    [property: JsonPropertyName("pushedAt")] DateTimeOffset PushedAt,
    [property: JsonPropertyName("sizeBytes")] long? SizeBytes,
    [property: JsonPropertyName("rule")] string Rule,
    [property: JsonPropertyName("reason")] string Reason)
{
    /// <summary>Delete or Archive.</summary>
    [JsonPropertyName("action")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Action { get; init; }

    [JsonPropertyName("outcome")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Outcome { get; init; }

    [JsonPropertyName("failureCode")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? FailureCode { get; init; }

    [JsonPropertyName("failureReason")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? FailureReason { get; init; }
}

/// <summary>A journal of JSON lines appended to a file, flushed line by line so a crash loses nothing written. Written to by one deletion at a time.</summary>
public sealed class JsonLinesJournal : IDeletionJournal
{
    private readonly string _path;

    public JsonLinesJournal(string path)
    {
        _path = path;
    }

    public async Task WriteAsync(JournalEntry entry, CancellationToken cancellationToken)
    {
        await File.AppendAllTextAsync(_path, SecretRedactor.Redact(JsonSerializer.Serialize(entry)) + "\n", cancellationToken).ConfigureAwait(false);
    }
}
