using EcrCleanup.Sandbox.Admin;
using EcrCleanup.Sandbox.AppRunner;
using EcrCleanup.Sandbox.Aws;
using EcrCleanup.Sandbox.Batch;
using EcrCleanup.Sandbox.CloudFormation;
using EcrCleanup.Sandbox.Ecr;
using EcrCleanup.Sandbox.Ecs;
using EcrCleanup.Sandbox.Faults;
using EcrCleanup.Sandbox.GitHub;
using EcrCleanup.Sandbox.Lambda;
using EcrCleanup.Sandbox.State;
using Microsoft.AspNetCore.Http.Features;

namespace EcrCleanup.Sandbox;

/// <summary>
/// Sends each request to its service by its wire shape (X-Amz-Target: ECS, App Runner or else ECR; form body:
/// CloudFormation; /2015-03-31/: Lambda; /v1/: Batch; /repos/: GitHub; /_sandbox/: admin), and runs the steps every AWS request goes
/// through: latency, call count, SigV4, rate limit, armed faults, then the operation (its answer malformed when a
/// <c>malformed</c> fault took the request).
/// </summary>
internal sealed class Dispatcher(SandboxRuntime runtime)
{
    public async Task HandleAsync(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value ?? "/";
        if (path == "/_sandbox" || path.StartsWith("/_sandbox/", StringComparison.Ordinal))
        {
            await AdminEndpoints.HandleAsync(ctx, runtime);
            return;
        }

        if (GitHubHandler.Matches(path))
        {
            await GitHubHandler.HandleAsync(ctx, runtime);
            return;
        }

        var session = runtime.Current;
        var body = await ReadBodyAsync(ctx.Request);
        var rawPath = RawPath(ctx);

        if (path.StartsWith(LambdaHandler.Prefix, StringComparison.Ordinal))
        {
            var (op, function) = LambdaHandler.Route(ctx.Request.Method, path);
            await RunAwsAsync(ctx, session, Operations.Lambda, AwsProtocol.RestJson, op, LambdaHandler.Target(function),
                body, rawPath, call => LambdaHandler.Handle(call, function), LambdaHandler.UnknownOperation);
            return;
        }

        if (path.StartsWith(BatchHandler.Prefix, StringComparison.Ordinal))
        {
            var op = BatchHandler.Route(ctx.Request.Method, path);
            await RunAwsAsync(ctx, session, Operations.Batch, AwsProtocol.RestJson, op, op is null ? "" : BatchHandler.Target(body),
                body, rawPath, BatchHandler.Handle, BatchHandler.UnknownOperation);
            return;
        }

        if (HttpMethods.IsPost(ctx.Request.Method) && path == "/")
        {
            var target = ctx.Request.Headers["X-Amz-Target"].ToString();
            if (target.StartsWith(EcsHandler.TargetPrefix, StringComparison.Ordinal))
            {
                var op = OperationOf(target, EcsHandler.TargetPrefix, Operations.EcsOps);
                await RunAwsAsync(ctx, session, Operations.Ecs, AwsProtocol.Json11, op, op is null ? "" : EcsHandler.Target(op, body),
                    body, rawPath, EcsHandler.Handle, EcsHandler.UnknownOperation);
                return;
            }
            if (target.StartsWith(AppRunnerHandler.TargetPrefix, StringComparison.Ordinal))
            {
                var op = OperationOf(target, AppRunnerHandler.TargetPrefix, Operations.AppRunnerOps);
                await RunAwsAsync(ctx, session, Operations.AppRunner, AwsProtocol.Json10, op, op is null ? "" : AppRunnerHandler.Target(body),
                    body, rawPath, AppRunnerHandler.Handle, AppRunnerHandler.UnknownOperation);
                return;
            }
            if (target.Length > 0)
            {
                var op = OperationOf(target, EcrHandler.TargetPrefix, Operations.EcrOps);
                await RunAwsAsync(ctx, session, Operations.Ecr, AwsProtocol.Json11, op, op is null ? "" : EcrHandler.Target(body),
                    body, rawPath, EcrHandler.Handle, EcrHandler.UnknownOperation);
                return;
            }
            if (CloudFormationHandler.IsForm(ctx.Request.ContentType))
            {
                var form = CloudFormationHandler.ParseForm(body);
                var action = form.TryGetValue("Action", out var a) ? a.ToString() : null;
                var op = action is not null && Operations.CloudFormationOps.Contains(action) ? action : null;
                await RunAwsAsync(ctx, session, Operations.CloudFormation, AwsProtocol.Query, op, CloudFormationHandler.Target(form),
                    body, rawPath, CloudFormationHandler.Handle, () => CloudFormationHandler.UnknownAction(action));
                return;
            }
        }

        ctx.Response.StatusCode = 404;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync("{\"message\":\"Not Found\"}");
    }

