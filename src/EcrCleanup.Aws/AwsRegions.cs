using Amazon;

namespace EcrCleanup.Aws;

/// <summary>A region as AWSSDK.Core's endpoint data knows it.</summary>
/// <param name="Name">The system name (<c>eu-west-2</c>).</param>
/// <param name="DisplayName">What AWS calls it (<c>Europe (London)</c>).</param>
/// <param name="Partition">The partition (<c>aws</c>, <c>aws-cn</c>, <c>aws-us-gov</c>, ...).</param>
public sealed record AwsRegion(string Name, string DisplayName, string Partition);

/// <summary>The regions and partitions of AWSSDK.Core's endpoint data: what -Region completes to, with no call to AWS.</summary>
public static class AwsRegions
{
    private static readonly Lazy<IReadOnlyList<AwsRegion>> Known = new(() => RegionEndpoint.EnumerableAllRegions
        .Where(r => AwsSession.RegionPattern().IsMatch(r.SystemName)) // leaves out pseudo-regions such as us-east-1-regional
        .Select(r => new AwsRegion(r.SystemName, r.DisplayName, r.PartitionName))
        .OrderBy(r => r.Name, StringComparer.Ordinal)
        .ToArray());

    /// <summary>Every region of every partition, by name.</summary>
    public static IReadOnlyList<AwsRegion> All => Known.Value;

    /// <summary>The partition a region belongs to, by the partitions' region patterns for a region the data does not list yet.</summary>
    public static string PartitionOf(string region) =>
        All.FirstOrDefault(r => r.Name == region)?.Partition ?? RegionEndpoint.GetBySystemName(region).PartitionName;

    /// <summary>The regions of one partition, by name.</summary>
    public static IReadOnlyList<AwsRegion> InPartition(string partition) => All.Where(r => r.Partition == partition).ToArray();
}
