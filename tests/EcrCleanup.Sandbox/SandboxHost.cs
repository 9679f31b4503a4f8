using System.Net;
using EcrCleanup.Sandbox.State;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace EcrCleanup.Sandbox;

/// <summary>How to host the sandbox.</summary>
public sealed class SandboxOptions
{
    /// <summary>The port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>The sandbox's clock: relative scenario times, reply times and the SigV4 15-minute window. Default: the system clock.</summary>
    public TimeProvider? TimeProvider { get; init; }
}

/// <summary>
/// The sandbox, hosted in this process (Kestrel on 127.0.0.1). Tests start one per fixture, point clients
/// at <see cref="BaseAddress"/> (see <see cref="EnvironmentVariables"/>) and read <see cref="Calls"/>.
/// </summary>
public sealed class SandboxHost : IAsyncDisposable
{
    readonly WebApplication _app;
    readonly SandboxRuntime _runtime;

    SandboxHost(WebApplication app, SandboxRuntime runtime, int port)
    {
        _app = app;
        _runtime = runtime;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
    }

    /// <summary>Validates the scenario (throws <see cref="ScenarioValidationException"/>) and starts serving it.</summary>
    public static Task<SandboxHost> StartAsync(Scenario scenario, int port = 0, CancellationToken cancellationToken = default) =>
        StartAsync(scenario, new SandboxOptions { Port = port }, cancellationToken);

    /// <summary>As <see cref="StartAsync(Scenario,int,CancellationToken)"/>, from scenario JSON (comments and trailing commas allowed).</summary>
    public static Task<SandboxHost> StartAsync(string scenarioJson, int port = 0, CancellationToken cancellationToken = default) =>
        StartAsync(Scenario.Parse(scenarioJson), new SandboxOptions { Port = port }, cancellationToken);

    /// <summary>As <see cref="StartAsync(Scenario,int,CancellationToken)"/>, from a scenario file.</summary>
    public static async Task<SandboxHost> StartFromFileAsync(string path, int port = 0, CancellationToken cancellationToken = default) =>
        await StartAsync(Scenario.Parse(await File.ReadAllTextAsync(path, cancellationToken)), new SandboxOptions { Port = port }, cancellationToken);

    public static async Task<SandboxHost> StartAsync(Scenario scenario, SandboxOptions options, CancellationToken cancellationToken = default)
    {
        var runtime = SandboxRuntime.Create(scenario, options.TimeProvider ?? TimeProvider.System);

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(SandboxHost).Assembly.GetName().Name });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
            k.Listen(IPAddress.Loopback, options.Port);
        });
        // No console lifetime: in a test process the sandbox must not take over SIGINT/SIGTERM (Program does that).
        builder.Services.AddSingleton<IHostLifetime, NoConsoleLifetime>();
        var app = builder.Build();
        var dispatcher = new Dispatcher(runtime);
        app.Run(dispatcher.HandleAsync);
        await app.StartAsync(cancellationToken);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new SandboxHost(app, runtime, new Uri(address).Port);
    }

    public Uri BaseAddress { get; }
    public int Port { get; }

    public string Account => _runtime.Current.State.Account;
    public string Region => _runtime.Current.State.Region;
    public string AccessKeyId => _runtime.Current.State.AccessKeyId;
    public string SecretAccessKey => _runtime.Current.State.SecretAccessKey;
    public string? GitHubToken => _runtime.Current.State.GitHub?.Token;

    /// <summary>The variables that point AWS SDKs and the module at the sandbox.</summary>
    public IReadOnlyDictionary<string, string> EnvironmentVariables
    {
        get
        {
            var url = BaseAddress.ToString().TrimEnd('/');
            var env = new Dictionary<string, string>
            {
                ["AWS_ENDPOINT_URL"] = url,
                ["AWS_ACCESS_KEY_ID"] = AccessKeyId,
                ["AWS_SECRET_ACCESS_KEY"] = SecretAccessKey,
                ["AWS_REGION"] = Region,
                ["AWS_EC2_METADATA_DISABLED"] = "true",
                ["GITHUB_API_URL"] = url,
            };
            if (GitHubToken is { } token)
            {
                env["GITHUB_TOKEN"] = token;
            }

            return env;
        }
    }

    /// <summary>Requests per operation ("ecr:DescribeImages", "github:pulls.list", ...) since the scenario was loaded.</summary>
    public IReadOnlyDictionary<string, long> Calls =>
        new SortedDictionary<string, long>(_runtime.Current.Calls.ToDictionary(kv => kv.Key, kv => kv.Value), StringComparer.Ordinal);

    /// <summary>Requests for one operation key ("ecr:DescribeImages") since load; 0 if none.</summary>
    public long CallCount(string key) => _runtime.Current.Calls.TryGetValue(key, out var n) ? n : 0;

    /// <summary>Replaces the whole state (as POST /_sandbox/scenario): call counts, faults and rate buckets start afresh.</summary>
    public void LoadScenario(Scenario scenario) => _runtime.Load(scenario);

    public void LoadScenario(string scenarioJson) => _runtime.Load(Scenario.Parse(scenarioJson));

    /// <summary>Arms more faults (as POST /_sandbox/faults).</summary>
    public void AddFaults(params IEnumerable<ScenarioFault> faults)
    {
        var list = faults.ToList();
        ScenarioLoader.ValidateFaults(list, "$");
        _runtime.Current.Faults.Add(list);
    }

    /// <summary>The current repositories and images, as scenario JSON with absolute times (as GET /_sandbox/state).</summary>
    public Scenario GetState() => StateExporter.Export(_runtime.Current.State, _runtime.Clock.GetUtcNow());

    public Task StopAsync(CancellationToken cancellationToken = default) => _app.StopAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    int _disposed;
}

internal sealed class NoConsoleLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
