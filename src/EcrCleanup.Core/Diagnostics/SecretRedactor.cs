using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace EcrCleanup.Diagnostics;

/// <summary>
/// Takes secrets out of text before it leaves the process: every message a service sends back (AWS puts the
/// canonical request, headers included, in a SignatureDoesNotMatch message), every verbose line, warning and
/// error the cmdlets write, and every report and journal line they save. It masks the secrets the command was
/// given (registered as they are read: the AWS secret key and session token, the GitHub token, URL userinfo)
/// and anything shaped like one (an x-amz-security-token header or query value, an Authorization header,
/// userinfo in a URL, a GitHub token), whatever a service echoes.
/// </summary>
public static partial class SecretRedactor
{
    public const string Mask = "***";

    private static readonly ConcurrentDictionary<string, byte> Known = new(StringComparer.Ordinal);

    /// <summary>Masks this value wherever it appears from now on in this process. Values shorter than 6 characters are not secrets worth the false positives.</summary>
    public static void Register(string? secret)
    {
        if (secret is { Length: >= 6 })
        {
            Known.TryAdd(secret, 0);
        }
    }

    /// <summary>The text with every known and every secret-shaped value masked.</summary>
    public static string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        foreach (var secret in Known.Keys)
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        text = SecurityToken().Replace(text, "${name}" + Mask);
        text = Authorization().Replace(text, "${name}" + Mask);
        text = UserInfo().Replace(text, "${scheme}" + Mask + "@");
        return GitHubToken().Replace(text, Mask);
    }

    [GeneratedRegex(@"(?<name>x-amz-security-token\s*[:=]\s*)[^\s&'""<]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecurityToken();

    [GeneratedRegex(@"(?<name>\bauthorization\s*[:=]\s*)[^\r\n'""<]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Authorization();

    [GeneratedRegex(@"(?<scheme>\b[a-z][a-z0-9+.-]*://)[^/\s@'""<]+@", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UserInfo();

    [GeneratedRegex(@"\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b", RegexOptions.CultureInvariant)]
    private static partial Regex GitHubToken();
}
