using System.Collections;
using System.Management.Automation;
using EcrCleanup.Configuration;
using EcrCleanup.Decisions;
using EcrCleanup.Model;
using EcrCleanup.Plans;

namespace EcrCleanup.Commands.Infrastructure;

/// <summary>
/// A candidate from the pipeline: the module's own as it is, and a deserialized one (Import-Clixml, a remote session)
/// made again from what deciding it again and deleting or archiving it need: its digest, tags, storage status and
/// decision, the account and the settings it was decided with, and its plan file's expiry. What a candidate serialized
/// before archive mode does not have means what it meant then: an active image, a policy that deletes.
/// </summary>
internal static class PipelineCandidate
{
    /// <summary>The type name PowerShell gives a candidate: what Export-Clixml records, and what the type data names.</summary>
    public const string TypeName = "EcrCleanup.Model.CleanupCandidate";

    /// <summary>How deep Export-Clixml goes into a candidate: the candidate, its settings, their policy, the policy's values (and its image, the image's times, their ticks).</summary>
    public const int SerializationDepth = 3;

    private const string DeserializedTypeName = "Deserialized." + TypeName;

    /// <exception cref="PlanException">Neither the module's candidate nor a deserialized one with everything deciding it again needs (<see cref="PlanException.NotDecidable"/>).</exception>
    public static CleanupCandidate From(PSObject item)
    {
        if (item.BaseObject is CleanupCandidate live)
        {
            return live;
        }

        if (!item.TypeNames.Contains(DeserializedTypeName))
        {
            throw new PlanException(PlanException.NotDecidable,
                $"'{item}' is not a cleanup candidate. Pipe the output of Get-EcrCleanupCandidate or Import-EcrCleanupPlan here, or Import-Clixml of it. Nothing was deleted.");
        }

        try
        {
            var settings = SettingsOf(Nested(item, "Settings"));
            var ecrImage = Nested(item, "Image");
            var image = new PlannedImage(Text(item, "Digest"), Texts(item, "Tags"), Time(item, "PushedAt"), Optional<long>(item, "SizeBytes"),
                Choice<CleanupAction>(item, "Action"), Choice<CleanupRule>(item, "Rule"), Choice<CandidateCategory>(item, "Category"), Text(item, "Reason"))
            {
                Status = Value(ecrImage, "Status") is null ? ImageStatus.Active : Choice<ImageStatus>(ecrImage, "Status"),
                LastArchivedAt = Value(ecrImage, "LastArchivedAt") is null ? null : Time(ecrImage, "LastArchivedAt"),
            };
            var plan = Value(item, "Plan") is null ? null : Nested(item, "Plan");
            var origin = plan is null ? null : new PlanOrigin(Text(plan, "Path"), Text(plan, "Fingerprint"), Time(plan, "ExpiresAt"));
            return image.ToCandidate(settings, Value(ecrImage, "RegistryId") as string, Time(item, "DecidedAt"), origin);
        }
        catch (ArgumentException e)
        {
            throw new PlanException(PlanException.NotDecidable,
                $"'{item}' was deserialized without what deciding it again needs: {e.Message} Export the output of Get-EcrCleanupCandidate or Import-EcrCleanupPlan with Export-Clixml as it is (objects changed on the way need Export-Clixml -Depth {SerializationDepth}). Nothing was deleted.", e);
        }
    }

    private static CleanupSettings SettingsOf(PSObject settings)
    {
        var policy = Nested(settings, "Policy");
        return new CleanupSettings(Text(settings, "RepositoryName"), Text(settings, "Region"))
        {
            ProductionStackName = Text(settings, "ProductionStackName"),
            PullRequestStackPrefix = Text(settings, "PullRequestStackPrefix"),
            GitHubRepository = Value(settings, "GitHubRepository") is null ? null : Text(settings, "GitHubRepository"),
            SkipEcs = Required<bool>(settings, "SkipEcs"),
            ProductionEnvironment = Text(settings, "ProductionEnvironment"),
            HistorySource = Choice<ProductionHistorySource>(settings, "HistorySource"),
            ThrottleLimit = Required<int>(settings, "ThrottleLimit"),
            MaxHistoryPages = Required<int>(settings, "MaxHistoryPages"),
            Policy = new CleanupPolicy
            {
                ProductionRetentionCount = Required<int>(policy, "ProductionRetentionCount"),
                MinImageAgeHours = Required<double>(policy, "MinImageAgeHours"),
                TagPattern = Text(policy, "TagPattern"),
                LatestTagPattern = Text(policy, "LatestTagPattern"),
                Archive = Value(policy, "Archive") is not null && Required<bool>(policy, "Archive"),
                DeleteArchivedAfterDays = Optional<double>(policy, "DeleteArchivedAfterDays") ?? CleanupPolicy.DefaultDeleteArchivedAfterDays,
            },
        };
    }

    private static object? Value(PSObject item, string name) =>
        item.Properties[name]?.Value is PSObject { BaseObject: not PSCustomObject } wrapped ? wrapped.BaseObject : item.Properties[name]?.Value;

    private static PSObject Nested(PSObject item, string name) =>
        item.Properties[name]?.Value is PSObject { BaseObject: PSCustomObject } nested ? nested : throw Missing(name, "an object");

    private static string Text(PSObject item, string name) =>
        Value(item, name) is string { Length: > 0 } text ? text : throw Missing(name, "a text");

    private static T Required<T>(PSObject item, string name)
        where T : struct =>
        Value(item, name) is T value ? value : throw Missing(name, typeof(T).Name);

    private static T? Optional<T>(PSObject item, string name)
        where T : struct =>
        Value(item, name) is null ? null : Required<T>(item, name);

    private static string[] Texts(PSObject item, string name) =>
        Value(item, name) is IEnumerable values and not string ? values.Cast<object>().Select(v => v as string ?? throw Missing(name, "texts")).ToArray() : throw Missing(name, "a list");

    /// <summary>An enum arrives as its number, with its name as the text: the name is read, and must be one of the enum's.</summary>
    private static T Choice<T>(PSObject item, string name)
        where T : struct, Enum =>
        item.Properties[name]?.Value?.ToString() is { } text && Enum.TryParse<T>(text, out var value) && Enum.IsDefined(value) && !char.IsDigit(text[0]) ? value : throw Missing(name, $"one of {string.Join(", ", Enum.GetNames<T>())}");

    /// <summary>A DateTimeOffset arrives as a bag of its properties; UtcTicks is the instant.</summary>
    private static DateTimeOffset Time(PSObject item, string name) =>
        Value(item, name) is DateTimeOffset live ? live : new DateTimeOffset(Required<long>(Nested(item, name), "UtcTicks"), TimeSpan.Zero);

    private static ArgumentException Missing(string name, string expected) => new($"{name} is not {expected}.");
}
