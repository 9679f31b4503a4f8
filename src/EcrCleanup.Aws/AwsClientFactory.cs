using System.Net;
using EcrCleanup.Abstractions;
using EcrCleanup.Aws.Ecr;
using EcrCleanup.Aws.Http;
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

    private AwsServiceClient CreateServiceClient(AwsServiceInfo service, Func<AwsResponse, AwsError> parseError) =>
        new(_session, service, _http, _recorder, _retry, _time, parseError);
}
