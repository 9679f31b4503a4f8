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
            var images = new List<EcrImage>(2);
            if ((deployment.Resolved is null || IsOurs(deployment.Resolved)) && facts.FindByDigest(deployment.Digest) is { } byDigest)
            {
                images.Add(byDigest);
            }

            if (deployment.Named is { } named && IsOurs(named))
            {
                var byName = named.Digest is not null ? facts.FindByDigest(named.Digest) : facts.FindByTag(named.Tag);
                if (byName is null)
                {
                    warnings.Add($"Function '{deployment.FunctionName}' names {repository.Name}{(named.Tag is null ? "@" + named.Digest : ":" + named.Tag)}, which is not in the repository.");
                }
                else if (!images.Contains(byName))
                {
                    images.Add(byName);
                }
            }

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

        ProductionShas = productionShas;
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
