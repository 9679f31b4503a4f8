using System.Management.Automation;
using EcrCleanup.Commands.Infrastructure;
using EcrCleanup.Model;

namespace EcrCleanup.Commands;

/// <summary>
/// <para type="synopsis">Lists every image of an ECR repository that something runs or may need to run again, with why.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ProtectedImage")]
[OutputType(typeof(ProtectedImage))]
public sealed class GetProtectedImageCommand : ProtectionCmdletBase
{
    protected override async Task ProcessRecordAsync()
    {
        var result = await ReadProtectionAsync().ConfigureAwait(false);
        foreach (var warning in result.Warnings)
        {
            Warn(warning);
        }

        Verbose($"{result.Protected.Count} protections for {result.Protected.Select(p => p.Digest).Distinct(StringComparer.Ordinal).Count()} of {result.Images.Count} images; {result.StackCount} stacks and {result.FunctionCount} functions read; calls: {string.Join(", ", Calls.Calls.Select(c => $"{c.Key}={c.Value}"))}");
        foreach (var protection in result.Protected)
        {
            Emit(protection with { Run = result });
        }
    }
}
