using EcrCleanup.Abstractions;
using EcrCleanup.Deletion;
using EcrCleanup.Plans;
using EcrCleanup.Reading;

namespace EcrCleanup.Reporting;

/// <summary>
/// The report of one run over several repositories: a <see cref="CleanupReport"/> for each repository cleaned (its
/// section), the repositories not cleaned or whose cleaning stopped, and the totals. What the run read and called is
/// the whole run's: the shared sources were read once for all.
/// </summary>
public sealed record CleanupReportSet
{
    /// <summary>Every repository of the run, in the order given.</summary>
    public required IReadOnlyList<string> RepositoryNames { get; init; }

    /// <summary>One report per repository that was decided, in the order given; a repository whose deleting stopped has one too, saying what was done.</summary>
    public required IReadOnlyList<CleanupReport> Repositories { get; init; }

    /// <summary>The repositories not cleaned (their images could not be read, or their evidence not decided from) or whose deleting stopped.</summary>
    public required IReadOnlyList<RepositoryFailure> Failures { get; init; }

    public required DateTimeOffset ExecutionTime { get; init; }

    public required bool DryRun { get; init; }

    public string Mode => DryRun ? "DRY RUN" : "EXECUTE";

    public int TotalImages => Repositories.Sum(r => r.TotalImages);

    public int Kept => Repositories.Sum(r => r.Kept);

    public int Candidates => Repositories.Sum(r => r.Candidates);

    /// <summary>Deleted (or, in a dry run, that would be deleted), in every repository.</summary>
    public int Deleted => Repositories.Sum(r => r.Deleted);

    public int Failed => Repositories.Sum(r => r.Failed);

    public int Skipped => Repositories.Sum(r => r.Skipped);

    public long StorageReclaimedBytes => Repositories.Sum(r => r.StorageReclaimedBytes);

    public int Archived => Repositories.Sum(r => r.Archived);

    public long ArchivedBytes => Repositories.Sum(r => r.ArchivedBytes);

    public decimal MonthlySavingUsd => Repositories.Sum(r => r.MonthlySavingUsd);

    /// <summary>What every repository's report warns of (what the shared read noticed); each section keeps only its own.</summary>
    public required IReadOnlyList<string> Warnings { get; init; }

    public required IReadOnlyDictionary<string, int> Calls { get; init; }

    /// <summary>What the shared read found to look at; null when no repository was decided.</summary>
    public required ReadCounts? Read { get; init; }

    public required TimeSpan Duration { get; init; }

    /// <summary>The part of <see cref="Duration"/> spent reading the sources, once for all the repositories.</summary>
    public required TimeSpan ReadDuration { get; init; }

    public required ReportConfiguration Configuration { get; init; }

    /// <summary>True when a deletion failed or a repository was not cleaned: the run's exit code is then non-zero.</summary>
    public bool HasFailures => Failed > 0 || Failures.Count > 0;

    public override string ToString() => ReportRenderer.Text(this);

    /// <summary>The report of a run: the warnings every section shares (with two sections or more) are said once, at the top.</summary>
    public static CleanupReportSet Of(IReadOnlyList<string> repositoryNames, IReadOnlyList<CleanupReport> sections, IReadOnlyList<RepositoryFailure> failures, bool dryRun, DateTimeOffset started, DateTimeOffset finished, IReadOnlyDictionary<string, int> calls, ReportConfiguration configuration)
    {
        var shared = sections.Count < 2 ? [] : sections.Skip(1).Aggregate((IEnumerable<string>)sections[0].Warnings, (common, section) => common.Intersect(section.Warnings, StringComparer.Ordinal)).ToList();
        return new CleanupReportSet
        {
            RepositoryNames = repositoryNames,
            Repositories = sections.Select(s => s with { Warnings = s.Warnings.Except(shared, StringComparer.Ordinal).ToList() }).ToList(),
            Failures = failures,
            ExecutionTime = started,
            DryRun = dryRun,
            Warnings = shared,
            Calls = calls,
            Read = sections.Count > 0 ? sections[0].Read : null,
            Duration = finished - started,
            ReadDuration = sections.Count > 0 ? sections[0].ReadDuration : TimeSpan.Zero,
            Configuration = configuration,
        };
    }
}

/// <summary>A repository a run over several did not clean, or whose cleaning stopped, and why.</summary>
public sealed record RepositoryFailure(string Repository, Exception Error)
{
    /// <summary>A stable id for why: the id of a protection or plan failure (ProtectionSourceFailed, ProductionStackHasNoImage, ...), DeleteLimitExceeded, or the service's error code.</summary>
    public string ErrorId => Error switch
    {
        ProtectionException e => e.ErrorId,
        PlanException e => e.ErrorId,
        DeletionLimitException => "DeleteLimitExceeded",
        ServiceException e => e.ErrorCode,
        _ => Error.GetType().Name,
    };

    public string Message => Error.Message;

    public override string ToString() => $"{Repository}: {Message}";
}
