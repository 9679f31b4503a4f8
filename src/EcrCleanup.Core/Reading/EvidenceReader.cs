using System.Collections.Concurrent;
using EcrCleanup.Abstractions;
using EcrCleanup.Configuration;
using EcrCleanup.Inventory;
using EcrCleanup.Model;

namespace EcrCleanup.Reading;

/// <summary>What was read of one repository: its evidence, or why its images could not be read.</summary>
public sealed record RepositoryEvidence(string RepositoryName, Evidence? Evidence, ProtectionException? Failure);

/// <summary>
/// Gathers the evidence for one or more repositories from every source and decides nothing: each repository's
/// images (ECR), and, read once for all of them, the watched stacks (CloudFormation), what every function version
/// runs (Lambda), what the other workloads run (ECS, Batch, App Runner), the open pull requests and the production
/// history (GitHub). Fails closed: a shared source that cannot answer, or a missing production stack, stops it with
/// a <see cref="ProtectionException"/>; a repository whose images cannot be read is returned with its failure and
/// no evidence (with one repository, that failure stops the read). Nothing partial is returned.
/// </summary>
public sealed class EvidenceReader
{
    private readonly CleanupSettings _settings;
    private readonly CleanupServices _services;
    private readonly Func<Evidence, bool> _historyIsEnough;
    private readonly bool _historyIsNeeded;
    private readonly int _rollbackRevisions;
    private readonly Action<ReadProgress>? _progress;
    private readonly TimeProvider _time;

    /// <param name="services">The sources; <see cref="CleanupServices.GitHub"/> null when GitHub is skipped (no open pull requests, no production history), <see cref="CleanupServices.Ecs"/> null when ECS is.</param>
    /// <param name="historyIsEnough">Asked after each page of production history but the last: true once the decisions need no older page.</param>
    /// <param name="historyIsNeeded">True when the first page of production history will be needed whatever the evidence: it is then read with the other sources.</param>
    /// <param name="rollbackRevisions">How many earlier revisions of a production task definition family the decisions keep (<see cref="Decisions.CleanupEngine.RollbackRevisions"/>).</param>
    /// <param name="time">The clock the lifecycle policy preview is waited for on.</param>
    public EvidenceReader(CleanupSettings settings, CleanupServices services, Func<Evidence, bool> historyIsEnough, bool historyIsNeeded, int rollbackRevisions, Action<ReadProgress>? progress = null, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _rollbackRevisions = rollbackRevisions;
        _settings = settings;
        _services = services;
        _historyIsEnough = historyIsEnough;
        _historyIsNeeded = historyIsNeeded;
        _progress = progress;
    }

    /// <summary>The evidence of the settings' repository.</summary>
    public async Task<Evidence> ReadAsync(CancellationToken cancellationToken) =>
        (await ReadAsync([_settings.RepositoryName], cancellationToken).ConfigureAwait(false))[0].Evidence!;

    /// <summary>The evidence of each repository, in the order given, from one read of the shared sources.</summary>
    public async Task<IReadOnlyList<RepositoryEvidence>> ReadAsync(IReadOnlyList<string> repositoryNames, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repositoryNames);
        if (repositoryNames.Count == 0)
        {
            throw new ArgumentException("At least one repository is read.", nameof(repositoryNames));
        }

