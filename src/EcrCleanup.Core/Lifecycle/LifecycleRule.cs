using System.Globalization;
using System.Text.Json;

namespace EcrCleanup.Lifecycle;

/// <summary>
/// One rule of a lifecycle policy as its text says it, for naming the rule to a person. Values are kept as the policy
/// writes them (<c>untagged</c>, <c>sinceImagePushed</c>, <c>archive</c>): ECR validated them, this only repeats them.
/// </summary>
/// <param name="Priority"><c>rulePriority</c>: how the preview names the rule (<c>appliedRulePriority</c>).</param>
/// <param name="Description"><c>description</c>; null when the rule has none.</param>
/// <param name="TagStatus"><c>selection.tagStatus</c>: <c>tagged</c>, <c>untagged</c> or <c>any</c>.</param>
/// <param name="TagPrefixes"><c>selection.tagPrefixList</c>; empty when not given.</param>
/// <param name="TagPatterns"><c>selection.tagPatternList</c>; empty when not given.</param>
/// <param name="CountType"><c>selection.countType</c>: <c>imageCountMoreThan</c>, <c>sinceImagePushed</c>, ...</param>
/// <param name="CountNumber"><c>selection.countNumber</c>.</param>
/// <param name="CountUnit"><c>selection.countUnit</c> (<c>days</c>); null for <c>imageCountMoreThan</c>.</param>
/// <param name="StorageClass"><c>selection.storageClass</c>; null when not given (ECR's default, <c>standard</c>).</param>
/// <param name="ActionType"><c>action.type</c>: <c>expire</c> or <c>transition</c>.</param>
/// <param name="TargetStorageClass"><c>action.targetStorageClass</c>; null for <c>expire</c>.</param>
internal sealed record LifecycleRule(
    int Priority,
    string? Description,
    string TagStatus,
    IReadOnlyList<string> TagPrefixes,
    IReadOnlyList<string> TagPatterns,
    string CountType,
    int CountNumber,
    string? CountUnit,
    string? StorageClass,
    string ActionType,
    string? TargetStorageClass)
{
    /// <summary>
    /// The rules of a policy text that can be read. A text that is not JSON, or not an object with a <c>rules</c>
    /// array, gives none; a rule without a priority, a tagStatus, a countType, a countNumber or an action type is left
    /// out. Either way the preview's results still name their rule by priority.
    /// </summary>
    public static IReadOnlyList<LifecycleRule> Parse(string? policyText)
    {
        if (string.IsNullOrWhiteSpace(policyText))
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(policyText);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("rules", out var rules) || rules.ValueKind != JsonValueKind.Array)
            {
                return [];
            }

            return rules.EnumerateArray().Select(Read).OfType<LifecycleRule>().ToList();
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>How a conflict names it: <c>rule 2 "expire untagged after 14 days" (expire; untagged images, sinceImagePushed &gt; 14 days)</c>.</summary>
    public override string ToString()
    {
        var description = string.IsNullOrWhiteSpace(Description) ? string.Empty : $" \"{Description}\"";
        var action = TargetStorageClass is null ? ActionType : $"{ActionType} to {TargetStorageClass}";
        return string.Create(CultureInfo.InvariantCulture, $"rule {Priority}{description} ({action}; {Images()}, {Count()})");
    }

    /// <summary>Its count in words: <c>imageCountMoreThan 10</c>, <c>sinceImagePushed &gt; 14 days</c>.</summary>
    public string Count() => CountUnit is null
        ? string.Create(CultureInfo.InvariantCulture, $"{CountType} {CountNumber}")
        : string.Create(CultureInfo.InvariantCulture, $"{CountType} > {CountNumber} {CountUnit}");

    /// <summary>The images it looks at: <c>untagged images</c>, <c>images tagged "lancedb-"*</c>, <c>all images in archive</c>.</summary>
    private string Images()
    {
        var images = TagStatus switch
        {
            "untagged" => "untagged images",
            "any" => "all images",
            _ when TagPrefixes.Count > 0 => "images tagged " + string.Join(" and ", TagPrefixes.Select(p => $"\"{p}\"*")),
            _ when TagPatterns.Count > 0 => "images tagged " + string.Join(" and ", TagPatterns.Select(p => $"\"{p}\"")),
            _ => $"{TagStatus} images",
        };
        return StorageClass is null or "standard" ? images : $"{images} in {StorageClass}";
    }

    private static LifecycleRule? Read(JsonElement rule)
    {
        if (rule.ValueKind != JsonValueKind.Object
            || Integer(rule, "rulePriority") is not { } priority
            || !rule.TryGetProperty("selection", out var selection) || selection.ValueKind != JsonValueKind.Object
            || !rule.TryGetProperty("action", out var action) || action.ValueKind != JsonValueKind.Object
            || Text(selection, "tagStatus") is not { } tagStatus
            || Text(selection, "countType") is not { } countType
            || Integer(selection, "countNumber") is not { } countNumber
            || Text(action, "type") is not { } actionType)
        {
            return null;
        }

        return new LifecycleRule(priority, Text(rule, "description"), tagStatus, Texts(selection, "tagPrefixList"), Texts(selection, "tagPatternList"),
            countType, countNumber, Text(selection, "countUnit"), Text(selection, "storageClass"), actionType, Text(action, "targetStorageClass"));
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? Integer(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : null;

    private static IReadOnlyList<string> Texts(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToList()
            : [];
}
