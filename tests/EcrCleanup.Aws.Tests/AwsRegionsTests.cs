namespace EcrCleanup.Aws.Tests;

public class AwsRegionsTests
{
    [Theory]
    [InlineData("eu-west-2", "aws")]
    [InlineData("cn-north-1", "aws-cn")]
    [InlineData("us-gov-west-1", "aws-us-gov")]
    [InlineData("cn-nowhere-9", "aws-cn")]
    public void Knows_the_partition_of_a_region_even_one_its_data_does_not_list(string region, string partition) =>
        Assert.Equal(partition, AwsRegions.PartitionOf(region));

    [Fact]
    public void Lists_the_regions_of_a_partition_by_name_without_pseudo_regions()
    {
        var aws = AwsRegions.InPartition("aws").Select(r => r.Name).ToList();

        Assert.Contains("eu-west-2", aws);
        Assert.Contains("us-east-1", aws);
        Assert.DoesNotContain("cn-north-1", aws);
        Assert.DoesNotContain("us-east-1-regional", aws);
        Assert.Equal(aws.Order(StringComparer.Ordinal), aws);
        Assert.Equal(["cn-north-1", "cn-northwest-1"], AwsRegions.InPartition("aws-cn").Select(r => r.Name));
        Assert.Equal("Europe (London)", AwsRegions.All.Single(r => r.Name == "eu-west-2").DisplayName);
    }

    [Fact]
    public void The_configured_region_comes_from_the_parameter_then_the_environment()
    {
        Assert.Equal("eu-west-1", AwsSession.ConfiguredRegion("eu-west-1", null, name => name == "AWS_REGION" ? "cn-north-1" : null));
        Assert.Equal("cn-north-1", AwsSession.ConfiguredRegion(null, null, name => name == "AWS_DEFAULT_REGION" ? "cn-north-1" : null));
    }
}
