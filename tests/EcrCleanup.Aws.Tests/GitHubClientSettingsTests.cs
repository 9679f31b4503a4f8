using EcrCleanup.Aws.GitHub;

namespace EcrCleanup.Aws.Tests;

/// <summary>The repository name and API URL a GitHub client is built from.</summary>
public class GitHubClientSettingsTests
{
    [Theory]
    [InlineData("djinilabs/helpmaton", "djinilabs", "helpmaton")]
    [InlineData("a/b.c_d-e", "a", "b.c_d-e")]
    [InlineData("Owner-1/.github", "Owner-1", ".github")]
    public void Accepts_owner_slash_name(string repository, string owner, string name) =>
        Assert.Equal((owner, name), GitHubClient.ParseRepository(repository));

    [Theory]
    [InlineData("")]
    [InlineData("helpmaton")]
    [InlineData("djinilabs/helpmaton/extra")]
    [InlineData("-owner/name")]
    [InlineData("owner/..")]
    [InlineData("owner/na me")]
    [InlineData("https://github.com/djinilabs/helpmaton")]
    public void Refuses_anything_else_before_a_call_is_made(string repository)
    {
        var e = Assert.Throws<AwsConfigurationException>(() => GitHubClient.ParseRepository(repository));
        Assert.Equal(AwsConfigurationException.SettingInvalid, e.ErrorId);
        Assert.Contains("owner/name", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_api_url_is_the_given_one_then_github_api_url_then_github_com()
    {
        var given = new Uri("http://127.0.0.1:5000");
        Assert.Equal(given, GitHubClient.ResolveApiUrl(given, _ => "https://ghe.example.com/api/v3"));
        Assert.Equal(new Uri("https://ghe.example.com/api/v3"), GitHubClient.ResolveApiUrl(null, n => n == "GITHUB_API_URL" ? "https://ghe.example.com/api/v3" : null));
        Assert.Equal(new Uri("https://api.github.com/"), GitHubClient.ResolveApiUrl(null, _ => null));
    }

    [Fact]
    public void A_github_api_url_that_is_not_http_is_refused()
    {
        var e = Assert.Throws<AwsConfigurationException>(() => GitHubClient.ResolveApiUrl(null, _ => "ftp://example.com"));
        Assert.Contains("GITHUB_API_URL", e.Message, StringComparison.Ordinal);
    }
}
