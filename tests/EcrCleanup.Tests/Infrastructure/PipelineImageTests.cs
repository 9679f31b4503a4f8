using System.Collections;
using System.Management.Automation;
using EcrCleanup.Commands.Infrastructure;
using EcrCleanup.Model;
using EcrCleanup.Restore;

namespace EcrCleanup.Tests.Infrastructure;

/// <summary>Pipeline objects read as images to restore, and the errors of images not restored.</summary>
public class PipelineImageTests
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    public static TheoryData<object> Images() => new()
    {
        new EcrImage("team/api", Digest) { Tags = ["v1"] },
        new ProtectedImage("team/api", Digest, ProtectionReason.External) { Tags = ["v1"] },
        new RestoreResult("team/api", Digest, ["v1"], RestoreOutcome.Restoring, ImageStatus.Activating, DateTimeOffset.UnixEpoch),
        new { Repository = "team/api", Digest, Tags = new[] { "v1" } },
        new { RepositoryName = "team/api", ImageDigest = Digest, ImageTags = new List<string> { "v1" } },
        new Hashtable { ["Repository"] = "team/api", ["Digest"] = Digest, ["Tags"] = "v1" },
    };

    [Theory]
    [MemberData(nameof(Images))]
    public void Reads_the_modules_images_objects_with_repository_and_digest_and_AWS_Tools_image_details(object item)
    {
        var image = PipelineImage.From(PSObject.AsPSObject(item));

        Assert.NotNull(image);
        Assert.Equal(("team/api", Digest, "v1"), (image.Repository, image.Digest, Assert.Single(image.Tags)));
    }

    [Fact]
    public void Reads_a_deserialized_image_and_one_without_tags()
    {
        var deserialized = (PSObject)PSSerializer.Deserialize(PSSerializer.Serialize(new EcrImage("app", Digest) { Tags = ["a", "b"] }));

        Assert.Equal(["a", "b"], PipelineImage.From(deserialized)!.Tags);
        Assert.Empty(PipelineImage.From(PSObject.AsPSObject(new { Repository = "app", Digest }))!.Tags);
    }

    public static TheoryData<object> NotImages() => new()
    {
        "app@" + Digest,
        new { Repository = "app", Digest = "latest" },
        new { Repository = "app", Digest = Digest.ToUpperInvariant() },
        new { Repository = "App Images", Digest },
        new { Repository = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/app", Digest },
        new { Name = "app", Digest },
        new Hashtable { ["Repository"] = "app" },
    };

    [Theory]
    [MemberData(nameof(NotImages))]
    public void Anything_else_is_no_image(object item)
    {
        Assert.Null(PipelineImage.From(PSObject.AsPSObject(item)));
    }

    [Theory]
    [InlineData("AccessDeniedException", "ImageRestoreFailed.AccessDenied", ErrorCategory.PermissionDenied, "Grant ecr:UpdateImageStorageClass")]
    [InlineData("InvalidParameterException", "ImageRestoreFailed.InvalidParameter", ErrorCategory.InvalidArgument, "Run the command again")]
    [InlineData(ImageRestorer.NotFoundCode, "ImageRestoreFailed.ImageNotFound", ErrorCategory.ObjectNotFound, "--filter imageStatus=ANY")]
    [InlineData(ImageRestorer.WaitTimeoutCode, "ImageRestoreFailed.RestoreWaitTimeout", ErrorCategory.OperationTimeout, "-Timeout")]
    public void An_image_not_restored_is_an_error_with_a_stable_id_a_category_the_result_as_target_and_what_to_do(string code, string id, ErrorCategory category, string action)
    {
        var result = new RestoreResult("app", Digest, ["v1"], RestoreOutcome.Failed, ImageStatus.Archived, DateTimeOffset.UnixEpoch) { FailureCode = code, FailureReason = "because" };

        var record = ErrorRecords.RestoreFailed(result);

        Assert.Equal((id, category), (record.FullyQualifiedErrorId, record.CategoryInfo.Category));
        Assert.Same(result, record.TargetObject);
        Assert.Contains("app@sha256:0123456789ab… (v1)", record.ErrorDetails.Message, StringComparison.Ordinal);
        Assert.Contains(action, record.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
    }
}
