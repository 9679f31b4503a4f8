using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using EcrCleanup.Configuration;
using EcrCleanup.Decisions;
using EcrCleanup.Diagnostics;
using EcrCleanup.Model;

namespace EcrCleanup.Plans;

/// <summary>
/// A reviewed plan: the candidates one decision made for one repository of one account and region (each deleted or
/// archived, with its storage status), the settings it was decided with, when it was decided and until when it may be
/// applied, and a fingerprint of all of it (SHA-256 over its canonical JSON) that shows whether the file was edited.
/// Applying it decides every image again: the plan only ever narrows what the fresh decision deletes or archives. It
/// holds no secret.
/// </summary>
/// <remarks>
/// Format 1 gained the policy's <c>archive</c> and <c>deleteArchivedAfterDays</c> and each image's <c>action</c>,
/// <c>status</c> and <c>lastArchivedAt</c> with archive mode. They are optional: a member left out means what plans
/// written before them meant (delete, 90 days, Delete, Active, never archived), and the canonical JSON leaves out a
/// member at that value, so those plans read back with their fingerprint. A module older than them refuses a plan that
/// has them (a member it does not know is unreadable), so it never deletes what a plan archives.
/// </remarks>
public sealed partial class CleanupPlan
{
    /// <summary>The version of the file format this module writes and reads.</summary>
    public const int FormatVersion = 1;

    private static readonly JsonSerializerOptions Canonical = Options(indented: false);
    private static readonly JsonSerializerOptions Written = Options(indented: true);

    private CleanupPlan(CleanupSettings settings, string registryId, DateTimeOffset decidedAt, DateTimeOffset expiresAt, IReadOnlyList<PlannedImage> images)
    {
        Settings = settings;
        RegistryId = registryId;
        DecidedAt = decidedAt;
        ExpiresAt = expiresAt;
        Images = images;
        Fingerprint = FingerprintOf(ToDocument(null));
    }

    /// <summary>Seven days: a plan made by the daily dry run can be reviewed and applied within the week.</summary>
    public static TimeSpan DefaultValidFor { get; } = TimeSpan.FromDays(7);

    /// <summary>The longest a plan may stay valid: a year.</summary>
    public static TimeSpan MaxValidFor { get; } = TimeSpan.FromDays(365);

    public string Repository => Settings.RepositoryName;

    /// <summary>The AWS account (ECR registry id) of the repository.</summary>
    public string RegistryId { get; }

    public string Region => Settings.Region;

    /// <summary>When the images were read and decided: the plan is as old as what it read.</summary>
    public DateTimeOffset DecidedAt { get; }

    /// <summary>From this time on, applying the plan is refused.</summary>
    public DateTimeOffset ExpiresAt { get; }

    /// <summary>What the plan was decided with (no secrets): it is decided again with these.</summary>
    public CleanupSettings Settings { get; }

    /// <summary>The images to delete or archive, by digest.</summary>
    public IReadOnlyList<PlannedImage> Images { get; }

    /// <summary><c>sha256:&lt;64 hex&gt;</c> over the canonical JSON of everything above.</summary>
    public string Fingerprint { get; }

    /// <summary>True for how long a plan may stay valid: more than zero, at most <see cref="MaxValidFor"/>.</summary>
    public static bool IsValidFor(TimeSpan validFor) => validFor > TimeSpan.Zero && validFor <= MaxValidFor;

