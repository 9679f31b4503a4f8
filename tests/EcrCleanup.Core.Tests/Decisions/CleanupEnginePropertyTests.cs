using CsCheck;
using EcrCleanup.Decisions;
using EcrCleanup.Model;
using EcrCleanup.Reading;
using Microsoft.Extensions.Time.Testing;
using static EcrCleanup.Core.Tests.Decisions.TestData;

namespace EcrCleanup.Core.Tests.Decisions;

/// <summary>The safety promises, checked over random repositories.</summary>
public class CleanupEnginePropertyTests
{
    private const int Iterations = 400;

    private static readonly string[] Pool = Enumerable.Range(1, 12).Select(Sha).ToArray();

    private static readonly Gen<string> GenSha =
        Gen.Select(Gen.Int[0, Pool.Length - 1], Gen.Int[7, 44]).Select((i, length) => Pool[i][..Math.Min(length, 40)]);

    private static readonly Gen<string> GenTag = Gen.Frequency(
        (6, GenSha.Select(sha => "lancedb-" + sha)),
        (1, GenSha.Select(sha => "worker-" + sha)),
        (1, Gen.OneOf(new[] { "lancedb-latest", "worker-latest" })),
        (1, Gen.OneOf(new[] { "lancedb-foo", "foo", "lancedb-ABCDEF1", "v1.2.3", "lancedb-abc12" })));

    private sealed record ImageSpec(string[] Tags, double AgeHours, int[] Children, int Subject, int Protected, bool OtherRepository, (ImageStatus Status, double? ArchivedDays) Storage);

    /// <summary>Mostly active; archived a number of days ago (or at a time ECR does not give), or being restored.</summary>
    private static readonly Gen<(ImageStatus, double?)> GenStorage = Gen.Frequency(
        (24, Gen.Const((ImageStatus.Active, (double?)null))),
        (3, Gen.Double[0, 200].Select(days => (ImageStatus.Archived, (double?)days))),
        (1, Gen.Const((ImageStatus.Archived, (double?)null))),
        (1, Gen.Const((ImageStatus.Activating, (double?)null))));

    private static readonly Gen<ImageSpec> GenImage = Gen.Select(
        GenTag.Array[0, 3].Select(tags => tags.Distinct().ToArray()),
        Gen.Frequency((1, Gen.Double[-2, 48]), (3, Gen.Double[0, 400])),
        Gen.Frequency((4, Gen.Const(Array.Empty<int>())), (1, Gen.Int[0, 39].Array[1, 4])),
        Gen.Frequency((5, Gen.Const(-1)), (1, Gen.Int[0, 39])),
        Gen.Int[0, 14],
        Gen.Int[0, 15].Select(n => n == 0),
        GenStorage,
        (tags, age, children, subject, isProtected, other, storage) => new ImageSpec(tags, age, children, subject, isProtected, other, storage));

    internal sealed record Scenario(
        EcrImage[] Images,
        FunctionDeployment[] Deployments,
        ProtectedImage[] Protections,
        string[]? History,
        Dictionary<string, int>? PullRequests,
        CleanupPolicy Policy)
    {
        public CleanupDecisions DecideAll(EcrImage[]? images = null, ProtectedImage[]? protections = null, FunctionDeployment[]? deployments = null) =>
            new CleanupEngine(Policy, new FakeTimeProvider(Now)).Decide(
                Evidence(images ?? Images) with { Deployments = deployments ?? Deployments, ProductionHistory = History, OpenPullRequests = PullRequests },
                protections ?? Protections);

        public IReadOnlyList<CleanupCandidate> Decide(EcrImage[]? images = null, ProtectedImage[]? protections = null, FunctionDeployment[]? deployments = null) =>
            DecideAll(images, protections, deployments).Candidates;

        public override string ToString() =>
            string.Join(Environment.NewLine, Images.Select(i =>
                $"{i.Repository} {i.Digest[^4..]} [{string.Join(",", i.Tags)}] {(Now - i.PushedAt).TotalHours:0.0}h children=[{string.Join(",", i.ChildDigests.Select(c => c[^4..]))}] subject={i.SubjectDigest?[^4..]}"))
            + $"{Environment.NewLine}protected: {string.Join(",", Protections.Select(p => p.Digest[^4..]))}"
            + $"{Environment.NewLine}deployed: {string.Join(",", Deployments.Select(d => $"{d.Digest?[^4..]} ({d.Stack?.Environment})"))}"
            + $"{Environment.NewLine}history: {(History is null ? "unknown" : string.Join(",", History.Select(h => h[..7])))}"
            + $"{Environment.NewLine}pull requests: {(PullRequests is null ? "unknown" : string.Join(",", PullRequests.Select(p => $"{p.Key[..7]}=#{p.Value}")))}"
            + $"{Environment.NewLine}policy: {Policy.MinImageAgeHours}h, keep {Policy.ProductionRetentionCount}, archive {Policy.Archive}, delete archived after {Policy.DeleteArchivedAfterDays} days"
            + $"{Environment.NewLine}storage: {string.Join(",", Images.Where(i => i.Status != ImageStatus.Active).Select(i => $"{i.Digest[^4..]} {i.Status} {(Now - i.LastArchivedAt)?.TotalDays:0.0}d"))}";
    }

