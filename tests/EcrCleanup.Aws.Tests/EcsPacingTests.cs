using EcrCleanup.Aws.Ecs;
using EcrCleanup.Aws.Http;
using Microsoft.Extensions.Time.Testing;

namespace EcrCleanup.Aws.Tests;

/// <summary>ECS calls paced under the token bucket of their action group: a burst at once, then the refill rate.</summary>
public class EcsPacingTests
{
    [Fact]
    public void Each_group_is_paced_at_95_percent_of_the_documented_bucket()
    {
        // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html
        Assert.Equal((50, 20), (EcsClient.ClusterRead.BucketSize, EcsClient.ClusterRead.RefillPerSecond));
        Assert.Equal((100, 20), (EcsClient.ServiceRead.BucketSize, EcsClient.ServiceRead.RefillPerSecond));
        Assert.Equal((100, 20), (EcsClient.ClusterResourceRead.BucketSize, EcsClient.ClusterResourceRead.RefillPerSecond));
        Assert.Equal((50, 20), (EcsClient.TaskDefinitionRead.BucketSize, EcsClient.TaskDefinitionRead.RefillPerSecond));
        var limiter = EcsClient.ServiceRead.CreateLimiter(TimeProvider.System);
        Assert.Equal((95, 19), (limiter.Burst, limiter.PerSecond));
    }

    [Fact]
    public async Task A_bucket_with_a_burst_lets_the_burst_through_then_the_refill_rate()
    {
        var time = new FakeTimeProvider();
        var limiter = new RequestRateLimiter(19, time, burst: 47.5);
        var turns = Enumerable.Range(0, 200).Select(_ => limiter.WaitAsync(CancellationToken.None)).ToArray();

        await Turns.AssertOnlyTheseCompleteAsync(turns, 47);
        time.Advance(TimeSpan.FromSeconds(1));
        await Turns.AssertOnlyTheseCompleteAsync(turns, 47 + 19);
        time.Advance(TimeSpan.FromSeconds(5));
        await Turns.AssertOnlyTheseCompleteAsync(turns, 47 + (6 * 19));
    }

    [Fact]
    public async Task An_idle_bucket_with_a_burst_refills_to_the_burst_and_no_more()
    {
        var time = new FakeTimeProvider();
        var limiter = new RequestRateLimiter(19, time, burst: 47.5);
        var drained = Enumerable.Range(0, 47).Select(_ => limiter.WaitAsync(CancellationToken.None)).ToArray();
        await Turns.AssertOnlyTheseCompleteAsync(drained, 47);

        time.Advance(TimeSpan.FromMinutes(1));
        var turns = Enumerable.Range(0, 60).Select(_ => limiter.WaitAsync(CancellationToken.None)).ToArray();

        await Turns.AssertOnlyTheseCompleteAsync(turns, 47);
    }

    [Fact]
    public void A_burst_is_at_least_one_call() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new RequestRateLimiter(19, TimeProvider.System, burst: 0.5));

    [Fact]
    public async Task The_client_sends_a_groups_burst_at_once_then_its_refill_rate_and_other_groups_are_not_held()
    {
        var time = new FakeTimeProvider();
        var http = new CannedAws(request => CannedReply.Ok(request.Target!.EndsWith("ListClusters", StringComparison.Ordinal)
            ? """{"clusterArns":[]}"""
            : """{"taskDefinition":{"taskDefinitionArn":"arn:td/api:1","family":"api","revision":1,"status":"ACTIVE","containerDefinitions":[]}}"""));
        var ecs = http.Factory(time).CreateEcs();

        // Task definition read actions: a bucket of 50 refilled at 20 a second, paced at 47.5 and 19.
        var reads = Enumerable.Range(0, 120).Select(_ => ecs.DescribeTaskDefinitionAsync("api:1", CancellationToken.None)).ToArray();
        await Turns.AssertOnlyTheseCompleteAsync(reads, 47);
        Assert.Equal(47, http.Requests.Count);

        // Cluster read actions have a bucket of their own.
        await ecs.ListClustersAsync(CancellationToken.None).ToListAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        time.Advance(TimeSpan.FromSeconds(1));
        await Turns.AssertOnlyTheseCompleteAsync(reads, 47 + 19);
        Assert.Equal(47 + 19 + 1, http.Requests.Count);
    }
}
