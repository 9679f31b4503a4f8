using System.Collections;
using System.Management.Automation;
using EcrCleanup.Aws;

namespace EcrCleanup.Commands.Completion;

/// <summary>
/// Completes -ProfileName with the profiles of the shared config and credentials files (AWS_CONFIG_FILE,
/// AWS_SHARED_CREDENTIALS_FILE), or of the file a -ProfileLocation on the line names. Read afresh each time: the
/// files are local and small, and an edit shows at once.
/// </summary>
internal sealed class ProfileNameCompleter : SafeCompleter
{
    protected override IEnumerable<CompletionResult> Complete(string wordToComplete, IDictionary? fakeBoundParameters)
    {
        if (!AccountLookup.TryText(fakeBoundParameters, "ProfileLocation", out var location))
        {
            return [];
        }

        return CompletionText.Complete(AwsProfiles.ListNames(location).Select(name => new CompletionCandidate(name, $"AWS profile '{name}'")), wordToComplete);
    }
}
