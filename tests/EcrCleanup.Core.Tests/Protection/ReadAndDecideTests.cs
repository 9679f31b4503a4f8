using EcrCleanup.Abstractions;
using EcrCleanup.Configuration;
using EcrCleanup.Decisions;
using EcrCleanup.Diagnostics;
using EcrCleanup.Model;
using EcrCleanup.Reading;
using static EcrCleanup.Core.Tests.Protection.ProtectionWorld;

namespace EcrCleanup.Core.Tests.Protection;

/// <summary>The read against fake services, then the decisions: what is protected, and what the read asks for.</summary>
public class ReadAndDecideTests
{
    private readonly ProtectionWorld world = new();
    private readonly string production;
    private readonly EcrImage live;

    public ReadAndDecideTests()
    {
        production = world.AddStack("HelpmatonProduction");
        live = world.AddImage("live", 30, "lancedb-" + Sha("c0")[..7]);
        world.AddFunction(production, "prod-api", live);
        world.BranchCommits.Add(Sha("c0")); // a production history: what production runs
    }

    [Fact]
    public async Task Starts_every_source_at_once()
    {
        // ECR answers only once CloudFormation, Lambda and GitHub have been asked: read one after another, it never would.
        world.WaitFor["ECR:DescribeImages"] = ["CloudFormation:DescribeStacks", "Lambda:ListFunctions", "GitHub:ListPullRequests"];

        var result = await Run();

        Assert.Contains(For(result, live), p => p.Reason == ProtectionReason.Deployed);
    }

    [Fact]
    public async Task Within_a_source_asks_at_once_what_does_not_depend_on_another_answer()
    {
        // The repository is described while its images are listed; the production stack while the stacks are listed.
        world.WaitFor["ECR:DescribeRepositories"] = ["ECR:DescribeImages"];
        world.WaitFor["CloudFormation:DescribeStacks"] = ["CloudFormation:ListStacks"];

        var result = await Run();

        Assert.Contains(For(result, live), p => p.Reason == ProtectionReason.Deployed);
    }

    [Fact]
    public async Task Asks_for_the_first_page_of_production_history_with_the_sources_when_more_than_one_build_is_kept()
    {
        // Retention 3: builds #2 and #3 come from the history, whatever the sources say; ECR answers only once it is asked.
        world.WaitFor["ECR:DescribeImages"] = ["GitHub:ListDeployments"];

        var result = await Run();

        Assert.Contains(For(result, live), p => p.Reason == ProtectionReason.Deployed);
    }

    [Fact]
    public async Task Keeping_one_build_reads_no_production_history()
    {
        await Run(Settings with { Policy = new CleanupPolicy { ProductionRetentionCount = 1 } });

        Assert.False(world.Calls.ContainsKey("GitHub:ListDeployments") || world.Calls.ContainsKey("GitHub:ListCommits")); // build #1 is what production runs
    }

    [Fact]
    public async Task A_source_that_fails_stops_the_others_and_is_the_one_named()
    {
        world.WaitFor["ECR:DescribeImages"] = ["GitHub:ListPullRequests"];
        world.Failing.Add("GitHub:ListPullRequests");

        var e = await Assert.ThrowsAsync<ProtectionException>(() => Run());

        Assert.Equal("GitHub", e.Source);
    }

