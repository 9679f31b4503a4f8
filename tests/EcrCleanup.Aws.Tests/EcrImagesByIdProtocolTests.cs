using EcrCleanup.Abstractions;
using EcrCleanup.Model;
using EcrCleanup.Sandbox;
using static EcrCleanup.Aws.Tests.EcsProtocolTests;

namespace EcrCleanup.Aws.Tests;

/// <summary>
/// DescribeImages by image ids on awsJson1_1: at most 100 ids a call without paging, the status filter, and the images
/// ECR has not: ECR refuses a whole call for one unknown id (ImageNotFoundException), so the client asks id by id.
/// </summary>
public class EcrImagesByIdProtocolTests
{
    private const string Target = "AmazonEC2ContainerRegistry_V20150921.DescribeImages";

    private static string Digest(int i) => "sha256:" + i.ToString("x64", System.Globalization.CultureInfo.InvariantCulture);

    private static string Detail(string digest, string status) => $$"""{"imageDigest":"{{digest}}","imageTags":["v1"],"imagePushedAt":1767225600,"imageStatus":"{{status}}"}""";

    private static string Ids(IEnumerable<string> digests) => "[" + string.Join(",", digests.Select(d => $$"""{"imageDigest":"{{d}}"}""")) + "]";

    private static string NotFound(string digest) =>
        $$"""{"__type":"ImageNotFoundException","message":"The image with imageId {imageDigest:'{{digest}}', imageTag:'null'} does not exist within the repository with name 'app'"}""";

    [Fact]
    public async Task Asks_100_ids_a_call_with_the_status_filter_and_no_paging_and_reads_each_status()
    {
        var digests = Enumerable.Range(1, 150).Select(Digest).ToList();
        var http = new CannedAws(request => CannedReply.Ok(request.Body.Contains(Digest(1), StringComparison.Ordinal)
            ? $$"""{"imageDetails":[{{Detail(Digest(1), "ARCHIVED")}},{{Detail(Digest(2), "ACTIVATING")}}]}"""
            : $$"""{"imageDetails":[{{Detail(Digest(150), "ACTIVE")}}]}"""));

        var images = await http.Factory().CreateEcr().DescribeImagesAsync("app", digests, ImageStatusFilter.Any, CancellationToken.None);

        Assert.Equal([(Digest(1), ImageStatus.Archived), (Digest(2), ImageStatus.Activating), (Digest(150), ImageStatus.Active)], images.Select(i => (i.Digest, i.Status)));
        Assert.All(images, i => Assert.Equal(("app", "v1"), (i.Repository, Assert.Single(i.Tags))));
        Assert.Equal(2, http.Requests.Count);
        Assert.All(http.Requests, r => Assert.Equal(Target, r.Target));
        AssertJson($$"""{"repositoryName":"app","imageIds":{{Ids(digests.Take(100))}},"filter":{"imageStatus":"ANY"} }""", http.Requests[0].Body);
        AssertJson($$"""{"repositoryName":"app","imageIds":{{Ids(digests.Skip(100))}},"filter":{"imageStatus":"ANY"} }""", http.Requests[1].Body);
    }

    [Fact]
    public async Task Asks_each_digest_once_and_for_active_images_sends_no_filter()
    {
        var http = new CannedAws(CannedReply.Ok($$"""{"imageDetails":[{"imageDigest":"{{Digest(1)}}","imagePushedAt":1767225600}]}"""));

        var images = await http.Factory().CreateEcr().DescribeImagesAsync("app", [Digest(1), Digest(1)], ImageStatusFilter.Active, CancellationToken.None);

        Assert.Equal(ImageStatus.Active, Assert.Single(images).Status);
        AssertJson($$"""{"repositoryName":"app","imageIds":{{Ids([Digest(1)])}} }""", Assert.Single(http.Requests).Body);
    }

