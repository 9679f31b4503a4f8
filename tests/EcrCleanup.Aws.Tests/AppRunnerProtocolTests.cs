using EcrCleanup.Abstractions;

namespace EcrCleanup.Aws.Tests;

/// <summary>App Runner DescribeService on awsJson1_0 against canned replies.</summary>
public class AppRunnerProtocolTests
{
    private const string Arn = "arn:aws:apprunner:eu-west-2:123456789012:service/api/8fe1e10304f84fd2b0df550fe98a71fa";

    [Fact]
    public async Task Describes_a_service_and_the_image_it_runs()
    {
        var http = new CannedAws(CannedReply.Ok($$"""
            {"Service":{"ServiceArn":"{{Arn}}","ServiceName":"api","ServiceId":"8fe1","Status":"RUNNING",
              "SourceConfiguration":{"ImageRepository":{"ImageIdentifier":"123456789012.dkr.ecr.eu-west-2.amazonaws.com/api:v3","ImageRepositoryType":"ECR"},"AutoDeploymentsEnabled":true} },
             "OperationId":"op"}
            """));

        var service = await http.Factory().CreateAppRunner().DescribeServiceAsync(Arn, CancellationToken.None);

        Assert.Equal(new AppRunnerService(Arn, "api", "RUNNING", "123456789012.dkr.ecr.eu-west-2.amazonaws.com/api:v3", "ECR"), service);
        var request = Assert.Single(http.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("AppRunner.DescribeService", request.Target);
        Assert.Equal("application/x-amz-json-1.0", request.ContentType);
        EcsProtocolTests.AssertJson($$"""{"ServiceArn":"{{Arn}}"}""", request.Body);
    }

    [Fact]
    public async Task A_service_built_from_a_code_repository_names_no_image()
    {
        var http = new CannedAws(CannedReply.Ok($$"""
            {"Service":{"ServiceArn":"{{Arn}}","ServiceName":"api","Status":"PAUSED",
              "SourceConfiguration":{"CodeRepository":{"RepositoryUrl":"https://github.com/o/r","SourceCodeVersion":{"Type":"BRANCH","Value":"main"} } } } }
            """));

        var service = await http.Factory().CreateAppRunner().DescribeServiceAsync(Arn, CancellationToken.None);

        Assert.Equal(new AppRunnerService(Arn, "api", "PAUSED", null, null), service);
    }

    [Fact]
    public async Task A_missing_service_is_null()
    {
        var http = new CannedAws(new CannedReply(400, """{"__type":"ResourceNotFoundException","Message":"No service found"}"""));

        Assert.Null(await http.Factory().CreateAppRunner().DescribeServiceAsync(Arn, CancellationToken.None));
    }

    [Fact]
    public async Task Access_denied_names_the_iam_action_to_grant()
    {
        var http = new CannedAws(new CannedReply(400, """{"__type":"AccessDeniedException","Message":"not authorized"}"""));

        var e = await Assert.ThrowsAsync<ServiceException>(() => http.Factory().CreateAppRunner().DescribeServiceAsync(Arn, CancellationToken.None));

        Assert.Equal(("App Runner", "DescribeService", Arn, "AccessDeniedException"), (e.Service, e.Operation, e.Resource, e.ErrorCode));
        Assert.Contains("grant apprunner:DescribeService to the identity in use", e.Message, StringComparison.Ordinal);
    }
}
