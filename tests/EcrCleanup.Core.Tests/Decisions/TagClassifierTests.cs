using EcrCleanup.Decisions;

namespace EcrCleanup.Core.Tests.Decisions;

public class TagClassifierTests
{
    private static readonly TagClassifier Default = new(CleanupPolicy.Default);

    [Theory]
    [InlineData("lancedb-3f2a9c1", "lancedb", "3f2a9c1")]
    [InlineData("lancedb-abc123def456", "lancedb", "abc123def456")]
    [InlineData("lancedb-0123456789abcdef0123456789abcdef01234567", "lancedb", "0123456789abcdef0123456789abcdef01234567")]
    [InlineData("my-app-deadbee", "my-app", "deadbee")]
    [InlineData("lancedb-1234567", "lancedb", "1234567")]
    public void CommitTagsYieldNameAndSha(string tag, string name, string sha)
    {
        var result = Default.Classify(tag);

        Assert.Equal(TagKind.Commit, result.Kind);
        Assert.Equal(name, result.Name);
        Assert.Equal(sha, result.Sha);
        Assert.Equal(tag, result.Tag);
    }

    [Fact]
    public void LatestTagIsLatestWithItsName()
    {
        var result = Default.Classify("lancedb-latest");

        Assert.Equal(TagKind.Latest, result.Kind);
        Assert.Equal("lancedb", result.Name);
        Assert.Null(result.Sha);
    }

    [Theory]
    [InlineData("lancedb-foo")] // a SHA is hex
    [InlineData("lancedb-abc12")] // too short to be a commit
    [InlineData("lancedb-0123456789abcdef0123456789abcdef012345678")] // 41 hex
    [InlineData("lancedb-ABCDEF1")] // the default pattern is lowercase, as git prints SHAs
    [InlineData("lancedb-abc1234-dirty")]
    [InlineData("abc1234")] // no name
    [InlineData("latest")] // no name
    [InlineData("v1.2.3")]
    [InlineData("")]
    public void EverythingElseIsUnknown(string tag)
    {
        var result = Default.Classify(tag);

        Assert.Equal(TagKind.Unknown, result.Kind);
        Assert.Null(result.Sha);
    }

    [Fact]
    public void CustomPatternMayAcceptUppercaseAndTheShaIsLowercased()
    {
        var classifier = new TagClassifier(new CleanupPolicy { TagPattern = "(?i)^build-(?<sha>[0-9a-f]{7,40})$" });

        var result = classifier.Classify("build-ABCDEF1234");

        Assert.Equal(TagKind.Commit, result.Kind);
        Assert.Equal("abcdef1234", result.Sha);
        Assert.Null(result.Name);
        Assert.Equal(TagKind.Unknown, classifier.Classify("lancedb-abcdef1").Kind);
    }

    [Theory]
    [InlineData("lancedb-abc1234", TagKind.Commit)]
    [InlineData("lancedb-foo1234", TagKind.Unknown)] // captured, but not hex
    [InlineData("lancedb-abc", TagKind.Unknown)] // captured, but shorter than 7
    public void ACustomShaGroupMustStillCaptureHex(string tag, TagKind kind)
    {
        var classifier = new TagClassifier(new CleanupPolicy { TagPattern = @"^(?<name>.+)-(?<sha>\w+)$" });

        Assert.Equal(kind, classifier.Classify(tag).Kind);
    }

    [Fact]
    public void CustomLatestPattern()
    {
        var classifier = new TagClassifier(new CleanupPolicy { LatestTagPattern = "^(latest|stable)$" });

        Assert.Equal(TagKind.Latest, classifier.Classify("stable").Kind);
        Assert.Equal(TagKind.Latest, classifier.Classify("latest").Kind);
        Assert.Equal(TagKind.Unknown, classifier.Classify("lancedb-latest").Kind);
    }

    [Fact]
    public void LatestIsCheckedBeforeTheCommitPattern()
    {
        // "beefcafe" is hex: with a pattern that makes it a commit too, latest still wins.
        var classifier = new TagClassifier(new CleanupPolicy { LatestTagPattern = "^lancedb-beefcafe$" });

        Assert.Equal(TagKind.Latest, classifier.Classify("lancedb-beefcafe").Kind);
        Assert.Equal(TagKind.Commit, Default.Classify("lancedb-beefcafe").Kind);
    }

    [Fact]
    public void ATagThatTimesOutIsUnknown()
    {
        // Catastrophic backtracking: without the regex timeout this would run for hours.
        var classifier = new TagClassifier(new CleanupPolicy { TagPattern = "^(a+)+(?<sha>[0-9a-f]{7})$" });

        var result = classifier.Classify(new string('a', 40) + "!");

        Assert.Equal(TagKind.Unknown, result.Kind);
    }

    [Theory]
    [InlineData("abc1234", "abc1234def", true)]
    [InlineData("abc1234def", "abc1234", true)]
    [InlineData("abc1234", "abc1234", true)]
    [InlineData("abc1234", "abc1235def", false)]
    [InlineData("abc1234aaa", "abc1234bbb", false)]
    public void ShasMatchWhenOneIsAPrefixOfTheOther(string a, string b, bool matches)
    {
        Assert.Equal(matches, CommitSha.Matches(a, b));
    }

    [Theory]
    [InlineData("ABCDEF1", "abcdef1")]
    [InlineData("abc123", null)]
    [InlineData("abc123g", null)]
    [InlineData(null, null)]
    public void NormalizeLowercasesHexAndRejectsTheRest(string? value, string? expected)
    {
        Assert.Equal(expected, CommitSha.Normalize(value));
    }
}
