using System.Net.Http.Headers;
using EcrCleanup.Abstractions;
using EcrCleanup.Diagnostics;

namespace EcrCleanup.Aws.Http;

/// <summary>
/// Sends signed requests to one AWS service and applies the retry strategy. Protocol details (JSON, query,
/// REST) stay with the callers; this class knows transport, signing, retries and counting.
/// </summary>
internal sealed class AwsServiceClient
{
    private readonly AwsSession _session;
    private readonly AwsServiceInfo _service;
    private readonly HttpClient _http;
    private readonly ServiceCallRecorder _recorder;
    private readonly RetryStrategy _retry;
    private readonly TimeProvider _time;
    private readonly Func<AwsResponse, AwsError> _parseError;
    private readonly AdaptiveRateLimiter? _adaptive;

    /// <param name="adaptive">The service's adaptive token bucket (retry mode adaptive), or null (standard).</param>
    public AwsServiceClient(AwsSession session, AwsServiceInfo service, HttpClient http, ServiceCallRecorder recorder, RetryStrategy retry, TimeProvider time, Func<AwsResponse, AwsError> parseError, AdaptiveRateLimiter? adaptive)
    {
        _adaptive = adaptive;
        _session = session;
        _service = service;
        _http = http;
        _recorder = recorder;
        _retry = retry;
        _time = time;
        _parseError = parseError;
        Endpoint = session.ResolveEndpoint(service);
    }

    public Uri Endpoint { get; }

