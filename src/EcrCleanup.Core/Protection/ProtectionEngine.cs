using System.Collections.Concurrent;
using EcrCleanup.Abstractions;
using EcrCleanup.Decisions;
using EcrCleanup.Inventory;
using EcrCleanup.Model;

namespace EcrCleanup.Protection;

/// <summary>
/// Finds every image of a repository that something runs or may need to run again. Fails closed: a source
/// that cannot answer, a missing production stack, or a production stack that runs nothing from the
/// repository stops it with a <see cref="ProtectionException"/>; nothing partial is returned.
/// </summary>
public sealed class ProtectionEngine
{
    private readonly ProtectionSettings _settings;
    private readonly IEcrClient _ecr;
    private readonly ICloudFormationClient _cloudFormation;
    private readonly ILambdaClient _lambda;
    private readonly IGitHubClient? _github;
    private readonly Action<ProtectionProgress>? _progress;
    private readonly TagClassifier _classifier;

    /// <param name="github">Null when GitHub is skipped: no pull-request protection and no production history.</param>
    public ProtectionEngine(ProtectionSettings settings, IEcrClient ecr, ICloudFormationClient cloudFormation, ILambdaClient lambda, IGitHubClient? github, Action<ProtectionProgress>? progress = null)
    {
        _settings = settings;
        _ecr = ecr;
        _cloudFormation = cloudFormation;
        _lambda = lambda;
        _github = github;
        _progress = progress;
        _classifier = new TagClassifier(settings.Policy);
    }

    public async Task<ProtectionResult> RunAsync(CancellationToken cancellationToken)
    {
        var warnings = new ConcurrentQueue<string>();
        var inventory = await Ask("ECR", () => ImageInventory.LoadAsync(_ecr, _settings.RepositoryName, null, cancellationToken)).ConfigureAwait(false);
        // CloudFormation and Lambda have separate quotas: read them at the same time.
        var functionReader = new FunctionReader(_lambda, _settings, _progress);
        var (stacks, region) = await BothAsync(
            token => Ask("CloudFormation", () => new StackReader(_cloudFormation, _settings, _progress).ReadAsync(token)),
            token => Ask("Lambda", () => functionReader.ReadRegionAsync(token)),
            cancellationToken).ConfigureAwait(false);
        var deployments = await Ask("Lambda", () => functionReader.AttachStacksAsync(region, stacks.Functions, warnings, cancellationToken)).ConfigureAwait(false);

        var collector = new ProtectedImageCollector(inventory.Images, _classifier);
        deployments = await Ask("Lambda", () => ConfirmVersionsAsync(functionReader, inventory.Repository, deployments, collector, cancellationToken)).ConfigureAwait(false);
        var productionShas = ProtectDeployments(inventory.Repository, deployments, collector, warnings);
        CheckStacksInProgress(stacks, warnings);

        IReadOnlyList<string>? history = null;
        IReadOnlyDictionary<string, int>? pullRequests = null;
        if (_github is not null)
        {
            var reader = new GitHubReader(_github, _settings, _progress);
            pullRequests = await Ask("GitHub", () => reader.ReadOpenPullRequestsAsync(cancellationToken)).ConfigureAwait(false);
            ProtectOpenPullRequests(inventory.Images, pullRequests, collector);
            history = await Ask("GitHub", () => ProtectProductionHistoryAsync(reader, productionShas, collector, cancellationToken)).ConfigureAwait(false);
        }

        collector.FollowReferences();
        return new ProtectionResult(inventory.Repository, inventory.Images, collector.Protections, warnings.ToArray())
        {
            ProductionHistory = history,
            OpenPullRequestShas = pullRequests,
            StackCount = stacks.StackCount,
            FunctionCount = deployments.Select(d => d.FunctionName).Distinct(StringComparer.Ordinal).Count(),
        };
    }

    /// <summary>
    /// A published version of a function that runs this repository's images, whose listed digest is no image of
    /// the repository, is asked for with GetFunction: what it runs is then known from Lambda's own image URIs, not
    /// from the listing's CodeSha256 alone. In a healthy account there is none, and this costs no call.
    /// </summary>
    private async Task<IReadOnlyList<FunctionDeployment>> ConfirmVersionsAsync(FunctionReader reader, EcrRepository repository, IReadOnlyList<FunctionDeployment> deployments, ProtectedImageCollector collector, CancellationToken cancellationToken)
    {
        bool IsOurs(ImageReference? reference) => reference is not null && reference.IsIn(repository.RegistryId, _settings.Region, repository.Name);
        var usingRepository = deployments.Where(d => d.Qualifier == FunctionReader.Latest && (IsOurs(d.Named) || IsOurs(d.Resolved)))
            .Select(d => d.FunctionName).ToHashSet(StringComparer.Ordinal);
        var unconfirmed = deployments.Where(d => d.Qualifier != FunctionReader.Latest && usingRepository.Contains(d.FunctionName) && collector.FindByDigest(d.Digest) is null).ToList();
        if (unconfirmed.Count == 0)
        {
            return deployments;
        }

        var confirmed = await reader.ReadVersionsAsync(unconfirmed, cancellationToken).ConfigureAwait(false);
        return deployments.Except(unconfirmed).Concat(confirmed).ToList();
    }

