using System.Text;
using EcrCleanup.Aws.Http;

namespace EcrCleanup.Aws.Tests;

/// <summary>The restJson1 protocol as Lambda speaks it: labels in the path, errors named by header or body.</summary>
public class LambdaRestJsonProtocolTests
{
    [Fact]
    public void Escapes_a_label_as_one_path_segment() =>
        Assert.Equal("arn%3Aaws%3Alambda%3Aeu-west-2%3A123456789012%3Afunction%3Amy-fn", RestJsonProtocol.Label("arn:aws:lambda:eu-west-2:123456789012:function:my-fn"));

    [Fact]
    public void Takes_the_code_from_the_error_type_header_not_the_body_type()
    {
        // Lambda's shape: the code in the header, the fault's side in the body's Type.
        var error = RestJsonProtocol.ParseError(Response(404, """{"Type":"User","Message":"Function not found: arn:aws:lambda:eu-west-2:123456789012:function:gone"}""",
            "ResourceNotFoundException"));

        Assert.Equal("ResourceNotFoundException", error.Code);
        Assert.Equal("Function not found: arn:aws:lambda:eu-west-2:123456789012:function:gone", error.Message);
    }

    [Fact]
    public void Reads_throttling_with_a_lowercase_message()
    {
        var error = RestJsonProtocol.ParseError(Response(429, """{"Reason":"CallerRateLimitExceeded","Type":"User","message":"Rate exceeded"}""",
            "TooManyRequestsException:http://internal.amazon.com/coral/com.amazon.coral.availability/"));

        Assert.Equal("TooManyRequestsException", error.Code);
        Assert.Equal("Rate exceeded", error.Message);
        Assert.True(RetryStrategy.IsRetryable(error.Code, 429));
    }

    [Theory]
    [InlineData("""{"code":"ServiceException","message":"boom"}""", "ServiceException")]
    [InlineData("""{"__type":"com.amazonaws.lambda#InvalidParameterValueException","message":"boom"}""", "InvalidParameterValueException")]
    public void Falls_back_to_the_body_code_without_the_header(string body, string code)
    {
        var error = RestJsonProtocol.ParseError(Response(400, body, null));

        Assert.Equal(code, error.Code);
        Assert.Equal("boom", error.Message);
    }

    [Fact]
    public void Falls_back_to_the_status_for_a_reply_that_is_not_json()
    {
        var error = RestJsonProtocol.ParseError(Response(502, "<html>Bad gateway</html>", null));

        Assert.Equal("Http502", error.Code);
        Assert.Equal("HTTP status 502", error.Message);
    }

    private static AwsResponse Response(int status, string body, string? errorType) => new(status, Encoding.UTF8.GetBytes(body), null, null, errorType);
}
