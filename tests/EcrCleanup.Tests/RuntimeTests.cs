using System.Management.Automation;

namespace EcrCleanup.Tests;

public class RuntimeTests
{
    /// <summary>The cmdlets compile against PowerShellStandard.Library's reference assembly; the tests must run on PowerShell's own.</summary>
    [Fact]
    public void The_tests_run_on_the_PowerShell_SDKs_System_Management_Automation()
    {
        var assembly = typeof(PSObject).Assembly;

        Assert.True(assembly.GetName().Version!.Major >= 7, $"System.Management.Automation {assembly.GetName().Version} from {assembly.Location}");
        Assert.Equal(AppContext.BaseDirectory, Path.GetFullPath(Path.Combine(Path.GetDirectoryName(assembly.Location)!, "../../../..")) + Path.DirectorySeparatorChar);
    }
}