    /// <summary>Protects what the functions run; returns the commit SHAs the production stack runs, the current production deployment.</summary>
    private List<string> ProtectDeployments(EcrRepository repository, IReadOnlyList<FunctionDeployment> deployments, ProtectedImageCollector collector, ConcurrentQueue<string> warnings)
    {
        var productionShas = new List<string>();
        var productionImages = 0;
        var ordered = deployments
            .OrderBy(d => d.Stack is null ? 2 : d.Stack.Environment == DeploymentEnvironment.Production ? 0 : 1)
            .ThenBy(d => d.Stack?.RootStackName, StringComparer.Ordinal)
            .ThenBy(d => d.FunctionName, StringComparer.Ordinal)
            .ThenBy(d => d.Qualifier == FunctionReader.Latest ? 0 : 1)
            .ThenBy(d => int.TryParse(d.Qualifier, out var v) ? -v : 0);
        foreach (var deployment in ordered)
        {
            var images = new List<EcrImage>(2);
            var digestIsOurs = deployment.Resolved is null || deployment.Resolved.IsIn(repository.RegistryId, _settings.Region, repository.Name);
            if (digestIsOurs && collector.FindByDigest(deployment.Digest) is { } byDigest)
            {
                images.Add(byDigest);
            }

            if (deployment.Named is { } named && named.IsIn(repository.RegistryId, _settings.Region, repository.Name))
            {
                var byName = named.Digest is not null ? collector.FindByDigest(named.Digest) : collector.FindByTag(named.Tag);
                if (byName is null)
                {
                    warnings.Enqueue($"Function '{deployment.FunctionName}' names {repository.Name}{(named.Tag is null ? "@" + named.Digest : ":" + named.Tag)}, which is not in the repository.");
                }
                else if (!images.Contains(byName))
                {
                    images.Add(byName);
                }
            }

            var stack = deployment.Stack;
            foreach (var image in images)
            {
                collector.Add(image, stack is null ? ProtectionReason.DeployedOutsideStacks : ProtectionReason.Deployed, p => p with
                {
                    Environment = stack?.Environment ?? DeploymentEnvironment.None,
                    StackName = stack?.RootStackName,
                    FunctionName = deployment.FunctionName,
                    Qualifier = deployment.Qualifier,
                    PullRequestNumber = stack?.PullRequestNumber,
                });
                if (stack?.Environment == DeploymentEnvironment.Production)
                {
                    productionImages++;
                    if (deployment.Qualifier == FunctionReader.Latest)
                    {
                        productionShas.AddRange(collector.CommitsOf(image));
                    }
                }
            }
        }

        if (productionImages == 0)
        {
            throw new ProtectionException(ProtectionException.ProductionStackHasNoImage, "CloudFormation",
                $"The production stack '{_settings.ProductionStackName}' runs no image of repository '{repository.Name}' (nested stacks, every function version included). " +
                "A cleanup that knew nothing of production would delete what it runs, so nothing is decided. Check -ProductionStackName (PRODUCTION_STACK_NAME), -RepositoryName (ECR_REPOSITORY_NAME) and -Region.");
        }

        return productionShas;
    }

    private void CheckStacksInProgress(StackScan stacks, ConcurrentQueue<string> warnings)
    {
        if (stacks.InProgress.Count == 0)
        {
            return;
        }

        var names = string.Join(", ", stacks.InProgress.Select(s => $"{s.StackName} ({s.Status})").OrderBy(n => n, StringComparer.Ordinal));
        if (_github is null)
        {
            // Mid-update, a stack may roll back to the images it ran before; only GitHub's history and open pull
            // requests keep those, and GitHub is skipped.
            throw new ProtectionException(ProtectionException.StackInProgress, "CloudFormation",
                $"Stacks are changing: {names}. While a stack updates it may roll back to images it no longer names, and with -SkipGitHub nothing else protects them. Run again when the stacks are stable, or without -SkipGitHub.");
        }

        warnings.Enqueue($"Stacks are changing: {names}. What they run now is protected; the images they could roll back to are protected by production retention and open pull requests.");
    }

