using System.Text;
using System.Text.Json;
using EcrCleanup.Sandbox.State;

namespace EcrCleanup.Sandbox.Admin;

/// <summary>
/// <c>/_sandbox/...</c>: POST scenario (replace everything), POST faults (arm more), GET state (repositories
/// and images as scenario JSON with absolute times), GET calls (per-operation counts since load). No signature.
/// </summary>
internal static class AdminEndpoints
{
    public static async Task HandleAsync(HttpContext ctx, SandboxRuntime runtime)
    {
        var route = (ctx.Request.Method.ToUpperInvariant(), ctx.Request.Path.Value!.TrimEnd('/'));
        try
        {
            switch (route)
            {
                case ("POST", "/_sandbox/scenario"):
                    {
                        var scenario = Scenario.Parse(await ReadAsync(ctx));
                        var session = runtime.Load(scenario);
                        await WriteAsync(ctx, 200, Json(w =>
                        {
                            w.WriteBoolean("loaded", true);
                            w.WriteNumber("repositories", session.State.Repositories.Count);
                            w.WriteNumber("images", session.State.Repositories.Sum(r => r.Count));
                            w.WriteNumber("stacks", session.State.Stacks.Count);
                            w.WriteNumber("functions", session.State.Functions.Count);
                        }));
                        return;
                    }
                case ("POST", "/_sandbox/faults"):
                    {
                        var text = (await ReadAsync(ctx)).TrimStart();
                        var faults = text.StartsWith('{')
                            ? [ScenarioJson.Deserialize<ScenarioFault>(text)]
                            : ScenarioJson.Deserialize<List<ScenarioFault>>(text);
                        ScenarioLoader.ValidateFaults(faults, "$");
                        var session = runtime.Current;
                        session.Faults.Add(faults);
                        await WriteAsync(ctx, 200, Json(w => w.WriteNumber("armed", session.Faults.Snapshot().Count)));
                        return;
                    }
                case ("GET", "/_sandbox/state"):
                    await WriteAsync(ctx, 200, Encoding.UTF8.GetBytes(StateExporter.Export(runtime.Current.State, runtime.Clock.GetUtcNow()).ToJson()));
                    return;
                case ("GET", "/_sandbox/calls"):
                    await WriteAsync(ctx, 200, Json(w =>
                    {
                        foreach (var (k, v) in runtime.Current.Calls.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                        {
                            w.WriteNumber(k, v);
                        }
                    }));
                    return;
                case ("GET", "/_sandbox/faults"):
                    await WriteAsync(ctx, 200, JsonSerializer.SerializeToUtf8Bytes(runtime.Current.Faults.Snapshot(), ScenarioJson.Options));
                    return;
                default:
                    await WriteAsync(ctx, 404, Json(w => w.WriteString("message",
                        "Unknown admin request. Known: POST /_sandbox/scenario, POST /_sandbox/faults, GET /_sandbox/state, GET /_sandbox/calls, GET /_sandbox/faults")));
                    return;
            }
        }
        catch (ScenarioValidationException e)
        {
            await WriteAsync(ctx, 400, Json(w =>
            {
                w.WriteString("message", e.Message);
                w.WriteString("path", e.Path);
            }));
        }
    }

    static async Task<string> ReadAsync(HttpContext ctx)
    {
        using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    static Task WriteAsync(HttpContext ctx, int status, byte[] body)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        ctx.Response.ContentLength = body.Length;
        return ctx.Response.Body.WriteAsync(body).AsTask();
    }

    static byte[] Json(Action<Utf8JsonWriter> body) => Aws.AwsResponses.Json(body);
}
