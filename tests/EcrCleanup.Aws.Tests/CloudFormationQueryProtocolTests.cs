using System.Text;
using System.Xml.Linq;
using EcrCleanup.Aws.CloudFormation;
using EcrCleanup.Aws.Http;

namespace EcrCleanup.Aws.Tests;

/// <summary>The awsQuery protocol as CloudFormation speaks it: form bodies out, XML replies and errors in.</summary>
public class CloudFormationQueryProtocolTests
{
    private static readonly XNamespace Ns = "http://cloudformation.amazonaws.com/doc/2010-05-15/";

    [Fact]
    public void Encodes_action_and_version_first_then_list_members_numbered_from_one()
    {
        var parameters = AwsQueryProtocol.Members("StackStatusFilter", ["CREATE_COMPLETE", "UPDATE_COMPLETE"])
            .Append(KeyValuePair.Create("NextToken", "a+b/c=="));

        var body = Encoding.UTF8.GetString(AwsQueryProtocol.EncodeBody("ListStacks", "2010-05-15", parameters));

        Assert.Equal(
            "Action=ListStacks&Version=2010-05-15&StackStatusFilter.member.1=CREATE_COMPLETE&StackStatusFilter.member.2=UPDATE_COMPLETE&NextToken=a%2Bb%2Fc%3D%3D",
            body);
    }

    [Fact]
    public void Percent_encodes_names_and_values_as_rfc_3986()
    {
        var body = Encoding.UTF8.GetString(AwsQueryProtocol.EncodeBody("DescribeStacks", "2010-05-15",
            [KeyValuePair.Create("StackName", "arn:aws:cloudformation:eu-west-2:123456789012:stack/My Stack/ü~")]));

        Assert.Equal("Action=DescribeStacks&Version=2010-05-15&StackName=arn%3Aaws%3Acloudformation%3Aeu-west-2%3A123456789012%3Astack%2FMy%20Stack%2F%C3%BC~", body);
    }

    [Fact]
    public void Sends_the_content_type_the_aws_sdks_send() =>
        Assert.Equal("application/x-www-form-urlencoded; charset=utf-8", AwsQueryProtocol.ContentType);

    [Fact]
    public void Live_stack_statuses_are_every_model_status_but_delete_complete()
    {
        Assert.Equal(22, CloudFormationClient.LiveStackStatuses.Count);
        Assert.DoesNotContain("DELETE_COMPLETE", CloudFormationClient.LiveStackStatuses);
        Assert.Contains("DELETE_FAILED", CloudFormationClient.LiveStackStatuses);
        Assert.Contains("IMPORT_ROLLBACK_COMPLETE", CloudFormationClient.LiveStackStatuses);
        Assert.Equal(CloudFormationClient.LiveStackStatuses.Count, CloudFormationClient.LiveStackStatuses.Distinct().Count());
    }

    [Fact]
    public void Reads_the_result_element_of_the_operation_in_the_service_namespace()
    {
        var xml = """
            <ListStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
              <ListStacksResult>
                <StackSummaries>
                  <member><StackName>A</StackName><StackStatus>CREATE_COMPLETE</StackStatus></member>
                  <member><StackName>B &amp; C</StackName><StackStatus>UPDATE_COMPLETE</StackStatus></member>
                </StackSummaries>
                <NextToken>token-2</NextToken>
              </ListStacksResult>
              <ResponseMetadata><RequestId>b9b4b068-3a41-11e5-94eb-example</RequestId></ResponseMetadata>
            </ListStacksResponse>
            """;

        var result = AwsQueryProtocol.ReadResult(Encoding.UTF8.GetBytes(xml), "ListStacks", Ns);

        Assert.Equal(["A", "B & C"], result.Element(Ns + "StackSummaries")!.Elements(Ns + "member").Select(m => m.Element(Ns + "StackName")!.Value));
        Assert.Equal("token-2", result.Element(Ns + "NextToken")!.Value);
    }

    [Theory]
    [InlineData("", "it is empty")]
    [InlineData("<html><body>Gateway</body></html>", "it is a <html> document, not <ListStacksResponse>")]
    [InlineData("<ListStacksResponse xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\"><ListStacksResult>", "it is not XML")]
    [InlineData("<DescribeStacksResponse xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\"><DescribeStacksResult/></DescribeStacksResponse>", "not <ListStacksResponse>")]
    [InlineData("<ListStacksResponse xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\"><ResponseMetadata/></ListStacksResponse>", "it has no <ListStacksResult>")]
    public void A_reply_that_is_not_the_operations_document_is_malformed(string body, string why) =>
        Assert.Contains(why, Assert.Throws<MalformedAnswerException>(() => AwsQueryProtocol.ReadResult(System.Text.Encoding.UTF8.GetBytes(body), "ListStacks", Ns)).Message, StringComparison.Ordinal);

    [Fact]
    public void Parses_a_validation_error_for_a_missing_stack()
    {
        var error = AwsQueryProtocol.ParseError(Response(400, """
            <ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
              <Error>
                <Type>Sender</Type>
                <Code>ValidationError</Code>
                <Message>Stack with id Missing does not exist</Message>
              </Error>
              <RequestId>5ccc7dcd-744c-11e5-be70-example</RequestId>
            </ErrorResponse>
            """));

        Assert.Equal("ValidationError", error.Code);
        Assert.Equal("Stack with id Missing does not exist", error.Message);
    }

    [Fact]
    public void Parses_throttling_which_the_retry_strategy_retries()
    {
        var error = AwsQueryProtocol.ParseError(Response(400,
            "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r</RequestId></ErrorResponse>"));

        Assert.Equal("Throttling", error.Code);
        Assert.Equal("Rate exceeded", error.Message);
        Assert.True(RetryStrategy.IsRetryable(error.Code, 400));
    }

    [Fact]
    public void Falls_back_to_the_status_for_a_reply_that_is_not_xml()
    {
        var error = AwsQueryProtocol.ParseError(Response(503, "<html><body>Service Unavailable"));

        Assert.Equal("Http503", error.Code);
        Assert.Equal("HTTP status 503", error.Message);
    }

    [Fact]
    public void A_missing_stack_is_told_apart_from_other_validation_errors()
    {
        Assert.True(CloudFormationClient.IsStackMissing(new("CloudFormation", "DescribeStacks", "X", "ValidationError", "Stack with id X does not exist")));
        Assert.False(CloudFormationClient.IsStackMissing(new("CloudFormation", "DescribeStacks", "X", "ValidationError", "1 validation error detected: Value 'x!' at 'stackName' failed to satisfy constraint")));
        Assert.False(CloudFormationClient.IsStackMissing(new("CloudFormation", "DescribeStacks", "X", "AccessDenied", "User is not authorized; the stack does not exist for you")));
    }

    private static AwsResponse Response(int status, string body) => new(status, Encoding.UTF8.GetBytes(body), null, null, null);
}
