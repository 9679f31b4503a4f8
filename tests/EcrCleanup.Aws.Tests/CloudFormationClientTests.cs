using EcrCleanup.Abstractions;
using EcrCleanup.Diagnostics;
using EcrCleanup.Sandbox;

namespace EcrCleanup.Aws.Tests;

/// <summary>The CloudFormation client against the sandbox hosted in this process.</summary>
public class CloudFormationClientTests
{
    [Fact]
    public async Task Lists_every_stack_but_deleted_ones_across_pages()
    {
        var stacks = Enumerable.Range(1, 240).Select(i => new ScenarioStack { Name = $"Stack{i:000}", Status = i % 10 == 0 ? "DELETE_COMPLETE" : "UPDATE_COMPLETE" }).ToList();
        stacks.Add(new ScenarioStack { Name = "Parent", Status = "UPDATE_ROLLBACK_COMPLETE", Resources = [new() { LogicalId = "Child", Type = "AWS::CloudFormation::Stack", PhysicalId = "Parent-Child-1A" }] });
        stacks.Add(new ScenarioStack { Name = "Parent-Child-1A", Status = "UPDATE_IN_PROGRESS" });
        await using var sandbox = await SandboxHost.StartAsync(new Scenario { Repositories = [], Stacks = stacks });

        var listed = await SandboxClients.For(sandbox, new()).CreateCloudFormation().ListStacksAsync(CancellationToken.None).ToListAsync();

        Assert.Equal(216 + 2, listed.Count);
        Assert.DoesNotContain(listed, s => s.Status == "DELETE_COMPLETE");
        Assert.Equal(listed.Count, listed.Select(s => s.StackId).Distinct().Count());
        Assert.True(sandbox.CallCount("cloudformation:ListStacks") > 1, "the listing should take more than one page");
        var parent = Assert.Single(listed, s => s.StackName == "Parent");
        var child = Assert.Single(listed, s => s.StackName == "Parent-Child-1A");
        Assert.True(child.IsNested);
        Assert.True(child.IsInProgress);
        Assert.Equal(parent.StackId, child.ParentId);
        Assert.Equal(parent.StackId, child.RootId);
        Assert.StartsWith("arn:aws:cloudformation:eu-west-2:123456789012:stack/Parent/", parent.StackId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lists_every_resource_of_a_stack_across_pages()
    {
        var resources = Enumerable.Range(1, 250).Select(i => new ScenarioStackResource { LogicalId = $"Table{i}", Type = "AWS::DynamoDB::Table", PhysicalId = $"Big-Table{i}-X" }).ToList();
        resources.Add(new() { LogicalId = "ApiFunction", Type = "AWS::Lambda::Function", PhysicalId = "Big-ApiFunction-1A2B" });
        await using var sandbox = await SandboxHost.StartAsync(new Scenario { Repositories = [], Stacks = [new() { Name = "Big", Status = "CREATE_COMPLETE", Resources = resources }] });

        var listed = await SandboxClients.For(sandbox, new()).CreateCloudFormation().ListStackResourcesAsync("Big", CancellationToken.None).ToListAsync();

        Assert.Equal(251, listed.Count);
        Assert.Equal(listed.Count, listed.Select(r => r.LogicalId).Distinct().Count());
        Assert.Contains(new CloudFormationResource("ApiFunction", "Big-ApiFunction-1A2B", "AWS::Lambda::Function", "CREATE_COMPLETE"), listed);
        Assert.True(sandbox.CallCount("cloudformation:ListStackResources") > 1, "the listing should take more than one page");
    }

    [Fact]
    public async Task Describes_a_stack_by_name_and_a_missing_one_as_null()
    {
        await using var sandbox = await SandboxHost.StartAsync(new Scenario { Repositories = [], Stacks = [new() { Name = "HelpmatonProduction", Status = "UPDATE_COMPLETE" }] });
        var client = SandboxClients.For(sandbox, new()).CreateCloudFormation();

        var stack = await client.DescribeStackAsync("HelpmatonProduction", CancellationToken.None);
        var missing = await client.DescribeStackAsync("NoSuchStack", CancellationToken.None);

        Assert.NotNull(stack);
        Assert.Equal("HelpmatonProduction", stack.StackName);
        Assert.Equal("UPDATE_COMPLETE", stack.Status);
        Assert.False(stack.IsNested);
        Assert.Null(missing);
    }

    [Fact]
    public async Task Throttling_is_retried_to_the_same_answer()
    {
        var resources = Enumerable.Range(1, 120).Select(i => new ScenarioStackResource { LogicalId = $"Queue{i}", Type = "AWS::SQS::Queue", PhysicalId = $"q{i}" }).ToList();
        var scenario = new Scenario { Repositories = [], Stacks = [new() { Name = "PR12", Status = "CREATE_COMPLETE", Resources = resources }] };
        await using var sandbox = await SandboxHost.StartAsync(scenario);
        var expected = await SandboxClients.For(sandbox, new()).CreateCloudFormation().ListStackResourcesAsync("PR12", CancellationToken.None).ToListAsync();
        sandbox.AddFaults(new ScenarioFault { Service = "cloudformation", Operation = "ListStackResources", Match = "PR12", Error = "Throttling", Times = 2 });
        var recorder = new ServiceCallRecorder();

        var listed = await SandboxClients.For(sandbox, recorder).CreateCloudFormation().ListStackResourcesAsync("PR12", CancellationToken.None).ToListAsync();

        Assert.Equal(expected, listed);
        Assert.Equal(2, recorder.Retries["CloudFormation:ListStackResources"]);
    }

    [Fact]
    public async Task Other_errors_fail_naming_the_operation_stack_and_code()
    {
        var scenario = new Scenario
        {
            Repositories = [],
            Stacks = [new() { Name = "Locked", Status = "CREATE_COMPLETE" }],
            Faults = [new() { Service = "cloudformation", Operation = "DescribeStacks", Match = "Locked", Error = "AccessDenied", Times = -1 }],
        };
        await using var sandbox = await SandboxHost.StartAsync(scenario);

        var e = await Assert.ThrowsAsync<ServiceException>(() => SandboxClients.For(sandbox, new()).CreateCloudFormation().DescribeStackAsync("Locked", CancellationToken.None));

        Assert.Equal(("CloudFormation", "DescribeStacks", "Locked", "AccessDenied"), (e.Service, e.Operation, e.Resource, e.ErrorCode));
        Assert.Equal(1, sandbox.CallCount("cloudformation:DescribeStacks"));
    }

    [Fact]
    public async Task A_burst_into_a_throttling_account_completes_in_adaptive_mode_where_standard_mode_gives_up()
    {
        // CloudFormation documents no rate: the client is not paced until the account throttles it, then slows down.
        var scenario = new Scenario
        {
            Repositories = [],
            Stacks = Enumerable.Range(1, 30).Select(i => new ScenarioStack { Name = $"PR{i}", Status = "CREATE_COMPLETE" }).ToList(),
            RateLimits = new() { ["cloudformation:*"] = 10 },
        };
        await using var sandbox = await SandboxHost.StartAsync(scenario);
        Task ReadAll(ICloudFormationClient client) =>
            Task.WhenAll(Enumerable.Range(1, 30).Select(i => client.ListStackResourcesAsync($"PR{i}", CancellationToken.None).ToListAsync().AsTask()));

        var adaptive = new ServiceCallRecorder();
        await ReadAll(SandboxClients.For(sandbox, adaptive).CreateCloudFormation());

        Assert.NotEmpty(adaptive.Retries); // it was throttled, and every call still got through
        Assert.InRange(adaptive.Retries.Count, 1, 30);
        await using var fresh = await SandboxHost.StartAsync(scenario);
        var standard = await Assert.ThrowsAsync<ServiceException>(() => ReadAll(SandboxClients.For(fresh, new(), retryMode: "standard").CreateCloudFormation()));
        Assert.Equal("Throttling", standard.ErrorCode);
    }

    [Fact]
    public async Task In_adaptive_mode_a_throttle_of_a_call_sent_before_the_client_slowed_down_costs_no_attempt()
    {
        // Two calls in flight together are both throttled: the first answer slows the client down and is that call's
        // attempt; the second belongs to the rate already abandoned, so with a single attempt allowed it is asked again.
        var scenario = new Scenario
        {
            Repositories = [],
            LatencyMs = 100,
            Stacks = [new() { Name = "PR1", Status = "CREATE_COMPLETE" }, new() { Name = "PR2", Status = "CREATE_COMPLETE" }],
            Faults = [new() { Service = "cloudformation", Operation = "ListStackResources", Match = "PR", Error = "Throttling", Times = 2 }],
        };
        await using var sandbox = await SandboxHost.StartAsync(scenario);
        var client = SandboxClients.For(sandbox, new(), maxAttempts: "1").CreateCloudFormation();

        var reads = new[] { "PR1", "PR2" }.Select(name => client.ListStackResourcesAsync(name, CancellationToken.None).ToListAsync().AsTask()).ToArray();
        await Task.WhenAll(reads).ContinueWith(_ => { }, TaskScheduler.Default);

        Assert.Equal(1, reads.Count(r => r.IsFaulted));
        Assert.Equal(1, reads.Count(r => r.IsCompletedSuccessfully));
        Assert.Equal(3, sandbox.CallCount("cloudformation:ListStackResources"));
    }
}
