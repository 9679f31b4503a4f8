using System.Text.RegularExpressions;

namespace EcrCleanup.Decisions;

/// <summary>
/// The knobs of the decision tree. Every property checks its value when it is set, so an invalid policy
/// cannot exist: the <see cref="ArgumentException"/> names the PowerShell parameter that carries the value
/// (<c>TagPattern</c>, <c>LatestTagPattern</c>, <c>ProductionRetentionCount</c>, <c>MinImageAgeHours</c>).
/// </summary>
public sealed record CleanupPolicy
{
    /// <summary><c>&lt;name&gt;-&lt;7 to 40 lowercase hex&gt;</c>, e.g. <c>lancedb-3f2a9c1</c>.</summary>
    public const string DefaultTagPattern = "^(?<name>.+)-(?<sha>[0-9a-f]{7,40})$";

    /// <summary><c>&lt;name&gt;-latest</c>, e.g. <c>lancedb-latest</c>.</summary>
    public const string DefaultLatestTagPattern = "^(?<name>.+)-latest$";

    public const int DefaultProductionRetentionCount = 15;

    public const double DefaultMinImageAgeHours = 24;

    /// <summary>90 days: ECR bills an archived image for at least 90 days in the archive, so deleting it sooner saves nothing.</summary>
    public const double DefaultDeleteArchivedAfterDays = 90;

    /// <summary>The group of <see cref="TagPattern"/> that captures the commit SHA.</summary>
    public const string ShaGroupName = "sha";

    /// <summary>How long one tag may take to match a pattern; a tag that takes longer is classified unknown (kept).</summary>
    public static TimeSpan RegexTimeout { get; } = TimeSpan.FromMilliseconds(250);

    internal const RegexOptions PatternOptions = RegexOptions.CultureInvariant;

    /// <summary>24 hours, 15 production commits, the default patterns.</summary>
    public static CleanupPolicy Default { get; } = new();

    private readonly TimeSpan minImageAge = TimeSpan.FromHours(DefaultMinImageAgeHours);
    private readonly int productionRetentionCount = DefaultProductionRetentionCount;
    private readonly string tagPattern = DefaultTagPattern;
    private readonly string latestTagPattern = DefaultLatestTagPattern;
    private readonly double deleteArchivedAfterDays = DefaultDeleteArchivedAfterDays;

    /// <summary>
    /// Candidates in the standard storage class are archived (UpdateImageStorageClass to ARCHIVE) instead of deleted:
    /// they can be restored. Archived candidates are deleted once archived <see cref="DeleteArchivedAfterDays"/>,
    /// whichever this is.
    /// </summary>
    public bool Archive { get; init; }

    /// <summary>An archived image that is a candidate is deleted once it has been archived this many days, and kept until then. Zero or more.</summary>
    public double DeleteArchivedAfterDays
    {
        get => deleteArchivedAfterDays;
        init
        {
            if (double.IsNaN(value) || value < 0 || value > 36500)
            {
                throw new ArgumentOutOfRangeException(nameof(DeleteArchivedAfterDays), value, $"DeleteArchivedAfterDays must be a number of days from 0 to 36500; got {value}.");
            }

            deleteArchivedAfterDays = value;
        }
    }

    /// <summary>An image pushed less than this long ago is kept, whatever else is true of it. Zero or more.</summary>
    public TimeSpan MinImageAge => minImageAge;

    /// <summary><see cref="MinImageAge"/> in hours, as the <c>-MinImageAgeHours</c> parameter gives it.</summary>
    public double MinImageAgeHours
    {
        get => minImageAge.TotalHours;
        init
        {
            // TimeSpan.MaxValue is about 256 million hours; anything near it is a typo, not a policy.
            if (double.IsNaN(value) || value < 0 || value > 1_000_000)
            {
                throw new ArgumentOutOfRangeException(nameof(MinImageAgeHours), value, $"MinImageAgeHours must be a number of hours from 0 to 1000000; got {value}.");
            }

            minImageAge = TimeSpan.FromHours(value);
        }
    }

    /// <summary>How many of the newest production commits (that have images in the repository) keep their images. Zero or more.</summary>
    public int ProductionRetentionCount
    {
        get => productionRetentionCount;
        init
        {
            if (value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(ProductionRetentionCount), value, $"ProductionRetentionCount must be zero or more; got {value}.");
            }

            productionRetentionCount = value;
        }
    }

    /// <summary>A .NET regular expression a commit tag matches, with a named group <c>sha</c> that captures the commit SHA.</summary>
    public string TagPattern
    {
        get => tagPattern;
        init
        {
            var regex = ParsePattern(value, nameof(TagPattern));
            if (Array.IndexOf(regex.GetGroupNames(), ShaGroupName) < 0)
            {
                throw new ArgumentException($"TagPattern '{value}' has no named group 'sha'; write the part that holds the commit SHA as (?<sha>...), e.g. {DefaultTagPattern}.", nameof(TagPattern));
            }

            tagPattern = value;
        }
    }

    /// <summary>A .NET regular expression a latest tag matches.</summary>
    public string LatestTagPattern
    {
        get => latestTagPattern;
        init
        {
            ParsePattern(value, nameof(LatestTagPattern));
            latestTagPattern = value;
        }
    }

    internal static Regex CreateRegex(string pattern) => new(pattern, PatternOptions, RegexTimeout);

    private static Regex ParsePattern(string? pattern, string parameterName)
    {
        if (string.IsNullOrEmpty(pattern))
        {
            throw new ArgumentException($"{parameterName} must be a regular expression, not empty.", parameterName);
        }

        try
        {
            return CreateRegex(pattern);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"{parameterName} '{pattern}' is not a valid regular expression: {ex.Message}", parameterName, ex);
        }
    }
}