    /// <summary>The plan of one decision: the candidates it deletes or archives (kept ones are left out), valid for <paramref name="validFor"/> from when they were decided.</summary>
    /// <param name="registryId">The account of the repository, as ECR DescribeRepositories gave it.</param>
    /// <param name="now">The decision's time when there are no candidates.</param>
    /// <exception cref="PlanException">The plan would already have expired (<see cref="PlanException.InvalidInput"/>).</exception>
    public static CleanupPlan Create(CleanupSettings settings, string registryId, IReadOnlyCollection<CleanupCandidate> candidates, TimeSpan validFor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(candidates);
        if (!IsValidFor(validFor))
        {
            throw new ArgumentOutOfRangeException(nameof(validFor), validFor, "A plan is valid for more than zero and at most MaxValidFor.");
        }

        var decidedAt = candidates.Count == 0 ? now : candidates.Min(c => c.DecidedAt);
        var expiresAt = decidedAt + validFor;
        if (expiresAt <= now)
        {
            throw new PlanException(PlanException.InvalidInput, string.Create(CultureInfo.InvariantCulture,
                $"The candidates were decided at {decidedAt:u}, so a plan valid for {validFor} would have expired at {expiresAt:u}. Decide again (Get-EcrCleanupCandidate), or give a longer -ValidFor. No plan was written."));
        }

        var images = candidates.Where(c => c.IsCandidate).Select(PlannedImage.Of).OrderBy(i => i.Digest, StringComparer.Ordinal).ToList();
        var plan = new CleanupPlan(settings, registryId, decidedAt, expiresAt, images);

        // What is written leaves the process, so it is masked like every report and journal; the fingerprint is that of
        // what is written. Nothing in a plan is a secret: this only matters for a name that looks like one.
        var written = plan.ToJson();
        var masked = SecretRedactor.Redact(written);
        return masked == written ? plan : FromDocument(Deserialize(masked, PlanException.InvalidInput));
    }

    /// <summary>The plan of the candidates Get-EcrCleanupCandidate wrote (with -IncludeKept, the kept ones only say which repository and account).</summary>
    /// <exception cref="PlanException">They cannot make one plan (<see cref="PlanException.InvalidInput"/>).</exception>
    public static CleanupPlan FromCandidates(IReadOnlyCollection<CleanupCandidate> candidates, TimeSpan validFor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        if (candidates.Count == 0)
        {
            throw Invalid("No candidates were given, so there is no repository to make a plan for. To record a plan that deletes nothing, pipe Get-EcrCleanupCandidate -IncludeKept.");
        }

        if (candidates.FirstOrDefault(c => c.Settings is null) is { } bare)
        {
            throw Invalid($"{bare.Image} carries no settings, so it cannot be decided again when the plan is applied. Pipe the output of Get-EcrCleanupCandidate.");
        }

        var settings = candidates.Select(c => c.Settings!).Distinct().ToList();
        if (settings.Count > 1)
        {
            throw Invalid($"The candidates come from {settings.Count} decisions ({string.Join(", ", settings.Select(s => s.RepositoryName).Distinct(StringComparer.Ordinal))}); a plan is one decision of one repository. Make a plan per Get-EcrCleanupCandidate.");
        }

        var accounts = candidates.Select(c => c.Image.RegistryId).Distinct(StringComparer.Ordinal).ToList();
        if (accounts is not [{ } registryId])
        {
            throw Invalid($"The candidates do not name one AWS account (registry ids: {string.Join(", ", accounts.Select(a => a ?? "none"))}), so the plan could not be checked against the account it is applied in. Pipe the output of Get-EcrCleanupCandidate.");
        }

        return Create(settings[0], registryId, candidates, validFor, now);

        static PlanException Invalid(string message) => new(PlanException.InvalidInput, message + " No plan was written.");
    }

    /// <summary>Reads a plan file's text, checking that it is a plan and that its content matches its fingerprint.</summary>
    /// <exception cref="PlanException"><see cref="PlanException.Unreadable"/> or <see cref="PlanException.Modified"/>.</exception>
    public static CleanupPlan Parse(string json)
    {
        var document = Deserialize(json, PlanException.Unreadable);
        var fingerprint = FingerprintOf(document with { Fingerprint = null });
        if (!string.Equals(document.Fingerprint, fingerprint, StringComparison.Ordinal))
        {
            throw new PlanException(PlanException.Modified,
                $"The plan's content does not match its fingerprint ({document.Fingerprint}; the content's is {fingerprint}): it was edited after it was made. Nothing is applied from an edited plan. Make a new plan (Get-EcrCleanupCandidate | Export-EcrCleanupPlan, or Invoke-EcrCleanup -WhatIf -PlanPath) and review that one; to leave images out, filter the candidates before exporting them.");
        }

        return FromDocument(document);
    }

    /// <summary>The plan as its file holds it: indented JSON, the fingerprint last.</summary>
    public string ToJson() => JsonSerializer.Serialize(ToDocument(Fingerprint), Written);