        var github = _services.GitHub is null ? null : new GitHubReader(_services.GitHub, _settings, _progress);
        // The production history's pages, newest first, read as the decisions need them.
        var history = github?.ReadProductionHistoryAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            return await ReadAsync(repositoryNames, github, history, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (history is not null)
            {
                await history.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<IReadOnlyList<RepositoryEvidence>> ReadAsync(IReadOnlyList<string> repositoryNames, GitHubReader? github, IAsyncEnumerator<HistoryPage>? history, CancellationToken cancellationToken)
    {
        var warnings = new ConcurrentQueue<string>();
        // The sources are independent (and have separate quotas): every one starts at once, and with them the first
        // page of production history when it will be needed anyway. What depends on two of them (which function a stack
        // deploys, which history page is the last needed) follows.
        var functionReader = new FunctionReader(_services.Lambda, _settings, _progress);
        using var workloadReader = new WorkloadReader(_services.Ecs, _services.Batch, _services.AppRunner, _settings, _rollbackRevisions, warnings, _progress);
        var inventories = new RepositoryInventory?[repositoryNames.Count];
        var lifecycles = new Lifecycle.LifecycleCheck?[repositoryNames.Count];
        var failures = new ProtectionException?[repositoryNames.Count];
        StackScan stacks = null!;
        RegionFunctions region = null!;
        WorkloadScan clusters = null!;
        IReadOnlyList<WorkloadImage> stackRunners = null!;
        IReadOnlyDictionary<string, int>? pullRequests = null;
        var firstHistoryPage = history is not null && _historyIsNeeded ? history.MoveNextAsync().AsTask() : null;
        // Each repository's images; with several, one that cannot be read is that repository's failure, not the read's.
        IEnumerable<Func<CancellationToken, Task>> Inventories() => repositoryNames.Select((name, i) => (Func<CancellationToken, Task>)(async token =>
        {
            try
            {
                inventories[i] = await Ask("ECR", () => ImageInventory.LoadAsync(_services.Ecr, name, null, token)).ConfigureAwait(false);
            }
            catch (ProtectionException e) when (repositoryNames.Count > 1)
            {
                failures[i] = e;
            }
        }));

        // Each repository's lifecycle policy, previewed by ECR: a guard that warns, and never fails the read.
        IEnumerable<Func<CancellationToken, Task>> Lifecycles() => repositoryNames.Select((name, i) => (Func<CancellationToken, Task>)(async token =>
            lifecycles[i] = await Lifecycle.LifecycleGuard.CheckAsync(_services.Ecr, name, _time, token).ConfigureAwait(false)));

        await AllAsync(
            cancellationToken,
            [.. Inventories(),
            .. Lifecycles(),
            async _ =>
            {
                if (firstHistoryPage is not null)
                {
                    await Ask("GitHub", () => firstHistoryPage).ConfigureAwait(false);
                }
            },
            async token =>
            {
                // What the stacks' other runners name is read as soon as the stacks are known.
                stacks = await Ask("CloudFormation", () => new StackReader(_services.CloudFormation, _settings, _progress).ReadAsync(token)).ConfigureAwait(false);
                stackRunners = await Ask(null, () => workloadReader.ReadStackRunnersAsync(stacks.Runners, token)).ConfigureAwait(false);
            },
            async token => clusters = await Ask("ECS", () => workloadReader.ReadClustersAsync(token)).ConfigureAwait(false),
            async token => region = await Ask("Lambda", () => functionReader.ReadRegionAsync(token)).ConfigureAwait(false),
            async token => pullRequests = github is null ? null : await Ask("GitHub", () => github.ReadOpenPullRequestsAsync(token)).ConfigureAwait(false)]).ConfigureAwait(false);
        if (failures.All(f => f is not null))
        {
            throw failures[0]!;
        }

        var deployments = await Ask("Lambda", () => functionReader.AttachStacksAsync(region, stacks.Functions, warnings, cancellationToken)).ConfigureAwait(false);
        if (Unlisted(deployments, region).Count > 0)
        {
            // A function a stack names exists but the listing left it out: created since the listing began, or the
            // listing is incomplete (and with it what every other version runs). Read it again; if it is still left
            // out, the listing cannot be trusted.
            region = await Ask("Lambda", () => functionReader.ReadRegionAsync(cancellationToken)).ConfigureAwait(false);
            deployments = await Ask("Lambda", () => functionReader.AttachStacksAsync(region, stacks.Functions, warnings, cancellationToken)).ConfigureAwait(false);
            if (Unlisted(deployments, region) is { Count: > 0 } unlisted)
            {
                throw new ProtectionException(ProtectionException.SourceFailed, "Lambda",
                    $"Lambda ListFunctions left out {string.Join(", ", unlisted.Select(n => $"'{n}' (stack {stacks.Functions[n].StackName})"))} twice, though GetFunction finds it: the listing is incomplete, so what the region's function versions run is not known and nothing is decided. Check lambda:ListFunctions permissions and the endpoint, then run again.");
            }
        }

        var read = inventories.OfType<RepositoryInventory>().Select(i => (i.Repository, Images: (IReadOnlyDictionary<string, EcrImage>)i.Images.ToDictionary(image => image.Digest, StringComparer.Ordinal))).ToList();
        deployments = await Ask("Lambda", () => NameLatestAsync(functionReader, read, deployments, warnings, cancellationToken)).ConfigureAwait(false);
        deployments = await Ask("Lambda", () => ConfirmVersionsAsync(functionReader, read, deployments, cancellationToken)).ConfigureAwait(false);

        var shared = new Evidence(read[0].Repository, _settings.Region, [])
        {
            ProductionStackName = _settings.ProductionStackName,
            Deployments = deployments,
            StacksInProgress = stacks.InProgress,
            StackCount = stacks.StackCount,
            Workloads = [.. clusters.Images, .. stackRunners],
            Mentions = stacks.Mentions,
            Ecs = _services.Ecs is null ? null : clusters with { TaskDefinitions = workloadReader.TaskDefinitionsRead },
        };
        if (_services.Ecs is null)
        {
            warnings.Enqueue("ECS is skipped (-SkipEcs): no ECS service or task protects an image, so only what Lambda and the watched stacks run is known to be in use.");
        }

        var evidences = inventories.Select((inventory, i) => inventory is null ? null : shared with { Repository = inventory.Repository, Images = inventory.Images, Lifecycle = lifecycles[i] }).ToArray();
        if (github is not null)
        {
            evidences = evidences.Select(e => e is null ? null : e with { OpenPullRequests = pullRequests }).ToArray();
            var readable = Enumerable.Range(0, evidences.Length).Where(i => evidences[i] is not null).ToArray();
            var histories = await Ask("GitHub", () => ReadHistoryAsync(github, history!, firstHistoryPage, readable.Select(i => evidences[i]!).ToArray(), cancellationToken)).ConfigureAwait(false);
            for (var n = 0; n < readable.Length; n++)
            {
                evidences[readable[n]] = evidences[readable[n]]! with { ProductionHistory = histories[n], ProductionHistorySource = github.Source };
            }

            if (_settings.HistorySource == ProductionHistorySource.Auto && github.Source == ProductionHistorySource.Commits
                && await Ask("GitHub", () => github.ReadDeploymentEnvironmentsAsync(cancellationToken)).ConfigureAwait(false) is { Count: > 0 } environments)
            {
                warnings.Enqueue($"No deployments to GitHub environment '{_settings.ProductionEnvironment}', so the production history is the default branch's commits; the repository deploys to {string.Join(", ", environments)}. If production is one of those, pass -ProductionEnvironment.");
            }
        }

        var said = warnings.ToArray();
        return repositoryNames.Select((name, i) => new RepositoryEvidence(name, evidences[i] is { } e ? e with { Warnings = said } : null, failures[i])).ToArray();
    }

    /// <summary>
    /// GetFunction for a $LATEST only where the listing's digest does not settle what it names: the digest is no image
    /// of the repository (it may still name one of its tags), the repository's tags are mutable (the tag it names may
    /// have moved to another image since it was deployed), or its image has no tag left (the tag it named may have been
    /// removed and pushed again). In a repository with immutable tags whose deployed images keep them, this costs no call.
    /// With several repositories: unless every repository holding the digest settles it (and one does).
    /// </summary>
    /// <param name="repositories">Each repository read, with its images by digest.</param>
    private static async Task<IReadOnlyList<FunctionDeployment>> NameLatestAsync(FunctionReader reader, IReadOnlyList<(EcrRepository Repository, IReadOnlyDictionary<string, EcrImage> Images)> repositories, IReadOnlyList<FunctionDeployment> deployments, ConcurrentQueue<string> warnings, CancellationToken cancellationToken)
    {
        bool Settled(string digest)
        {
            var holding = repositories.Where(r => r.Images.ContainsKey(digest)).ToList();
            return holding.Count > 0 && holding.All(r => string.Equals(r.Repository.TagMutability, "IMMUTABLE", StringComparison.Ordinal) && r.Images[digest].Tags.Count > 0);
        }

        var unnamed = deployments.Where(d => d.Qualifier == FunctionReader.Latest && d.Named is null && (d.Digest is null || !Settled(d.Digest))).ToList();
        if (unnamed.Count == 0)
        {
            return deployments;
        }

        var (read, gone) = await reader.AskAsync(unnamed, cancellationToken).ConfigureAwait(false);
        foreach (var version in gone)
        {
            // Deleted since the listing, or one of the two answers is wrong: what the listing says it runs stays protected.
            warnings.Enqueue($"Lambda listed function '{version.FunctionName}', then GetFunction said it does not exist; the image the listing says it runs stays protected.");
        }

        var named = read.ToDictionary(d => d.FunctionName, StringComparer.Ordinal);
        return deployments.Select(d => d.Qualifier == FunctionReader.Latest && named.TryGetValue(d.FunctionName, out var withName) ? withName : d).ToList();
    }

    /// <summary>
    /// A published version of a function that runs this repository's images, whose listed digest is no image of
    /// the repository, is asked for with GetFunction: what it runs is then known from Lambda's own image URIs, not
    /// from the listing's CodeSha256 alone. In a healthy account there is none, and this costs no call.
    /// </summary>
    /// <param name="repositories">Each repository read, with its images by digest.</param>
    private async Task<IReadOnlyList<FunctionDeployment>> ConfirmVersionsAsync(FunctionReader reader, IReadOnlyList<(EcrRepository Repository, IReadOnlyDictionary<string, EcrImage> Images)> repositories, IReadOnlyList<FunctionDeployment> deployments, CancellationToken cancellationToken)
    {
        IEnumerable<FunctionDeployment> Unconfirmed(EcrRepository repository, IReadOnlyDictionary<string, EcrImage> images)
        {
            bool IsOurs(ImageReference? reference) => reference is not null && reference.IsIn(repository.RegistryId, _settings.Region, repository.Name);
            var usingRepository = deployments.Where(d => d.Qualifier == FunctionReader.Latest && (IsOurs(d.Named) || IsOurs(d.Resolved) || (d.Resolved is null && d.Digest is not null && images.ContainsKey(d.Digest))))
                .Select(d => d.FunctionName).ToHashSet(StringComparer.Ordinal);
            return deployments.Where(d => d.Qualifier != FunctionReader.Latest && usingRepository.Contains(d.FunctionName) && (d.Digest is null || !images.ContainsKey(d.Digest)));
        }

        var unconfirmed = repositories.SelectMany(r => Unconfirmed(r.Repository, r.Images)).Distinct().ToList();
        if (unconfirmed.Count == 0)
        {
            return deployments;
        }

        var (confirmed, _) = await reader.AskAsync(unconfirmed, cancellationToken).ConfigureAwait(false);
        return deployments.Except(unconfirmed).Concat(confirmed).ToList();
    }

    private static List<string> Unlisted(IReadOnlyList<FunctionDeployment> deployments, RegionFunctions region) =>
        deployments.Select(d => d.FunctionName).Where(name => !region.Listed.Contains(name)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Production history, newest first, a whole page at a time, until no repository's decisions need an older page;
    /// each repository gets the pages its own decisions needed, as its own run would read them. None at all stops the run.
    /// </summary>
    /// <param name="firstPage">The first page's move, when it was asked for with the other sources.</param>
    private async Task<IReadOnlyList<IReadOnlyList<string>>> ReadHistoryAsync(GitHubReader reader, IAsyncEnumerator<HistoryPage> pages, Task<bool>? firstPage, IReadOnlyList<Evidence> evidences, CancellationToken cancellationToken)
    {
        var history = new List<string>();
        var needed = new int?[evidences.Count];
        void Check()
        {
            for (var i = 0; i < evidences.Count; i++)
            {
                if (needed[i] is null && _historyIsEnough(evidences[i] with { ProductionHistory = history }))
                {
                    needed[i] = history.Count;
                }
            }
        }

        if (firstPage is null)
        {
            Check();
        }

        var withoutHistory = needed.Select(n => n is not null).ToArray();
        while (needed.Any(n => n is null) && (firstPage is not null ? await firstPage.ConfigureAwait(false) : await pages.MoveNextAsync().ConfigureAwait(false)))
        {
            firstPage = null;
            history.AddRange(pages.Current.Shas);
            if (!pages.Current.IsLast)
            {
                // Whether the decisions need an older page; after the last there is none to read, so nothing to ask.
                Check();
            }
        }

        if (history.Count > 0 || withoutHistory.All(w => w))
        {
            return needed.Select(n => (IReadOnlyList<string>)history.Take(n ?? history.Count).ToArray()).ToArray();
        }

        // Builds must be kept for rollback and GitHub knows of none: a wrong setting, not an account without history.
        var environments = reader.Source == ProductionHistorySource.Deployments ? await reader.ReadDeploymentEnvironmentsAsync(cancellationToken).ConfigureAwait(false) : [];
        throw new ProtectionException(ProtectionException.ProductionHistoryEmpty, "GitHub",
            $"GitHub gave no production history ({reader.Source}: {(reader.Source == ProductionHistorySource.Commits ? "no commits on the default branch" : $"no deployments to environment '{_settings.ProductionEnvironment}'; the repository deploys to {(environments.Count == 0 ? "no environment" : string.Join(", ", environments))}")}), " +
            "so no production build could be kept for rollback and older ones would all be deleted. Check -ProductionEnvironment (the GitHub environment production is deployed to: a typo finds none) " +
            "and -ProductionHistorySource (Deployments reads deployments to that environment, Commits the default branch, Auto the first that has any), or pass -ProductionRetentionCount 0 to keep no rollback builds.");
    }

    /// <summary>
    /// Starts every read at once; when one fails, the others are cancelled and the first failure, not a cancellation,
    /// is thrown.
    /// </summary>
    private static async Task AllAsync(CancellationToken cancellationToken, params Func<CancellationToken, Task>[] reads)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Exception? firstFailure = null;
        async Task StopOthersOnFailure(Func<CancellationToken, Task> read)
        {
            try
            {
                await read(stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                Interlocked.CompareExchange(ref firstFailure, e, null);
                await stop.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }

        var tasks = reads.Select(StopOthersOnFailure).ToArray();
        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested && firstFailure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(firstFailure);
        }
    }

    /// <summary>Runs one source's reads; a failure becomes a <see cref="ProtectionException"/> naming the source (null: the service that failed).</summary>
    private static async Task<T> Ask<T>(string? source, Func<Task<T>> read)
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (ServiceException e)
        {
            source ??= e.Service;
            throw new ProtectionException(ProtectionException.SourceFailed, source,
                $"{source} could not answer, so the protected set would be incomplete and nothing is decided. {e.Message}", e);
        }
    }
}