    private static readonly Gen<Scenario> GenScenario = Gen.Select(
        GenImage.Array[0, 40],
        GenSha.Array[0, 12].Null(0.1),
        Gen.Select(GenSha, Gen.Int[1, 500]).Array[0, 5].Null(0.1),
        Gen.Int[0, 6],
        Gen.Int[0, 48],
        Gen.Select(Gen.Bool, Gen.Int[0, 120]),
        (specs, history, pullRequests, retention, minAge, archive) =>
        {
            var count = specs.Length;
            var images = new EcrImage[count];
            var protections = new List<ProtectedImage>();
            var deployments = new List<FunctionDeployment>();
            for (var i = 0; i < count; i++)
            {
                var spec = specs[i];
                images[i] = new EcrImage(Repository, Digest(i))
                {
                    Tags = spec.Tags,
                    PushedAt = Now.AddHours(-spec.AgeHours),
                    ChildDigests = spec.Children.Select(c => c % count).Where(c => c != i).Distinct().Select(Digest).ToArray(),
                    SubjectDigest = spec.Subject < 0 || spec.Subject % count == i ? null : Digest(spec.Subject % count),
                    ManifestMediaType = spec.Children.Length > 0 ? "application/vnd.oci.image.index.v1+json" : "application/vnd.oci.image.manifest.v1+json",
                    Status = spec.Storage.Status,
                    LastArchivedAt = spec.Storage.Status == ImageStatus.Active ? null : Now.AddDays(-(spec.Storage.ArchivedDays ?? 1)),
                };
                if (spec.Storage is (ImageStatus.Archived, null))
                {
                    images[i] = images[i] with { LastArchivedAt = null };
                }
                if (spec.Protected == 0)
                {
                    // Upper case on purpose: a pipeline object may spell the digest differently.
                    protections.Add(new ProtectedImage(Repository, Digest(i).ToUpperInvariant(), ProtectionReason.External) { Source = "ECS service prod/api" });
                }
                else if (spec.Protected <= 3)
                {
                    // A function version runs it: production, a pull request's stack, or outside the stacks.
                    var stack = spec.Protected == 3 ? null : new StackFunction($"fn{i}", spec.Protected == 1 ? "HelpmatonProduction" : "HelpmatonStagingPR7", "stack", "Fn",
                        spec.Protected == 1 ? DeploymentEnvironment.Production : DeploymentEnvironment.PullRequest, spec.Protected == 1 ? null : 7);
                    deployments.Add(new FunctionDeployment($"fn{i}", i % 2 == 0 ? "$LATEST" : "3", stack, null, null, Digest(i)));
                }

                if (spec.OtherRepository)
                {
                    protections.Add(new ProtectedImage("other-repository", Digest(i), ProtectionReason.External));
                }
            }

            protections.Add(new ProtectedImage("unrelated", Digest(0), ProtectionReason.External));
            var prs = pullRequests?.GroupBy(p => p.Item1).ToDictionary(g => g.Key, g => g.First().Item2);
            return new Scenario(images, deployments.ToArray(), protections.ToArray(), history, prs, new CleanupPolicy { ProductionRetentionCount = retention, MinImageAgeHours = minAge, Archive = archive.Item1, DeleteArchivedAfterDays = archive.Item2 });
        });

    private static void Check(Action<Scenario, IReadOnlyList<CleanupCandidate>> property) =>
        GenScenario.Sample(scenario => property(scenario, scenario.Decide()), iter: Iterations, print: s => s.ToString());

