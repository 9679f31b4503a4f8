using System.Management.Automation;
using System.Text.RegularExpressions;
using EcrCleanup.Model;

namespace EcrCleanup.Commands.Infrastructure;

/// <summary>
/// Turns a pipeline object into a protection: the module's own ProtectedImage as it is, anything else by its Repository
/// (a repository name, not a URI) and Digest (sha256:&lt;64 hex&gt;); null when it cannot be read as one.
/// </summary>
internal static partial class PipelineProtection
{
    public static ProtectedImage? From(PSObject item)
    {
        if (item.BaseObject is ProtectedImage own)
        {
            return own;
        }

        var repository = item.Properties["Repository"]?.Value?.ToString()?.ToLowerInvariant();
        var digest = item.Properties["Digest"]?.Value?.ToString();
        if (!Validation.ValidateEcrRepositoryNameAttribute.IsRepositoryName(repository) || digest is null || !DigestPattern().IsMatch(digest))
        {
            return null;
        }

        return new ProtectedImage(repository!, digest.ToLowerInvariant(), ProtectionReason.External)
        {
            Source = item.Properties["Source"]?.Value?.ToString() ?? item.BaseObject.GetType().Name,
        };
    }

    [GeneratedRegex("^sha256:[0-9a-fA-F]{64}$")]
    private static partial Regex DigestPattern();
}
