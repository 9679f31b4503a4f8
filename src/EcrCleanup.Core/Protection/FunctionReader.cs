using System.Collections.Concurrent;
using EcrCleanup.Abstractions;

namespace EcrCleanup.Protection;

/// <summary>What one function version runs.</summary>
/// <param name="Qualifier"><c>$LATEST</c> or a version number.</param>
/// <param name="Named">The image URI the function names (a tag, usually), when known: read for $LATEST only.</param>
/// <param name="Resolved">Where the digest it runs lives, when Lambda says (ResolvedImageUri of $LATEST).</param>
/// <param name="Digest">The digest it runs.</param>
public sealed record FunctionDeployment(string FunctionName, string Qualifier, StackFunction? Stack, ImageReference? Named, ImageReference? Resolved, string? Digest);

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
    private readonly ProtectionSettings _settings;
    private readonly Action<ProtectionProgress>? _progress;

    public FunctionReader(ILambdaClient lambda, ProtectionSettings settings, Action<ProtectionProgress>? progress)
    {
        _lambda = lambda;
        _settings = settings;
        _progress = progress;
    }

    public async Task<IReadOnlyList<FunctionDeployment>> ReadAsync(IReadOnlyDictionary<string, StackFunction> stackFunctions, ConcurrentQueue<string> warnings, CancellationToken cancellationToken)
    {
        var deployments = new ConcurrentBag<FunctionDeployment>();
        var imageFunctions = new HashSet<string>(StringComparer.Ordinal);
        var listedFunctions = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var version in _lambda.ListFunctionVersionsAsync(cancellationToken).ConfigureAwait(false))
        {
            listedFunctions.Add(version.FunctionName);
            if (!version.IsImage)
            {
                continue;
            }

            imageFunctions.Add(version.FunctionName);
            if (version.Version != Latest)
            {
                stackFunctions.TryGetValue(version.FunctionName, out var stack);
                deployments.Add(new FunctionDeployment(version.FunctionName, version.Version, stack, null, null, DigestOf(version.CodeSha256)));
            }
        }

        // A function a stack names but ListFunctions did not list (created since the walk began) is asked for directly.
        var toRead = imageFunctions.Concat(stackFunctions.Keys.Where(name => !listedFunctions.Contains(name))).Distinct(StringComparer.Ordinal).ToArray();
        var done = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = _settings.ThrottleLimit, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(toRead, options, async (name, token) =>
        {
            stackFunctions.TryGetValue(name, out var stack);
            var code = await _lambda.GetFunctionAsync(name, null, token).ConfigureAwait(false);
            if (code is null)
            {
                if (stack is not null)
                {
                    warnings.Enqueue($"Function '{name}' of stack '{stack.StackName}' ({stack.LogicalId}) does not exist; it runs nothing.");
                }
            }
            else if (string.Equals(code.PackageType, "Image", StringComparison.Ordinal))
            {
                var resolved = ImageReference.Parse(code.ResolvedImageUri);
                deployments.Add(new FunctionDeployment(name, Latest, stack, ImageReference.Parse(code.ImageUri), resolved, resolved?.Digest ?? DigestOf(code.CodeSha256)));
            }

            var count = Interlocked.Increment(ref done);
            _progress?.Invoke(new ProtectionProgress("Reading Lambda functions", name, count, toRead.Length));
        }).ConfigureAwait(false);

        return deployments.ToArray();
    }

    private static string? DigestOf(string? codeSha256) =>
        codeSha256 is { Length: 64 } hex && hex.All(Uri.IsHexDigit) ? "sha256:" + hex.ToLowerInvariant() : null;
}
