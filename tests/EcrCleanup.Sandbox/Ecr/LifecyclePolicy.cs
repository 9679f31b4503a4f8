using System.Text.Json;

namespace EcrCleanup.Sandbox.Ecr;

/// <summary>A lifecycle policy that does not validate; <see cref="Exception.Message"/> says why.</summary>
public sealed class LifecyclePolicyException(string message) : Exception(message);

/// <summary>
/// One rule of a lifecycle policy, as the ECR user guide's "Lifecycle policy properties" describes it. Values are
/// as written in the policy (lowercase: <c>tagged</c>, <c>standard</c>, <c>expire</c>, ...); <see cref="StorageClass"/>
/// is <c>standard</c> when the policy leaves it out.
/// </summary>
public sealed record LifecycleRule(
    int Priority,
    string TagStatus,
    IReadOnlyList<string>? TagPrefixList,
    IReadOnlyList<string>? TagPatternList,
    string StorageClass,
    string CountType,
    int CountNumber,
    string ActionType)
{
    public const string Tagged = "tagged";
    public const string Untagged = "untagged";
    public const string Any = "any";
    public const string Standard = "standard";
    public const string Archive = "archive";
    public const string ImageCountMoreThan = "imageCountMoreThan";
    public const string SinceImagePushed = "sinceImagePushed";
    public const string SinceImagePulled = "sinceImagePulled";
    public const string SinceImageTransitioned = "sinceImageTransitioned";
    public const string Expire = "expire";
    public const string Transition = "transition";

    /// <summary>Whether the rule's tag requirements (tagStatus and its prefix or pattern list) take an image with these tags.</summary>
    public bool MatchesTags(IReadOnlyCollection<string> tags) => TagStatus switch
    {
        Untagged => tags.Count == 0,
        Any => true,
        // Every prefix (pattern) of the list must be matched by one of the image's tags.
        _ => tags.Count > 0 && (TagPrefixList is { } prefixes
            ? prefixes.All(p => tags.Any(t => t.StartsWith(p, StringComparison.Ordinal)))
            : TagPatternList!.All(p => tags.Any(t => Wildcard.Matches(p, t)))),
    };
}

/// <summary>A parsed, validated lifecycle policy: its rules by priority, lowest (applied first) first.</summary>
public sealed class LifecyclePolicy
{
    public const int MinTextLength = 100;
    public const int MaxTextLength = 30720;
    public const int MaxRules = 50;
    /// <summary>Archived images are kept at least this long: a sinceImageTransitioned rule counts no fewer days.</summary>
    public const int MinArchiveDays = 90;
    public const int MaxWildcards = 4;

    LifecyclePolicy(IReadOnlyList<LifecycleRule> rules) => Rules = rules;

    public IReadOnlyList<LifecycleRule> Rules { get; }

