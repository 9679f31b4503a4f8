using System.Management.Automation;

namespace EcrCleanup.Commands.Infrastructure;

/// <summary>
/// Runs when the module is imported: the type data of a candidate, which a types file would hold. Export-Clixml goes
/// two levels into an object unless its type says otherwise, and a candidate's policy is three levels down (candidate,
/// Settings, Policy): without this, Get-EcrCleanupCandidate | Export-Clixml would keep the policy as text only, and
/// Import-Clixml | Remove-EcrCleanupCandidate could not decide the candidates again.
/// </summary>
public sealed class CandidateTypeData : IModuleAssemblyInitializer
{
    public void OnImport()
    {
        using var shell = PowerShell.Create(RunspaceMode.CurrentRunspace);
        shell.AddCommand(@"Microsoft.PowerShell.Utility\Update-TypeData")
            .AddParameter("TypeName", PipelineCandidate.TypeName)
            .AddParameter("SerializationDepth", PipelineCandidate.SerializationDepth)
            .AddParameter("Force");
        try
        {
            shell.Invoke();
        }
        catch (CommandNotFoundException)
        {
            // A host without Microsoft.PowerShell.Utility: the module works all the same, and a deserialized candidate
            // that lost its policy is refused with a message that asks for Export-Clixml -Depth 3.
        }
    }
}
