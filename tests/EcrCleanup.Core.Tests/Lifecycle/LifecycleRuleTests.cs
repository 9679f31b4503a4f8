using EcrCleanup.Lifecycle;

namespace EcrCleanup.Core.Tests.Lifecycle;

/// <summary>A lifecycle policy's rules read from its text and named in words.</summary>
public class LifecycleRuleTests
{
    [Theory]
    [InlineData(
        """{"rulePriority":2,"description":"expire untagged after 14 days","selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}""",
        """rule 2 "expire untagged after 14 days" (expire; untagged images, sinceImagePushed > 14 days)""")]
    [InlineData(
        """{"rulePriority":1,"selection":{"tagStatus":"tagged","tagPrefixList":["prod","v1"],"countType":"imageCountMoreThan","countNumber":10},"action":{"type":"expire"}}""",
        """rule 1 (expire; images tagged "prod"* and "v1"*, imageCountMoreThan 10)""")]
    [InlineData(
        """{"rulePriority":3,"description":"","selection":{"tagStatus":"tagged","tagPatternList":["lancedb-*"],"countType":"sinceImagePulled","countUnit":"days","countNumber":30},"action":{"type":"transition","targetStorageClass":"archive"}}""",
        """rule 3 (transition to archive; images tagged "lancedb-*", sinceImagePulled > 30 days)""")]
    [InlineData(
        """{"rulePriority":4,"description":"drop the archive","selection":{"tagStatus":"any","storageClass":"archive","countType":"sinceImageTransitioned","countUnit":"days","countNumber":90},"action":{"type":"expire"}}""",
        """rule 4 "drop the archive" (expire; all images in archive, sinceImageTransitioned > 90 days)""")]
    public void A_rule_is_named_by_its_priority_description_action_and_selection(string rule, string words)
    {
        Assert.Equal(words, Assert.Single(LifecycleRule.Parse($$"""{"rules":[{{rule}}]}""")).ToString());
    }

    [Fact]
    public void A_rule_that_cannot_be_read_is_left_out_and_the_others_are_read()
    {
        var rules = LifecycleRule.Parse("""
            {"rules":[
              {"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan"},"action":{"type":"expire"}},
              "not a rule",
              {"rulePriority":"2","selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":5},"action":{"type":"expire"}},
              {"rulePriority":3,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":5},"action":{"type":"expire"}}
            ]}
            """);

        Assert.Equal([3], rules.Select(r => r.Priority));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("{\"rules\":[")]
    [InlineData("42")]
    [InlineData("""{"rule":[]}""")]
    public void A_text_that_is_not_a_policy_has_no_rules(string? text)
    {
        Assert.Empty(LifecycleRule.Parse(text));
    }
}
