using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace EcrCleanup.Loader;

/// <summary>
/// Runs when the module is imported, as its nested module, before the cmdlet assembly: the cmdlet assembly
/// sits in PowerShell's default load context and asks for its two own assemblies (EcrCleanup.Core,
/// EcrCleanup.Aws) by name; this hands them out from <see cref="DependencyLoadContext"/>, and everything they
/// reference follows them there. The cmdlets therefore never name a dependency's type (STYLE.md, practice 8).
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static readonly HashSet<string> OwnAssemblies = new(StringComparer.Ordinal) { "EcrCleanup.Core", "EcrCleanup.Aws" };

    private static readonly DependencyLoadContext Context = new(Path.Combine(
        Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!, "dependencies"));

    private static int _registered;

    public void OnImport()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0)
        {
            AssemblyLoadContext.Default.Resolving += Resolve;
        }
    }

    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        if (Interlocked.Exchange(ref _registered, 0) == 1)
        {
            AssemblyLoadContext.Default.Resolving -= Resolve;
        }
    }

    private static Assembly? Resolve(AssemblyLoadContext defaultContext, AssemblyName assemblyName) =>
        assemblyName.Name is { } name && OwnAssemblies.Contains(name) ? Context.LoadFromAssemblyName(assemblyName) : null;
}
