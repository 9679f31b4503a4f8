using System.Globalization;
using System.Management.Automation;
using EcrCleanup.Plans;

namespace EcrCleanup.Commands.Validation;

/// <summary>Accepts how long a plan stays valid: more than zero, at most a year (<see cref="CleanupPlan.IsValidFor"/>).</summary>
public sealed class ValidatePlanValidForAttribute : ValidateArgumentsAttribute
{
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        if (arguments is not TimeSpan validFor || !CleanupPlan.IsValidFor(validFor))
        {
            throw new ValidationMetadataException(string.Create(CultureInfo.InvariantCulture,
                $"A plan is valid for more than zero and at most {CleanupPlan.MaxValidFor.TotalDays} days; got {arguments}. For example 7.00:00:00 (7 days), 12:00:00 (12 hours) or (New-TimeSpan -Days 2)."));
        }
    }
}