    [Fact]
    public async Task A_call_ECR_refuses_for_an_unknown_id_is_asked_again_id_by_id_and_the_unknown_one_left_out()
    {
        var unknown = Digest(2);
        var http = new CannedAws(request => request.Body.Contains(unknown, StringComparison.Ordinal)
            ? new CannedReply(400, NotFound(unknown))
            : CannedReply.Ok($$"""{"imageDetails":[{{Detail(request.Body.Contains(Digest(1), StringComparison.Ordinal) ? Digest(1) : Digest(3), "ARCHIVED")}}]}"""));

        var images = await http.Factory().CreateEcr().DescribeImagesAsync("app", [Digest(1), unknown, Digest(3)], ImageStatusFilter.Any, CancellationToken.None);

        Assert.Equal([Digest(1), Digest(3)], images.Select(i => i.Digest));
        Assert.Equal(4, http.Requests.Count);
        AssertJson($$"""{"repositoryName":"app","imageIds":{{Ids([Digest(1), unknown, Digest(3)])}},"filter":{"imageStatus":"ANY"} }""", http.Requests[0].Body);
        foreach (var (request, digest) in http.Requests.Skip(1).Zip([Digest(1), unknown, Digest(3)]))
        {
            AssertJson($$"""{"repositoryName":"app","imageIds":{{Ids([digest])}},"filter":{"imageStatus":"ANY"} }""", request.Body);
        }
    }

    [Fact]
    public async Task One_unknown_id_alone_is_no_image_at_the_first_call()
    {
        var http = new CannedAws(new CannedReply(400, NotFound(Digest(1))));

        Assert.Empty(await http.Factory().CreateEcr().DescribeImagesAsync("app", [Digest(1)], ImageStatusFilter.Any, CancellationToken.None));
        Assert.Single(http.Requests);
    }

    [Theory]
    [InlineData(400, "AccessDeniedException", "(grant ecr:DescribeImages to the identity in use")]
    [InlineData(400, "RepositoryNotFoundException", "The repository with name 'app' does not exist")]
    public async Task Other_errors_fail_the_read(int status, string code, string said)
    {
        var http = new CannedAws(new CannedReply(status, $$"""{"__type":"{{code}}","message":"The repository with name 'app' does not exist"}"""));

        var e = await Assert.ThrowsAsync<ServiceException>(() => http.Factory().CreateEcr().DescribeImagesAsync("app", [Digest(1), Digest(2)], ImageStatusFilter.Any, CancellationToken.None));

        Assert.Equal(("ECR", "DescribeImages", "app", code), (e.Service, e.Operation, e.Resource, e.ErrorCode));
        Assert.Contains(said, e.Message, StringComparison.Ordinal);
        Assert.Single(http.Requests);
    }

    [Theory]
    [InlineData("""{"nextToken":"x"}""", "it has no imageDetails")]
    [InlineData("""{"imageDetails":[{"imageDigest":"sha256:d","imagePushedAt":1767225600}]}""", "it has no imageStatus for sha256:d")]
    public async Task An_answer_that_is_not_the_documents_is_malformed_never_no_image(string body, string why)
    {
        var http = new CannedAws(CannedReply.Ok(body));

        var e = await Assert.ThrowsAsync<ServiceException>(() => http.Factory().CreateEcr().DescribeImagesAsync("app", [Digest(1)], ImageStatusFilter.Any, CancellationToken.None));

        Assert.Equal(("DescribeImages", "MalformedResponse"), (e.Operation, e.ErrorCode));
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Against_the_sandbox_reads_archived_and_active_images_by_id_and_leaves_out_an_unknown_one()
    {
        var archived = Digest(7);
        var active = Digest(8);
        await using var sandbox = await SandboxHost.StartAsync(new Scenario
        {
            Repositories = [new() { Name = "app", Images = [new ScenarioImage { Digest = archived, Status = "ARCHIVED", AgeHours = 300 }, new ScenarioImage { Digest = active, AgeHours = 2 }] }],
        });

        var images = await SandboxClients.For(sandbox, new()).CreateEcr().DescribeImagesAsync("app", [archived, Digest(9), active], ImageStatusFilter.Any, CancellationToken.None);

        Assert.Equal([(archived, ImageStatus.Archived), (active, ImageStatus.Active)], images.Select(i => (i.Digest, i.Status)).OrderBy(i => i.Item1, StringComparer.Ordinal));
        Assert.Equal(4, sandbox.CallCount("ecr:DescribeImages"));
    }
}
