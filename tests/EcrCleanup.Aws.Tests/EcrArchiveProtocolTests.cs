using EcrCleanup.Abstractions;
using EcrCleanup.Diagnostics;
using EcrCleanup.Model;
using static EcrCleanup.Aws.Tests.EcsProtocolTests;

namespace EcrCleanup.Aws.Tests;

/// <summary>
/// ECR's archive storage class and lifecycle policy previews on awsJson1_1 against canned replies: the requests'
/// shape, every member read, values the module does not know, paging, a missing policy, malformed answers, errors.
/// </summary>
public class EcrArchiveProtocolTests
{
    private const string Target = "AmazonEC2ContainerRegistry_V20150921.";
    private static readonly string A = "sha256:" + new string('a', 64);
    private static readonly string B = "sha256:" + new string('b', 64);
    private static readonly string C = "sha256:" + new string('c', 64);

    /// <summary>2026-01-01T00:00:00Z as awsJson sends it: epoch seconds.</summary>
    private static readonly DateTimeOffset NewYear = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Describing_active_images_sends_no_filter_and_reads_an_image_without_a_status_as_active()
    {
        var http = new CannedAws(CannedReply.Ok($$"""
            {"imageDetails":[
              {"imageDigest":"{{A}}","imageTags":["v1"],"imagePushedAt":1767225600},
              {"imageDigest":"{{B}}","imagePushedAt":1767225600,"imageStatus":"ACTIVE","lastArchivedAt":1767225600.5,"lastActivatedAt":1767312000}]}
            """));
        var ecr = http.Factory().CreateEcr();

        var images = await ecr.DescribeImagesAsync("app", ImageStatusFilter.Active, CancellationToken.None).ToListAsync();

        Assert.Equal((ImageStatus.Active, null, null), (images[0].Status, images[0].LastArchivedAt, images[0].LastActivatedAt));
        Assert.Equal((ImageStatus.Active, NewYear.AddMilliseconds(500), NewYear.AddDays(1)), (images[1].Status, images[1].LastArchivedAt, images[1].LastActivatedAt));
        Assert.All(http.Requests, request =>
        {
            Assert.Equal(Target + "DescribeImages", request.Target);
            AssertJson("""{"repositoryName":"app","maxResults":1000}""", request.Body);
        });
    }

    [Theory]
    [InlineData(ImageStatusFilter.Archived, "ARCHIVED", "ARCHIVED", ImageStatus.Archived)]
    [InlineData(ImageStatusFilter.Activating, "ACTIVATING", "ACTIVATING", ImageStatus.Activating)]
    [InlineData(ImageStatusFilter.Any, "ANY", "ARCHIVED", ImageStatus.Archived)]
    [InlineData(ImageStatusFilter.Any, "ANY", "ACTIVE", ImageStatus.Active)]
    public async Task Describing_images_by_status_sends_the_filter_on_every_page_and_reads_each_status(ImageStatusFilter filter, string sent, string answered, ImageStatus read)
    {
        var http = new CannedAws(
            CannedReply.Ok($$"""{"imageDetails":[{"imageDigest":"{{A}}","imagePushedAt":1767225600,"imageStatus":"{{answered}}","lastArchivedAt":1767225600}],"nextToken":"page-2"}"""),
            CannedReply.Ok($$"""{"imageDetails":[{"imageDigest":"{{B}}","imagePushedAt":1767225600,"imageStatus":"{{answered}}"}]}"""));

        var images = await http.Factory().CreateEcr().DescribeImagesAsync("app", filter, CancellationToken.None).ToListAsync();

        Assert.Equal([(A, read, NewYear), (B, read, (DateTimeOffset?)null)], images.Select(i => (i.Digest, i.Status, i.LastArchivedAt)));
        AssertJson($$"""{"repositoryName":"app","maxResults":1000,"filter":{"imageStatus":"{{sent}}"} }""", http.Requests[0].Body);
        AssertJson($$"""{"repositoryName":"app","maxResults":1000,"nextToken":"page-2","filter":{"imageStatus":"{{sent}}"} }""", http.Requests[1].Body);
    }

