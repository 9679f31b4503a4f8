using System.Security;
using EcrCleanup.Abstractions;
using EcrCleanup.Aws.CloudFormation;
using EcrCleanup.Aws.Http;

namespace EcrCleanup.Aws.Tests;

/// <summary>GetTemplate and the reading of templates, JSON and YAML with CloudFormation's short-form tags.</summary>
public class CloudFormationTemplateTests
{
    private const string YamlTemplate = """
        AWSTemplateFormatVersion: '2010-09-09'
        Transform: AWS::Serverless-2016-10-31
        Parameters:
          Tag: {Type: String, Default: not-a-property}
        Resources:
          Api:
            Type: AWS::Lambda::Function
            Properties:
              PackageType: Image
              Code:
                ImageUri: !Sub '${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/api:${Tag}'
              Role: !GetAtt ApiRole.Arn
              Environment:
                Variables:
                  PINNED: !Join ['@', [!Ref Repository, 'sha256:abc']]
                  CHOSEN: !If [IsProduction, !ImportValue prod-image, !Ref 'AWS::NoValue']
                  MAPPED: !Sub
                    - '${Uri}:v2'
                    - Uri: !GetAtt [Repository, RepositoryUri]
                  ENCODED: !Base64 {"Fn::Sub": 'literal-${Tag}'}
              Timeout: 30
              Description: ~
              Layers: []
          Repository:
            Type: AWS::ECR::Repository
        Outputs:
          Uri: {Value: not-a-property}
        """;

    [Fact]
    public void Reads_a_yaml_template_with_short_form_tags_in_scalar_sequence_and_mapping_form()
    {
        var resources = TemplateReader.Read(YamlTemplate);

        Assert.Equal(["Api", "Repository"], resources.Select(r => r.LogicalId));
        Assert.Equal("AWS::Lambda::Function", resources[0].ResourceType);
        Assert.Equal(
            [
                "Image", "${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/api:${Tag}", "ApiRole.Arn",
                "@", "Repository", "sha256:abc",
                "IsProduction", "prod-image", "AWS::NoValue",
                "${Uri}:v2", "Repository", "RepositoryUri",
                "literal-${Tag}",
                "30",
            ],
            resources[0].Strings);
        Assert.Equal(new TemplateResource("Repository", "AWS::ECR::Repository", resources[1].Strings), resources[1]);
        Assert.Empty(resources[1].Strings);
    }

    [Fact]
    public void Reads_a_json_template_indented_with_tabs_with_its_escapes()
    {
        var template = "{\r\n\t\"AWSTemplateFormatVersion\": \"2010-09-09\",\r\n\t\"Resources\": {\r\n\t\t\"Api\": {\r\n\t\t\t\"Type\": \"AWS::Lambda::Function\",\r\n" +
            "\t\t\t\"Properties\": {\"PackageType\": \"Image\", \"Code\": {\"ImageUri\": {\"Fn::Join\": [\"\", [{\"Ref\": \"AWS::AccountId\"}, \".dkr.ecr.eu-west-2.amazonaws.com/api:v1\"]]}},\r\n" +
            "\t\t\t\"MemorySize\": 512, \"Tracing\": null, \"Escaped\": \"a\\/b \\u00e9\\n\"}\r\n\t\t},\r\n" +
            "\t\t\"Bucket\": {\"Type\": \"AWS::S3::Bucket\", \"Properties\": {}}\r\n\t}\r\n}\r\n";

        var resources = TemplateReader.Read(template);

        Assert.Equal(
            [
                new TemplateResource("Api", "AWS::Lambda::Function", resources[0].Strings),
                new TemplateResource("Bucket", "AWS::S3::Bucket", resources[1].Strings),
            ],
            resources);
        Assert.Equal(["Image", "AWS::AccountId", ".dkr.ecr.eu-west-2.amazonaws.com/api:v1", "512", "a/b é\n"], resources[0].Strings);
        Assert.Empty(resources[1].Strings);
    }

    [Fact]
    public void Reads_a_node_reached_twice_through_an_alias_once_even_one_that_contains_itself()
    {
        var resources = TemplateReader.Read("""
            Resources:
              Loop:
                Type: Custom::Loop
                Properties:
                  Shared: &shared [a, *shared]
                  Again: *shared
            """);

        Assert.Equal(["a"], Assert.Single(resources).Strings);
    }

    [Theory]
    [InlineData("", "is not a template")]
    [InlineData("<html><body>Gateway</body></html>", "not a mapping")]
    [InlineData("Resources: [\n", "neither JSON nor YAML")]
    [InlineData("{\"Resources\": {\"A\": {\"Type\": \"X\"}, \"A\": {\"Type\": \"Y\"}}}", "neither JSON nor YAML")]
    [InlineData("AWSTemplateFormatVersion: '2010-09-09'\n", "no Resources mapping")]
    [InlineData("Resources:\n  A: just-text\n", "resource A is not a mapping")]
    [InlineData("Resources:\n  A:\n    Properties: {}\n", "resource A has no Type")]
    public void A_body_that_is_not_a_template_is_malformed(string body, string why) =>
        Assert.Contains(why, Assert.Throws<MalformedAnswerException>(() => TemplateReader.Read(body)).Message, StringComparison.Ordinal);

