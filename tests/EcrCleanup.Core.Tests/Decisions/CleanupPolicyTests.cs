using EcrCleanup.Decisions;

namespace EcrCleanup.Core.Tests.Decisions;

public class CleanupPolicyTests
{
    [Fact]
    public void DefaultsFollowTheSeed()
    {
        var policy = CleanupPolicy.Default;

        Assert.Equal(TimeSpan.FromHours(24), policy.MinImageAge);
        Assert.Equal(24, policy.MinImageAgeHours);
        Assert.Equal(15, policy.ProductionRetentionCount);
        Assert.Equal(CleanupPolicy.DefaultTagPattern, policy.TagPattern);
        Assert.Equal(CleanupPolicy.DefaultLatestTagPattern, policy.LatestTagPattern);
        Assert.Equal(new CleanupPolicy(), policy);
    }

    [Fact]
    public void HoursAndTimeSpanAreTheSameSetting()
    {
        var policy = new CleanupPolicy { MinImageAgeHours = 1.5 };

        Assert.Equal(TimeSpan.FromMinutes(90), policy.MinImageAge);
    }

    [Fact]
    public void AnInvalidTagPatternNamesTheParameter()
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new CleanupPolicy { TagPattern = "lancedb-(" });

        Assert.Equal("TagPattern", ex.ParamName);
        Assert.Contains("TagPattern 'lancedb-(' is not a valid regular expression", ex.Message);
    }

    [Fact]
    public void ATagPatternWithoutAShaGroupIsRefused()
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new CleanupPolicy { TagPattern = "^(?<name>.+)-(?<commit>[0-9a-f]{7,40})$" });

        Assert.Equal("TagPattern", ex.ParamName);
        Assert.Contains("has no named group 'sha'", ex.Message);
        Assert.Contains("(?<sha>...)", ex.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public void AnEmptyTagPatternIsRefused(string? pattern)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new CleanupPolicy { TagPattern = pattern! });

        Assert.Equal("TagPattern", ex.ParamName);
        Assert.Contains("TagPattern must be a regular expression", ex.Message);
    }

    [Fact]
    public void AnInvalidLatestTagPatternNamesTheParameter()
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new CleanupPolicy { LatestTagPattern = "[latest" });

        Assert.Equal("LatestTagPattern", ex.ParamName);
        Assert.Contains("LatestTagPattern '[latest' is not a valid regular expression", ex.Message);
    }

    [Fact]
    public void ANegativeRetentionIsRefused()
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new CleanupPolicy { ProductionRetentionCount = -1 });

        Assert.Equal("ProductionRetentionCount", ex.ParamName);
        Assert.Contains("ProductionRetentionCount must be zero or more; got -1.", ex.Message);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void AnInvalidMinimumAgeIsRefused(double hours)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new CleanupPolicy { MinImageAgeHours = hours });

        Assert.Equal("MinImageAgeHours", ex.ParamName);
        Assert.Contains("MinImageAgeHours must be", ex.Message);
    }

    [Fact]
    public void WithExpressionsAreValidatedToo()
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => CleanupPolicy.Default with { ProductionRetentionCount = -3 });

        Assert.Equal("ProductionRetentionCount", ex.ParamName);
    }

    [Fact]
    public void ZeroIsAllowed()
    {
        var policy = new CleanupPolicy { MinImageAgeHours = 0, ProductionRetentionCount = 0 };

        Assert.Equal(TimeSpan.Zero, policy.MinImageAge);
        Assert.Equal(0, policy.ProductionRetentionCount);
    }
}