    /// <summary>The images to delete or archive as candidates, to be decided again, then deleted or archived, by Remove-EcrCleanupCandidate.</summary>
    /// <param name="path">The file the plan was read from, named when applying it is refused.</param>
    public IReadOnlyList<CleanupCandidate> ToCandidates(string path)
    {
        var origin = new PlanOrigin(path, Fingerprint, ExpiresAt);
        return Images.Select(i => i.ToCandidate(Settings, RegistryId, DecidedAt, origin)).ToList();
    }

    /// <summary>Refuses a plan for another repository than the one the command was told to clean.</summary>
    /// <exception cref="PlanException"><see cref="PlanException.RepositoryMismatch"/>.</exception>
    public void CheckRepository(string repositoryName)
    {
        if (!string.Equals(repositoryName, Repository, StringComparison.Ordinal))
        {
            throw new PlanException(PlanException.RepositoryMismatch,
                $"The plan is for repository '{Repository}', and this command cleans '{repositoryName}' (-RepositoryName, else ECR_REPOSITORY_NAME, else {ConfigurationDefaults.RepositoryName}). If '{Repository}' is the one you mean, pass -RepositoryName {Repository}; otherwise use the plan made for '{repositoryName}'. Nothing was read or deleted.");
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"Plan for {Repository} (account {RegistryId}, {Region}): {Images.Count(i => i.Action == CleanupAction.Delete)} image(s) to delete{Archived()}, decided {DecidedAt:u}, expires {ExpiresAt:u}, {Fingerprint}");

    private string Archived() => Settings.Policy.Archive || Images.Any(i => i.Action == CleanupAction.Archive)
        ? string.Create(CultureInfo.InvariantCulture, $", {Images.Count(i => i.Action == CleanupAction.Archive)} to archive")
        : string.Empty;

    /// <summary>
    /// The fingerprint of what the plan means: a member at the value its absence means is left out, so a plan written before
    /// archive mode has the fingerprint it was written with, and writing or leaving out such a member changes nothing.
    /// </summary>
    private static string FingerprintOf(PlanDocument content)
    {
        var canonical = content with
        {
            Policy = content.Policy is { } policy
                ? policy with
                {
                    Archive = policy.Archive is true ? true : null,
                    DeleteArchivedAfterDays = policy.DeleteArchivedAfterDays is CleanupPolicy.DefaultDeleteArchivedAfterDays ? null : policy.DeleteArchivedAfterDays,
                }
                : null,
            Images = content.Images?.Select(i => i with
            {
                Action = i.Action is CleanupAction.Delete ? null : i.Action,
                Status = i.Status is ImageStatus.Active ? null : i.Status,
            }).ToList(),
        };
        return "sha256:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(canonical, Canonical)))).ToLowerInvariant();
    }

    private static PlanDocument Deserialize(string json, string errorId)
    {
        try
        {
            using (var probe = JsonDocument.Parse(json))
            {
                if (probe.RootElement.ValueKind != JsonValueKind.Object || !probe.RootElement.TryGetProperty("formatVersion", out var version))
                {
                    throw new PlanException(errorId, "The file is not an EcrCleanup plan (a JSON object with formatVersion). Name the file Export-EcrCleanupPlan or Invoke-EcrCleanup -PlanPath wrote.");
                }

                if (version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var number) || number != FormatVersion)
                {
                    throw new PlanException(errorId, $"The plan has format version {version}, and this module reads version {FormatVersion}. Make the plan with this version of the module, or apply it with the version that made it.");
                }
            }

            return JsonSerializer.Deserialize<PlanDocument>(json, Written) ?? throw new JsonException("The plan is null.");
        }
        catch (JsonException e)
        {
            throw new PlanException(errorId, $"The file is not a readable EcrCleanup plan: {e.Message} Name the file Export-EcrCleanupPlan or Invoke-EcrCleanup -PlanPath wrote, as it wrote it.", e);
        }
    }

