using EcrCleanup.Configuration;
using EcrCleanup.Decisions;
using EcrCleanup.Deletion;
using EcrCleanup.Diagnostics;
using EcrCleanup.Model;
using EcrCleanup.Reading;
using EcrCleanup.Reporting;
using static EcrCleanup.Core.Tests.Protection.ProtectionWorld;

namespace EcrCleanup.Core.Tests.Protection;

/// <summary>Several repositories read at once: the shared sources once, each repository decided with its own images.</summary>
public class SeveralRepositoriesTests
{
    private readonly ProtectionWorld world = new();

    public SeveralRepositoriesTests()
    {
        var production = world.AddStack("HelpmatonProduction");
        var live = world.AddImage("live", 30, "lancedb-" + Sha("c0")[..7]);
        world.AddImage("old", 300, "lancedb-" + Sha("c9")[..7]);
        world.AddFunction(production, "prod-api", live);
        world.BranchCommits.Add(Sha("c0"));
        world.BranchCommits.Add(Sha("c9"));

        var worker = Image("worker", "worker-live", 40, "worker-" + Sha("c0")[..7]);
        world.OtherRepositories["worker"] = [worker, Image("worker", "worker-old", 400, "worker-" + Sha("w1")[..7])];
        var web = Image("web", "web-live", 40, "web-" + Sha("c0")[..7]);
        world.OtherRepositories["web"] = [web, Image("web", "web-old", 500, "web-" + Sha("c9")[..7]), Image("web", "web-untagged", 500)];
        RunsFromAnotherRepository(production, "prod-worker", worker);
        RunsFromAnotherRepository(production, "prod-web", web);
    }

    private void RunsFromAnotherRepository(string stack, string function, EcrImage image)
    {
        var hex = image.Digest["sha256:".Length..];
        world.Resources[stack].Add(new Abstractions.CloudFormationResource(function, function, "AWS::Lambda::Function", "UPDATE_COMPLETE"));
        world.Versions.Add(new Abstractions.LambdaFunctionVersion(function, "$LATEST", "Image", hex));
        world.Latest[function] = new Abstractions.LambdaFunctionCode(function, "$LATEST", "Image", Uri(image.Tags[0], image.Repository), Uri(image.Digest, image.Repository), hex);
    }

    [Fact]
    public async Task Reads_the_shared_sources_once_and_decides_each_repository_as_its_own_run_does()
    {
        var together = await ReadAsync(["app", "worker", "web"]);

        Assert.Equal(1, world.Calls["CloudFormation:ListStacks"]);
        Assert.Equal(1, world.Calls["Lambda:ListFunctions"]);
        Assert.Equal(1, world.Calls["GitHub:ListPullRequests"]);
        Assert.Equal(3, world.Calls["ECR:DescribeImages"]);
        foreach (var name in new[] { "app", "worker", "web" })
        {
            var alone = Decide((await new ProtectionWorldReader(world, name).ReadAsync())[0].Evidence!);
            var withOthers = Decide(together.Single(r => r.RepositoryName == name).Evidence!);
            Assert.Equal(string.Join("\n", Summary(alone)), string.Join("\n", Summary(withOthers)));
        }

        Assert.Contains(Decide(together[1].Evidence!).Candidates, c => c.Digest == Digest("worker-live") && c.Rule == CleanupRule.Protected);
        Assert.Contains(Decide(together[2].Evidence!).Candidates, c => c.Digest == Digest("web-untagged") && c.IsDelete);
    }

