using System.Collections.Concurrent;
using EcrCleanup.Abstractions;
using EcrCleanup.Configuration;

namespace EcrCleanup.Reading;

/// <summary>What one function version runs.</summary>
/// <param name="Qualifier"><c>$LATEST</c> or a version number.</param>
/// <param name="Named">The image URI the function names (a tag, usually), when known: read for $LATEST only.</param>
/// <param name="Resolved">Where the digest it runs lives, when Lambda says (ResolvedImageUri of $LATEST).</param>
/// <param name="Digest">The digest it runs.</param>
public sealed record FunctionDeployment(string FunctionName, string Qualifier, StackFunction? Stack, ImageReference? Named, ImageReference? Resolved, string? Digest);

/// <summary>What the region's functions run, every function name ListFunctions listed (any package type), and what the read noticed.</summary>
public sealed record RegionFunctions(IReadOnlyList<FunctionDeployment> Deployments, IReadOnlySet<string> Listed, IReadOnlyList<string> Warnings);

/// <summary>
/// Finds what every container-image function of the region runs, within Lambda's quotas:
/// one ListFunctions walk with <c>FunctionVersion=ALL</c> gives every version and its digest (an image
/// function's CodeSha256 is its image digest), so published versions, and with them every version an alias
/// routes to, cost no further call; GetFunction is asked only for each function's $LATEST, for the tag it names.
/// </summary>
internal sealed class FunctionReader
{
    public const string Latest = "$LATEST";

    private readonly ILambdaClient _lambda;
    private readonly CleanupSettings _settings;
    private readonly Action<ReadProgress>? _progress;

    public FunctionReader(ILambdaClient lambda, CleanupSettings settings, Action<ReadProgress>? progress)
    {
        _lambda = lambda;
        _settings = settings;
        _progress = progress;
    }

    /// <summary>Every container-image function of the region and what each version runs; stacks not yet known.</summary>
    public async Task<RegionFunctions> ReadRegionAsync(CancellationToken cancellationToken)
    {
        var deployments = new ConcurrentBag<FunctionDeployment>();
        var imageFunctions = new Dictionary<string, string?>(StringComparer.Ordinal);
        var listedFunctions = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var version in _lambda.ListFunctionVersionsAsync(cancellationToken).ConfigureAwait(false))
        {
            listedFunctions.Add(version.FunctionName);
            if (!version.IsImage)
            {
                continue;
            }

            if (version.Version == Latest)
            {
                imageFunctions[version.FunctionName] = DigestOf(version.CodeSha256);
            }
            else
            {
                imageFunctions.TryAdd(version.FunctionName, null);
                deployments.Add(new FunctionDeployment(version.FunctionName, version.Version, null, null, null, DigestOf(version.CodeSha256)));
            }
        }

        // A function the listing shows that GetFunction then says does not exist: deleted in between, or one of the
        // two answers is wrong. What the listing says its $LATEST runs stays protected either way.
        var warnings = new List<string>();
        foreach (var name in await ReadLatestAsync(imageFunctions.Keys, deployments, cancellationToken).ConfigureAwait(false))
        {
            deployments.Add(new FunctionDeployment(name, Latest, null, null, null, imageFunctions[name]));
            warnings.Add($"Lambda listed function '{name}', then GetFunction said it does not exist; the image the listing says it runs stays protected.");
        }

        return new RegionFunctions(deployments.ToArray(), listedFunctions, warnings);
    }

    /// <summary>
    /// What the stacks' functions run: the region's reading labelled with the stacks, plus the functions a stack
    /// names but ListFunctions did not list (created since the walk began), asked for directly.
    /// </summary>
    public async Task<IReadOnlyList<FunctionDeployment>> AttachStacksAsync(RegionFunctions region, IReadOnlyDictionary<string, StackFunction> stackFunctions, ConcurrentQueue<string> warnings, CancellationToken cancellationToken)
    {
        var unlisted = stackFunctions.Keys.Where(name => !region.Listed.Contains(name)).ToArray();
        var deployments = new ConcurrentBag<FunctionDeployment>();
        var missing = await ReadLatestAsync(unlisted, deployments, cancellationToken).ConfigureAwait(false);
        foreach (var name in missing)
        {
            var stack = stackFunctions[name];
            warnings.Enqueue($"Function '{name}' of stack '{stack.StackName}' ({stack.LogicalId}) does not exist; it runs nothing.");
        }

        return region.Deployments.Concat(deployments)
            .Select(d => stackFunctions.TryGetValue(d.FunctionName, out var stack) ? d with { Stack = stack } : d)
            .ToArray();
    }

    /// <summary>GetFunction for published versions, for the image URIs Lambda reports for them; a version gone since the listing is dropped.</summary>
    public async Task<IReadOnlyList<FunctionDeployment>> ReadVersionsAsync(IReadOnlyCollection<FunctionDeployment> versions, CancellationToken cancellationToken)
    {
        var read = new ConcurrentBag<FunctionDeployment>();
        var options = new ParallelOptions { MaxDegreeOfParallelism = _settings.ThrottleLimit, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(versions, options, async (version, token) =>
        {
            if (await _lambda.GetFunctionAsync(version.FunctionName, version.Qualifier, token).ConfigureAwait(false) is { } code)
            {
                var resolved = ImageReference.Parse(code.ResolvedImageUri);
                read.Add(version with { Named = ImageReference.Parse(code.ImageUri), Resolved = resolved, Digest = resolved?.Digest ?? DigestOf(code.CodeSha256) });
            }
        }).ConfigureAwait(false);
        return read.ToArray();
    }

    /// <summary>GetFunction for each function's $LATEST, a bounded number at a time; returns the names Lambda does not know.</summary>
    private async Task<IReadOnlyCollection<string>> ReadLatestAsync(IReadOnlyCollection<string> names, ConcurrentBag<FunctionDeployment> deployments, CancellationToken cancellationToken)
    {
        var missing = new ConcurrentBag<string>();
        var done = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = _settings.ThrottleLimit, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(names, options, async (name, token) =>
        {
            var code = await _lambda.GetFunctionAsync(name, null, token).ConfigureAwait(false);
            if (code is null)
            {
                missing.Add(name);
            }
            else if (string.Equals(code.PackageType, "Image", StringComparison.Ordinal))
            {
                var resolved = ImageReference.Parse(code.ResolvedImageUri);
                deployments.Add(new FunctionDeployment(name, Latest, null, ImageReference.Parse(code.ImageUri), resolved, resolved?.Digest ?? DigestOf(code.CodeSha256)));
            }

            _progress?.Invoke(new ReadProgress("Reading Lambda functions", name, Interlocked.Increment(ref done), names.Count));
        }).ConfigureAwait(false);
        return missing;
    }

    private static string? DigestOf(string? codeSha256) =>
        codeSha256 is { Length: 64 } hex && hex.All(Uri.IsHexDigit) ? "sha256:" + hex.ToLowerInvariant() : null;
}