    [Fact]
    public async Task Stops_when_github_gives_no_production_history_naming_the_settings()
    {
        world.BranchCommits.Clear();

        var e = await Assert.ThrowsAsync<ProtectionException>(() => Run(Settings with { HistorySource = ProductionHistorySource.Deployments, ProductionEnvironment = "prodution" }));

        Assert.Equal(ProtectionException.ProductionHistoryEmpty, e.ErrorId);
        Assert.Contains("no deployments to environment 'prodution'; the repository deploys to no environment", e.Message, StringComparison.Ordinal);
        Assert.Contains("-ProductionEnvironment", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Names_the_environments_that_exist_when_the_one_given_has_no_deployments()
    {
        world.Deployments.Add(new GitHubDeployment(1, Sha("c0"), "production", DateTimeOffset.UtcNow));
        world.Deployments.Add(new GitHubDeployment(2, Sha("s1"), "staging", DateTimeOffset.UtcNow));

        var stop = await Assert.ThrowsAsync<ProtectionException>(() => Run(Settings with { HistorySource = ProductionHistorySource.Deployments, ProductionEnvironment = "prodution" }));
        var fallback = await Run(Settings with { ProductionEnvironment = "prodution" }); // Auto: falls back to the default branch, and says why

        Assert.Contains("the repository deploys to production, staging", stop.Message, StringComparison.Ordinal);
        Assert.Equal(ProductionHistorySource.Commits, fallback.Evidence.ProductionHistorySource);
        Assert.Contains(fallback.Warnings, w => w.Contains("No deployments to GitHub environment 'prodution'", StringComparison.Ordinal) && w.Contains("production, staging", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stops_when_the_production_deployments_never_name_what_production_runs()
    {
        world.Deployments.AddRange(new[] { "other1", "other2" }.Select((c, i) => new GitHubDeployment(10 - i, Sha(c), "production", DateTimeOffset.UtcNow.AddHours(-i))));

        var e = await Assert.ThrowsAsync<ProtectionException>(() => Run());

        Assert.Equal(ProtectionException.ProductionHistoryMismatch, e.ErrorId);
        Assert.Contains(Sha("c0")[..7], e.Message, StringComparison.Ordinal);
        Assert.Contains("-ProductionEnvironment", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_retention_no_history_is_needed()
    {
        world.BranchCommits.Clear();

        var result = await Run(Settings with { Policy = new CleanupPolicy { ProductionRetentionCount = 0 } });

        Assert.Empty(result.Evidence.ProductionHistory!);
        Assert.DoesNotContain(world.Calls.Keys, k => k is "GitHub:ListDeployments" or "GitHub:ListCommits");
    }

    [Fact]
    public async Task Keeps_what_the_listing_says_a_function_runs_when_GetFunction_then_says_it_does_not_exist()
    {
        var hotfix = world.AddImage("hotfix", 200, "lancedb-" + Sha("hotfix")[..7]);
        world.AddLooseFunction("vanishing", hotfix);
        world.Latest.Remove("vanishing"); // GetFunction: ResourceNotFoundException

        var result = await Run();

        Assert.Contains(For(result, hotfix), p => p.Reason == ProtectionReason.DeployedOutsideStacks && p.FunctionName == "vanishing");
        Assert.Contains(result.Warnings, w => w.Contains("'vanishing'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stops_when_the_listing_leaves_out_a_function_a_stack_names_and_GetFunction_finds()
    {
        var worker = world.AddImage("worker", 50, "lancedb-" + Sha("w")[..7]);
        world.AddFunction(production, "prod-worker", worker);
        world.Versions.RemoveAll(v => v.FunctionName == "prod-worker"); // ListFunctions leaves it out, every time

        var e = await Assert.ThrowsAsync<ProtectionException>(() => Run());

        Assert.Equal("Lambda", e.Source);
        Assert.Contains("'prod-worker'", e.Message, StringComparison.Ordinal);
        Assert.Equal(2, world.Calls["Lambda:ListFunctions"]); // read again before giving up
    }

    private CleanupSettings Settings => new(Repo, Region) { Policy = new CleanupPolicy { ProductionRetentionCount = 3 } };

    private Task<CleanupDecisions> Run(CleanupSettings? settings = null, bool github = true, bool ecs = true) =>
        new CleanupRun(settings ?? Settings, Services(github, ecs), TimeProvider.System).DecideAsync(null, CancellationToken.None);

    private CleanupServices Services(bool github = true, bool ecs = true) =>
        new(world, world, world, ecs ? world : null, world, world, github ? world : null, new ServiceCallRecorder());

    private static ProtectedImage[] For(CleanupDecisions result, EcrImage image) => result.Protected.Where(p => p.Digest == image.Digest).ToArray();

    [Fact]
    public async Task Protects_what_production_latest_runs_by_digest_and_by_the_tag_it_names()
    {
        var moved = world.AddImage("tag moved here", 10, "lancedb-moved00");
        world.AddFunction(production, "prod-worker", live, tag: "lancedb-moved00", logicalId: "Worker");

        var result = await Run();

        var deployed = Assert.Single(For(result, live), p => p.Reason == ProtectionReason.Deployed && p.FunctionName == "prod-api");
        Assert.Equal(DeploymentEnvironment.Production, deployed.Environment);
        Assert.Equal("HelpmatonProduction", deployed.StackName);
        Assert.Equal("$LATEST", deployed.Qualifier);
        Assert.Contains(For(result, moved), p => p.Reason == ProtectionReason.Deployed && p.FunctionName == "prod-worker");
    }

    [Fact]
    public async Task In_a_repository_with_immutable_tags_the_listing_alone_protects_what_every_latest_runs()
    {
        world.TagMutability = "IMMUTABLE";
        var worker = world.AddImage("worker", 40, "lancedb-" + Sha("w1")[..7]);
        world.AddFunction(production, "prod-worker", worker, logicalId: "Worker");
        world.AddLooseFunction("by-hand", worker);

        var result = await Run();

        Assert.Contains(For(result, live), p => p.Reason == ProtectionReason.Deployed && p.FunctionName == "prod-api" && p.Qualifier == "$LATEST");
        Assert.Contains(For(result, worker), p => p.Reason == ProtectionReason.Deployed && p.FunctionName == "prod-worker");
        Assert.Contains(For(result, worker), p => p.Reason == ProtectionReason.DeployedOutsideStacks && p.FunctionName == "by-hand");
        Assert.False(world.Calls.ContainsKey("Lambda:GetFunction")); // a tag cannot move: the digest settles what each names
    }

    [Fact]
    public async Task In_a_repository_with_mutable_tags_asks_each_latest_for_the_tag_it_names()
    {
        world.AddFunction(production, "prod-worker", live, logicalId: "Worker");

        await Run();

        Assert.Equal(2, world.Calls["Lambda:GetFunction"]); // the tag may have moved since it was deployed
    }

    [Fact]
    public async Task Even_with_immutable_tags_asks_a_latest_whose_image_lost_its_tags_and_protects_where_the_tag_went()
    {
        // The tag was removed from the image the function runs and pushed again onto another image.
        world.TagMutability = "IMMUTABLE";
        var untagged = world.AddImage("untagged", 40);
        var retagged = world.AddImage("retagged", 10, "lancedb-" + Sha("r1")[..7]);
        world.AddFunction(production, "prod-worker", untagged, tag: retagged.Tags[0], logicalId: "Worker");

        var result = await Run();

        Assert.Contains(For(result, untagged), p => p.Reason == ProtectionReason.Deployed && p.FunctionName == "prod-worker");
        Assert.Contains(For(result, retagged), p => p.Reason == ProtectionReason.Deployed && p.FunctionName == "prod-worker");
        Assert.Equal(1, world.Calls["Lambda:GetFunction"]); // prod-worker only: prod-api's image keeps its tag
    }

    [Fact]
    public async Task Even_with_immutable_tags_asks_a_latest_whose_digest_is_no_image_of_the_repository()
    {
        world.TagMutability = "IMMUTABLE";
        var named = world.AddImage("named", 10, "lancedb-" + Sha("n1")[..7]);
        world.AddLooseFunction("other", null, tag: named.Tags[0]); // runs an image that is not here, names one that is

        var result = await Run();

        Assert.Contains(For(result, named), p => p.Reason == ProtectionReason.DeployedOutsideStacks && p.FunctionName == "other");
        Assert.Equal(1, world.Calls["Lambda:GetFunction"]);
    }

    [Fact]
    public async Task Protects_every_published_version_from_the_listing_alone()
    {
        var v6 = world.AddImage("v6", 300);
        var v7 = world.AddImage("v7", 200);
        world.AddPublishedVersion("prod-api", "6", v6);
        world.AddPublishedVersion("prod-api", "7", v7);

        var result = await Run();

        Assert.Contains(For(result, v6), p => p.Reason == ProtectionReason.Deployed && p.Qualifier == "6");
        Assert.Contains(For(result, v7), p => p.Reason == ProtectionReason.Deployed && p.Qualifier == "7");
        Assert.Equal(1, world.Calls["Lambda:GetFunction"]); // $LATEST only: versions and aliases cost no call
    }

    [Fact]
    public async Task Asks_for_a_published_version_whose_listed_digest_is_no_image_of_the_repository()
    {
        var v3 = world.AddImage("v3", 400, "lancedb-" + Sha("v3")[..7]);
        world.Versions.Add(new LambdaFunctionVersion("prod-api", "3", "Image", new string('9', 64))); // a CodeSha256 that names nothing here
        world.Published["prod-api:3"] = new LambdaFunctionCode("prod-api", "3", "Image", Uri(v3.Tags[0]), Uri(v3.Digest), new string('9', 64));

        var result = await Run();

        Assert.Contains(For(result, v3), p => p.Reason == ProtectionReason.Deployed && p.Qualifier == "3");
        Assert.Equal(2, world.Calls["Lambda:GetFunction"]); // $LATEST, then version 3 only
    }

    [Fact]
    public async Task Protects_functions_of_nested_stacks_under_their_root_and_reads_each_stack_once()
    {
        var nested = world.AddStack("HelpmatonProduction-Workers-9Z", parentId: production);
        world.AddNestedStack(production, nested);
        world.AddNestedStack(production, nested); // named twice: still read once
        var worker = world.AddImage("worker", 50, "worker-" + Sha("w")[..7]);
        world.AddFunction(nested, "prod-nested-worker", worker);

        var result = await Run();

        var protection = Assert.Single(For(result, worker), p => p.Reason == ProtectionReason.Deployed);
        Assert.Equal("HelpmatonProduction", protection.StackName);
        Assert.Equal(2, world.Calls["CloudFormation:ListStackResources"]);
        Assert.Equal(2, result.Evidence.StackCount);
    }

    [Fact]
    public async Task Protects_pull_request_stacks_with_their_number_and_skips_deleted_ones()
    {
        var pr = world.AddStack("HelpmatonStagingPR123", "CREATE_COMPLETE");
        var image = world.AddImage("pr image", 80, "lancedb-" + Sha("pr123")[..7]);
        world.AddFunction(pr, "pr-api", image);
        world.AddStack("HelpmatonStagingPR90", "DELETE_COMPLETE");

        var result = await Run();

        var protection = Assert.Single(For(result, image), p => p.Reason == ProtectionReason.Deployed);
        Assert.Equal(DeploymentEnvironment.PullRequest, protection.Environment);
        Assert.Equal(123, protection.PullRequestNumber);
        Assert.Equal(2, world.Calls["CloudFormation:ListStackResources"]);
    }

    [Fact]
    public async Task Protects_functions_deployed_outside_the_stacks()
    {
        var manual = world.AddImage("manual", 500, "hotfix-" + Sha("m")[..7]);
        world.AddLooseFunction("hand-made", manual);

        var result = await Run();

        var protection = Assert.Single(For(result, manual));
        Assert.Equal(ProtectionReason.DeployedOutsideStacks, protection.Reason);
        Assert.Null(protection.StackName);
    }

    [Fact]
    public async Task Ignores_images_of_other_repositories_and_accounts()
    {
        world.Latest["prod-api"] = world.Latest["prod-api"] with { ImageUri = Uri("lancedb-x", repo: "other"), ResolvedImageUri = Uri(live.Digest, account: "999999999999") };
        world.Versions.Add(new LambdaFunctionVersion("elsewhere", "$LATEST", "Image", new string('1', 64)));
        world.Latest["elsewhere"] = new LambdaFunctionCode("elsewhere", "$LATEST", "Image", Uri("v1", repo: "other"), Uri("sha256:" + new string('1', 64), repo: "other"), new string('1', 64));
        world.AddPublishedVersion("prod-api", "1", live); // keeps production running an image of this repository

        var result = await Run();

        Assert.All(result.Protected, p => Assert.Equal(live.Digest, p.Digest));
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public async Task Protects_images_of_open_pull_requests_by_head_and_commit_abbreviated_or_full()
    {
        var head = Sha("head");
        var earlier = Sha("earlier");
        world.PullRequests.Add(new GitHubPullRequest(42, head));
        world.PullRequestCommits[42] = new List<string> { earlier, head };
        var headImage = world.AddImage("head", 100, "lancedb-" + head[..7]);
        var earlierImage = world.AddImage("earlier", 120, "lancedb-" + earlier);
        var closed = world.AddImage("closed", 120, "lancedb-" + Sha("closed")[..9]);

        var result = await Run();

        Assert.Contains(For(result, headImage), p => p.Reason == ProtectionReason.OpenPullRequest && p.PullRequestNumber == 42);
        Assert.Contains(For(result, earlierImage), p => p.Reason == ProtectionReason.OpenPullRequest && p.CommitSha == earlier);
        Assert.Empty(For(result, closed));
        Assert.Equal(42, result.Evidence.OpenPullRequests![head]);
    }

    [Fact]
    public async Task Retains_the_newest_production_builds_from_deployments_current_first()
    {
        var history = Enumerable.Range(0, 8).Select(i => Sha("c" + i)).ToList(); // c0 is live
        var images = history.Skip(1).Select((sha, i) => world.AddImage("prod " + sha, 40 + 24 * i, "lancedb-" + sha[..7])).ToList();
        world.Deployments.AddRange(history.Select((sha, i) => new GitHubDeployment(100 - i, sha, "production", DateTimeOffset.UtcNow.AddHours(-i))));
        world.Deployments.Add(new GitHubDeployment(1, Sha("staging"), "staging", DateTimeOffset.UtcNow));

        var result = await Run(); // retention 3: live (c0), c1, c2

        Assert.Contains(For(result, live), p => p.Reason == ProtectionReason.ProductionRetention);
        Assert.Contains(For(result, images[0]), p => p.Reason == ProtectionReason.ProductionRetention);
        Assert.Contains(For(result, images[1]), p => p.Reason == ProtectionReason.ProductionRetention);
        Assert.Empty(For(result, images[2]));
        Assert.StartsWith(Sha("c0")[..7], result.Evidence.ProductionHistory![0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(30, false, 1, 0)] // one page: the last, so nothing to ask
    [InlineData(150, false, 2, 1)] // asked after the first page, which is not the last; the second is
    [InlineData(150, true, 1, 1)] // enough after the first page: the second is not read
    [InlineData(100, false, 2, 1)] // a full first page may have a next: read, and it is empty
    public async Task Asks_whether_the_production_history_is_enough_only_while_a_page_may_follow(int deployments, bool enough, int pagesRead, int asked)
    {
        world.Deployments.AddRange(Enumerable.Range(0, deployments).Select(i => new GitHubDeployment(1000 - i, Sha("d" + i), "production", DateTimeOffset.UtcNow.AddHours(-i))));
        var questions = 0;
        var reader = new EvidenceReader(Settings, Services(), _ => { Interlocked.Increment(ref questions); return enough; }, historyIsNeeded: true, rollbackRevisions: 0);

        var evidence = await reader.ReadAsync(CancellationToken.None);

        Assert.Equal(pagesRead, world.Calls["GitHub:ListDeployments"]);
        Assert.Equal(asked, questions);
        Assert.Equal(enough ? 100 : deployments, evidence.ProductionHistory!.Count);
    }

    [Fact]
    public async Task Takes_the_default_branch_commits_when_there_are_no_deployments_or_when_told()
    {
        var c1 = world.AddImage("c1", 50, "lancedb-" + Sha("c1")[..7]);
        var c2 = world.AddImage("c2", 60, "lancedb-" + Sha("c2")[..7]);
        world.BranchCommits.AddRange(new[] { Sha("unbuilt"), Sha("c1"), Sha("c2") });

        var auto = await Run();
        Assert.Contains(For(auto, c1), p => p.Reason == ProtectionReason.ProductionRetention);
        Assert.Contains(For(auto, c2), p => p.Reason == ProtectionReason.ProductionRetention);

        world.Deployments.Add(new GitHubDeployment(1, Sha("c2"), "production", DateTimeOffset.UtcNow));
        var fromCommits = await Run(Settings with { HistorySource = ProductionHistorySource.Commits });
        Assert.Contains(For(fromCommits, c1), p => p.Reason == ProtectionReason.ProductionRetention);
    }

    [Fact]
    public async Task Protects_the_children_of_a_protected_index_and_the_referrers_of_a_protected_image()
    {
        var child = world.AddImage("child", 100);
        var index = new EcrImage(Repo, Digest("index")) { Tags = new[] { "lancedb-" + Sha("idx")[..7] }, PushedAt = DateTimeOffset.UtcNow.AddHours(-100), ChildDigests = new[] { child.Digest } };
        world.Images.Add(index);
        world.AddLooseFunction("index-runner", index);
        var signature = new EcrImage(Repo, Digest("sig")) { SubjectDigest = index.Digest, PushedAt = DateTimeOffset.UtcNow.AddHours(-99) };
        world.Images.Add(signature);
        var cosign = world.AddImage("cosign", 99, "sha256-" + live.Digest["sha256:".Length..] + ".sig");

        var result = await Run();

        Assert.Contains(For(result, child), p => p.Reason == ProtectionReason.IndexChild && p.ParentDigest == index.Digest);
        Assert.Contains(For(result, signature), p => p.Reason == ProtectionReason.Referrer && p.ParentDigest == index.Digest);
        Assert.Contains(For(result, cosign), p => p.Reason == ProtectionReason.Referrer && p.ParentDigest == live.Digest);
    }

    [Fact]
    public async Task Stops_when_the_production_stack_is_missing()
    {
        world.Stacks.Clear();
        var e = await Assert.ThrowsAsync<ProtectionException>(() => Run());
        Assert.Equal(ProtectionException.ProductionStackNotFound, e.ErrorId);
        Assert.Contains("HelpmatonProduction", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stops_when_the_production_stack_runs_no_image_of_the_repository()
    {
        world.Latest["prod-api"] = world.Latest["prod-api"] with { ImageUri = Uri("x", repo: "other"), ResolvedImageUri = Uri(Digest("other"), repo: "other") };
        var e = await Assert.ThrowsAsync<ProtectionException>(() => Run());
        Assert.Equal(ProtectionException.ProductionStackHasNoImage, e.ErrorId);
    }

    [Theory]
    [InlineData("ECR:DescribeImages", "ECR")]
    [InlineData("CloudFormation:ListStacks", "CloudFormation")]
    [InlineData("CloudFormation:ListStackResources", "CloudFormation")]
    [InlineData("Lambda:ListFunctions", "Lambda")]
    [InlineData("Lambda:GetFunction", "Lambda")]
    [InlineData("GitHub:ListPullRequests", "GitHub")]
    [InlineData("GitHub:ListDeployments", "GitHub")]
    public async Task Stops_when_a_source_cannot_answer(string operation, string source)
    {
        world.PullRequests.Add(new GitHubPullRequest(1, Sha("x")));
        world.Failing.Add(operation);
        var e = await Assert.ThrowsAsync<ProtectionException>(() => Run());
        Assert.Equal(ProtectionException.SourceFailed, e.ErrorId);
        Assert.Equal(source, e.Source);
        Assert.IsType<ServiceException>(e.InnerException);
    }

    [Fact]
    public async Task A_stack_mid_update_stops_the_run_without_github_and_warns_with_it()
    {
        var pr = world.AddStack("HelpmatonStagingPR7", "UPDATE_IN_PROGRESS");
        world.AddFunction(pr, "pr7-api", world.AddImage("pr7", 30, "lancedb-" + Sha("pr7")[..7]));

        var e = await Assert.ThrowsAsync<ProtectionException>(() => Run(github: false));
        Assert.Equal(ProtectionException.StackInProgress, e.ErrorId);
        Assert.Contains("HelpmatonStagingPR7 (UPDATE_IN_PROGRESS)", e.Message, StringComparison.Ordinal);

        var result = await Run();
        Assert.Contains(result.Warnings, w => w.Contains("HelpmatonStagingPR7", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_github_returns_no_history_and_no_pull_requests()
    {
        var result = await Run(github: false);
        Assert.Null(result.Evidence.ProductionHistory);
        Assert.Null(result.Evidence.OpenPullRequests);
        Assert.DoesNotContain(world.Calls.Keys, k => k.StartsWith("GitHub:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Gives_every_protection_in_the_same_order_whatever_the_order_of_reads()
    {
        for (var i = 0; i < 20; i++)
        {
            world.AddLooseFunction("loose-" + i, live);
        }

        var first = await Run(Settings with { ThrottleLimit = 1 });
        var second = await Run(Settings with { ThrottleLimit = 8 });

        Assert.Equal(first.Protected.Select(p => (p.Digest, p.Reason, p.FunctionName)), second.Protected.Select(p => (p.Digest, p.Reason, p.FunctionName)));
        Assert.Equal(20, first.Protected.Count(p => p.Reason == ProtectionReason.DeployedOutsideStacks)); // every function that runs it is a reason
    }
}
