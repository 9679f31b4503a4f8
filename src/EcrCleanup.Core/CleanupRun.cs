using EcrCleanup.Abstractions;
using EcrCleanup.Configuration;
using EcrCleanup.Decisions;
using EcrCleanup.Deletion;
using EcrCleanup.Diagnostics;
using EcrCleanup.Model;
using EcrCleanup.Plans;
using EcrCleanup.Reading;
using EcrCleanup.Reporting;

namespace EcrCleanup;

/// <summary>The services a run reads and deletes through; <see cref="Ecs"/> is null when ECS is skipped, <see cref="GitHub"/> when GitHub is.</summary>
public sealed record CleanupServices(IEcrClient Ecr, ICloudFormationClient CloudFormation, ILambdaClient Lambda, IEcsClient? Ecs, IBatchClient Batch, IAppRunnerClient AppRunner, IGitHubClient? GitHub, ServiceCallRecorder Calls);

/// <summary>How deletions and archivals are asked for and told about: ShouldProcess per image and action (all asked in one turn, an answer each), and each result as it is known.</summary>
public sealed record DeletionCallbacks(Func<IReadOnlyList<(CleanupCandidate Candidate, CleanupAction Action)>, Task<IReadOnlyList<bool>>> Confirm, Action<DeletionResult> Report, IDeletionJournal? Journal = null);

/// <summary>
/// One cleanup of one repository, in the module's three steps: the read gathers evidence from every source, the
/// engine decides every image, the deletion re-checks and records. The cmdlets call it and write what it returns.
/// </summary>
public sealed class CleanupRun
{
    private readonly CleanupServices _services;
    private readonly TimeProvider _time;
    private readonly Action<ReadProgress>? _progress;
    private readonly CleanupEngine _engine;

    public CleanupRun(CleanupSettings settings, CleanupServices services, TimeProvider time, Action<ReadProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Settings = settings;
        _services = services;
        _time = time;
        _progress = progress;
        _engine = new CleanupEngine(settings.Policy, time);
    }

    public CleanupSettings Settings { get; }

    /// <summary>Reads every source, then decides every image.</summary>
    /// <param name="external">Protections from outside the module (piped in).</param>
    /// <exception cref="ProtectionException">A source could not answer, or the evidence cannot be decided from safely.</exception>
    public async Task<CleanupDecisions> DecideAsync(IEnumerable<ProtectedImage>? external, CancellationToken cancellationToken) =>
        (await DecideAsync([Settings.RepositoryName], external, cancellationToken).ConfigureAwait(false))[0].Decisions!;

    /// <summary>
    /// Reads every source once for all the repositories, then decides each repository's images with these settings.
    /// With several, a repository whose images cannot be read, or whose evidence cannot be decided from, comes back
    /// with its failure and no decisions; with one, that failure is thrown.
    /// </summary>
    /// <param name="external">Protections from outside the module (piped in); each protects in the repository it names.</param>
    /// <exception cref="ProtectionException">A shared source could not answer, or no repository could be read.</exception>
    public async Task<IReadOnlyList<RepositoryDecisions>> DecideAsync(IReadOnlyList<string> repositoryNames, IEnumerable<ProtectedImage>? external, CancellationToken cancellationToken)
    {
        var reader = new EvidenceReader(Settings, _services, _engine.HasRetainedBuilds, _engine.NeedsProductionHistory, _engine.RollbackRevisions, _progress, _time);
        var started = _time.GetTimestamp();
        var read = await reader.ReadAsync(repositoryNames, cancellationToken).ConfigureAwait(false);
        var readDuration = _time.GetElapsedTime(started);
        var protections = external?.ToList();
        return read.Select(repository =>
        {
            try
            {
                return repository.Evidence is { } evidence
                    ? new RepositoryDecisions(repository.RepositoryName, _engine.Decide(evidence with { ReadDuration = readDuration }, protections, Settings with { RepositoryName = repository.RepositoryName }), null)
                    : new RepositoryDecisions(repository.RepositoryName, null, repository.Failure);
            }
            catch (ProtectionException e) when (repositoryNames.Count > 1)
            {
                return new RepositoryDecisions(repository.RepositoryName, null, e);
            }
        }).ToList();
    }

