using EcrCleanup.Commands.Validation;

namespace EcrCleanup.Tests.Validation;

public class ValidateEcrRepositoryNameAttributeTests
{
    [Theory]
    [InlineData("helpmaton-lambda-images")]
    [InlineData("team/service")]
    [InlineData("a/b/c")]
    [InlineData("app.v2_x-y")]
    [InlineData("ab")]
    [InlineData("0123")]
    [InlineData("dkr.ecr/app")]
    public void What_ECR_accepts_is_a_repository_name(string name)
    {
        Assert.True(ValidateEcrRepositoryNameAttribute.IsRepositoryName(name));
    }

    [Fact]
    public void A_name_of_256_characters_is_accepted_and_of_257_refused()
    {
        Assert.True(ValidateEcrRepositoryNameAttribute.IsRepositoryName(new string('a', 256)));
        Assert.False(ValidateEcrRepositoryNameAttribute.IsRepositoryName(new string('a', 257)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("App")]
    [InlineData("app name")]
    [InlineData(" app")]
    [InlineData("-app")]
    [InlineData("app-")]
    [InlineData("app/")]
    [InlineData("/app")]
    [InlineData("a//b")]
    [InlineData("a..b")]
    [InlineData("app:latest")]
    [InlineData("app@sha256:0123")]
    [InlineData("123456789012.dkr.ecr.eu-west-2.amazonaws.com/app")]
    [InlineData("123456789012.dkr.ecr-fips.us-east-1.amazonaws.com/team/app")]
    public void Anything_else_is_not_a_repository_name(string? name)
    {
        Assert.False(ValidateEcrRepositoryNameAttribute.IsRepositoryName(name));
    }
}
