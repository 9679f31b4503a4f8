using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using EcrCleanup.Aws.CloudFormation;
using EcrCleanup.Aws.Http;

namespace EcrCleanup.Aws.Tests;

/// <summary>
/// A JSON template is read by System.Text.Json into the model the YAML parser reads it into: whatever the template,
/// its resources (logical ids, types, every string under their properties, in order) or the reason it is not one
/// are those the YAML parser gives.
/// </summary>
public class TemplateJsonPropertyTests
{
    private static readonly string[] Words = ["", "null", "Null", "~", "true", "30", "1e3", "AWS::Lambda::Function", "${AWS::Region}", "sha256:abc"];

    private static readonly Gen<string> GenText = Gen.OneOf(
        Gen.String[Gen.Char["abcXYZ019 :#&*!|>'\"\\%@`{}[],-?~é中\t\n\u2028"], 0, 12],
        Gen.Int[0, Words.Length - 1].Select(i => Words[i]));

    private static readonly Gen<JsonNode?> GenScalar = Gen.OneOf(
        GenText.Select(text => (JsonNode?)JsonValue.Create(text)),
        Gen.Long.Select(number => (JsonNode?)JsonValue.Create(number)),
        Gen.Double[-1e30, 1e30].Select(number => (JsonNode?)JsonValue.Create(number)),
        Gen.Bool.Select(flag => (JsonNode?)JsonValue.Create(flag)),
        Gen.Const((JsonNode?)null));

    private static Gen<JsonNode?> GenValue(int depth) => depth == 0
        ? GenScalar
        : Gen.Frequency(
            (4, GenScalar),
            (1, GenObject(GenText, GenValue(depth - 1), 4).Select(o => (JsonNode?)o)),
            (1, GenValue(depth - 1).Array[0, 4].Select(items => (JsonNode?)new JsonArray(items))));

    private static Gen<JsonObject> GenObject(Gen<string> keys, Gen<JsonNode?> values, int most) =>
        Gen.Select(keys, values).Array[0, most].Select(members =>
        {
            var o = new JsonObject();
            foreach (var (key, value) in members)
            {
                o.TryAdd(key, value);
            }

            return o;
        });

    /// <summary>Mostly resources as CloudFormation has them, some not: no Type, a Type that is not text, not an object.</summary>
    private static readonly Gen<JsonNode?> GenResource = Gen.Frequency(
        (6, Gen.Select(GenText, GenValue(3)).Select((type, properties) => (JsonNode?)new JsonObject { ["Type"] = type, ["Properties"] = properties })),
        (1, GenObject(GenText, GenValue(2), 3).Select(o => (JsonNode?)o)),
        (1, GenValue(1)));

    private static readonly Gen<string> GenTemplate = Gen.Select(
        GenObject(Gen.String[Gen.Char["ABCDEF0123"], 1, 6], GenResource, 5),
        GenObject(GenText, GenValue(2), 2),
        Gen.Int[0, 9],
        Gen.Bool).Select((resources, others, shape, indented) =>
        {
            var template = new JsonObject { ["AWSTemplateFormatVersion"] = "2010-09-09" };
            foreach (var (key, value) in others.ToList())
            {
                others.Remove(key);
                template.TryAdd(key, value);
            }

            // Now and then no Resources, or Resources that are not an object.
            template["Resources"] = shape switch
            {
                0 => null,
                1 => new JsonArray(),
                _ => resources,
            };
            if (shape == 2)
            {
                template.Remove("Resources");
            }

            return template.ToJsonString(new JsonSerializerOptions { WriteIndented = indented });
        });

    [Fact]
    public void A_json_template_reads_as_the_yaml_parser_reads_it() =>
        GenTemplate.Sample(body => Assert.Equal(Outcome(body, json: false), Outcome(body, json: true)), iter: 2000);

    [Theory]
    [InlineData("""{"Resources": {"A": {"Type": "X", "Type": "Y"}}}""")]
    [InlineData("""{"Resources": {"A": {"Type": "X", "Properties": {"P": "\ud800"}}}}""")]
    [InlineData("""{"Resources": {"A": {"Type": "X"}}} trailing""")]
    [InlineData("""{"Resources": {"A": {"Type": "X", "Properties": {"P": [1, 2,]}}}}""")]
    public void A_body_that_is_not_json_the_yaml_parser_reads_alike_is_left_to_it(string body) =>
        Assert.Equal(Outcome(body, json: false), Outcome(body, json: true));

    [Fact]
    public void Json_nested_deeper_than_the_limit_is_refused_as_yaml_refuses_it()
    {
        var body = """{"Resources": {"A": {"Type": "X", "Properties": """ + new string('[', TemplateReader.MaxDepth) + new string(']', TemplateReader.MaxDepth) + "}}}";

        Assert.StartsWith("malformed: its TemplateBody is neither JSON nor YAML", Outcome(body, json: true), StringComparison.Ordinal);
        Assert.Equal(Outcome(body, json: false), Outcome(body, json: true));
    }

    private static string Outcome(string body, bool json)
    {
        try
        {
            return string.Join("\n", TemplateReader.Read(body, json).Select(r => $"{r.LogicalId} | {r.ResourceType} | {string.Join(" | ", r.Strings)}"));
        }
        catch (MalformedAnswerException e)
        {
            return "malformed: " + e.Message;
        }
    }
}