    /// <summary>
    /// Deletes what this run decided a moment ago: the images are read again first (gone, gained a tag), except in
    /// a dry run, which shows the plan as decided.
    /// </summary>
    /// <exception cref="DeletionLimitException">More would be deleted than the options allow; nothing was.</exception>
    public Task<IReadOnlyList<DeletionResult>> DeleteAsync(CleanupDecisions decisions, DeletionOptions options, DeletionCallbacks callbacks, CancellationToken cancellationToken) =>
        Runner(options, callbacks.Journal).RunAsync(
            Settings.RepositoryName,
            decisions.Candidates,
            async token => RepositoryNow.Of(options.DryRun ? decisions.Evidence.Images : await ReadImagesAsync(token).ConfigureAwait(false)),
            callbacks.Confirm,
            callbacks.Report,
            cancellationToken);

    /// <summary>
    /// Deletes a plan made by another command: the repository is read and decided again with the plan's settings,
    /// and only what both the plan and the fresh decision delete goes.
    /// </summary>
    /// <exception cref="ProtectionException">A source could not answer, or the evidence cannot be decided from safely.</exception>
    /// <exception cref="DeletionLimitException">More would be deleted than the options allow; nothing was.</exception>
    /// <exception cref="PlanException">The repository read again is in another account than the plan's; nothing was deleted.</exception>
    public Task<IReadOnlyList<DeletionResult>> ApplyAsync(IReadOnlyList<CleanupCandidate> plan, DeletionOptions options, DeletionCallbacks callbacks, CancellationToken cancellationToken) =>
        Runner(options, callbacks.Journal).RunAsync(
            Settings.RepositoryName,
            plan,
            async token =>
            {
                var fresh = await DecideAsync(null, token).ConfigureAwait(false);
                PlanChecks.SameAccount(plan, fresh.Evidence.Repository);
                return RepositoryNow.Of(fresh.Evidence.Images, fresh.Candidates);
            },
            callbacks.Confirm,
            callbacks.Report,
            cancellationToken);

