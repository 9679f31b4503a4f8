using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;
using Amazon.Util;

namespace EcrCleanup.Aws.Http;

/// <summary>
/// Signs an <see cref="HttpRequestMessage"/> with AWS Signature Version 4, using AWSSDK.Core's own
/// signer for the canonical request, the signing key and the signature. It derives from
/// <see cref="AWS4Signer"/> only to reach its protected helpers.
/// </summary>
internal sealed class SigV4Signer : AWS4Signer
{
    /// <param name="request">A request whose URI, method, headers and content are final.</param>
    /// <param name="body">The exact bytes of the body (empty for none).</param>
    /// <param name="query">The query parameters, unencoded, as sent.</param>
    public static void Sign(HttpRequestMessage request, byte[] body, IReadOnlyList<KeyValuePair<string, string>> query, ImmutableCredentials credentials, string region, string signingName, DateTime utcNow)
    {
        var uri = request.RequestUri ?? throw new ArgumentException("The request has no URI.", nameof(request));
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in request.Headers)
        {
            headers[header.Key] = string.Join(",", header.Value);
        }

        if (request.Content is not null)
        {
            foreach (var header in request.Content.Headers)
            {
                headers[header.Key] = string.Join(",", header.Value);
            }
        }

        var signedAt = InitializeHeaders(headers, uri, utcNow);
        if (credentials.UseToken)
        {
            headers[HeaderKeys.XAmzSecurityTokenHeader] = credentials.Token;
        }

        var sortedHeaders = SortAndPruneHeaders(headers);
        var bodyHash = Convert.ToHexString(ComputeHash(body)).ToLowerInvariant();
        var canonicalRequest = CanonicalizeRequest(
            new Uri(uri.GetLeftPart(UriPartial.Authority)),
            Uri.UnescapeDataString(uri.AbsolutePath),
            request.Method.Method,
            sortedHeaders,
            CanonicalizeQueryParameters(query),
            bodyHash);
        var result = ComputeSignature(credentials, region, signedAt, signingName, CanonicalizeHeaderNames(sortedHeaders), canonicalRequest);

        request.Headers.TryAddWithoutValidation(HeaderKeys.XAmzDateHeader, headers[HeaderKeys.XAmzDateHeader]);
        if (credentials.UseToken)
        {
            request.Headers.TryAddWithoutValidation(HeaderKeys.XAmzSecurityTokenHeader, credentials.Token);
        }

        request.Headers.TryAddWithoutValidation(HeaderKeys.AuthorizationHeader, result.ForAuthorizationHeader);
    }
}
