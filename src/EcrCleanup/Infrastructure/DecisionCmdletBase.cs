using System.Management.Automation;
using EcrCleanup.Configuration;
using EcrCleanup.Decisions;

namespace EcrCleanup.Commands.Infrastructure;

/// <summary>The cmdlets that decide every image: the read's settings, the minimum age, and archiving instead of deleting.</summary>
public abstract class DecisionCmdletBase : CleanupSettingsCmdletBase
{
    /// <summary>Images pushed more recently than this are kept. Default: MIN_IMAGE_AGE_HOURS, then 24.</summary>
    [Parameter]
    [ValidateRange(0.0, 87600.0)]
    public double? MinImageAgeHours { get; set; }

    /// <summary>
    /// Archive the candidates (UpdateImageStorageClass to ARCHIVE) instead of deleting them: they can be restored
    /// (Restore-EcrCleanupImage). An archived candidate is deleted once archived -DeleteArchivedAfterDays.
    /// </summary>
    [Parameter]
    public SwitchParameter Archive { get; set; }

    /// <summary>Delete an archived candidate once it has been archived this many days; kept until then. Default: 90, ECR's minimum archive charge.</summary>
    [Parameter]
    [ValidateRange(0.0, 36500.0)]
    public double DeleteArchivedAfterDays { get; set; } = CleanupPolicy.DefaultDeleteArchivedAfterDays;

    protected override CleanupPolicy Decides(CleanupPolicy policy) => policy with
    {
        MinImageAgeHours = EnvironmentDefaults.Number(MinImageAgeHours, ConfigurationDefaults.MinImageAgeHoursVariable, ConfigurationDefaults.MinImageAgeHours, 0, 87600),
        Archive = Archive,
        DeleteArchivedAfterDays = DeleteArchivedAfterDays,
    };
}
