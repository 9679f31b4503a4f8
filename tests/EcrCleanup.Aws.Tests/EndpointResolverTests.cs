namespace EcrCleanup.Aws.Tests;

public class EndpointResolverTests
{
    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Theory]
    [InlineData("eu-west-2", "https://api.ecr.eu-west-2.amazonaws.com/")]
    [InlineData("cn-north-1", "https://api.ecr.cn-north-1.amazonaws.com.cn/")]
    [InlineData("us-gov-west-1", "https://api.ecr.us-gov-west-1.amazonaws.com/")]
    public void Resolves_the_regional_endpoint_of_the_partition(string region, string expected) =>
        Assert.Equal(expected, EndpointResolver.Resolve(AwsServiceInfo.Ecr, region, null, Environment()).ToString());

    [Fact]
    public void Uses_the_service_prefixes_of_cloudformation_and_lambda()
    {
        Assert.Equal("https://cloudformation.us-east-1.amazonaws.com/", EndpointResolver.Resolve(AwsServiceInfo.CloudFormation, "us-east-1", null, Environment()).ToString());
        Assert.Equal("https://lambda.us-east-1.amazonaws.com/", EndpointResolver.Resolve(AwsServiceInfo.Lambda, "us-east-1", null, Environment()).ToString());
    }

    [Fact]
    public void Uses_the_service_prefixes_of_ecs_batch_and_app_runner()
    {
        Assert.Equal("https://ecs.eu-west-2.amazonaws.com/", EndpointResolver.Resolve(AwsServiceInfo.Ecs, "eu-west-2", null, Environment()).ToString());
        Assert.Equal("https://batch.cn-north-1.amazonaws.com.cn/", EndpointResolver.Resolve(AwsServiceInfo.Batch, "cn-north-1", null, Environment()).ToString());
        Assert.Equal("https://apprunner.us-east-1.amazonaws.com/", EndpointResolver.Resolve(AwsServiceInfo.AppRunner, "us-east-1", null, Environment()).ToString());
    }

    [Theory]
    [InlineData("AWS_ENDPOINT_URL_ECS")]
    [InlineData("AWS_ENDPOINT_URL_BATCH")]
    [InlineData("AWS_ENDPOINT_URL_APPRUNNER")]
    public void Reads_the_endpoint_variable_the_aws_sdks_name_for_each_new_service(string variable)
    {
        var env = Environment((variable, "http://local:1"));
        var resolved = new[] { AwsServiceInfo.Ecs, AwsServiceInfo.Batch, AwsServiceInfo.AppRunner }
            .Where(service => EndpointResolver.Resolve(service, "eu-west-2", null, env).ToString() == "http://local:1/");

        Assert.Equal(variable, "AWS_ENDPOINT_URL_" + Assert.Single(resolved).EnvironmentId);
    }

    [Fact]
    public void An_explicit_endpoint_wins_over_every_variable()
    {
        var env = Environment(("AWS_ENDPOINT_URL_ECR", "http://ecr.local:1"), ("AWS_ENDPOINT_URL", "http://all.local:2"));
        Assert.Equal("http://explicit.local:3/", EndpointResolver.Resolve(AwsServiceInfo.Ecr, "eu-west-2", new Uri("http://explicit.local:3"), env).ToString());
    }

    [Fact]
    public void The_service_variable_wins_over_the_global_one()
    {
        var env = Environment(("AWS_ENDPOINT_URL_ECR", "http://ecr.local:1"), ("AWS_ENDPOINT_URL", "http://all.local:2"));
        Assert.Equal("http://ecr.local:1/", EndpointResolver.Resolve(AwsServiceInfo.Ecr, "eu-west-2", null, env).ToString());
        Assert.Equal("http://all.local:2/", EndpointResolver.Resolve(AwsServiceInfo.Lambda, "eu-west-2", null, env).ToString());
    }

    [Fact]
    public void A_malformed_endpoint_variable_is_refused_with_its_name()
    {
        var e = Assert.Throws<AwsConfigurationException>(() => EndpointResolver.Resolve(AwsServiceInfo.Ecr, "eu-west-2", null, Environment(("AWS_ENDPOINT_URL", "not a url"))));
        Assert.Contains("AWS_ENDPOINT_URL", e.Message, StringComparison.Ordinal);
    }
}
