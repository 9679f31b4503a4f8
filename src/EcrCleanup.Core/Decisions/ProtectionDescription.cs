using System.Globalization;
using EcrCleanup.Model;

namespace EcrCleanup.Decisions;

/// <summary>A protection in words, as the reason of a kept image: <c>Deployed: HelpmatonProduction / ApiFunction ($LATEST)</c>.</summary>
public static class ProtectionDescription
{
    public static string Describe(ProtectedImage protection)
    {
        ArgumentNullException.ThrowIfNull(protection);
        var qualifier = string.IsNullOrEmpty(protection.Qualifier) ? string.Empty : $" ({protection.Qualifier})";
        switch (protection.Reason)
        {
            case ProtectionReason.Deployed:
                var where = string.Join(" / ", new[] { protection.StackName, protection.FunctionName ?? protection.Workload }.Where(s => !string.IsNullOrEmpty(s)));
                return where.Length == 0 ? "Deployed" + qualifier : $"Deployed: {where}{qualifier}";
            case ProtectionReason.DeployedOutsideStacks:
                return (protection.FunctionName ?? protection.Workload) is { Length: > 0 } runner
                    ? $"Deployed outside the watched stacks: {runner}{qualifier}"
                    : "Deployed outside the watched stacks";
            case ProtectionReason.OpenPullRequest:
                return protection.PullRequestNumber is { } number
                    ? string.Create(CultureInfo.InvariantCulture, $"Open pull request #{number}")
                    : "Open pull request";
            case ProtectionReason.ProductionRetention:
                var rank = protection.ProductionRank is { } r ? string.Create(CultureInfo.InvariantCulture, $" #{r}") : string.Empty;
                if (protection.Workload is { } workload)
                {
                    return $"Production rollback: {string.Join(" / ", new[] { protection.StackName, workload }.Where(s => !string.IsNullOrEmpty(s)))}";
                }

                return string.IsNullOrEmpty(protection.CommitSha)
                    ? $"Production build{rank} kept for rollback"
                    : $"Production build{rank} kept for rollback ({Abbreviate(protection.CommitSha)})";
            case ProtectionReason.IndexChild:
                return $"Child of protected image index {ShortDigest(protection.ParentDigest)}";
            case ProtectionReason.Referrer:
                return $"Referrer of protected image {ShortDigest(protection.ParentDigest)}";
            case ProtectionReason.External:
            default:
                return string.IsNullOrWhiteSpace(protection.Source) ? "Protected from outside the module" : protection.Source;
        }
    }

    /// <summary><c>sha256:0123456789ab…</c>, as <see cref="ImageName"/> shortens digests.</summary>
    internal static string ShortDigest(string? digest) =>
        digest is null ? "<unknown>" : digest.Length > 19 ? digest[..19] + "…" : digest;

    private static string Abbreviate(string sha) => sha.Length > 12 ? sha[..12] : sha;
}
