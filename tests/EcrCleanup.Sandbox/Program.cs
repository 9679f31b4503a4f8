using System.Globalization;
using System.Runtime.InteropServices;
using EcrCleanup.Sandbox;

// dotnet run --project tests/EcrCleanup.Sandbox -- --scenario PATH.json [--port 0] [--ignore-stdin]
// Prints "Sandbox listening on http://127.0.0.1:PORT" first, serves until SIGTERM/SIGINT or stdin closes.
// Exit codes: 0 stopped, 2 bad arguments or a scenario that does not validate, 1 could not start.

string? scenarioPath = null;
var port = 0;
var watchStdin = true;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--scenario" when i + 1 < args.Length:
            scenarioPath = args[++i];
            break;
        case "--port" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p <= 65535:
            port = p;
            i++;
            break;
        case "--ignore-stdin":
            watchStdin = false;
            break;
        default:
            return Usage($"unexpected argument '{args[i]}'");
    }
}
if (scenarioPath is null)
{
    return Usage("--scenario PATH is required");
}

Scenario scenario;
try
{
    scenario = Scenario.Parse(await File.ReadAllTextAsync(scenarioPath));
}
catch (IOException e)
{
    Console.Error.WriteLine($"cannot read scenario '{scenarioPath}': {e.Message}");
    return 2;
}
catch (ScenarioValidationException e)
{
    Console.Error.WriteLine($"{scenarioPath}: {e.Message}");
    return 2;
}

// Signals are taken before the first line is printed, so a SIGTERM right after it is not lost.
var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });

SandboxHost host;
try
{
    host = await SandboxHost.StartAsync(scenario, port);
}
catch (ScenarioValidationException e)
{
    Console.Error.WriteLine($"{scenarioPath}: {e.Message}");
    return 2;
}
catch (IOException e)
{
    Console.Error.WriteLine($"cannot listen on 127.0.0.1:{port}: {e.Message}");
    return 1;
}

Console.Out.WriteLine($"Sandbox listening on http://127.0.0.1:{host.Port}");
Console.Out.Flush();

if (watchStdin)
{
    var stdinWatcher = new Thread(() =>
    {
        try
        {
            using var stdin = Console.OpenStandardInput();
            var buffer = new byte[4096];
            while (stdin.Read(buffer, 0, buffer.Length) > 0) { }
        }
        catch (IOException) { }
        stop.TrySetResult();
    })
    { IsBackground = true, Name = "stdin watcher" };
    stdinWatcher.Start();
}

await stop.Task;
await host.DisposeAsync();
return 0;

static int Usage(string problem)
{
    Console.Error.WriteLine($"EcrCleanup.Sandbox: {problem}");
    Console.Error.WriteLine("usage: EcrCleanup.Sandbox --scenario PATH.json [--port N] [--ignore-stdin]");
    return 2;
}
