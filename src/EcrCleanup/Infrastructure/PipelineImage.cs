using System.Collections;
using System.Management.Automation;
using EcrCleanup.Commands.Validation;
using EcrCleanup.Restore;

namespace EcrCleanup.Commands.Infrastructure;

/// <summary>
/// An image from the pipeline, to restore: any object, live or deserialized, or hashtable, with Repository (an ECR
/// repository name) and Digest (sha256:&lt;64 hex&gt;), as the module's EcrImage, CleanupCandidate, DeletionResult,
/// ProtectedImage and RestoreResult have; or with AWS.Tools' ImageDetail names, RepositoryName and ImageDigest. Tags
/// (ImageTags) are read when there, for display. Null when it is not an image.
/// </summary>
internal static class PipelineImage
{
    public static ImageToRestore? From(PSObject item)
    {
        var repository = Text(item, "Repository") ?? Text(item, "RepositoryName");
        var digest = Text(item, "Digest") ?? Text(item, "ImageDigest");
        if (!ValidateEcrRepositoryNameAttribute.IsRepositoryName(repository) || !Model.ImageName.IsDigest(digest))
        {
            return null;
        }

        return new ImageToRestore(repository!, digest!, Texts(Value(item, "Tags") ?? Value(item, "ImageTags")));
    }

    private static object? Value(PSObject item, string name)
    {
        var value = item.BaseObject is IDictionary dictionary ? dictionary[name] : item.Properties[name]?.Value;
        return value is PSObject wrapped ? wrapped.BaseObject : value;
    }

    private static string? Text(PSObject item, string name) => Value(item, name) as string;

    private static string[] Texts(object? value) => value switch
    {
        null => [],
        string one => [one],
        IEnumerable many => many.Cast<object?>().Select(t => (t is PSObject wrapped ? wrapped.BaseObject : t)?.ToString()).OfType<string>().ToArray(),
        _ => [value.ToString() ?? string.Empty],
    };
}
