using System.Management.Automation;
using System.Text.RegularExpressions;
using EcrCleanup.Model;

namespace EcrCleanup.Commands.Infrastructure;

/// <summary>Turns a pipeline object into a protection: the module's own ProtectedImage as it is, anything else by its Repository and Digest.</summary>
internal static partial class PipelineProtection
{
    public static ProtectedImage? From(PSObject item)
    {
        if (item.BaseObject is ProtectedImage own)
        {
            return own;
        }

        var repository = item.Properties["Repository"]?.Value?.ToString();
        var digest = item.Properties["Digest"]?.Value?.ToString();
        if (string.IsNullOrWhiteSpace(repository) || digest is null || !DigestPattern().IsMatch(digest))
        {
            return null;
        }

        return new ProtectedImage(repository.Trim(), digest.ToLowerInvariant(), ProtectionReason.External)
        {
            Source = item.Properties["Source"]?.Value?.ToString() ?? item.BaseObject.GetType().Name,
        };
    }

    [GeneratedRegex("^sha256:[0-9a-fA-F]{64}$")]
    private static partial Regex DigestPattern();
}