    private static CleanupPlan FromDocument(PlanDocument document)
    {
        try
        {
            var given = document.Settings ?? throw new ArgumentException("settings is null.");
            var policy = document.Policy ?? throw new ArgumentException("policy is null.");
            var settings = new CleanupSettings(Required(document.Repository, "repository"), Required(document.Region, "region"))
            {
                ProductionStackName = Required(given.ProductionStackName, "settings.productionStackName"),
                PullRequestStackPrefix = Required(given.PullRequestStackPrefix, "settings.pullRequestStackPrefix"),
                GitHubRepository = given.GitHubRepository,
                SkipEcs = given.SkipEcs,
                ProductionEnvironment = Required(given.ProductionEnvironment, "settings.productionEnvironment"),
                HistorySource = Defined(given.ProductionHistorySource, "settings.productionHistorySource"),
                ThrottleLimit = InRange(given.ThrottleLimit, 1, 64, "settings.throttleLimit"),
                MaxHistoryPages = InRange(given.MaxHistoryPages, 1, 1000, "settings.maxHistoryPages"),
                Policy = new CleanupPolicy
                {
                    ProductionRetentionCount = policy.ProductionRetentionCount,
                    MinImageAgeHours = policy.MinImageAgeHours,
                    TagPattern = policy.TagPattern,
                    LatestTagPattern = policy.LatestTagPattern,
                    Archive = policy.Archive ?? false,
                    DeleteArchivedAfterDays = policy.DeleteArchivedAfterDays ?? CleanupPolicy.DefaultDeleteArchivedAfterDays,
                },
            };
            if (!RegistryIdPattern().IsMatch(document.RegistryId ?? string.Empty))
            {
                throw new ArgumentException($"registryId '{document.RegistryId}' is not an AWS account id (12 digits).");
            }

            if (document.ExpiresAt <= document.DecidedAt)
            {
                throw new ArgumentException("expiresAt is not after decidedAt.");
            }

            var images = (document.Images ?? throw new ArgumentException("images is null.")).Select(ImageOf).ToList();
            if (images.GroupBy(i => i.Digest, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            {
                throw new ArgumentException($"{twice.Key} is listed more than once.");
            }

            return new CleanupPlan(settings, document.RegistryId!, document.DecidedAt, document.ExpiresAt, images);
        }
        catch (ArgumentException e)
        {
            throw new PlanException(PlanException.Unreadable, $"The plan holds a value this module cannot use: {e.Message} Make a new plan with this module.", e);
        }
    }

    private static PlannedImage ImageOf(ImageDocument image)
    {
        if (!ImageName.IsDigest(image.Digest))
        {
            throw new ArgumentException($"'{image.Digest}' is not an image digest (sha256: and 64 lowercase hex digits).");
        }

        var action = Defined(image.Action ?? CleanupAction.Delete, "action");
        var status = Defined(image.Status ?? ImageStatus.Active, "status");
        if (action == CleanupAction.Keep || !PlannedImage.MakesCandidate(Defined(image.Rule, "rule")) || Defined(image.Category, "category") == CandidateCategory.None)
        {
            throw new ArgumentException($"{image.Digest} is neither deleted nor archived (action {action}, rule {image.Rule}, category {image.Category}); a plan lists only the images it deletes or archives.");
        }

        if (action == CleanupAction.Archive && status != ImageStatus.Active)
        {
            throw new ArgumentException($"{image.Digest} is to be archived, and is {status}: only an active image is archived.");
        }

        if (image.Tags is null || image.Tags.Any(string.IsNullOrEmpty) || image.SizeBytes < 0)
        {
            throw new ArgumentException($"{image.Digest} has an empty tag or a negative size.");
        }

        return new PlannedImage(image.Digest!, image.Tags, image.PushedAt, image.SizeBytes, action, image.Rule, image.Category, Required(image.Reason, "reason"))
        {
            Status = status,
            LastArchivedAt = image.LastArchivedAt,
        };
    }

    private static string Required(string? value, string name) =>
        string.IsNullOrEmpty(value) ? throw new ArgumentException($"{name} is empty.") : value;

    private static T Defined<T>(T value, string name)
        where T : struct, Enum =>
        Enum.IsDefined(value) ? value : throw new ArgumentException($"{name} '{value}' is not one of {string.Join(", ", Enum.GetNames<T>())}.");

    private static int InRange(int value, int minimum, int maximum, string name) =>
        value >= minimum && value <= maximum ? value : throw new ArgumentException($"{name} {value} is not from {minimum} to {maximum}.");

    private PlanDocument ToDocument(string? fingerprint) => new()
    {
        FormatVersion = FormatVersion,
        Repository = Repository,
        RegistryId = RegistryId,
        Region = Region,
        DecidedAt = DecidedAt,
        ExpiresAt = ExpiresAt,
        Policy = new PolicyDocument
        {
            ProductionRetentionCount = Settings.Policy.ProductionRetentionCount,
            MinImageAgeHours = Settings.Policy.MinImageAgeHours,
            TagPattern = Settings.Policy.TagPattern,
            LatestTagPattern = Settings.Policy.LatestTagPattern,
            Archive = Settings.Policy.Archive,
            DeleteArchivedAfterDays = Settings.Policy.DeleteArchivedAfterDays,
        },
        Settings = new SettingsDocument
        {
            ProductionStackName = Settings.ProductionStackName,
            PullRequestStackPrefix = Settings.PullRequestStackPrefix,
            GitHubRepository = Settings.GitHubRepository,
            ProductionEnvironment = Settings.ProductionEnvironment,
            ProductionHistorySource = Settings.HistorySource,
            SkipEcs = Settings.SkipEcs,
            ThrottleLimit = Settings.ThrottleLimit,
            MaxHistoryPages = Settings.MaxHistoryPages,
        },
        Images = Images.Select(i => new ImageDocument
        {
            Digest = i.Digest,
            Tags = i.Tags,
            PushedAt = i.PushedAt,
            SizeBytes = i.SizeBytes,
            Action = i.Action,
            Rule = i.Rule,
            Category = i.Category,
            Reason = i.Reason,
            Status = i.Status,
            LastArchivedAt = i.LastArchivedAt,
        }).ToList(),
        Fingerprint = fingerprint,
    };

    private static JsonSerializerOptions Options(bool indented) => new()
    {
        WriteIndented = indented,
        // Tag patterns keep their (?<sha>...) readable; the canonical form is the same whatever the encoder, as long as it is this one.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(allowIntegerValues: false), new UtcTimeConverter() },
    };

    [GeneratedRegex("^[0-9]{12}$", RegexOptions.CultureInvariant)]
    private static partial Regex RegistryIdPattern();

    /// <summary>Times are written in UTC, so that a time is one text whatever the offset it was read with.</summary>
    private sealed class UtcTimeConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDateTimeOffset();

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(value.UtcDateTime);
    }

    private sealed record PlanDocument
    {
        public required int FormatVersion { get; init; }

        public required string? Repository { get; init; }

        public required string? RegistryId { get; init; }

        public required string? Region { get; init; }

        public required DateTimeOffset DecidedAt { get; init; }

        public required DateTimeOffset ExpiresAt { get; init; }

        public required PolicyDocument? Policy { get; init; }

        public required SettingsDocument? Settings { get; init; }

        public required IReadOnlyList<ImageDocument>? Images { get; init; }

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public required string? Fingerprint { get; init; }
    }

    private sealed record PolicyDocument
    {
        public required int ProductionRetentionCount { get; init; }

        public required double MinImageAgeHours { get; init; }

        public required string TagPattern { get; init; }

        public required string LatestTagPattern { get; init; }

        /// <summary>Null (left out) in a plan written before archive mode: delete.</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public bool? Archive { get; init; }

        /// <summary>Null (left out) in a plan written before archive mode: 90 days.</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public double? DeleteArchivedAfterDays { get; init; }
    }

    private sealed record SettingsDocument
    {
        public required string? ProductionStackName { get; init; }

        public required string? PullRequestStackPrefix { get; init; }

        /// <summary>Null when the plan was decided with -SkipGitHub.</summary>
        public required string? GitHubRepository { get; init; }

        public required string? ProductionEnvironment { get; init; }

        public required ProductionHistorySource ProductionHistorySource { get; init; }

        public required bool SkipEcs { get; init; }

        public required int ThrottleLimit { get; init; }

        public required int MaxHistoryPages { get; init; }
    }

    private sealed record ImageDocument
    {
        public required string? Digest { get; init; }

        public required IReadOnlyList<string>? Tags { get; init; }

        public required DateTimeOffset PushedAt { get; init; }

        public required long? SizeBytes { get; init; }

        /// <summary>Null (left out) in a plan written before archive mode: Delete.</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public CleanupAction? Action { get; init; }

        public required CleanupRule Rule { get; init; }

        public required CandidateCategory Category { get; init; }

        public required string? Reason { get; init; }

        /// <summary>Null (left out) in a plan written before archive mode: Active.</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public ImageStatus? Status { get; init; }

        /// <summary>Null (left out) when the image was never archived.</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public DateTimeOffset? LastArchivedAt { get; init; }
    }
}
