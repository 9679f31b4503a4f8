using System.Text;
using EcrCleanup.Aws.Http;

namespace EcrCleanup.Aws.Tests;

public class AwsJsonProtocolTests
{
    [Theory]
    [InlineData("RepositoryNotFoundException", "RepositoryNotFoundException")]
    [InlineData("com.amazonaws.ecr#RepositoryNotFoundException", "RepositoryNotFoundException")]
    [InlineData("ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/", "ThrottlingException")]
    public void Normalizes_error_types(string type, string code) =>
        Assert.Equal(code, AwsJsonProtocol.NormalizeCode(type));

    [Fact]
    public void Reads_code_and_message_from_the_body()
    {
        var body = Encoding.UTF8.GetBytes("""{"__type":"RepositoryNotFoundException","message":"The repository with name 'x' does not exist"}""");
        var error = AwsJsonProtocol.ParseError(new AwsResponse(400, body, null, "req-1", null));
        Assert.Equal("RepositoryNotFoundException", error.Code);
        Assert.Contains("'x'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Falls_back_to_the_header_and_the_status_for_a_body_that_is_not_json()
    {
        var error = AwsJsonProtocol.ParseError(new AwsResponse(502, "<html>Bad gateway</html>"u8.ToArray(), null, null, null));
        Assert.Equal("Http502", error.Code);
        var withHeader = AwsJsonProtocol.ParseError(new AwsResponse(400, Array.Empty<byte>(), null, null, "ThrottlingException:http://x"));
        Assert.Equal("ThrottlingException", withHeader.Code);
    }
}
