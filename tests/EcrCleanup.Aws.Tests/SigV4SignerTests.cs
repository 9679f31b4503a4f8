using Amazon.Runtime;
using EcrCleanup.Aws.Http;

namespace EcrCleanup.Aws.Tests;

public class SigV4SignerTests
{
    // The "get-vanilla" case of AWS's published Signature Version 4 test suite.
    [Fact]
    public void Signs_the_published_get_vanilla_example()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://example.amazonaws.com/");
        var credentials = new ImmutableCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null);

        SigV4Signer.Sign(request, Array.Empty<byte>(), Array.Empty<KeyValuePair<string, string>>(), credentials, "us-east-1", "service", new DateTime(2015, 8, 30, 12, 36, 0, DateTimeKind.Utc));

        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
            string.Join(",", request.Headers.GetValues("Authorization")));
        Assert.Equal("20150830T123600Z", request.Headers.GetValues("X-Amz-Date").Single());
    }

    [Fact]
    public void Sends_the_session_token_and_signs_it()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://api.ecr.eu-west-2.amazonaws.com/");
        var credentials = new ImmutableCredentials("ASIAEXAMPLE", "secret", "session-token");

        SigV4Signer.Sign(request, "{}"u8.ToArray(), Array.Empty<KeyValuePair<string, string>>(), credentials, "eu-west-2", "ecr", DateTime.UtcNow);

        Assert.Equal("session-token", request.Headers.GetValues("X-Amz-Security-Token").Single());
        Assert.Contains("x-amz-security-token", request.Headers.GetValues("Authorization").Single(), StringComparison.Ordinal);
    }
}
