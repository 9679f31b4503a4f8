using System.Text.RegularExpressions;
using EcrCleanup.Model;
using EcrCleanup.Reading;

namespace EcrCleanup.Decisions;

/// <summary>
/// Rule 1's evidence matched to images: what each function version runs, by the digest Lambda resolved and by the
/// URI the function names, and what was piped in from outside. Also what production's $LATEST runs now, which is
/// production build #1.
/// </summary>
internal sealed class Deployments
{
    private readonly Dictionary<string, List<ProtectedImage>> _byDigest = new(StringComparer.Ordinal);
    private readonly ImageFacts _facts;

    public Deployments(Evidence evidence, ImageFacts facts, List<string> warnings)
    {
        _facts = facts;
        var repository = evidence.Repository;
        bool IsOurs(ImageReference reference) => reference.IsIn(repository.RegistryId, evidence.Region, repository.Name);
        var productionShas = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var deployment in evidence.Deployments)
        {
            var images = ImagesOf(deployment.Named, deployment.Digest, deployment.Resolved is null || IsOurs(deployment.Resolved), $"Function '{deployment.FunctionName}'", IsOurs, warnings);

            var stack = deployment.Stack;
            foreach (var image in images)
            {
                Add(new ProtectedImage(image.Repository, image.Digest, stack is null ? ProtectionReason.DeployedOutsideStacks : ProtectionReason.Deployed)
                {
                    Tags = image.Tags,
                    Environment = stack?.Environment ?? DeploymentEnvironment.None,
                    StackName = stack?.RootStackName,
                    FunctionName = deployment.FunctionName,
                    Qualifier = deployment.Qualifier,
                    PullRequestNumber = stack?.PullRequestNumber,
                });
                if (stack?.Environment == DeploymentEnvironment.Production)
                {
                    ProductionImageCount++;
                    if (deployment.Qualifier == FunctionReader.Latest)
                    {
                        productionShas.UnionWith(facts.Shas(image));
                    }
                }
            }
        }

        foreach (var workload in evidence.Workloads)
        {
            foreach (var image in ImagesOf(workload.Named, workload.Digest, workload.Named is null || IsOurs(workload.Named), workload.Workload, IsOurs, warnings))
            {
                var stack = workload.Stack;
                Add(new ProtectedImage(image.Repository, image.Digest, workload.RollbackRank is not null ? ProtectionReason.ProductionRetention : stack is null ? ProtectionReason.DeployedOutsideStacks : ProtectionReason.Deployed)
                {
                    Tags = image.Tags,
                    Environment = stack?.Environment ?? DeploymentEnvironment.None,
                    StackName = stack?.RootStackName,
                    Workload = workload.Workload,
                    PullRequestNumber = stack?.PullRequestNumber,
                    ProductionRank = workload.RollbackRank,
                });
                if (stack?.Environment == DeploymentEnvironment.Production && workload.RollbackRank is null)
                {
                    // What the production stack runs now, like production's $LATEST: build #1.
                    ProductionImageCount++;
                    productionShas.UnionWith(facts.Shas(image));
                }
            }
        }

        WarnOfUnreadResources(evidence, warnings);
        ProductionShas = productionShas;
    }

    /// <summary>
    /// The images of the repository something runs: by the digest it runs (unless that digest is known to live in
    /// another repository) and by the tag or digest it names. A name of this repository that is not in it is a warning.
    /// </summary>
    /// <param name="digestMayBeOurs">False when the runner says the digest it runs lives elsewhere.</param>
    private List<EcrImage> ImagesOf(ImageReference? named, string? digest, bool digestMayBeOurs, string runner, Func<ImageReference, bool> isOurs, List<string> warnings)
    {
        var images = new List<EcrImage>(2);
        if (digestMayBeOurs && _facts.FindByDigest(digest) is { } byDigest)
        {
            images.Add(byDigest);
        }

        if (named is not null && isOurs(named))
        {
            var byName = named.Digest is not null ? _facts.FindByDigest(named.Digest) : _facts.FindByTag(named.Tag);
            if (byName is null)
            {
                warnings.Add($"{runner} names {named.Repository}{(named.Tag is null ? "@" + named.Digest : ":" + named.Tag)}, which is not in the repository.");
            }
            else if (!images.Contains(byName))
            {
                images.Add(byName);
            }
        }

        return images;
    }

    /// <summary>A resource the module does not read that names an image of the repository protects nothing it knows of: said, never ignored.</summary>
    private static void WarnOfUnreadResources(Evidence evidence, List<string> warnings)
    {
        var namesRepository = new Regex($@"/{Regex.Escape(evidence.Repository.Name)}(?=[:@\s""']|$)", RegexOptions.CultureInvariant);
        foreach (var mention in evidence.Mentions.Where(m => m.Strings.Any(namesRepository.IsMatch)).OrderBy(m => m.StackName, StringComparer.Ordinal).ThenBy(m => m.LogicalId, StringComparer.Ordinal))
        {
            warnings.Add($"Stack '{mention.StackName}' resource {mention.LogicalId} ({mention.ResourceType}) names an image of {evidence.Repository.Name} in a property the module does not read, so what it runs is not protected. Keep those images another way (pipe their digests to Get-EcrCleanupCandidate) or check that it runs none.");
        }
    }

    /// <summary>The commit SHAs of the images production's $LATEST runs: production build #1.</summary>
    public IReadOnlyCollection<string> ProductionShas { get; }

    /// <summary>How many times a production function version runs an image of the repository.</summary>
    public int ProductionImageCount { get; }

    /// <summary>The protections of one image, in the order they were found.</summary>
    public IReadOnlyList<ProtectedImage> Of(string digest) => _byDigest.TryGetValue(digest, out var list) ? list : Array.Empty<ProtectedImage>();

    /// <summary>Protections from outside: repository and digest compare without regard to case, so a pair that might name an image protects it.</summary>
    /// <exception cref="ArgumentException">A protection without repository or digest.</exception>
    public void AddExternal(string repository, IEnumerable<ProtectedImage> external)
    {
        foreach (var protection in external)
        {
            if (string.IsNullOrWhiteSpace(protection.Repository))
            {
                throw new ArgumentException("A protected image needs a repository name.", nameof(external));
            }

            if (string.IsNullOrWhiteSpace(protection.Digest))
            {
                throw new ArgumentException($"A protected image of repository '{protection.Repository}' needs a digest.", nameof(external));
            }

            if (string.Equals(protection.Repository, repository, StringComparison.OrdinalIgnoreCase) && _facts.FindByDigest(protection.Digest.ToLowerInvariant()) is { } image)
            {
                Add(image.Digest == protection.Digest ? protection : new ProtectedImage(image.Repository, image.Digest, protection.Reason) { Source = protection.Source });
            }
        }
    }

    private void Add(ProtectedImage protection)
    {
        if (!_byDigest.TryGetValue(protection.Digest, out var list))
        {
            _byDigest[protection.Digest] = list = new List<ProtectedImage>(1);
        }

        list.Add(protection);
    }
}
