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

/// <summary>What the region's function versions run, and every function name ListFunctions listed (any package type).</summary>
public sealed record RegionFunctions(IReadOnlyList<FunctionDeployment> Deployments, IReadOnlySet<string> Listed);

/// <summary>
/// Finds what every container-image function of the region runs, within Lambda's quotas:
/// one ListFunctions walk with <c>FunctionVersion=ALL</c> gives every version and its digest (an image
/// function's CodeSha256 is its image digest), so every version, and with them every version an alias routes to,
/// costs no further call. GetFunction is asked only where the caller needs what the listing cannot say: which
/// image URI (tag) a version names.
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

    /// <summary>Every container-image function version of the region and the digest it runs, from the listing alone; stacks not yet known.</summary>
    public async Task<RegionFunctions> ReadRegionAsync(CancellationToken cancellationToken)
    {
        var deployments = new List<FunctionDeployment>();
        var listedFunctions = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var version in _lambda.ListFunctionVersionsAsync(cancellationToken).ConfigureAwait(false))
        {
            listedFunctions.Add(version.FunctionName);
            if (version.IsImage)
            {
                deployments.Add(new FunctionDeployment(version.FunctionName, version.Version, null, null, null, DigestOf(version.CodeSha256)));
            }
        }

        return new RegionFunctions(deployments, listedFunctions);
    }

    /// <summary>
    /// What the stacks' functions run: the region's reading labelled with the stacks, plus the functions a stack
    /// names but ListFunctions did not list (created since the walk began), asked for directly.
    /// </summary>
    public async Task<IReadOnlyList<FunctionDeployment>> AttachStacksAsync(RegionFunctions region, IReadOnlyDictionary<string, StackFunction> stackFunctions, ConcurrentQueue<string> warnings, CancellationToken cancellationToken)
    {
        var unlisted = stackFunctions.Keys.Where(name => !region.Listed.Contains(name))
            .Select(name => new FunctionDeployment(name, Latest, null, null, null, null)).ToArray();
        var (read, missing) = await AskAsync(unlisted, cancellationToken).ConfigureAwait(false);
        foreach (var gone in missing)
        {
            var stack = stackFunctions[gone.FunctionName];
            warnings.Enqueue($"Function '{gone.FunctionName}' of stack '{stack.StackName}' ({stack.LogicalId}) does not exist; it runs nothing.");
        }

        return region.Deployments.Concat(read)
            .Select(d => stackFunctions.TryGetValue(d.FunctionName, out var stack) ? d with { Stack = stack } : d)
            .ToArray();
    }

    /// <summary>
    /// GetFunction for the versions given, for the image URIs Lambda reports: the one the version names and where the
    /// digest it runs lives. Returns what was read, and the versions Lambda no longer knows.
    /// </summary>
    public async Task<(IReadOnlyList<FunctionDeployment> Read, IReadOnlyList<FunctionDeployment> Gone)> AskAsync(IReadOnlyCollection<FunctionDeployment> versions, CancellationToken cancellationToken)
    {
        var read = new ConcurrentBag<FunctionDeployment>();
        var gone = new ConcurrentBag<FunctionDeployment>();
        var done = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = _settings.ThrottleLimit, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(versions, options, async (version, token) =>
        {
            var code = await _lambda.GetFunctionAsync(version.FunctionName, version.Qualifier == Latest ? null : version.Qualifier, token).ConfigureAwait(false);
            if (code is null)
            {
                gone.Add(version);
            }
            else if (string.Equals(code.PackageType, "Image", StringComparison.Ordinal))
            {
                var resolved = ImageReference.Parse(code.ResolvedImageUri);
                read.Add(version with { Named = ImageReference.Parse(code.ImageUri), Resolved = resolved, Digest = resolved?.Digest ?? DigestOf(code.CodeSha256) });
            }

            _progress?.Invoke(new ReadProgress("Reading Lambda functions", version.FunctionName, Interlocked.Increment(ref done), versions.Count));
        }).ConfigureAwait(false);
        return (read.ToArray(), gone.ToArray());
    }

    private static string? DigestOf(string? codeSha256) =>
        codeSha256 is { Length: 64 } hex && hex.All(Uri.IsHexDigit) ? "sha256:" + hex.ToLowerInvariant() : null;
}