    /// <summary>The whole job: read, decide, delete (or show what would be), and the report of it.</summary>
    /// <param name="decided">Told the decisions before anything is deleted: what the read and the decisions noticed (their warnings), and what a plan of them holds.</param>
    public async Task<CleanupReport> RunAsync(DeletionOptions options, DeletionCallbacks callbacks, Action<CleanupDecisions> decided, CancellationToken cancellationToken)
    {
        var started = _time.GetUtcNow();
        var decisions = await DecideAsync(null, cancellationToken).ConfigureAwait(false);
        decided(decisions);
        return await CleanAsync(decisions, started, options, callbacks, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The whole job for several repositories: the shared sources read once, each repository decided with its own
    /// images and cleaned in turn, one report with a section each. A repository that cannot be read or decided is
    /// not cleaned, and one whose deleting stops (a limit, a failed re-read) stops alone; both are the report's
    /// failures. A shared source that fails stops the run before anything is deleted anywhere.
    /// </summary>
    /// <param name="callbacks">How deletions in a repository are asked for and told about.</param>
    /// <param name="decided">Told each repository's decisions before anything is deleted in it.</param>
    /// <param name="failed">Told each repository not cleaned, or whose cleaning stopped, when it is known.</param>
    /// <exception cref="ProtectionException">A shared source could not answer, or no repository could be read.</exception>
    public async Task<CleanupReportSet> RunAsync(IReadOnlyList<string> repositoryNames, DeletionOptions options, Func<string, DeletionCallbacks> callbacks, Action<CleanupDecisions> decided, Action<RepositoryFailure> failed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(callbacks);
        ArgumentNullException.ThrowIfNull(failed);
        var started = _time.GetUtcNow();
        var sections = new List<CleanupReport>();
        var failures = new List<RepositoryFailure>();
        void Fail(string repository, Exception error)
        {
            var failure = new RepositoryFailure(repository, error);
            failures.Add(failure);
            failed(failure);
        }

        foreach (var repository in await DecideAsync(repositoryNames, null, cancellationToken).ConfigureAwait(false))
        {
            if (repository.Decisions is not { } decisions)
            {
                Fail(repository.RepositoryName, repository.Failure!);
                continue;
            }

            decided(decisions);
            var run = new CleanupRun(Settings with { RepositoryName = repository.RepositoryName }, _services, _time, _progress);
            try
            {
                sections.Add(await run.CleanAsync(decisions, started, options, callbacks(repository.RepositoryName), cancellationToken).ConfigureAwait(false));
            }
            catch (DeletionStoppedException e)
            {
                sections.Add(e.Report);
                Fail(repository.RepositoryName, e.InnerException!);
            }
        }

        return CleanupReportSet.Of(repositoryNames, sections, failures, options.DryRun, started, _time.GetUtcNow(), _services.Calls.Calls, Configuration(options));
    }

    /// <summary>Deletes what was decided (or shows what would be) and reports it; what was done before deleting stopped is reported all the same.</summary>
    /// <exception cref="DeletionStoppedException">Deleting stopped (a delete limit, a failed re-read); its report says what was decided and done.</exception>
    private async Task<CleanupReport> CleanAsync(CleanupDecisions decisions, DateTimeOffset started, DeletionOptions options, DeletionCallbacks callbacks, CancellationToken cancellationToken)
    {
        var configuration = Configuration(options);
        CleanupReport Report(IReadOnlyList<DeletionResult> results) =>
            CleanupReportBuilder.Build(decisions, results, options.DryRun, started, _time.GetUtcNow(), _services.Calls.Calls, configuration, options.Prices);

        var done = new List<DeletionResult>();
        try
        {
            return Report(await DeleteAsync(decisions, options, callbacks with { Report = r => { done.Add(r); callbacks.Report(r); } }, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var report = Report(done);
            throw new DeletionStoppedException(report with { Warnings = [.. report.Warnings, $"Deleting stopped: {e.Message}"] }, e);
        }
    }

    private ReportConfiguration Configuration(DeletionOptions options) =>
        new(Settings.Policy.ProductionRetentionCount, Settings.Policy.MinImageAgeHours, Settings.Region, options.DryRun,
            Settings.ProductionStackName, Settings.PullRequestStackPrefix, Settings.GitHubRepository, Settings.Policy.Archive, Settings.Policy.DeleteArchivedAfterDays);

    private DeletionRunner Runner(DeletionOptions options, IDeletionJournal? journal) => new(_services.Ecr, _time, journal, options);

    private async Task<IReadOnlyList<EcrImage>> ReadImagesAsync(CancellationToken cancellationToken)
    {
        var images = new List<EcrImage>();
        await foreach (var image in _services.Ecr.DescribeImagesAsync(Settings.RepositoryName, ImageStatusFilter.Any, cancellationToken).ConfigureAwait(false))
        {
            images.Add(image);
        }

        return images;
    }
}

/// <summary>What one repository of a run over several came to: its decisions, or why it was not decided.</summary>
public sealed record RepositoryDecisions(string RepositoryName, CleanupDecisions? Decisions, ProtectionException? Failure);

/// <summary>Deleting stopped partway (or before the first image); <see cref="Report"/> says what was decided and done until then.</summary>
public sealed class DeletionStoppedException : Exception
{
    public DeletionStoppedException(CleanupReport report, Exception innerException)
        : base($"Deleting stopped: {innerException.Message}", innerException)
    {
        Report = report;
    }

    public CleanupReport Report { get; }
}
