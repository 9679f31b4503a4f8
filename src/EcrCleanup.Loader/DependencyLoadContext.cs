using System.Reflection;
using System.Runtime.Loader;

namespace EcrCleanup.Loader;

/// <summary>
/// The module's own load context. The engine, the adapters and their dependencies (AWSSDK.Core, Octokit, ...)
/// load here from the <c>dependencies</c> folder, so another module's copy of AWSSDK.Core (AWS.Tools ships
/// its own) never meets ours. Anything not in that folder (the framework, PowerShell) comes from the default context.
/// </summary>
internal sealed class DependencyLoadContext : AssemblyLoadContext
{
    private readonly string _directory;

    public DependencyLoadContext(string directory)
        : base("EcrCleanup", isCollectible: false)
    {
        _directory = directory;
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var path = Path.Combine(_directory, assemblyName.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }
}