    /// <summary>Sends the request, retrying as the strategy allows, and reads a 2xx answer with <paramref name="read"/>.</summary>
    /// <param name="read">Reads the operation's document; throws <see cref="MalformedAnswerException"/> for an answer that is not it, which is retried like a transient fault.</param>
    public async Task<T> SendAsync<T>(AwsRequest request, Func<AwsResponse, T> read, CancellationToken cancellationToken)
    {
        // Attempts that count against the strategy's maximum: every one, except throttles the adaptive bucket puts down
        // to the client's own pace (a call sent before it last slowed down, or its probe past the rate last
        // throttled: the slower rate answers either), at most as many such as the maximum allows.
        var spared = 0;
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var sentAt = _adaptive is null ? 0 : await _adaptive.AcquireAsync(cancellationToken).ConfigureAwait(false);
            _recorder.CallStarted(_service.DisplayName, request.Operation, request.Resource, attempt);
            AwsResponse response;
            try
            {
                response = await SendOnceAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is HttpRequestException or IOException or TaskCanceledException)
            {
                // A reset connection, a refused one, or a timeout: the standard mode retries these.
                var reason = e is TaskCanceledException ? "a timeout" : "a connection error";
                if (attempt - spared < _retry.MaxAttempts)
                {
                    await WaitAsync(request, reason, _retry.Delay(attempt + 1, null), cancellationToken).ConfigureAwait(false);
                    continue;
                }

                throw new ServiceException(_service.DisplayName, request.Operation, request.Resource, "RequestFailed",
                    $"{e.Message} (endpoint {Endpoint}, {attempt} attempt(s)). Check the network, the region and the endpoint settings (-EndpointUrl, AWS_ENDPOINT_URL).",
                    innerException: e);
            }

            if (response.StatusCode is >= 200 and < 300)
            {
                _ = _adaptive?.Update(throttled: false, sentAt);
                try
                {
                    return read(response);
                }
                catch (MalformedAnswerException e)
                {
                    if (attempt - spared < _retry.MaxAttempts)
                    {
                        await WaitAsync(request, "an answer that is not its document", _retry.Delay(attempt + 1, null), cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    throw new ServiceException(_service.DisplayName, request.Operation, request.Resource, "MalformedResponse",
                        $"HTTP {response.StatusCode} with a body that is not the {request.Operation} answer ({e.Message}), {attempt} time(s). A proxy, a captive portal, a cut connection or a service fault answers so: check the endpoint (-EndpointUrl, AWS_ENDPOINT_URL) and the network, then run again.",
                        response.StatusCode, response.RequestId, e);
                }
            }

            var error = _parseError(response);
            var throttled = RetryStrategy.IsThrottling(error.Code) || response.StatusCode == 429;
            if (_adaptive is not null && !_adaptive.Update(throttled, sentAt) && spared < _retry.MaxAttempts)
            {
                spared++;
                await WaitAsync(request, error.Code + " (the client's own pace, which it has slowed: not counted as an attempt)", _retry.Delay(attempt - spared + 1, response.RetryAfter), cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (attempt - spared < _retry.MaxAttempts && RetryStrategy.IsRetryable(error.Code, response.StatusCode))
            {
                await WaitAsync(request, error.Code, _retry.Delay(attempt + 1, response.RetryAfter), cancellationToken).ConfigureAwait(false);
                continue;
            }

            var advice = Advice(error.Code, attempt, request.Operation);
            throw new ServiceException(_service.DisplayName, request.Operation, request.Resource, error.Code,
                error.Message + advice, response.StatusCode, response.RequestId);
        }
    }

    /// <summary>
    /// What to do about an error that retrying cannot fix. A refusal names the IAM action to grant: for every service
    /// the module calls (ECR, CloudFormation, Lambda, ECS, Batch, App Runner) the IAM prefix is the signing name and
    /// the action is the operation (<c>ecs:ListClusters</c>).
    /// </summary>
    private string Advice(string code, int attempts, string operation)
    {
        if (RetryStrategy.IsThrottling(code))
        {
            return $" (still throttled after {attempts} attempt(s); run again later, lower -ThrottleLimit, raise AWS_MAX_ATTEMPTS, or set AWS_RETRY_MODE=adaptive if it is standard)";
        }

        return code switch
        {
            "AccessDeniedException" or "AccessDenied" or "UnauthorizedOperation" => $" (grant {_service.SigningName}:{operation} to the identity in use; docs/operator-guide.md lists the IAM policy)",
            "UnrecognizedClientException" or "InvalidClientTokenId" or "InvalidSignatureException" or "SignatureDoesNotMatch" or "ExpiredTokenException" or "ExpiredToken"
                => " (the credentials were refused: check the profile or AWS_* variables, renew expired SSO or session credentials, and check the region)",
            _ => string.Empty,
        };
    }

    private async Task WaitAsync(AwsRequest request, string reason, TimeSpan delay, CancellationToken cancellationToken)
    {
        _recorder.RetryScheduled(_service.DisplayName, request.Operation, request.Resource, reason, delay);
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<AwsResponse> SendOnceAsync(AwsRequest request, CancellationToken cancellationToken)
    {
        var uri = BuildUri(request);
        using var message = new HttpRequestMessage(request.Method, uri);
        foreach (var (name, value) in request.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        if (request.ContentType is not null)
        {
            // ByteArrayContent keeps Content-Type exactly as signed (StringContent would append a charset).
            message.Content = new ByteArrayContent(request.Body);
            message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(request.ContentType);
        }

        var credentials = await _session.GetCredentialsAsync(cancellationToken).ConfigureAwait(false);
        SigV4Signer.Sign(message, request.Body, request.Query, credentials, _session.Region, _service.SigningName, _time.GetUtcNow().UtcDateTime);

        using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return new AwsResponse(
            (int)response.StatusCode,
            body,
            RetryAfter(response),
            FirstHeader(response, "x-amzn-RequestId") ?? FirstHeader(response, "x-amz-request-id"),
            FirstHeader(response, "x-amzn-ErrorType"));
    }

    private Uri BuildUri(AwsRequest request)
    {
        var basePath = Endpoint.AbsolutePath.TrimEnd('/');
        var builder = new UriBuilder(Endpoint) { Path = basePath + request.Path };
        if (request.Query.Count > 0)
        {
            builder.Query = string.Join("&", request.Query.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
        }

        return builder.Uri;
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private static string? FirstHeader(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