    private void ProtectOpenPullRequests(IReadOnlyList<EcrImage> images, IReadOnlyDictionary<string, int> pullRequests, ProtectedImageCollector collector)
    {
        var index = new ShaPrefixIndex<int>();
        foreach (var (sha, number) in pullRequests)
        {
            index.Add(sha, number);
        }

        foreach (var image in images.OrderBy(i => i.Digest, StringComparer.Ordinal))
        {
            foreach (var sha in collector.CommitsOf(image))
            {
                var match = index.Candidates(sha).Where(c => CommitSha.Matches(c.Key, sha)).OrderBy(c => c.Value).FirstOrDefault();
                if (match.Key is not null)
                {
                    collector.Add(image, ProtectionReason.OpenPullRequest, p => p with
                    {
                        Environment = DeploymentEnvironment.PullRequest,
                        PullRequestNumber = match.Value,
                        CommitSha = match.Key,
                    });
                }
            }
        }
    }

    /// <summary>Keeps the newest N production builds that have images, the current deployment first; returns the history read.</summary>
    private async Task<IReadOnlyList<string>> ProtectProductionHistoryAsync(GitHubReader reader, List<string> currentShas, ProtectedImageCollector collector, CancellationToken cancellationToken)
    {
        var history = new List<string>(currentShas);
        var retained = new HashSet<string>(StringComparer.Ordinal);
        var kept = 0;

        // Retains the images of one production build (one or more SHAs); true once the count is reached.
        bool Retain(IEnumerable<string> shas, string label)
        {
            var images = shas.SelectMany(collector.FindByCommit).Where(i => !retained.Contains(i.Digest)).DistinctBy(i => i.Digest).ToList();
            if (images.Count > 0)
            {
                kept++;
                var rank = kept;
                foreach (var image in images.OrderBy(i => i.Digest, StringComparer.Ordinal))
                {
                    retained.Add(image.Digest);
                    collector.Add(image, ProtectionReason.ProductionRetention, p => p with
                    {
                        Environment = DeploymentEnvironment.Production,
                        CommitSha = label,
                        Source = $"production build #{rank} of {_settings.ProductionRetentionCount}",
                    });
                }
            }

            return kept >= _settings.ProductionRetentionCount;
        }

        if (_settings.ProductionRetentionCount == 0)
        {
            return history;
        }

        // What production runs now is one build, the first, however many commits its functions were built from.
        if (currentShas.Count > 0 && Retain(currentShas, string.Join(", ", currentShas.Distinct(StringComparer.Ordinal))))
        {
            return history;
        }

        // Whole pages go into the history the decisions see, so older production builds on the last page read
        // are known as production (and reported so); no page is fetched once the retention is reached.
        await foreach (var page in reader.ReadProductionHistoryAsync(cancellationToken).ConfigureAwait(false))
        {
            var complete = false;
            foreach (var normalized in page.Select(CommitSha.Normalize).OfType<string>())
            {
                history.Add(normalized);
                complete = complete || Retain(new[] { normalized }, normalized);
            }

            if (complete)
            {
                break;
            }
        }

        return history;
    }

    /// <summary>Runs two reads at once; when one fails, the other is cancelled and the failure, not the cancellation, is thrown.</summary>
    private static async Task<(TFirst, TSecond)> BothAsync<TFirst, TSecond>(Func<CancellationToken, Task<TFirst>> first, Func<CancellationToken, Task<TSecond>> second, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        async Task<T> StopOthersOnFailure<T>(Func<CancellationToken, Task<T>> read)
        {
            try
            {
                return await read(stop.Token).ConfigureAwait(false);
            }
            catch
            {
                await stop.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }

        var firstTask = StopOthersOnFailure(first);
        var secondTask = StopOthersOnFailure(second);
        try
        {
            await Task.WhenAll(firstTask, secondTask).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var failure = new Task[] { firstTask, secondTask }.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!).FirstOrDefault();
            if (failure is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            }

            throw;
        }

        return (firstTask.Result, secondTask.Result);
    }

    /// <summary>Runs one source's reads; a failure becomes a <see cref="ProtectionException"/> naming the source.</summary>
    private static async Task<T> Ask<T>(string source, Func<Task<T>> read)
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (ServiceException e)
        {
            throw new ProtectionException(ProtectionException.SourceFailed, source,
                $"{source} could not answer, so the protected set would be incomplete and nothing is decided. {e.Message}", e);
        }
    }
}
