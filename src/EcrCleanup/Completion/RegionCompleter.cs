using System.Collections;
using System.Management.Automation;
using EcrCleanup.Aws;
using EcrCleanup.Configuration;

namespace EcrCleanup.Commands.Completion;

/// <summary>
/// Completes -Region with the regions of the partition the command would use (AWS_REGION, AWS_DEFAULT_REGION or the
/// profile's region, else the default), from AWSSDK.Core's endpoint data: no call to AWS. What was typed that matches
/// no region of that partition is looked up in every partition (<c>cn-</c>, <c>us-gov-</c>).
/// </summary>
internal sealed class RegionCompleter : SafeCompleter
{
    protected override IEnumerable<CompletionResult> Complete(string wordToComplete, IDictionary? fakeBoundParameters)
    {
        string? region = null;
        if (AccountLookup.TryText(fakeBoundParameters, "ProfileName", out var profile))
        {
            try
            {
                region = AwsSession.ConfiguredRegion(null, profile);
            }
            catch (AwsConfigurationException)
            {
                // A profile that does not exist or a region setting that is not one: the default partition.
            }
        }

        var partition = AwsRegions.PartitionOf(region ?? ConfigurationDefaults.Region);
        var inPartition = CompletionText.Complete(AwsRegions.InPartition(partition).Select(Candidate), wordToComplete).ToArray();
        return inPartition.Length > 0 ? inPartition : CompletionText.Complete(AwsRegions.All.Select(Candidate), wordToComplete);
    }

    private static CompletionCandidate Candidate(AwsRegion region) => new(region.Name, $"{region.DisplayName} ({region.Partition})");
}