    [Fact]
    public void EveryImageGetsExactlyOneDecision() => Check((scenario, results) =>
    {
        Assert.Equal(scenario.Images.Length, results.Count);
        Assert.Equal(
            scenario.Images.Select(i => i.Digest).OrderBy(d => d, StringComparer.Ordinal),
            results.Select(r => r.Digest).OrderBy(d => d, StringComparer.Ordinal));
        Assert.All(results, r => Assert.Equal(r.IsCandidate, r.Category != CandidateCategory.None));
        Assert.All(results, r => Assert.False(string.IsNullOrWhiteSpace(r.Reason)));
    });

    [Fact]
    public void AProtectedImageIsNeverDeleted() => Check((scenario, results) =>
    {
        var protectedDigests = scenario.Protections.Where(p => p.Repository == Repository).Select(p => p.Digest)
            .Concat(scenario.Deployments.Select(d => d.Digest!)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var r in results.Where(r => protectedDigests.Contains(r.Digest)))
        {
            Assert.Equal(CleanupAction.Keep, r.Action);
            Assert.Equal(CleanupRule.Protected, r.Rule);
            Assert.NotEmpty(r.Protections);
        }
    });

    [Fact]
    public void NothingYoungerThanTheMinimumAgeIsDeleted() => Check((scenario, results) =>
    {
        Assert.All(
            results.Where(r => Now - r.PushedAt < scenario.Policy.MinImageAge),
            r => Assert.Equal(CleanupAction.Keep, r.Action));
    });

    [Fact]
    public void NoImageWithALatestOrUnknownTagIsDeleted() => Check((scenario, results) =>
    {
        var classifier = new TagClassifier(scenario.Policy);
        Assert.All(
            results.Where(r => r.Tags.Any(t => classifier.Classify(t).Kind != TagKind.Commit)),
            r => Assert.Equal(CleanupAction.Keep, r.Action));
    });

    [Fact]
    public void AKeptImagesChildrenAndReferrersAreNeverDeleted() => Check((scenario, results) =>
    {
        var byDigest = results.ToDictionary(r => (r.Repository, r.Digest));
        foreach (var kept in results.Where(r => r.Action == CleanupAction.Keep))
        {
            foreach (var child in kept.Image.ChildDigests)
            {
                if (byDigest.TryGetValue((kept.Repository, child), out var c))
                {
                    Assert.Equal(CleanupAction.Keep, c.Action);
                }
            }

            if (kept.Image.SubjectDigest is { } subject && byDigest.TryGetValue((kept.Repository, subject), out var s) && s.Action == CleanupAction.Delete)
            {
                // Keeping a referrer does not keep its subject: only the other way round.
                Assert.NotEqual(CleanupRule.ReferrerOfKept, kept.Rule);
            }
        }

        foreach (var referrer in results.Where(r => r.Image.SubjectDigest is not null))
        {
            if (byDigest.TryGetValue((referrer.Repository, referrer.Image.SubjectDigest!), out var subjectResult) && subjectResult.Action == CleanupAction.Keep)
            {
                Assert.Equal(CleanupAction.Keep, referrer.Action);
            }
        }
    });

    [Fact]
    public void ProductionImagesWithinRetentionAreKept() => Check((scenario, results) =>
    {
        Assert.All(
            results.Where(r => r.ProductionRank <= scenario.Policy.ProductionRetentionCount),
            r => Assert.Equal(CleanupAction.Keep, r.Action));
        Assert.All(
            results.Where(r => r.Rule == CleanupRule.ProductionBeyondRetention),
            r => Assert.True(r.ProductionRank > scenario.Policy.ProductionRetentionCount));
    });

    [Fact]
    public void WithoutHistoryOrPullRequestsNoCommitImageIsDeleted() => Check((scenario, results) =>
    {
        if (scenario.History is not null && scenario.PullRequests is not null)
        {
            return;
        }

        Assert.All(results.Where(r => r.Action == CleanupAction.Delete), r => Assert.Empty(r.Tags));
    });

