using System.Management.Automation;
using EcrCleanup.Commands.Infrastructure;
using EcrCleanup.Model;

namespace EcrCleanup.Commands;

/// <summary>
/// <para type="synopsis">Lists every image of one or more ECR repositories that something runs or may need to run again, with why.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ProtectedImage")]
[OutputType(typeof(ProtectedImage))]
public sealed class GetProtectedImageCommand : CleanupSettingsCmdletBase
{
    protected override async Task EndProcessingAsync()
    {
        var said = new HashSet<string>(StringComparer.Ordinal);
        foreach (var decisions in await DecideAsync().ConfigureAwait(false))
        {
            foreach (var warning in decisions.Warnings.Where(said.Add))
            {
                Warn(warning);
            }

            var protections = decisions.Protected.ToList();
            var evidence = decisions.Evidence;
            Verbose($"{evidence.Repository.Name}: {protections.Count} protections for {protections.Select(p => p.Digest).Distinct(StringComparer.Ordinal).Count()} of {evidence.Images.Count} images; {evidence.StackCount} stacks and {evidence.FunctionCount} functions read; calls: {string.Join(", ", Calls.Calls.Select(c => $"{c.Key}={c.Value}"))}");
            foreach (var protection in protections)
            {
                Emit(protection);
            }
        }
    }
}
