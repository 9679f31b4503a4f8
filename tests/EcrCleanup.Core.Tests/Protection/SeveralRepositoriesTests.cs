using EcrCleanup.Configuration;
using EcrCleanup.Decisions;
using EcrCleanup.Diagnostics;
using EcrCleanup.Model;
using EcrCleanup.Reading;
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