    [Fact]
    public async Task A_repository_whose_images_cannot_be_read_fails_alone()
    {
        world.FailingRepositories.Add("web");

        var read = await ReadAsync(["app", "web"]);

        Assert.NotNull(read[0].Evidence);
        Assert.Null(read[1].Evidence);
        Assert.Equal(("ECR", ProtectionException.SourceFailed), (read[1].Failure!.Source, read[1].Failure!.ErrorId));
        Assert.Contains("'web'", read[1].Failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stops_when_no_repository_can_be_read_or_a_shared_source_fails()
    {
        world.FailingRepositories.Add("web");
        world.FailingRepositories.Add("worker");
        Assert.Equal("ECR", (await Assert.ThrowsAsync<ProtectionException>(() => ReadAsync(["web", "worker"]))).Source);

        world.FailingRepositories.Clear();
        world.Failing.Add("CloudFormation:ListStackResources");
        Assert.Equal("CloudFormation", (await Assert.ThrowsAsync<ProtectionException>(() => ReadAsync(["app", "web"]))).Source);
    }

    [Fact]
    public async Task A_run_over_several_repositories_cleans_each_as_its_own_run_would_from_one_read()
    {
        var alone = new Dictionary<string, string[]>();
        foreach (var name in new[] { "app", "worker", "web" })
        {
            var single = await Run(name).RunAsync(new DeletionOptions { DryRun = true }, NoQuestions(), _ => { }, CancellationToken.None);
            alone[name] = Summary(single);
        }

        world.Calls.Clear();
        var decided = new List<string>();
        var failures = new List<RepositoryFailure>();
        var set = await Run("app").RunAsync(["app", "worker", "web"], new DeletionOptions { DryRun = true }, _ => NoQuestions(), d => decided.Add(d.Evidence.Repository.Name), failures.Add, CancellationToken.None);

        Assert.Equal(["app", "worker", "web"], decided);
        Assert.Empty(failures);
        Assert.Equal(["app", "worker", "web"], set.Repositories.Select(r => r.Repository));
        foreach (var section in set.Repositories)
        {
            Assert.Equal(alone[section.Repository], Summary(section));
        }

        Assert.Equal(1, world.Calls["CloudFormation:ListStacks"]);
        Assert.Equal(1, world.Calls["Lambda:ListFunctions"]);
        Assert.Equal(3, world.Calls["ECR:DescribeImages"]); // a dry run reads each repository's images once
        Assert.Equal(set.Repositories.Sum(r => r.Deleted), set.Deleted);
        Assert.Equal(4, set.Deleted); // the old builds of app, worker and web (retention 1 keeps c0 only), and web's untagged image
        Assert.False(set.HasFailures);
    }

    [Fact]
    public async Task A_repository_that_cannot_be_read_or_decided_is_not_cleaned_and_the_others_are()
    {
        world.FailingRepositories.Add("web");
        world.OtherRepositories["unused"] = [Image("unused", "unused-old", 900, "unused-" + Sha("u1")[..7])];
        var failures = new List<RepositoryFailure>();

        var set = await Run("app").RunAsync(["app", "web", "unused", "worker"], new DeletionOptions(), _ => NoQuestions(confirm: true), _ => { }, failures.Add, CancellationToken.None);

        Assert.Equal([("web", ProtectionException.SourceFailed), ("unused", ProtectionException.ProductionStackHasNoImage)], failures.Select(f => (f.Repository, f.ErrorId)));
        Assert.Equal(failures, set.Failures);
        Assert.Equal(["app", "worker"], set.Repositories.Select(r => r.Repository));
        Assert.Single(world.OtherRepositories["unused"]); // nothing deleted where nothing was decided
        Assert.Equal(3, world.OtherRepositories["web"].Count);
        Assert.DoesNotContain(world.OtherRepositories["worker"], i => i.Digest == Digest("worker-old"));
        Assert.True(set.HasFailures);
    }

    [Fact]
    public async Task Deleting_that_stops_in_one_repository_stops_there_alone()
    {
        world.OtherRepositories["web"].Add(Image("web", "web-untagged-2", 500));
        var failures = new List<RepositoryFailure>();

        var set = await Run("app").RunAsync(["web", "worker"], new DeletionOptions { MaxDeleteCount = 1 }, _ => NoQuestions(confirm: true), _ => { }, failures.Add, CancellationToken.None);

        Assert.Equal(("web", "DeleteLimitExceeded"), (failures.Single().Repository, failures.Single().ErrorId));
        Assert.Equal(4, world.OtherRepositories["web"].Count);
        Assert.Contains(set.Repositories.Single(r => r.Repository == "web").Warnings, w => w.StartsWith("Deleting stopped:", StringComparison.Ordinal));
        Assert.Equal(1, set.Repositories.Single(r => r.Repository == "worker").Deleted);
        Assert.DoesNotContain(world.OtherRepositories["worker"], i => i.Digest == Digest("worker-old"));
    }

    [Fact]
    public async Task A_shared_source_that_fails_stops_the_run_before_anything_is_deleted()
    {
        world.Failing.Add("Lambda:ListFunctions");

        await Assert.ThrowsAsync<ProtectionException>(() => Run("app").RunAsync(["app", "worker"], new DeletionOptions(), _ => NoQuestions(confirm: true), _ => { }, _ => { }, CancellationToken.None));

        Assert.False(world.Calls.ContainsKey("ECR:BatchDeleteImage"));
    }

    private CleanupRun Run(string repository) =>
        new(Settings(repository), new CleanupServices(world, world, world, world, world, world, world, new ServiceCallRecorder()), TimeProvider.System);

    private static DeletionCallbacks NoQuestions(bool confirm = false) =>
        new(candidates => Task.FromResult<IReadOnlyList<bool>>(candidates.Select(_ => confirm).ToArray()), _ => { });

    private static string[] Summary(CleanupReport report) =>
        [.. report.CandidateList.Select(c => $"{c.Digest} {c.Rule} {c.Reason}"), $"deleted {report.Deleted}", $"kept {report.Kept}"];

    private static EcrImage Image(string repository, string label, double ageHours, params string[] tags) =>
        new(repository, Digest(label)) { Tags = tags, PushedAt = DateTimeOffset.UtcNow.AddHours(-ageHours), SizeBytes = 1000 };

    private static CleanupSettings Settings(string repository) => new(repository, Region) { Policy = new CleanupPolicy { ProductionRetentionCount = 1 } };

    private static CleanupDecisions Decide(Evidence evidence) => new CleanupEngine(Settings(evidence.Repository.Name).Policy, TimeProvider.System).Decide(evidence);

    private static string[] Summary(CleanupDecisions decisions) => decisions.Candidates.Select(c => $"{c.Digest} {c.Action} {c.Rule} {c.Reason}").ToArray();

    private Task<IReadOnlyList<RepositoryEvidence>> ReadAsync(IReadOnlyList<string> repositories) => new ProtectionWorldReader(world, repositories[0]).ReadAsync(repositories);

    /// <summary>The reader a run of these settings makes.</summary>
    private sealed class ProtectionWorldReader(ProtectionWorld world, string repository)
    {
        private readonly EvidenceReader _reader = Create(world, repository);

        public Task<IReadOnlyList<RepositoryEvidence>> ReadAsync(IReadOnlyList<string>? repositories = null) =>
            _reader.ReadAsync(repositories ?? [repository], CancellationToken.None);

        private static EvidenceReader Create(ProtectionWorld world, string repository)
        {
            var engine = new CleanupEngine(Settings(repository).Policy, TimeProvider.System);
            return new EvidenceReader(Settings(repository), new CleanupServices(world, world, world, world, world, world, world, new ServiceCallRecorder()), engine.HasRetainedBuilds, engine.NeedsProductionHistory, engine.RollbackRevisions);
        }
    }
}
