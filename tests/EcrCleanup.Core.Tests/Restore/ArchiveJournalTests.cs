using EcrCleanup.Restore;

namespace EcrCleanup.Core.Tests.Restore;

/// <summary>Which images a journal says were archived, and the journals that cannot be read.</summary>
public class ArchiveJournalTests
{
    private static readonly string A = "sha256:" + new string('a', 64);
    private static readonly string B = "sha256:" + new string('b', 64);

    private static IReadOnlyList<ImageToRestore> Read(params string[] lines) => ArchiveJournal.ReadArchived(new StringReader(string.Join("\n", lines)), "journal.jsonl");

    private static string Line(string phase, string? outcome, string digest, string repository = "app", string tags = """["v1"]""") =>
        $$"""{"time":"2026-01-01T00:00:00+00:00","runId":"r1","phase":"{{phase}}","action":"Archive","repository":"{{repository}}","digest":"{{digest}}","tags":{{tags}},"pushedAt":"2025-01-01T00:00:00+00:00","sizeBytes":10,"rule":"Untagged","reason":"old"{{(outcome is null ? "" : $",\"outcome\":\"{outcome}\"")}}}""";

    [Fact]
    public void Takes_the_outcome_lines_that_say_Archived_in_order_and_nothing_else()
    {
        var images = Read(
            Line("intent", null, A),
            Line("outcome", "Archived", A),
            "",
            Line("intent", null, B, "team/api", "[]"),
            Line("outcome", "Failed", B, "team/api", "[]"),
            Line("outcome", "Deleted", B),
            Line("outcome", "Archived", B, "team/api", "[]"),
            "   ");

        Assert.Equal([new ImageToRestore("app", A, ["v1"]), new ImageToRestore("team/api", B, [])], images, new ImageComparer());
    }

    [Fact]
    public void A_line_without_tags_is_an_untagged_image()
    {
        var image = Assert.Single(Read($$"""{"phase":"outcome","outcome":"Archived","repository":"app","digest":"{{A}}"}"""));

        Assert.Empty(image.Tags);
    }

    [Fact]
    public void A_journal_of_deletions_only_names_no_image()
    {
        Assert.Empty(Read(Line("intent", null, A), Line("outcome", "Deleted", A)));
    }

    [Theory]
    [InlineData("{\"phase\":\"outcome\",", 2, "it is not JSON")]
    [InlineData("[1,2]", 2, "it is not a JSON object")]
    [InlineData("{\"phase\":7}", 2, "")]
    [InlineData("{\"phase\":\"outcome\",\"outcome\":\"Archived\",\"repository\":\"app\",\"digest\":\"sha256:abc\"}", 2, "without a repository and a digest")]
    [InlineData("{\"phase\":\"outcome\",\"outcome\":\"Archived\",\"digest\":\"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}", 2, "without a repository and a digest")]
    [InlineData("{\"phase\":\"outcome\",\"outcome\":\"Archived\",\"repository\":\"app\",\"digest\":\"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"tags\":\"v1\"}", 2, "")]
    public void A_line_that_cannot_be_read_fails_the_whole_journal_naming_the_line(string bad, int number, string why)
    {
        var e = Assert.Throws<JournalException>(() => Read(Line("outcome", "Archived", A), bad, Line("outcome", "Archived", B)));

        Assert.Equal(("journal.jsonl", number), (e.JournalPath, e.LineNumber));
        Assert.StartsWith($"Line {number} of the journal 'journal.jsonl' cannot be read: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
        Assert.EndsWith("Nothing was restored. Correct or remove that line (a journal is JSON lines, as a run's journal writes them), then run again.", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Records compare their tag lists by reference; images are the same when their members are.</summary>
    private sealed class ImageComparer : IEqualityComparer<ImageToRestore>
    {
        public bool Equals(ImageToRestore? x, ImageToRestore? y) =>
            x is not null && y is not null && (x.Repository, x.Digest) == (y.Repository, y.Digest) && x.Tags.SequenceEqual(y.Tags);

        public int GetHashCode(ImageToRestore obj) => obj.Digest.GetHashCode(StringComparison.Ordinal);
    }
}