    [Theory]
    [InlineData(ImageStatusFilter.Active)]
    [InlineData(ImageStatusFilter.Any)]
    public async Task An_image_status_the_module_does_not_know_fails_the_read_naming_the_repository_the_image_and_the_value(ImageStatusFilter filter)
    {
        var http = new CannedAws(CannedReply.Ok($$"""{"imageDetails":[{"imageDigest":"{{A}}","imagePushedAt":1767225600,"imageStatus":"DEEP_ARCHIVED"}]}"""));

        var e = await Assert.ThrowsAsync<ServiceException>(() => http.Factory().CreateEcr().DescribeImagesAsync("app", filter, CancellationToken.None).ToListAsync().AsTask());

        Assert.Equal(("ECR", "DescribeImages", "app", "MalformedResponse"), (e.Service, e.Operation, e.Resource, e.ErrorCode));
        Assert.Contains($"its imageStatus for {A} is 'DEEP_ARCHIVED', a value this version of the module does not know (ACTIVE, ARCHIVED, ACTIVATING)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_filter_sent_an_image_that_does_not_say_its_status_is_malformed_not_active()
    {
        var http = new CannedAws(CannedReply.Ok($$"""{"imageDetails":[{"imageDigest":"{{A}}","imagePushedAt":1767225600}]}"""));

        var e = await Assert.ThrowsAsync<ServiceException>(() => http.Factory().CreateEcr().DescribeImagesAsync("app", ImageStatusFilter.Archived, CancellationToken.None).ToListAsync().AsTask());

        Assert.Equal(("DescribeImages", "MalformedResponse"), (e.Operation, e.ErrorCode));
        Assert.Contains($"it has no imageStatus for {A}", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(StorageClass.Archive, "ARCHIVE", "ARCHIVED", ImageStatus.Archived)]
    [InlineData(StorageClass.Standard, "STANDARD", "ACTIVATING", ImageStatus.Activating)]
    public async Task Updates_an_images_storage_class_by_digest_and_answers_its_status_as_ECR_does(StorageClass target, string sent, string answered, ImageStatus status)
    {
        var http = new CannedAws(CannedReply.Ok($$"""
            {"registryId":"123456789012","repositoryName":"app","imageId":{"imageDigest":"{{A}}"},"imageStatus":"{{answered}}"}
            """));

        var update = await http.Factory().CreateEcr().UpdateImageStorageClassAsync("app", A, target, CancellationToken.None);

        Assert.Equal(new StorageClassUpdate(A, status), update);
        var request = Assert.Single(http.Requests);
        Assert.Equal((Target + "UpdateImageStorageClass", "application/x-amz-json-1.1"), (request.Target, request.ContentType));
        AssertJson($$"""{"repositoryName":"app","imageId":{"imageDigest":"{{A}}"},"targetStorageClass":"{{sent}}"}""", request.Body);
    }

    [Theory]
    [InlineData("""{"repositoryName":"app"}""", "it has no imageStatus")]
    [InlineData("""{"imageStatus":"FROZEN"}""", "its imageStatus is 'FROZEN'")]
    public async Task An_update_answer_without_a_status_it_knows_is_malformed_naming_the_image(string body, string why)
    {
        var http = new CannedAws(CannedReply.Ok(body));

        var e = await Assert.ThrowsAsync<ServiceException>(() => http.Factory().CreateEcr().UpdateImageStorageClassAsync("app", A, StorageClass.Archive, CancellationToken.None));

        Assert.Equal(("ECR", "UpdateImageStorageClass", $"app@{A}", "MalformedResponse"), (e.Service, e.Operation, e.Resource, e.ErrorCode));
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reads_a_repositorys_lifecycle_policy_and_when_it_last_ran()
    {
        var http = new CannedAws(CannedReply.Ok("""
            {"registryId":"123456789012","repositoryName":"app","lifecyclePolicyText":"{\"rules\":[]}","lastEvaluatedAt":1767225600}
            """));

        var policy = await http.Factory().CreateEcr().GetLifecyclePolicyAsync("app", CancellationToken.None);

        Assert.Equal(new LifecyclePolicy("""{"rules":[]}""", NewYear), policy);
        Assert.Equal(Target + "GetLifecyclePolicy", http.Requests[0].Target);
        AssertJson("""{"repositoryName":"app"}""", http.Requests[0].Body);
    }

    [Fact]
    public async Task A_policy_that_has_not_run_yet_has_no_last_evaluation()
    {
        var http = new CannedAws(CannedReply.Ok("""{"lifecyclePolicyText":"{}"}"""));

        Assert.Equal(new LifecyclePolicy("{}", null), await http.Factory().CreateEcr().GetLifecyclePolicyAsync("app", CancellationToken.None));
    }

    [Fact]
    public async Task A_repository_without_a_lifecycle_policy_answers_null_at_the_first_call()
    {
        var http = new CannedAws(new CannedReply(400, """{"__type":"LifecyclePolicyNotFoundException","message":"Lifecycle policy does not exist for the repository with name 'app'"}"""));

        Assert.Null(await http.Factory().CreateEcr().GetLifecyclePolicyAsync("app", CancellationToken.None));
        Assert.Single(http.Requests);
    }

    [Theory]
    [InlineData(400, "RepositoryNotFoundException")]
    [InlineData(500, "ServerException")]
    public async Task Other_errors_of_get_lifecycle_policy_fail(int status, string code)
    {
        var http = new CannedAws(new CannedReply(status, $$"""{"__type":"{{code}}","message":"no"}"""));

        var e = await Assert.ThrowsAsync<ServiceException>(() => http.Factory().CreateEcr().GetLifecyclePolicyAsync("app", CancellationToken.None));

        Assert.Equal(("ECR", "GetLifecyclePolicy", "app", code), (e.Service, e.Operation, e.Resource, e.ErrorCode));
    }

    [Fact]
    public async Task A_policy_answer_without_the_policy_is_malformed_not_none()
    {
        var http = new CannedAws(CannedReply.Ok("""{"registryId":"123456789012","repositoryName":"app"}"""));

        var e = await Assert.ThrowsAsync<ServiceException>(() => http.Factory().CreateEcr().GetLifecyclePolicyAsync("app", CancellationToken.None));

        Assert.Equal(("GetLifecyclePolicy", "MalformedResponse"), (e.Operation, e.ErrorCode));
        Assert.Contains("it has no lifecyclePolicyText", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"rules":[]}""", """{"repositoryName":"app","lifecyclePolicyText":"{\"rules\":[]}"}""")]
    [InlineData(null, """{"repositoryName":"app"}""")]
    public async Task Starts_a_preview_of_the_given_policy_or_of_the_repositorys_own(string? policy, string sent)
    {
        var http = new CannedAws(CannedReply.Ok("""{"repositoryName":"app","lifecyclePolicyText":"{}","status":"IN_PROGRESS"}"""));

        var status = await http.Factory().CreateEcr().StartLifecyclePolicyPreviewAsync("app", policy, CancellationToken.None);

        Assert.Equal(LifecyclePreviewStatus.InProgress, status);
        Assert.Equal(Target + "StartLifecyclePolicyPreview", http.Requests[0].Target);
        AssertJson(sent, http.Requests[0].Body);
    }

    [Theory]
    [InlineData("""{"repositoryName":"app"}""", "it has no status")]
    [InlineData("""{"status":"QUEUED"}""", "its status is 'QUEUED', a value this version of the module does not know (IN_PROGRESS, COMPLETE, EXPIRED, FAILED)")]
    public async Task A_start_answer_without_a_status_it_knows_is_malformed(string body, string why)
    {
        var http = new CannedAws(CannedReply.Ok(body));

        var e = await Assert.ThrowsAsync<ServiceException>(() => http.Factory().CreateEcr().StartLifecyclePolicyPreviewAsync("app", null, CancellationToken.None));

        Assert.Equal(("StartLifecyclePolicyPreview", "app", "MalformedResponse"), (e.Operation, e.Resource, e.ErrorCode));
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reads_every_page_of_a_complete_preview_with_each_results_action_rule_and_storage_class()
    {
        var http = new CannedAws(
            CannedReply.Ok($$"""
                {"repositoryName":"app","lifecyclePolicyText":"{}","status":"COMPLETE","nextToken":"page-2",
                 "previewResults":[
                   {"imageDigest":"{{A}}","imageTags":["v1","latest"],"imagePushedAt":1767225600,"action":{"type":"EXPIRE"},"appliedRulePriority":1,"storageClass":"STANDARD"},
                   {"imageDigest":"{{B}}","imagePushedAt":1767225600.5,"action":{"type":"TRANSITION","targetStorageClass":"ARCHIVE"},"appliedRulePriority":2}],
                 "summary":{"expiringImageTotalCount":2,"transitioningImageTotalCounts":[{"targetStorageClass":"ARCHIVE","imageTotalCount":1}]} }
                """),
            CannedReply.Ok($$"""
                {"repositoryName":"app","lifecyclePolicyText":"{}","status":"COMPLETE",
                 "previewResults":[{"imageDigest":"{{C}}","imageTags":[],"imagePushedAt":1767312000,"action":{"type":"EXPIRE"},"appliedRulePriority":3,"storageClass":"ARCHIVE"}],
                 "summary":{"expiringImageTotalCount":2,"transitioningImageTotalCounts":[{"targetStorageClass":"ARCHIVE","imageTotalCount":1}]} }
                """));

        var preview = await http.Factory().CreateEcr().GetLifecyclePolicyPreviewAsync("app", CancellationToken.None);

        Assert.Equal((LifecyclePreviewStatus.Complete, "{}"), (preview.Status, preview.PolicyText));
        Assert.Collection(preview.Results,
            a =>
            {
                Assert.Equal(["v1", "latest"], a.Tags);
                Assert.Equal((A, NewYear, new LifecycleAction(LifecycleActionType.Expire, null), 1, (StorageClass?)StorageClass.Standard), (a.Digest, a.PushedAt, a.Action, a.AppliedRulePriority, a.StorageClass));
            },
            b =>
            {
                Assert.Empty(b.Tags);
                Assert.Equal((B, NewYear.AddMilliseconds(500), new LifecycleAction(LifecycleActionType.Transition, StorageClass.Archive), 2, (StorageClass?)null), (b.Digest, b.PushedAt, b.Action, b.AppliedRulePriority, b.StorageClass));
            },
            c => Assert.Equal((C, NewYear.AddDays(1), LifecycleActionType.Expire, 3, (StorageClass?)StorageClass.Archive), (c.Digest, c.PushedAt, c.Action.Type, c.AppliedRulePriority, c.StorageClass)));
        Assert.Equal(2, preview.Summary!.ExpiringImageCount);
        Assert.Equal([new LifecycleTransitionCount(StorageClass.Archive, 1)], preview.Summary.Transitions);
        Assert.Equal(Target + "GetLifecyclePolicyPreview", http.Requests[0].Target);
        AssertJson("""{"repositoryName":"app","maxResults":100}""", http.Requests[0].Body);
        AssertJson("""{"repositoryName":"app","maxResults":100,"nextToken":"page-2"}""", http.Requests[1].Body);
    }

    [Fact]
    public async Task A_preview_in_progress_has_no_results_yet()
    {
        var http = new CannedAws(CannedReply.Ok("""{"repositoryName":"app","status":"IN_PROGRESS"}"""));

        var preview = await http.Factory().CreateEcr().GetLifecyclePolicyPreviewAsync("app", CancellationToken.None);

        Assert.Equal(new LifecyclePreview(LifecyclePreviewStatus.InProgress, null, preview.Results, null), preview);
        Assert.Empty(preview.Results);
    }

    [Fact]
    public async Task A_preview_whose_status_changes_between_pages_answers_the_last_pages_status()
    {
        var http = new CannedAws(
            CannedReply.Ok($$"""{"status":"COMPLETE","nextToken":"page-2","previewResults":[{"imageDigest":"{{A}}","imagePushedAt":1767225600,"action":{"type":"EXPIRE"},"appliedRulePriority":1}]}"""),
            CannedReply.Ok("""{"status":"EXPIRED"}"""));

        var preview = await http.Factory().CreateEcr().GetLifecyclePolicyPreviewAsync("app", CancellationToken.None);

        Assert.Equal(LifecyclePreviewStatus.Expired, preview.Status);
        Assert.Equal([A], preview.Results.Select(r => r.Digest));
    }

    [Theory]
    [InlineData("""{"status":"COMPLETE"}""", "it has no previewResults list")]
    [InlineData("""{"previewResults":[]}""", "it has no status")]
    [InlineData("""{"status":"PAUSED","previewResults":[]}""", "its status is 'PAUSED'")]
    [InlineData("""{"status":"COMPLETE","previewResults":[{"imagePushedAt":1767225600,"action":{"type":"EXPIRE"},"appliedRulePriority":1}]}""", "it has no imageDigest")]
    [InlineData("""{"status":"COMPLETE","previewResults":[{"imageDigest":"sha256:d","action":{"type":"EXPIRE"},"appliedRulePriority":1}]}""", "it has no imagePushedAt for sha256:d")]
    [InlineData("""{"status":"COMPLETE","previewResults":[{"imageDigest":"sha256:d","imagePushedAt":1767225600,"appliedRulePriority":1}]}""", "it has no action")]
    [InlineData("""{"status":"COMPLETE","previewResults":[{"imageDigest":"sha256:d","imagePushedAt":1767225600,"action":{"type":"EXPIRE"}}]}""", "its appliedRulePriority is not a number")]
    [InlineData("""{"status":"COMPLETE","previewResults":[{"imageDigest":"sha256:d","imagePushedAt":1767225600,"action":{"type":"DELETE"},"appliedRulePriority":1}]}""", "its type for sha256:d is 'DELETE'")]
    [InlineData("""{"status":"COMPLETE","previewResults":[{"imageDigest":"sha256:d","imagePushedAt":1767225600,"action":{"type":"TRANSITION"},"appliedRulePriority":1}]}""", "its TRANSITION action for sha256:d has no targetStorageClass")]
    [InlineData("""{"status":"COMPLETE","previewResults":[{"imageDigest":"sha256:d","imagePushedAt":1767225600,"action":{"type":"TRANSITION","targetStorageClass":"GLACIER"},"appliedRulePriority":1}]}""", "its targetStorageClass for sha256:d is 'GLACIER'")]
    [InlineData("""{"status":"COMPLETE","previewResults":[{"imageDigest":"sha256:d","imagePushedAt":1767225600,"action":{"type":"EXPIRE"},"appliedRulePriority":1,"storageClass":"COLD"}]}""", "its storageClass for sha256:d is 'COLD'")]
    [InlineData("""{"status":"COMPLETE","previewResults":[],"summary":{"transitioningImageTotalCounts":[{"targetStorageClass":"ARCHIVE"}]}}""", "its imageTotalCount is not a number")]
    public async Task A_preview_answer_that_is_not_the_documents_is_malformed_never_read_as_nothing(string body, string why)
    {
        var http = new CannedAws(CannedReply.Ok(body));

        var e = await Assert.ThrowsAsync<ServiceException>(() => http.Factory().CreateEcr().GetLifecyclePolicyPreviewAsync("app", CancellationToken.None));

        Assert.Equal(("ECR", "GetLifecyclePolicyPreview", "app", "MalformedResponse"), (e.Service, e.Operation, e.Resource, e.ErrorCode));
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("UpdateImageStorageClass")]
    [InlineData("GetLifecyclePolicy")]
    [InlineData("StartLifecyclePolicyPreview")]
    [InlineData("GetLifecyclePolicyPreview")]
    public async Task Access_denied_names_the_iam_action_to_grant(string operation)
    {
        var http = new CannedAws(new CannedReply(400, $$"""{"__type":"AccessDeniedException","message":"User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecr:{{operation}}"}"""));

        var e = await Assert.ThrowsAsync<ServiceException>(() => Call(http.Factory().CreateEcr(), operation));

        Assert.Equal(("ECR", operation, "AccessDeniedException"), (e.Service, e.Operation, e.ErrorCode));
        Assert.Contains($"(grant ecr:{operation} to the identity in use; docs/operator-guide.md lists the IAM policy)", e.Message, StringComparison.Ordinal);
        Assert.Equal(Target + operation, Assert.Single(http.Requests).Target);
    }

    /// <summary>One throttle (the adaptive bucket then slows the client down for a few seconds); the rest a server fault.</summary>
    [Theory]
    [InlineData("UpdateImageStorageClass", 400, "ThrottlingException", """{"imageStatus":"ARCHIVED"}""")]
    [InlineData("GetLifecyclePolicy", 500, "ServerException", """{"lifecyclePolicyText":"{}"}""")]
    [InlineData("StartLifecyclePolicyPreview", 500, "ServerException", """{"status":"IN_PROGRESS"}""")]
    [InlineData("GetLifecyclePolicyPreview", 500, "ServerException", """{"status":"IN_PROGRESS"}""")]
    public async Task A_throttle_or_server_fault_and_a_malformed_answer_are_asked_again_and_counted(string operation, int status, string code, string body)
    {
        var http = new CannedAws(
            new CannedReply(status, $$"""{"__type":"{{code}}","message":"try again"}"""),
            CannedReply.Ok("<html>proxy</html>"),
            CannedReply.Ok(body));
        var recorder = new ServiceCallRecorder();

        await Call(http.Factory(recorder: recorder).CreateEcr(), operation);

        Assert.Equal(3, recorder.Calls[$"ECR:{operation}"]);
        Assert.Equal(2, recorder.Retries[$"ECR:{operation}"]);
    }

    private static Task Call(IEcrClient ecr, string operation) => operation switch
    {
        "UpdateImageStorageClass" => ecr.UpdateImageStorageClassAsync("app", A, StorageClass.Archive, CancellationToken.None),
        "GetLifecyclePolicy" => ecr.GetLifecyclePolicyAsync("app", CancellationToken.None),
        "StartLifecyclePolicyPreview" => ecr.StartLifecyclePolicyPreviewAsync("app", null, CancellationToken.None),
        _ => ecr.GetLifecyclePolicyPreviewAsync("app", CancellationToken.None),
    };
}
