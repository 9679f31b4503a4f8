using System.Management.Automation;
using EcrCleanup.Configuration;

namespace EcrCleanup.Commands.Infrastructure;

/// <summary>The cmdlets that decide every image: the read's settings and the minimum age.</summary>
public abstract class DecisionCmdletBase : CleanupSettingsCmdletBase
{
    /// <summary>Images pushed more recently than this are kept. Default: MIN_IMAGE_AGE_HOURS, then 24.</summary>
    [Parameter]
    [ValidateRange(0.0, 87600.0)]
    public double? MinImageAgeHours { get; set; }

    protected override double? MinImageAgeHoursSetting =>
        EnvironmentDefaults.Number(MinImageAgeHours, ConfigurationDefaults.MinImageAgeHoursVariable, ConfigurationDefaults.MinImageAgeHours, 0, 87600);
}
