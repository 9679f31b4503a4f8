using System.Net;
using System.Text;
using EcrCleanup.Diagnostics;

namespace EcrCleanup.Aws.Tests;

/// <summary>A request as the module sent it: what a protocol test looks at.</summary>
internal sealed record SentRequest(HttpMethod Method, Uri Uri, string? Target, string? ContentType, string Body);

/// <summary>A canned reply: a status, a body and, for restJson1 errors, the <c>x-amzn-ErrorType</c> header.</summary>
internal sealed record CannedReply(int Status, string Body, string? ErrorType = null)
{
    public static CannedReply Ok(string body) => new(200, body);
}

/// <summary>
/// The module's clients pointed at canned HTTP replies instead of a service: each request is recorded and answered
/// by <c>answer</c>, in the order the requests arrive. For the shape of requests and the reading of replies.
/// </summary>
internal sealed class CannedAws : HttpMessageHandler
{
    private readonly Func<SentRequest, CannedReply> _answer;
    private readonly List<SentRequest> _requests = [];

    public CannedAws(Func<SentRequest, CannedReply> answer)
    {
        _answer = answer;
    }

    /// <summary>Answers the requests with <paramref name="replies"/> in turn, the last one from then on.</summary>
    public CannedAws(params CannedReply[] replies)
        : this(Sequence(replies))
    {
    }

    public IReadOnlyList<SentRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return _requests.ToList();
            }
        }
    }

    /// <param name="time">The clock of retries and pacing; the system's when null.</param>
    /// <param name="recorder">Counts the calls and retries; one of its own when null.</param>
    public AwsClientFactory Factory(TimeProvider? time = null, ServiceCallRecorder? recorder = null)
    {
        // AWSSDK.Core's credential chain reads the process environment: the same keys as every other test here.
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "AKIDSANDBOX");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "sandbox-secret");
        var session = AwsSession.Create(new AwsConnectionOptions { Region = "eu-west-2", EndpointUrl = new Uri("https://aws.test") }, _ => null);
        return new AwsClientFactory(session, recorder ?? new ServiceCallRecorder(), time, TimeSpan.FromMilliseconds(1), new HttpClient(this));
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        var sent = new SentRequest(request.Method, request.RequestUri!,
            request.Headers.TryGetValues("X-Amz-Target", out var target) ? target.Single() : null,
            request.Content?.Headers.ContentType?.ToString(), body);
        CannedReply reply;
        lock (_requests)
        {
            _requests.Add(sent);
            reply = _answer(sent);
        }

        var response = new HttpResponseMessage((HttpStatusCode)reply.Status) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(reply.Body)) };
        if (reply.ErrorType is not null)
        {
            response.Headers.TryAddWithoutValidation("x-amzn-ErrorType", reply.ErrorType);
        }

        return response;
    }

    private static Func<SentRequest, CannedReply> Sequence(CannedReply[] replies)
    {
        var next = 0;
        return _ => replies[Math.Min(next++, replies.Length - 1)];
    }
}
