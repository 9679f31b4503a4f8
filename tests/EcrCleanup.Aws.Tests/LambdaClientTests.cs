using System.Security.Cryptography;
using System.Text;
using EcrCleanup.Abstractions;
using EcrCleanup.Diagnostics;
using EcrCleanup.Sandbox;

namespace EcrCleanup.Aws.Tests;

/// <summary>The Lambda client against the sandbox hosted in this process.</summary>
public class LambdaClientTests
{
    private const string Registry = "123456789012.dkr.ecr.eu-west-2.amazonaws.com";

    [Fact]
    public async Task Lists_every_version_of_every_function_across_pages_of_fifty()
    {
        var functions = Enumerable.Range(1, 30).Select(i => ImageFunction($"Api{i}", versions: 2)).ToList();
        functions.Add(new ScenarioFunction { Name = "LegacyZip", PackageType = "Zip", Versions = [new() { Version = "1" }] });
        await using var sandbox = await SandboxHost.StartAsync(new Scenario { Repositories = [], Functions = functions });

        var listed = await SandboxClients.For(sandbox, new()).CreateLambda().ListFunctionVersionsAsync(CancellationToken.None).ToListAsync();

        Assert.Equal((30 * 3) + 2, listed.Count);
        Assert.Equal(listed.Count, listed.Select(v => (v.FunctionName, v.Version)).Distinct().Count());
        Assert.True(sandbox.CallCount("lambda:ListFunctions") >= 2, "92 versions take more than one page of 50");
        var version = Assert.Single(listed, v => v.FunctionName == "Api7" && v.Version == "2");
        Assert.True(version.IsImage);
        Assert.Equal(Hex("Api7", "2"), version.CodeSha256);
        Assert.All(listed.Where(v => v.FunctionName == "LegacyZip"), v => Assert.Equal("Zip", v.PackageType));
    }

    [Fact]
    public async Task Gets_what_a_version_alias_or_latest_runs()
    {
        var function = ImageFunction("HelpmatonProduction-ApiFunction-1A2B", versions: 7);
        function.Aliases = [new() { Name = "live", Version = "6" }];
        await using var sandbox = await SandboxHost.StartAsync(new Scenario { Repositories = [], Functions = [function] });
        var client = SandboxClients.For(sandbox, new()).CreateLambda();

        var latest = await client.GetFunctionAsync(function.Name!, null, CancellationToken.None);
        var seven = await client.GetFunctionAsync(function.Name!, "7", CancellationToken.None);
        var live = await client.GetFunctionAsync(function.Name!, "live", CancellationToken.None);
        var explicitLatest = await client.GetFunctionAsync(function.Name!, "$LATEST", CancellationToken.None);

        Assert.Equal(new LambdaFunctionCode(function.Name!, "$LATEST", "Image", $"{Registry}/app:latest", $"{Registry}/app@sha256:{Hex(function.Name!, "$LATEST")}", Hex(function.Name!, "$LATEST")), latest);
        Assert.Equal(latest, explicitLatest);
        Assert.Equal("7", seven!.Version);
        Assert.Equal($"{Registry}/app:v7", seven.ImageUri);
        Assert.Equal($"{Registry}/app@sha256:{Hex(function.Name!, "7")}", seven.ResolvedImageUri);
        Assert.Equal("6", live!.Version);
        Assert.Equal(Hex(function.Name!, "6"), live.CodeSha256);
    }

    [Fact]
    public async Task Gets_a_function_by_its_arn_escaped_as_one_path_segment()
    {
        await using var sandbox = await SandboxHost.StartAsync(new Scenario { Repositories = [], Functions = [ImageFunction("Api", versions: 2)] });
        var client = SandboxClients.For(sandbox, new()).CreateLambda();

        var byName = await client.GetFunctionAsync("Api", "2", CancellationToken.None);
        var byArn = await client.GetFunctionAsync("arn:aws:lambda:eu-west-2:123456789012:function:Api", "2", CancellationToken.None);

        Assert.NotNull(byName);
        Assert.Equal(byName, byArn);
    }

    [Fact]
    public async Task A_missing_function_or_qualifier_is_null()
    {
        await using var sandbox = await SandboxHost.StartAsync(new Scenario { Repositories = [], Functions = [ImageFunction("Api", versions: 1)] });
        var client = SandboxClients.For(sandbox, new()).CreateLambda();

        Assert.Null(await client.GetFunctionAsync("NoSuchFunction", null, CancellationToken.None));
        Assert.Null(await client.GetFunctionAsync("Api", "99", CancellationToken.None));
        Assert.Null(await client.GetFunctionAsync("Api", "no-such-alias", CancellationToken.None));
    }

    [Fact]
    public async Task Throttling_is_retried_to_the_same_answer()
    {
        await using var sandbox = await SandboxHost.StartAsync(new Scenario { Repositories = [], Functions = [ImageFunction("Api", versions: 3)] });
        var expected = await SandboxClients.For(sandbox, new()).CreateLambda().GetFunctionAsync("Api", "2", CancellationToken.None);
        sandbox.AddFaults(new ScenarioFault { Service = "lambda", Operation = "GetFunction", Match = "Api", Error = "TooManyRequestsException", Times = 1 });
        var recorder = new ServiceCallRecorder();

        var code = await SandboxClients.For(sandbox, recorder).CreateLambda().GetFunctionAsync("Api", "2", CancellationToken.None);

        Assert.Equal(expected, code);
        Assert.Equal(1, recorder.Retries["Lambda:GetFunction"]);
    }

    [Fact]
    public async Task Stays_under_lambdas_quotas_instead_of_being_throttled()
    {
        var scenario = new Scenario
        {
            Repositories = [],
            Functions = [ImageFunction("Api", versions: 1)],
            RateLimits = new() { ["lambda:GetFunction"] = 100, ["lambda:*"] = 15 },
        };
        await using var sandbox = await SandboxHost.StartAsync(scenario);
        var recorder = new ServiceCallRecorder();
        var client = SandboxClients.For(sandbox, recorder).CreateLambda();

        await Task.WhenAll(Enumerable.Range(0, 150).Select(_ => client.GetFunctionAsync("Api", "1", CancellationToken.None)));

        Assert.Equal(150, sandbox.CallCount("lambda:GetFunction"));
        Assert.Empty(recorder.Retries);
    }

    private static ScenarioFunction ImageFunction(string name, int versions) => new()
    {
        Name = name,
        PackageType = "Image",
        ImageUri = $"{Registry}/app:latest",
        ResolvedDigest = "sha256:" + Hex(name, "$LATEST"),
        Versions = Enumerable.Range(1, versions).Select(v => new ScenarioFunctionVersion
        {
            Version = v.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ImageUri = $"{Registry}/app:v{v}",
            ResolvedDigest = "sha256:" + Hex(name, v.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        }).ToList(),
    };

    /// <summary>A made-up image digest's hex for a function version: what Lambda reports as its CodeSha256.</summary>
    private static string Hex(string function, string version) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{function}:{version}")));
}