    /// <summary>Parses and validates a policy's JSON text; throws <see cref="LifecyclePolicyException"/> naming the problem.</summary>
    public static LifecyclePolicy Parse(string text)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            throw Invalid("the policy is not valid JSON");
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("the policy must be a JSON object with \"rules\"");
            }

            OnlyKnown(root, "", "rules");
            if (!root.TryGetProperty("rules", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                throw Invalid("\"rules\" is required and must be an array");
            }

            var count = list.GetArrayLength();
            if (count is < 1 or > MaxRules)
            {
                throw Invalid($"\"rules\" must hold 1 to {MaxRules} rules");
            }

            var rules = list.EnumerateArray().Select((r, i) => ParseRule(r, $"rules[{i}]")).ToList();
            CheckTogether(rules);
            return new LifecyclePolicy([.. rules.OrderBy(r => r.Priority)]);
        }
    }

    static LifecycleRule ParseRule(JsonElement rule, string at)
    {
        if (rule.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"{at} must be an object");
        }

        OnlyKnown(rule, at, "rulePriority", "description", "selection", "action");
        var priority = PositiveInt(rule, "rulePriority", at) ?? throw Invalid($"{at}.rulePriority is required");
        if (rule.TryGetProperty("description", out var description) && description.ValueKind != JsonValueKind.String)
        {
            throw Invalid($"{at}.description must be a string");
        }

        var selection = RequiredObject(rule, "selection", at);
        var action = RequiredObject(rule, "action", at);
        var sel = $"{at}.selection";
        OnlyKnown(selection, sel, "tagStatus", "tagPrefixList", "tagPatternList", "storageClass", "countType", "countUnit", "countNumber");
        var tagStatus = OneOf(selection, "tagStatus", sel, LifecycleRule.Tagged, LifecycleRule.Untagged, LifecycleRule.Any)
            ?? throw Invalid($"{sel}.tagStatus is required");
        var prefixes = StringList(selection, "tagPrefixList", sel);
        var patterns = StringList(selection, "tagPatternList", sel);
        if (prefixes is not null && patterns is not null)
        {
            throw Invalid($"{sel}: a rule takes tagPrefixList or tagPatternList, not both");
        }

        if (tagStatus == LifecycleRule.Tagged && prefixes is null && patterns is null)
        {
            throw Invalid($"{sel}: tagStatus tagged requires tagPrefixList or tagPatternList");
        }

        if (tagStatus != LifecycleRule.Tagged && (prefixes is not null || patterns is not null))
        {
            throw Invalid($"{sel}: tagPrefixList and tagPatternList are only used with tagStatus tagged");
        }

        if (patterns?.FirstOrDefault(p => p.Count(c => c == '*') > MaxWildcards) is { } wild)
        {
            throw Invalid($"{sel}.tagPatternList: '{wild}' has more than {MaxWildcards} wildcards");
        }

        var countType = OneOf(selection, "countType", sel, LifecycleRule.ImageCountMoreThan, LifecycleRule.SinceImagePushed,
            LifecycleRule.SinceImagePulled, LifecycleRule.SinceImageTransitioned) ?? throw Invalid($"{sel}.countType is required");
        var countNumber = PositiveInt(selection, "countNumber", sel) ?? throw Invalid($"{sel}.countNumber is required");
        var countUnit = OneOf(selection, "countUnit", sel, "days");
        if (countType == LifecycleRule.ImageCountMoreThan && countUnit is not null)
        {
            throw Invalid($"{sel}.countUnit is only used with sinceImagePushed, sinceImagePulled or sinceImageTransitioned");
        }

        if (countType != LifecycleRule.ImageCountMoreThan && countUnit is null)
        {
            throw Invalid($"{sel}.countUnit is required with {countType}");
        }

        var storageClass = OneOf(selection, "storageClass", sel, LifecycleRule.Standard, LifecycleRule.Archive) ?? LifecycleRule.Standard;
        var transitioned = countType == LifecycleRule.SinceImageTransitioned;
        if (transitioned != (storageClass == LifecycleRule.Archive))
        {
            throw Invalid(transitioned
                ? $"{sel}: countType sinceImageTransitioned requires storageClass archive"
                : $"{sel}: storageClass archive is only used with countType sinceImageTransitioned");
        }

        if (transitioned && countNumber < MinArchiveDays)
        {
            throw Invalid($"{sel}.countNumber: archived images are kept at least {MinArchiveDays} days");
        }

        var act = $"{at}.action";
        OnlyKnown(action, act, "type", "targetStorageClass");
        var type = OneOf(action, "type", act, LifecycleRule.Expire, LifecycleRule.Transition) ?? throw Invalid($"{act}.type is required");
        var target = OneOf(action, "targetStorageClass", act, LifecycleRule.Archive);
        if (type == LifecycleRule.Transition && target is null)
        {
            throw Invalid($"{act}: type transition requires targetStorageClass archive");
        }

        if (type == LifecycleRule.Expire && target is not null)
        {
            throw Invalid($"{act}: targetStorageClass is only used with type transition");
        }

        if (countType == LifecycleRule.SinceImagePulled && type != LifecycleRule.Transition)
        {
            throw Invalid($"{at}: countType sinceImagePulled is only used with action transition");
        }

        if (transitioned && type != LifecycleRule.Expire)
        {
            throw Invalid($"{at}: countType sinceImageTransitioned is only used with action expire");
        }

        return new LifecycleRule(priority, tagStatus, prefixes, patterns, storageClass, countType, countNumber, type);
    }

    /// <summary>What the rules must respect together, each storage class on its own (its rules select only its images).</summary>
    static void CheckTogether(List<LifecycleRule> rules)
    {
        if (rules.GroupBy(r => r.Priority).FirstOrDefault(g => g.Count() > 1) is { } same)
        {
            throw Invalid($"rulePriority {same.Key} is used by more than one rule");
        }

        foreach (var cls in rules.GroupBy(r => r.StorageClass))
        {
            var last = cls.Max(r => r.Priority);
            if (cls.FirstOrDefault(r => r.TagStatus == LifecycleRule.Any && r.Priority != last) is { } any)
            {
                throw Invalid($"the rule with tagStatus any (rulePriority {any.Priority}) must have the highest rulePriority of the rules selecting storageClass {cls.Key}");
            }

            if (cls.Count(r => r.TagStatus == LifecycleRule.Untagged) > 1)
            {
                throw Invalid($"only one rule selecting storageClass {cls.Key} may select untagged images");
            }

            var lists = cls.Select(r => r.TagPrefixList ?? r.TagPatternList).OfType<IReadOnlyList<string>>()
                .Select(l => string.Join("\n", l.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)));
            if (lists.GroupBy(l => l, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            {
                throw Invalid($"the rules selecting storageClass {cls.Key} must have a unique set of prefixes; [{twice.Key.Replace("\n", ", ")}] is used twice");
            }
        }
    }

    static void OnlyKnown(JsonElement obj, string at, params string[] known)
    {
        foreach (var p in obj.EnumerateObject())
        {
            if (!known.Contains(p.Name))
            {
                throw Invalid($"{(at.Length == 0 ? "" : at + ".")}{p.Name} is not a lifecycle policy property");
            }
        }
    }

    static JsonElement RequiredObject(JsonElement obj, string name, string at)
    {
        if (!obj.TryGetProperty(name, out var v))
        {
            throw Invalid($"{at}.{name} is required");
        }

        return v.ValueKind == JsonValueKind.Object ? v : throw Invalid($"{at}.{name} must be an object");
    }

    static int? PositiveInt(JsonElement obj, string name, string at)
    {
        if (!obj.TryGetProperty(name, out var v))
        {
            return null;
        }

        return v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) && n >= 1
            ? n
            : throw Invalid($"{at}.{name} must be a positive integer");
    }

    static string? OneOf(JsonElement obj, string name, string at, params string[] values)
    {
        if (!obj.TryGetProperty(name, out var v))
        {
            return null;
        }

        var s = v.ValueKind == JsonValueKind.String ? v.GetString()! : null;
        return s is not null && values.Contains(s) ? s : throw Invalid($"{at}.{name} must be one of {string.Join(", ", values)}");
    }

    static List<string>? StringList(JsonElement obj, string name, string at)
    {
        if (!obj.TryGetProperty(name, out var v))
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() == 0
            || v.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String || e.GetString()!.Length == 0))
        {
            throw Invalid($"{at}.{name} must be a non-empty array of non-empty strings");
        }

        return [.. v.EnumerateArray().Select(e => e.GetString()!)];
    }

    static LifecyclePolicyException Invalid(string detail) => new(detail);
}

/// <summary>Tag patterns: <c>*</c> stands for any run of characters (none included); everything else is itself.</summary>
public static class Wildcard
{
    public static bool Matches(string pattern, string text)
    {
        var parts = pattern.Split('*');
        if (parts.Length == 1)
        {
            return pattern == text;
        }

        if (!text.StartsWith(parts[0], StringComparison.Ordinal) || !text.EndsWith(parts[^1], StringComparison.Ordinal)
            || text.Length < parts[0].Length + parts[^1].Length)
        {
            return false;
        }

        // The middle parts, leftmost first, in what the first and last part leave.
        var at = parts[0].Length;
        var end = text.Length - parts[^1].Length;
        for (var i = 1; i < parts.Length - 1; i++)
        {
            var found = text.IndexOf(parts[i], at, end - at, StringComparison.Ordinal);
            if (found < 0)
            {
                return false;
            }

            at = found + parts[i].Length;
        }
        return true;
    }
}