    [Fact]
    public void A_body_nested_deeper_than_any_template_is_refused_not_read_until_the_stack_overflows()
    {
        var depth = 100_000;
        var body = "{\"Resources\": {\"A\": {\"Type\": \"X\", \"Properties\": {\"P\": " + new string('[', depth) + "\"x\"" + new string(']', depth) + "}}}}";

        var e = Assert.Throws<MalformedAnswerException>(() => TemplateReader.Read(body));

        Assert.Contains($"nested more than {TemplateReader.MaxDepth} deep", e.Message, StringComparison.Ordinal);
        Assert.Single(TemplateReader.Read(body.Replace(new string('[', depth), new string('[', 900), StringComparison.Ordinal).Replace(new string(']', depth), new string(']', 900), StringComparison.Ordinal)));
    }

    [Fact]
    public void A_byte_order_mark_before_the_template_is_not_part_of_it() =>
        Assert.Equal("A", Assert.Single(TemplateReader.Read("\uFEFF{\"Resources\": {\"A\": {\"Type\": \"X\"}}}")).LogicalId);

    [Fact]
    public async Task Asks_for_the_processed_template_and_reads_its_resources()
    {
        var http = new CannedAws(CannedReply.Ok(GetTemplateResponse(YamlTemplate)));

        var resources = await http.Factory().CreateCloudFormation().GetTemplateResourcesAsync("HelpmatonProduction", CancellationToken.None);

        Assert.Equal(["Api", "Repository"], resources!.Select(r => r.LogicalId));
        var request = Assert.Single(http.Requests);
        Assert.Equal("Action=GetTemplate&Version=2010-05-15&StackName=HelpmatonProduction&TemplateStage=Processed", request.Body);
        Assert.Equal(AwsQueryProtocol.ContentType, request.ContentType);
    }

    [Fact]
    public async Task A_missing_stack_is_null()
    {
        var http = new CannedAws(new CannedReply(400, "<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id Gone does not exist</Message></Error></ErrorResponse>"));

        Assert.Null(await http.Factory().CreateCloudFormation().GetTemplateResourcesAsync("Gone", CancellationToken.None));
    }

    [Fact]
    public async Task A_template_body_that_is_not_a_template_fails_as_a_malformed_answer_never_as_no_resources()
    {
        var http = new CannedAws(CannedReply.Ok(GetTemplateResponse("Resources: [\n")));

        var e = await Assert.ThrowsAsync<ServiceException>(() => http.Factory().CreateCloudFormation().GetTemplateResourcesAsync("Broken", CancellationToken.None));

        Assert.Equal(("CloudFormation", "GetTemplate", "Broken", "MalformedResponse"), (e.Service, e.Operation, e.Resource, e.ErrorCode));
        Assert.Contains("neither JSON nor YAML", e.Message, StringComparison.Ordinal);
        Assert.Equal(3, http.Requests.Count);
    }

    [Fact]
    public async Task An_answer_without_a_template_body_is_malformed()
    {
        var http = new CannedAws(CannedReply.Ok("""
            <GetTemplateResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><GetTemplateResult><StagesAvailable/></GetTemplateResult></GetTemplateResponse>
            """));

        var e = await Assert.ThrowsAsync<ServiceException>(() => http.Factory().CreateCloudFormation().GetTemplateResourcesAsync("Empty", CancellationToken.None));

        Assert.Equal("MalformedResponse", e.ErrorCode);
        Assert.Contains("it has no <TemplateBody>", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Access_denied_names_the_iam_action_to_grant()
    {
        var http = new CannedAws(new CannedReply(403, "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized to perform: cloudformation:GetTemplate</Message></Error></ErrorResponse>"));

        var e = await Assert.ThrowsAsync<ServiceException>(() => http.Factory().CreateCloudFormation().GetTemplateResourcesAsync("Locked", CancellationToken.None));

        Assert.Contains("grant cloudformation:GetTemplate to the identity in use; docs/operator-guide.md lists the IAM policy", e.Message, StringComparison.Ordinal);
    }

    private static string GetTemplateResponse(string templateBody) => $"""
        <GetTemplateResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
          <GetTemplateResult>
            <TemplateBody>{SecurityElement.Escape(templateBody)}</TemplateBody>
            <StagesAvailable><member>Original</member><member>Processed</member></StagesAvailable>
          </GetTemplateResult>
          <ResponseMetadata><RequestId>req</RequestId></ResponseMetadata>
        </GetTemplateResponse>
        """;
}
