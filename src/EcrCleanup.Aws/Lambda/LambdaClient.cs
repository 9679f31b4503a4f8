using System.Text.Json.Nodes;
using EcrCleanup.Abstractions;
using EcrCleanup.Aws.Http;

namespace EcrCleanup.Aws.Lambda;

/// <summary>
/// The Lambda operations the module calls, on the restJson1 wire protocol, paced under Lambda's documented
/// per-region quotas: GetFunction 100 requests per second, the rest of the control plane 15.
/// </summary>
internal sealed class LambdaClient : ILambdaClient
{
    internal const int ListFunctionsPageSize = 50;

    /// <summary>Just under the quotas (95%): fixed quotas are paced, not discovered by being throttled.</summary>
    internal const double GetFunctionRate = 95;

    internal const double ControlPlaneRate = 14.25;

    private const string FunctionsPath = "/2015-03-31/functions/";

    private readonly RestJsonProtocol _protocol;
    private readonly RequestRateLimiter _getFunctionLimiter;
    private readonly RequestRateLimiter _controlPlaneLimiter;

    public LambdaClient(AwsServiceClient client, TimeProvider time)
    {
        _protocol = new RestJsonProtocol(client);
        _getFunctionLimiter = new RequestRateLimiter(GetFunctionRate, time);
        _controlPlaneLimiter = new RequestRateLimiter(ControlPlaneRate, time);
    }

    public IAsyncEnumerable<LambdaFunctionVersion> ListFunctionVersionsAsync(CancellationToken cancellationToken) =>
        Paging.EveryPageAsync(async (marker, ct) =>
        {
            var query = new List<KeyValuePair<string, string>>
            {
                new("FunctionVersion", "ALL"),
                new("MaxItems", ListFunctionsPageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            };
            if (marker is not null)
            {
                query.Add(new("Marker", marker));
            }

            await _controlPlaneLimiter.WaitAsync(ct).ConfigureAwait(false);
            return await _protocol.GetAsync("ListFunctions", null, FunctionsPath, query, output => (
                    Json.Array(output, "Functions").Select(function => new LambdaFunctionVersion(
                        Json.Text(function, "FunctionName"),
                        Json.Text(function, "Version"),
                        PackageType(function),
                        Json.Text(function, "CodeSha256"))).ToList(),
                    Json.OptionalText(output, "NextMarker")),
                ct).ConfigureAwait(false);
        }, cancellationToken);

    public async Task<LambdaFunctionCode?> GetFunctionAsync(string functionName, string? qualifier, CancellationToken cancellationToken)
    {
        var query = qualifier is null ? [] : new[] { KeyValuePair.Create("Qualifier", qualifier) };
        var resource = qualifier is null ? functionName : $"{functionName}:{qualifier}";
        await _getFunctionLimiter.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await _protocol.GetAsync("GetFunction", resource, FunctionsPath + RestJsonProtocol.Label(functionName), query, ReadFunction, cancellationToken).ConfigureAwait(false);
        }
        catch (ServiceException e) when (e.ErrorCode == "ResourceNotFoundException")
        {
            return null;
        }
    }

    /// <summary>GetFunction's answer: an image function always has its image URIs in <c>Code</c>.</summary>
    private static LambdaFunctionCode ReadFunction(JsonObject output)
    {
        var configuration = Json.Object(output, "Configuration");
        var packageType = PackageType(configuration);
        var code = packageType == "Image" ? Json.Object(output, "Code") : output["Code"] as JsonObject;
        return new LambdaFunctionCode(
            Json.Text(configuration, "FunctionName"),
            Json.Text(configuration, "Version"),
            packageType,
            packageType == "Image" ? Json.Text(code!, "ImageUri") : Json.OptionalText(code, "ImageUri"),
            Json.OptionalText(code, "ResolvedImageUri"),
            Json.Text(configuration, "CodeSha256"));
    }

    /// <summary>Lambda leaves PackageType out for functions created before container images existed: those are Zip.</summary>
    private static string PackageType(JsonObject configuration) => Json.OptionalText(configuration, "PackageType") ?? "Zip";
}
