using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EcrCleanup.Sandbox.Aws;

internal enum AuthFailure { None, Missing, Incomplete, UnknownKey, BadSignature }

internal readonly record struct AuthResult(AuthFailure Failure, string Message)
{
    public static readonly AuthResult Ok = new(AuthFailure.None, "");
    public bool IsOk => Failure == AuthFailure.None;
}

/// <summary>
/// Checks an AWS Signature Version 4 Authorization header the way the services do: the credential scope
/// (key, date, region, service, terminator), X-Amz-Date within 15 minutes of the server clock, and the
/// signature over the canonical request (method, double-encoded normalized path, sorted canonical query,
/// signed headers with trimmed values, payload hash).
/// </summary>
internal static class SigV4Verifier
{
    const string Algorithm = "AWS4-HMAC-SHA256";
    static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(15);

    public const string SignatureMismatch =
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

    public static AuthResult Verify(HttpRequest request, string rawPath, byte[] body, string service,
        string region, string accessKeyId, string secretAccessKey, DateTimeOffset now)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (string.IsNullOrWhiteSpace(authorization))
        {
            return new(AuthFailure.Missing, "");
        }

        if (!authorization.StartsWith(Algorithm + " ", StringComparison.Ordinal))
        {
            return new(AuthFailure.Incomplete, $"Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization={authorization}");
        }

        string? credential = null, signedHeaders = null, signature = null;
        foreach (var part in authorization[(Algorithm.Length + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0)
            {
                continue;
            }

            var value = part[(eq + 1)..];
            switch (part[..eq])
            {
                case "Credential": credential = value; break;
                case "SignedHeaders": signedHeaders = value; break;
                case "Signature": signature = value; break;
            }
        }
        var missing = new StringBuilder();
        if (credential is null)
        {
            missing.Append("Authorization header requires 'Credential' parameter. ");
        }

        if (signature is null)
        {
            missing.Append("Authorization header requires 'Signature' parameter. ");
        }

        if (signedHeaders is null)
        {
            missing.Append("Authorization header requires 'SignedHeaders' parameter. ");
        }

        var amzDate = request.Headers["X-Amz-Date"].ToString();
        if (amzDate.Length == 0)
        {
            missing.Append("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ");
        }

        if (missing.Length > 0)
        {
            return new(AuthFailure.Incomplete, missing + "Authorization=" + authorization);
        }

        if (!DateTimeOffset.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var signedAt))
        {
            return new(AuthFailure.Incomplete, $"Date must be in ISO-8601 'basic format'. Got '{amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601");
        }

        var scope = credential!.Split('/');
        if (scope.Length != 5)
        {
            return new(AuthFailure.Incomplete, $"Credential should be scoped to a valid region. Authorization={authorization}");
        }

        var (keyId, date, scopeRegion, scopeService, terminator) = (scope[0], scope[1], scope[2], scope[3], scope[4]);

        if (keyId != accessKeyId)
        {
            return new(AuthFailure.UnknownKey, "The security token included in the request is invalid.");
        }

        if (date != amzDate[..8])
        {
            return new(AuthFailure.BadSignature, $"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{date}' != '{amzDate[..8]}', from '{amzDate}'.");
        }

        if (scopeRegion != region)
        {
            return new(AuthFailure.BadSignature, $"Credential should be scoped to a valid region, not '{scopeRegion}'. ");
        }

        if (scopeService != service)
        {
            return new(AuthFailure.BadSignature, $"Credential should be scoped to correct service: '{service}'. ");
        }

        if (terminator != "aws4_request")
        {
            return new(AuthFailure.BadSignature, $"Credential should be scoped with a valid terminator: 'aws4_request', not '{terminator}'. ");
        }

        var fmt = "yyyyMMdd'T'HHmmss'Z'";
        var nowText = now.UtcDateTime.ToString(fmt, CultureInfo.InvariantCulture);
        if (signedAt < now - MaxSkew)
        {
            return new(AuthFailure.BadSignature, $"Signature expired: {amzDate} is now earlier than {(now - MaxSkew).UtcDateTime.ToString(fmt, CultureInfo.InvariantCulture)} ({nowText} - 15 min.)");
        }

        if (signedAt > now + MaxSkew)
        {
            return new(AuthFailure.BadSignature, $"Signature not yet current: {amzDate} is still later than {(now + MaxSkew).UtcDateTime.ToString(fmt, CultureInfo.InvariantCulture)} ({nowText} + 15 min.)");
        }

