using System.Management.Automation;

namespace EcrCleanup.Commands.Validation;

/// <summary>Accepts how long to wait for restored images to be active: more than zero, at most a day.</summary>
public sealed class ValidateRestoreTimeoutAttribute : ValidateArgumentsAttribute
{
    private static readonly TimeSpan Longest = TimeSpan.FromDays(1);

    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        if (arguments is not TimeSpan timeout || timeout <= TimeSpan.Zero || timeout > Longest)
        {
            throw new ValidationMetadataException(
                $"The wait for restored images is more than zero and at most a day; got {arguments}. AWS expects a restore to take up to 20 minutes: for example 00:30:00 (30 minutes) or (New-TimeSpan -Hours 1).");
        }
    }
}