    [Fact]
    public void InputOrderChangesNothing() =>
        Gen.Select(GenScenario, Gen.Int).Sample(
            (scenario, seed) =>
            {
                var random = new Random(seed);
                var images = scenario.Images.ToArray();
                var protections = scenario.Protections.ToArray();
                var deployments = scenario.Deployments.ToArray();
                random.Shuffle(images);
                random.Shuffle(protections);
                random.Shuffle(deployments);

                var expected = scenario.Decide().Select(Describe).ToArray();
                var actual = scenario.Decide(images, protections, deployments).Select(Describe).ToArray();

                Assert.Equal(expected, actual);
            },
            iter: Iterations,
            print: t => t.Item1.ToString());

    [Fact]
    public void TheProtectedImagesAreExactlyTheKeptDecisionsWithAProtectionReason() => GenScenario.Sample(scenario =>
    {
        var decisions = scenario.DecideAll();
        var listed = decisions.Protected.Select(p => p.Digest).ToHashSet(StringComparer.Ordinal);
        var keptWithProtection = decisions.Candidates.Where(c => c.Action == CleanupAction.Keep && c.Protections.Count > 0).Select(c => c.Digest);
        Assert.Equal(keptWithProtection.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));

        // And what makes a protection: what runs it, a retained build, an open pull request, and what those need.
        var byDigest = decisions.Candidates.ToDictionary(c => c.Digest, StringComparer.Ordinal);
        Assert.All(scenario.Deployments, d => Assert.Contains(d.Digest!, listed));
        Assert.All(decisions.Candidates.Where(c => c.ProductionRank <= scenario.Policy.ProductionRetentionCount || c.KeptBy.Contains(CleanupRule.OpenPullRequest)), c => Assert.Contains(c.Digest, listed));
        foreach (var digest in listed)
        {
            var image = byDigest[digest].Image;
            Assert.All(image.ChildDigests.Where(byDigest.ContainsKey), child => Assert.Contains(child, listed));
            Assert.All(decisions.Candidates.Where(c => c.Image.SubjectDigest == digest), referrer => Assert.Contains(referrer.Digest, listed));
        }

        Assert.DoesNotContain(decisions.Candidates, c => c.IsDelete && listed.Contains(c.Digest));
    }, iter: Iterations, print: s => s.ToString());

    [Fact]
    public void OnlyActiveImagesAreArchivedAndArchivedOnesAreDeletedOnlyOnceTheirWindowIsOver() => Check((scenario, results) =>
    {
        foreach (var r in results)
        {
            switch (r.Status)
            {
                case ImageStatus.Activating:
                    Assert.Equal(CleanupAction.Keep, r.Action);
                    break;
                case ImageStatus.Archived:
                    Assert.NotEqual(CleanupAction.Archive, r.Action);
                    if (r.IsDelete)
                    {
                        Assert.True((Now - r.Image.LastArchivedAt!.Value).TotalDays >= scenario.Policy.DeleteArchivedAfterDays, $"{r}: deleted within the archive window");
                    }

                    break;
                default:
                    Assert.Equal(r.IsCandidate && scenario.Policy.Archive, r.IsArchive);
                    Assert.Equal(r.IsCandidate && !scenario.Policy.Archive, r.IsDelete);
                    break;
            }
        }

        // Archiving instead of deleting changes what happens to a candidate, never which images are candidates.
        var other = scenario with { Policy = scenario.Policy with { Archive = !scenario.Policy.Archive } };
        Assert.Equal(results.Select(r => (r.Digest, r.IsCandidate, r.Rule)), other.Decide().Select(r => (r.Digest, r.IsCandidate, r.Rule)));
    });

    [Fact]
    public void DecidingTwiceGivesTheSameAnswer() => Check((scenario, results) =>
    {
        Assert.Equal(results.Select(Describe), scenario.Decide().Select(Describe));
    });

    [Fact]
    public void TheGeneratorReachesEveryRule()
    {
        // The properties above are only as strong as the repositories they see.
        var seen = new HashSet<CleanupRule>();
        foreach (var scenario in GenScenario.Array[300, 300].Single())
        {
            seen.UnionWith(scenario.Decide().Select(r => r.Rule));
        }

        Assert.Equal(Enum.GetValues<CleanupRule>().OrderBy(r => r), seen.OrderBy(r => r));
    }

    private static string Describe(CleanupCandidate c) =>
        $"{c.Repository}|{c.Digest}|{c.Action}|{c.Rule}|{c.Reason}|{c.Category}|{c.PullRequestNumber}|{c.CommitSha}|{c.ProductionRank}|{c.AgeHours}|{string.Join(",", c.Protections.Select(p => p.Digest + p.Reason))}";
}
