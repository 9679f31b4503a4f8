using System.Management.Automation;
using EcrCleanup.Abstractions;
using EcrCleanup.Aws;
using EcrCleanup.Commands.Infrastructure;
using EcrCleanup.Deletion;
using EcrCleanup.Model;
using EcrCleanup.Plans;
using EcrCleanup.Reading;

namespace EcrCleanup.Tests.Infrastructure;

public class ErrorRecordsTests
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static ServiceException Service(string errorCode, string? resource = "helpmaton-lambda-images") =>
        new("ECR", "DescribeImages", resource, errorCode, "it went wrong", 400, "request-1");

    private static void AssertDetailsCarryTheMessage(ErrorRecord record)
    {
        Assert.NotNull(record.ErrorDetails);
        Assert.False(string.IsNullOrWhiteSpace(record.ErrorDetails.Message));
        Assert.Equal(record.Exception.Message, record.ErrorDetails.Message);
    }

    [Theory]
    [InlineData("RepositoryNotFoundException", "RepositoryNotFound", ErrorCategory.ObjectNotFound)]
    [InlineData("ImageNotFoundException", "ImageNotFound", ErrorCategory.ObjectNotFound)]
    [InlineData("StackNotFound", "StackNotFound", ErrorCategory.ObjectNotFound)]
    [InlineData("AccessDeniedException", "AccessDenied", ErrorCategory.PermissionDenied)]
    [InlineData("AccessDenied", "AccessDenied", ErrorCategory.PermissionDenied)]
    [InlineData("ExpiredTokenException", "ExpiredToken", ErrorCategory.AuthenticationError)]
    [InlineData("UnrecognizedClientException", "UnrecognizedClient", ErrorCategory.AuthenticationError)]
    [InlineData("ThrottlingException", "Throttling", ErrorCategory.LimitsExceeded)]
    [InlineData("TooManyRequestsException", "TooManyRequests", ErrorCategory.LimitsExceeded)]
    [InlineData("RequestFailed", "RequestFailed", ErrorCategory.ConnectionError)]
    [InlineData("ValidationException", "Validation", ErrorCategory.InvalidArgument)]
    [InlineData("InvalidParameterException", "InvalidParameter", ErrorCategory.InvalidArgument)]
    [InlineData("InternalServerError", "InternalServerError", ErrorCategory.NotSpecified)]
    public void ServiceFailed_ids_the_error_code_without_Exception_and_categorises_it(string errorCode, string expectedId, ErrorCategory expectedCategory)
    {
        var exception = Service(errorCode);

        var record = ErrorRecords.ServiceFailed(exception, target: null);

        Assert.Equal(expectedId, record.FullyQualifiedErrorId);
        Assert.Equal(expectedCategory, record.CategoryInfo.Category);
        Assert.Same(exception, record.Exception);
        AssertDetailsCarryTheMessage(record);
    }

    [Fact]
    public void ServiceFailed_targets_what_it_is_given_else_the_resource()
    {
        var exception = Service("AccessDeniedException", resource: "HelpmatonProduction");
        var target = new object();

        Assert.Same(target, ErrorRecords.ServiceFailed(exception, target).TargetObject);
        Assert.Equal("HelpmatonProduction", ErrorRecords.ServiceFailed(exception, null).TargetObject);
    }

    [Fact]
    public void ServiceFailed_for_a_missing_repository_recommends_checking_its_name()
    {
        var record = ErrorRecords.ServiceFailed(Service("RepositoryNotFoundException", resource: "no-such-repo"), null);

        Assert.Contains("'no-such-repo'", record.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
        Assert.Empty(ErrorRecords.ServiceFailed(Service("AccessDeniedException"), null).ErrorDetails.RecommendedAction);
    }

    [Theory]
    [InlineData(ProtectionException.ProductionStackNotFound, ErrorCategory.ObjectNotFound)]
    [InlineData(ProtectionException.StackInProgress, ErrorCategory.ResourceBusy)]
    [InlineData(ProtectionException.ProductionStackHasNoImage, ErrorCategory.InvalidData)]
    [InlineData(ProtectionException.SourceFailed, ErrorCategory.NotSpecified)]
    public void ProtectionIncomplete_is_id_and_category_by_the_protection_error(string errorId, ErrorCategory expectedCategory)
    {
        var exception = new ProtectionException(errorId, "CloudFormation", "The protected set cannot be known.");

        var record = ErrorRecords.ProtectionIncomplete(exception);

        Assert.Equal(errorId, record.FullyQualifiedErrorId);
        Assert.Equal(expectedCategory, record.CategoryInfo.Category);
        Assert.Equal("CloudFormation", record.TargetObject);
        Assert.Same(exception, record.Exception);
        AssertDetailsCarryTheMessage(record);
    }

    [Theory]
    [InlineData("AccessDeniedException", ErrorCategory.PermissionDenied)]
    [InlineData("ThrottlingException", ErrorCategory.LimitsExceeded)]
    [InlineData("RequestFailed", ErrorCategory.ConnectionError)]
    public void ProtectionIncomplete_from_a_failed_source_takes_the_category_of_the_service_failure(string errorCode, ErrorCategory expectedCategory)
    {
        var exception = new ProtectionException(ProtectionException.SourceFailed, "Lambda", "Lambda could not be read.", Service(errorCode));

        var record = ErrorRecords.ProtectionIncomplete(exception);

        Assert.Equal("ProtectionSourceFailed", record.FullyQualifiedErrorId);
        Assert.Equal(expectedCategory, record.CategoryInfo.Category);
        Assert.Equal("Lambda", record.TargetObject);
    }

    [Theory]
    [InlineData("ImageReferencedByManifestList", ErrorCategory.ResourceBusy)]
    [InlineData("ImageNotFound", ErrorCategory.ObjectNotFound)]
    [InlineData("KmsError", ErrorCategory.WriteError)]
    public void DeletionFailed_ids_the_ECR_failure_code(string failureCode, ErrorCategory expectedCategory)
    {
        var image = new EcrImage("helpmaton-lambda-images", Digest) { Tags = ["pr-42"] };
        var candidate = new CleanupCandidate(image, CleanupAction.Delete, CleanupRule.NotInUse, "Old image (100.0h old, not in use)", 100);
        var result = new DeletionResult(candidate, DeletionOutcome.Failed, DateTimeOffset.UnixEpoch) { FailureCode = failureCode, FailureReason = "refused" };

        var record = ErrorRecords.DeletionFailed(result);

        Assert.Equal("ImageDeletionFailed." + failureCode, record.FullyQualifiedErrorId);
        Assert.Equal(expectedCategory, record.CategoryInfo.Category);
        Assert.Same(result, record.TargetObject);
        Assert.Contains(image.ToString(), record.Exception.Message, StringComparison.Ordinal);
        Assert.Contains($"{failureCode}: refused", record.Exception.Message, StringComparison.Ordinal);
        AssertDetailsCarryTheMessage(record);
        Assert.False(string.IsNullOrWhiteSpace(record.ErrorDetails.RecommendedAction));
    }

    [Fact]
    public void InvalidInput_is_an_invalid_argument_with_the_id_target_and_cause_given()
    {
        var cause = new FormatException("not a number");

        var record = ErrorRecords.InvalidInput("InvalidEndpointUrl", "-EndpointUrl 'ftp://x' is not an absolute http or https URL.", "ftp://x", cause);

        Assert.Equal("InvalidEndpointUrl", record.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, record.CategoryInfo.Category);
        Assert.Equal("ftp://x", record.TargetObject);
        var exception = Assert.IsType<ArgumentException>(record.Exception);
        Assert.Same(cause, exception.InnerException);
        Assert.Equal("-EndpointUrl 'ftp://x' is not an absolute http or https URL.", exception.Message);
        AssertDetailsCarryTheMessage(record);
    }

    [Fact]
    public void GitHubTokenMissing_is_an_authentication_error_that_says_how_to_give_a_token()
    {
        var record = ErrorRecords.GitHubTokenMissing("Set GITHUB_TOKEN, or pass -SkipGitHub.");

        Assert.Equal("GitHubTokenMissing", record.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.AuthenticationError, record.CategoryInfo.Category);
        Assert.StartsWith("No GitHub token: open pull requests and the production history cannot be read", record.Exception.Message, StringComparison.Ordinal);
        Assert.EndsWith(" Set GITHUB_TOKEN, or pass -SkipGitHub.", record.Exception.Message, StringComparison.Ordinal);
        AssertDetailsCarryTheMessage(record);
    }

    [Theory]
    [InlineData(PlanException.NotDecidable, ErrorCategory.InvalidData)]
    [InlineData(PlanException.Unreadable, ErrorCategory.InvalidData)]
    [InlineData(PlanException.Expired, ErrorCategory.InvalidData)]
    [InlineData(PlanException.Modified, ErrorCategory.SecurityError)]
    [InlineData(PlanException.InvalidInput, ErrorCategory.InvalidArgument)]
    [InlineData(PlanException.RepositoryMismatch, ErrorCategory.InvalidArgument)]
    [InlineData(PlanException.RegionMismatch, ErrorCategory.InvalidArgument)]
    [InlineData(PlanException.AccountMismatch, ErrorCategory.InvalidArgument)]
    public void A_refused_plan_keeps_its_id_with_a_category_about_the_plan(string errorId, ErrorCategory category)
    {
        var target = new object();
        var exception = new PlanException(errorId, "Made by hand: no settings to decide it again.");

        var record = ErrorRecords.PlanRefused(exception, target);

        Assert.Equal(errorId, record.FullyQualifiedErrorId);
        Assert.Equal(category, record.CategoryInfo.Category);
        Assert.Same(target, record.TargetObject);
        Assert.Same(exception, record.Exception);
        AssertDetailsCarryTheMessage(record);
    }

    [Fact]
    public void A_missing_plan_file_is_not_found_and_names_the_file()
    {
        var record = ErrorRecords.PlanNotFound("./plan.json");

        Assert.Equal("PlanNotFound", record.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, record.CategoryInfo.Category);
        Assert.Equal("./plan.json", record.TargetObject);
        Assert.Contains("'./plan.json'", record.Exception.Message, StringComparison.Ordinal);
        AssertDetailsCarryTheMessage(record);
    }

    [Fact]
    public void DeleteLimitExceeded_is_a_limit_on_the_repository()
    {
        var exception = new DeletionLimitException("40 images would be deleted; -MaxDeleteCount allows 10.");

        var record = ErrorRecords.DeleteLimitExceeded(exception, "helpmaton-lambda-images");

        Assert.Equal("DeleteLimitExceeded", record.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.LimitsExceeded, record.CategoryInfo.Category);
        Assert.Equal("helpmaton-lambda-images", record.TargetObject);
        Assert.Same(exception, record.Exception);
        AssertDetailsCarryTheMessage(record);
    }

    [Theory]
    [InlineData(AwsConfigurationException.CredentialsNotFound, ErrorCategory.AuthenticationError)]
    [InlineData(AwsConfigurationException.ProfileNotFound, ErrorCategory.InvalidArgument)]
    [InlineData(AwsConfigurationException.RegionNotSet, ErrorCategory.InvalidArgument)]
    public void ConfigurationInvalid_ids_the_configuration_error(string errorId, ErrorCategory expectedCategory)
    {
        var record = ErrorRecords.ConfigurationInvalid(new AwsConfigurationException(errorId, "The AWS configuration is wrong."));

        Assert.Equal(errorId, record.FullyQualifiedErrorId);
        Assert.Equal(expectedCategory, record.CategoryInfo.Category);
        AssertDetailsCarryTheMessage(record);
    }

    [Fact]
    public void FolderNotFound_is_an_object_not_found_about_the_path()
    {
        var record = ErrorRecords.FolderNotFound("JournalFolderNotFound", "-JournalPath '/nope/j.jsonl': the folder '/nope' does not exist.", "/nope/j.jsonl");

        Assert.Equal("JournalFolderNotFound", record.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, record.CategoryInfo.Category);
        Assert.Equal("/nope/j.jsonl", record.TargetObject);
        Assert.IsType<DirectoryNotFoundException>(record.Exception);
        AssertDetailsCarryTheMessage(record);
    }
}