        var headerNames = signedHeaders!.Split(';');
        if (!headerNames.Contains("host"))
        {
            return new(AuthFailure.BadSignature, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
        }

        var payloadHash = Convert.ToHexStringLower(SHA256.HashData(body));
        var declared = request.Headers["X-Amz-Content-Sha256"].ToString();
        if (declared.Length > 0 && declared != "UNSIGNED-PAYLOAD" && declared != payloadHash)
        {
            return new(AuthFailure.BadSignature, "The provided 'x-amz-content-sha256' header does not match what was computed.");
        }

        if (declared.Length > 0)
        {
            payloadHash = declared;
        }

        var canonical = new StringBuilder()
            .Append(request.Method).Append('\n')
            .Append(CanonicalPath(rawPath)).Append('\n')
            .Append(CanonicalQuery(request.QueryString.Value)).Append('\n');
        foreach (var name in headerNames)
        {
            canonical.Append(name).Append(':').Append(CanonicalHeaderValue(request, name)).Append('\n');
        }

        canonical.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash);

        var credentialScope = $"{date}/{scopeRegion}/{scopeService}/aws4_request";
        var stringToSign = $"{Algorithm}\n{amzDate}\n{credentialScope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())))}";

        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), date);
        key = Hmac(key, scopeRegion);
        key = Hmac(key, scopeService);
        key = Hmac(key, "aws4_request");
        var expected = Convert.ToHexStringLower(Hmac(key, stringToSign));

        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature!)))
        {
            return new(AuthFailure.BadSignature,
                $"{SignatureMismatch}\n\nThe Canonical String for this request should have been\n'{canonical}'\n\nThe String-to-Sign should have been\n'{stringToSign}'\n");
        }

        return AuthResult.Ok;
    }

    static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    static string CanonicalHeaderValue(HttpRequest request, string name)
    {
        var values = name == "host" ? [request.Host.Value ?? ""] : request.Headers[name].ToArray();
        return string.Join(',', values.Select(v => CollapseSpaces((v ?? "").Trim())));
    }

    static string CollapseSpaces(string s)
    {
        if (!s.Contains("  ", StringComparison.Ordinal))
        {
            return s;
        }

        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            if (c != ' ' || sb.Length == 0 || sb[^1] != ' ')
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    /// <summary>The path as sent, normalized (empty, '.' and '..' segments) and URI-encoded again, segment by segment.</summary>
    public static string CanonicalPath(string rawPath)
    {
        if (rawPath.Length == 0)
        {
            return "/";
        }

        var segments = new List<string>();
        foreach (var seg in rawPath.Split('/'))
        {
            if (seg.Length == 0 || seg == ".")
            {
                continue;
            }

            if (seg == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }
            }
            else
            {
                segments.Add(seg);
            }
        }
        var sb = new StringBuilder("/");
        sb.AppendJoin('/', segments.Select(UriEncode));
        if (segments.Count > 0 && rawPath.EndsWith('/'))
        {
            sb.Append('/');
        }

        return sb.ToString();
    }

    static string CanonicalQuery(string? rawQuery)
    {
        if (string.IsNullOrEmpty(rawQuery) || rawQuery == "?")
        {
            return "";
        }

        var pairs = new List<(string Key, string Value)>();
        foreach (var part in rawQuery.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            var k = eq < 0 ? part : part[..eq];
            var v = eq < 0 ? "" : part[(eq + 1)..];
            if (k == "X-Amz-Signature")
            {
                continue;
            }

            pairs.Add((UriEncode(Uri.UnescapeDataString(k)), UriEncode(Uri.UnescapeDataString(v))));
        }
        pairs.Sort((a, b) =>
        {
            var c = string.CompareOrdinal(a.Key, b.Key);
            return c != 0 ? c : string.CompareOrdinal(a.Value, b.Value);
        });
        return string.Join('&', pairs.Select(p => p.Key + "=" + p.Value));
    }

    /// <summary>RFC 3986 encoding as SigV4 wants it: unreserved characters kept, every other byte %XX (upper case).</summary>
    public static string UriEncode(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var b in Encoding.UTF8.GetBytes(s))
        {
            var c = (char)b;
            if (c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_' or '.' or '~')
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }
        return sb.ToString();
    }
}