    async Task RunAwsAsync(HttpContext ctx, Session session, string service, AwsProtocol protocol, string? operation,
        string target, byte[] body, string rawPath, Func<AwsCall, byte[]> handler, Func<AwsException> unknownOperation)
    {
        var requestId = Guid.NewGuid().ToString();
        var state = session.State;
        // The SDKs correct clock skew from Date: it must be the clock the signature window is checked against.
        ctx.Response.Headers.Date = runtime.Clock.GetUtcNow().ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        if (state.LatencyMs > 0)
        {
            await Task.Delay(state.LatencyMs, ctx.RequestAborted);
        }

        try
        {
            if (operation is not null)
            {
                session.Count(service, operation);
            }

            var auth = SigV4Verifier.Verify(ctx.Request, rawPath, body, service, state.Region, state.AccessKeyId,
                state.SecretAccessKey, runtime.Clock.GetUtcNow());
            if (!auth.IsOk)
            {
                throw AwsErrors.Auth(auth.Failure, auth.Message, protocol);
            }

            if (operation is null)
            {
                throw unknownOperation();
            }

            if (!session.Limiter.TryAcquire(service, operation))
            {
                throw AwsErrors.Throttle(service);
            }

            var fault = session.Faults.Take(service, operation, target);
            if (fault is { Malformed: null })
            {
                throw AwsErrors.Fault(fault.Error!, service, operation, state.Account, fault.Message);
            }

            var malformed = fault is null ? null : Malformation.Of(fault);

            var call = new AwsCall
            {
                Http = ctx,
                Session = session,
                Runtime = runtime,
                Service = service,
                Operation = operation,
                Body = body,
                RequestId = requestId,
            };
            if (malformed is null)
            {
                await AnswerAsync(ctx, protocol, call, handler);
            }
            else
            {
                await malformed.WriteAsync(ctx, protocol == AwsProtocol.Query ? BodyFormat.Xml : BodyFormat.Json,
                    () => AnswerAsync(ctx, protocol, call, handler));
            }
        }
        catch (AwsException e)
        {
            await AwsResponses.WriteErrorAsync(ctx, protocol, e, requestId);
        }
        catch (Exception e) when (e is not OperationCanceledException && !ctx.Response.HasStarted)
        {
            // A sandbox bug: answer as a service failure (which clients retry) and say what went wrong on stderr.
            await Console.Error.WriteLineAsync($"sandbox: {service}:{operation} failed: {e}");
            await AwsResponses.WriteErrorAsync(ctx, protocol,
                new AwsException(protocol is AwsProtocol.Json11 or AwsProtocol.Json10 ? "ServerException" : protocol == AwsProtocol.Query ? "InternalFailure" : "ServiceException", 500,
                    $"Sandbox error: {e.GetType().Name}: {e.Message}"), requestId);
        }
    }

    /// <summary>The operation an X-Amz-Target names, when it has the service's prefix and the sandbox serves it; else null.</summary>
    static string? OperationOf(string target, string prefix, IReadOnlyList<string> ops)
    {
        var op = target.StartsWith(prefix, StringComparison.Ordinal) ? target[prefix.Length..] : null;
        return op is not null && ops.Contains(op) ? op : null;
    }

    /// <summary>The operation's answer: its reply, or the error it ends in.</summary>
    static async Task AnswerAsync(HttpContext ctx, AwsProtocol protocol, AwsCall call, Func<AwsCall, byte[]> handler)
    {
        byte[] reply;
        try
        {
            reply = handler(call);
        }
        catch (AwsException e)
        {
            await AwsResponses.WriteErrorAsync(ctx, protocol, e, call.RequestId);
            return;
        }
        await AwsResponses.WriteAsync(ctx, 200, AwsResponses.ContentType(protocol), reply, call.RequestId);
    }

    static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var ms = new MemoryStream();
        await request.Body.CopyToAsync(ms);
        return ms.ToArray();
    }

    /// <summary>The path exactly as the client sent it (still percent-encoded), which SigV4 signs.</summary>
    static string RawPath(HttpContext ctx)
    {
        var raw = ctx.Features.Get<IHttpRequestFeature>()?.RawTarget ?? ctx.Request.Path.Value ?? "/";
        var q = raw.IndexOf('?');
        return q >= 0 ? raw[..q] : raw;
    }

}
