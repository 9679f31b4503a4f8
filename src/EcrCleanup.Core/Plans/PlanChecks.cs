using System.Globalization;
using EcrCleanup.Model;

namespace EcrCleanup.Plans;

/// <summary>
/// What Remove-EcrCleanupCandidate checks before it applies candidates, whether decided in this session, imported from
/// a plan file or deserialized: that they can be decided again (settings, region), that their plan has not expired, and,
/// once the repository is read again, that it is in the account they were decided in.
/// </summary>
public static class PlanChecks
{
    /// <summary>Before anything is read.</summary>
    /// <param name="region">The region the command works in.</param>
    /// <exception cref="PlanException">No settings or another region (<see cref="PlanException.NotDecidable"/>; a plan file's region: <see cref="PlanException.RegionMismatch"/>), or an expired plan (<see cref="PlanException.Expired"/>).</exception>
    public static void BeforeReading(CleanupCandidate candidate, string region, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        if (candidate.Settings is null)
        {
            throw new PlanException(PlanException.NotDecidable,
                $"{candidate.Image} carries no settings to decide it again with. Run Get-EcrCleanupCandidate and pipe its output here. Nothing was deleted.");
        }

        if (candidate.Plan is { } plan && now >= plan.ExpiresAt)
        {
            throw new PlanException(PlanException.Expired, string.Create(CultureInfo.InvariantCulture,
                $"The plan '{plan.Path}' expired at {plan.ExpiresAt:u} (it was decided at {candidate.DecidedAt:u}). Make a new plan (Get-EcrCleanupCandidate | Export-EcrCleanupPlan, or Invoke-EcrCleanup -WhatIf -PlanPath), review it and apply that one. Nothing was read or deleted."));
        }

        if (!string.Equals(candidate.Settings.Region, region, StringComparison.Ordinal))
        {
            throw candidate.Plan is { } from
                ? new PlanException(PlanException.RegionMismatch, $"The plan '{from.Path}' is for region {candidate.Settings.Region}, and this command works in {region}. Pass -Region {candidate.Settings.Region}. Nothing was read or deleted.")
                : new PlanException(PlanException.NotDecidable, $"{candidate.Image} was decided in region {candidate.Settings.Region}, and this command works in {region}. Pass -Region {candidate.Settings.Region}. Nothing was deleted.");
        }
    }

    /// <summary>After the repository is read again, before anything is deleted: the repository is in the account the candidates were decided in.</summary>
    /// <param name="repository">The repository as DescribeRepositories gives it to the command's credentials.</param>
    /// <exception cref="PlanException"><see cref="PlanException.AccountMismatch"/>.</exception>
    public static void SameAccount(IEnumerable<CleanupCandidate> candidates, EcrRepository repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var other = candidates.FirstOrDefault(c => c.Image.RegistryId is { } account && !string.Equals(account, repository.RegistryId, StringComparison.Ordinal));
        if (other is null)
        {
            return;
        }

        var what = other.Plan is { } plan ? $"The plan '{plan.Path}' is" : $"{other.Image} was decided";
        throw new PlanException(PlanException.AccountMismatch,
            $"{what} for repository '{repository.Name}' in account {other.Image.RegistryId}, and this command's credentials reach '{repository.Name}' in account {repository.RegistryId}. Use credentials for account {other.Image.RegistryId} (-ProfileName, AWS_PROFILE), or decide again in account {repository.RegistryId}. Nothing was deleted.");
    }
}
