namespace EcrCleanup.Abstractions;

/// <summary>The Lambda operations the module calls.</summary>
public interface ILambdaClient
{
    /// <summary>ListFunctions with <c>FunctionVersion=ALL</c>, every page: every function's $LATEST and every published version.</summary>
    IAsyncEnumerable<LambdaFunctionVersion> ListFunctionVersionsAsync(CancellationToken cancellationToken);

    /// <summary>GetFunction for a function and a qualifier ($LATEST, a version, an alias; null for $LATEST); null when Lambda says it does not exist.</summary>
    Task<LambdaFunctionCode?> GetFunctionAsync(string functionName, string? qualifier, CancellationToken cancellationToken);
}

/// <summary>One version of a function as ListFunctions reports it. For an image function, CodeSha256 is the image digest's hex.</summary>
public sealed record LambdaFunctionVersion(string FunctionName, string Version, string PackageType, string? CodeSha256)
{
    public bool IsImage => string.Equals(PackageType, "Image", StringComparison.Ordinal);
}

/// <summary>What GetFunction says a version runs: the image URI it names (a tag or a digest) and the digest it resolved at deployment.</summary>
public sealed record LambdaFunctionCode(string FunctionName, string Version, string PackageType, string? ImageUri, string? ResolvedImageUri, string? CodeSha256);
