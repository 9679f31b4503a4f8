using System.Net;
using EcrCleanup.Abstractions;
using EcrCleanup.Aws.AppRunner;
using EcrCleanup.Aws.Batch;
using EcrCleanup.Aws.CloudFormation;
using EcrCleanup.Aws.Ecr;
using EcrCleanup.Aws.Ecs;
using EcrCleanup.Aws.GitHub;
using EcrCleanup.Aws.Http;
using EcrCleanup.Aws.Lambda;
using EcrCleanup.Diagnostics;

namespace EcrCleanup.Aws;

/// <summary>
/// The one place that builds the module's service clients. Replace a client here (with one of the official
/// AWS SDK service packages, say) and nothing else changes: the rest of the module sees only the interfaces.
/// </summary>
public sealed class AwsClientFactory
{
    private static readonly HttpClient SharedHttp = new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AutomaticDecompression = DecompressionMethods.All,
        ConnectTimeout = TimeSpan.FromSeconds(10),
    })
    {
        Timeout = TimeSpan.FromSeconds(60),
    };

    private readonly AwsSession _session;
    private readonly ServiceCallRecorder _recorder;
    private readonly TimeProvider _time;
    private readonly RetryStrategy _retry;
    private readonly HttpClient _http;

    public AwsClientFactory(AwsSession session, ServiceCallRecorder recorder, TimeProvider? time = null, TimeSpan? retryBaseDelay = null, HttpClient? http = null)
    {
        _session = session;
        _recorder = recorder;
        _time = time ?? TimeProvider.System;
        _retry = new RetryStrategy(session.MaxAttempts, retryBaseDelay);
        _http = http ?? SharedHttp;
    }

    public AwsSession Session => _session;

    public IEcrClient CreateEcr() => new EcrClient(CreateServiceClient(AwsServiceInfo.Ecr, AwsJsonProtocol.ParseError));

    public ICloudFormationClient CreateCloudFormation() => new CloudFormationClient(CreateServiceClient(AwsServiceInfo.CloudFormation, AwsQueryProtocol.ParseError));

    /// <summary>A Lambda client paced just under Lambda's documented per-region request quotas.</summary>
    public ILambdaClient CreateLambda() => new LambdaClient(CreateServiceClient(AwsServiceInfo.Lambda, RestJsonProtocol.ParseError), _time);

    /// <summary>An ECS client paced just under the token buckets ECS documents for its read actions.</summary>
    public IEcsClient CreateEcs() => new EcsClient(CreateServiceClient(AwsServiceInfo.Ecs, AwsJsonProtocol.ParseError), _time);

    public IBatchClient CreateBatch() => new BatchClient(CreateServiceClient(AwsServiceInfo.Batch, RestJsonProtocol.ParseError));

    public IAppRunnerClient CreateAppRunner() => new AppRunnerClient(CreateServiceClient(AwsServiceInfo.AppRunner, AwsJsonProtocol.ParseError));

    /// <summary>
    /// A GitHub client for <paramref name="repository"/> (<c>owner/name</c>), sharing this factory's retries and call
    /// counts. The API is <paramref name="apiUrl"/>, else GITHUB_API_URL, else https://api.github.com/.
    /// </summary>
    public IGitHubClient CreateGitHub(string repository, string token, Uri? apiUrl = null) =>
        new GitHubClient(repository, token, GitHubClient.ResolveApiUrl(apiUrl, Environment.GetEnvironmentVariable), _recorder, _retry, _time);

    /// <summary>A client of one service; in adaptive retry mode with a token bucket of its own, as the AWS SDKs keep one per client.</summary>
    private AwsServiceClient CreateServiceClient(AwsServiceInfo service, Func<AwsResponse, AwsError> parseError) =>
        new(_session, service, _http, _recorder, _retry, _time, parseError, _session.RetryMode == RetryMode.Adaptive ? new AdaptiveRateLimiter(_time) : null);
}
