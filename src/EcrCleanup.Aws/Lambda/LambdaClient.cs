using System.Runtime.CompilerServices;
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

    /// <summary>Slightly under the quotas, so that other callers in the account keep some room.</summary>
    internal const double GetFunctionRate = 90;

    internal const double ControlPlaneRate = 13;

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

    public async IAsyncEnumerable<LambdaFunctionVersion> ListFunctionVersionsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? marker = null;
        do
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

            await _controlPlaneLimiter.WaitAsync(cancellationToken).ConfigureAwait(false);
            var output = await _protocol.GetAsync("ListFunctions", null, FunctionsPath, query, cancellationToken).ConfigureAwait(false);
            foreach (var function in output["Functions"]?.AsArray() ?? [])
            {
                yield return new LambdaFunctionVersion(
                    (string?)function!["FunctionName"] ?? string.Empty,
                    (string?)function["Version"] ?? "$LATEST",
                    PackageType(function),
                    (string?)function["CodeSha256"]);
            }

            marker = (string?)output["NextMarker"];
        }
        while (!string.IsNullOrEmpty(marker));
    }

    public async Task<LambdaFunctionCode?> GetFunctionAsync(string functionName, string? qualifier, CancellationToken cancellationToken)
    {
        var query = qualifier is null ? [] : new[] { KeyValuePair.Create("Qualifier", qualifier) };
        var resource = qualifier is null ? functionName : $"{functionName}:{qualifier}";
        await _getFunctionLimiter.WaitAsync(cancellationToken).ConfigureAwait(false);
        JsonNode output;
        try
        {
            output = await _protocol.GetAsync("GetFunction", resource, FunctionsPath + RestJsonProtocol.Label(functionName), query, cancellationToken).ConfigureAwait(false);
        }
        catch (ServiceException e) when (e.ErrorCode == "ResourceNotFoundException")
        {
            return null;
        }

        var configuration = output["Configuration"];
        var code = output["Code"];
        return new LambdaFunctionCode(
            (string?)configuration?["FunctionName"] ?? functionName,
            (string?)configuration?["Version"] ?? qualifier ?? "$LATEST",
            PackageType(configuration),
            (string?)code?["ImageUri"],
            (string?)code?["ResolvedImageUri"],
            (string?)configuration?["CodeSha256"]);
    }

    /// <summary>Lambda leaves PackageType out for functions created before container images existed: those are Zip.</summary>
    private static string PackageType(JsonNode? configuration) => (string?)configuration?["PackageType"] ?? "Zip";
}
