using EcrCleanup.Decisions;
using EcrCleanup.Model;
using EcrCleanup.Reading;
using static EcrCleanup.Core.Tests.Decisions.TestData;

namespace EcrCleanup.Core.Tests.Decisions;

/// <summary>Every branch of the decision tree, in the order the tree asks.</summary>
public class CleanupEngineTests
{
    private static string Tag(int commit, int length = 40) => "lancedb-" + Sha(commit)[..length];

    // 1. Protected

    [Fact]
    public void ADeployedImageIsKeptWhateverElseIsTrue()
    {
        var image = Image(1, 500); // old and untagged
        var deployed = new ProtectedImage(Repository, Digest(1), ProtectionReason.Deployed)
        {
            StackName = "HelpmatonProduction",
            FunctionName = "ApiFunction",
            Qualifier = "$LATEST",
            Environment = DeploymentEnvironment.Production,
        };

        var result = Decide(new[] { image }, new[] { deployed }).Single();

        Assert.Equal(CleanupAction.Keep, result.Action);
        Assert.Equal(CleanupRule.Protected, result.Rule);
        Assert.Equal("Deployed: HelpmatonProduction / ApiFunction ($LATEST)", result.Reason);
        Assert.Equal(CandidateCategory.None, result.Category);
        Assert.Same(deployed, Assert.Single(result.Protections));
    }

    [Fact]
    public void ProtectionBeatsEveryOtherRuleIncludingAge()
    {
        var result = Decide(
            new[] { Image(1, 2, Tag(1)) },
            new[] { new ProtectedImage(Repository, Digest(1), ProtectionReason.Deployed) { StackName = "HelpmatonStagingPR12", FunctionName = "ApiFunction", PullRequestNumber = 12 } }).Single();

        Assert.Equal(CleanupRule.Protected, result.Rule);
        Assert.Equal(12, result.PullRequestNumber);
    }

    [Fact]
    public void EveryProtectionOfAnImageIsListedInAStableOrder()
    {
        var a = new ProtectedImage(Repository, Digest(1), ProtectionReason.Deployed) { StackName = "HelpmatonStagingPR7", FunctionName = "Worker", Qualifier = "$LATEST", PullRequestNumber = 7 };
        var b = new ProtectedImage(Repository, Digest(1), ProtectionReason.Deployed) { StackName = "HelpmatonProduction", FunctionName = "ApiFunction", Qualifier = "live" };

        var forward = Decide(new[] { Image(1, 100) }, new[] { a, b }).Single();
        var backward = Decide(new[] { Image(1, 100) }, new[] { b, a }).Single();

        Assert.Equal("Deployed: HelpmatonProduction / ApiFunction (live); Deployed: HelpmatonStagingPR7 / Worker ($LATEST)", forward.Reason);
        Assert.Equal(forward.Reason, backward.Reason);
        Assert.Equal(new[] { b, a }, forward.Protections);
        Assert.Equal(new[] { b, a }, backward.Protections);
        Assert.Equal(7, forward.PullRequestNumber);
    }

    [Fact]
    public void AnyRepositoryAndDigestPairProtectsWithItsDescription()
    {
        var protections = new[]
        {
            External(Repository.ToUpperInvariant(), Digest(1).ToUpperInvariant(), "ECS service prod/api"),
            External("another-repository", Digest(2), "ECS service prod/web"),
        };

        var results = Decide(new[] { Image(1, 100, Tag(1)), Image(2, 100, Tag(2)) }, protections);

        Assert.Equal(CleanupRule.Protected, results.For(1).Rule);
        Assert.Equal("ECS service prod/api", results.For(1).Reason);
        Assert.Equal(ProtectionReason.External, Assert.Single(results.For(1).Protections).Reason);
        Assert.Equal(CleanupAction.Delete, results.For(2).Action); // protected in another repository only
    }

    [Fact]
    public void AnExternalProtectionWithoutDescriptionStillSaysWhy()
    {
        var result = Decide(new[] { Image(1, 100) }, new[] { External(Repository, Digest(1), null) }).Single();

        Assert.Equal("Protected from outside the module", result.Reason);
    }

    [Fact]
    public void AProtectionNeedsARepositoryAndADigest()
    {
        var images = new[] { Image(1, 100) };

        Assert.Contains("needs a digest", Assert.ThrowsAny<ArgumentException>(() => Decide(images, new[] { External(Repository, " ", "x") })).Message, StringComparison.Ordinal);
        Assert.Contains("needs a repository name", Assert.ThrowsAny<ArgumentException>(() => Decide(images, new[] { External("", Digest(1), "x") })).Message, StringComparison.Ordinal);
    }

    // 2. Minimum age

    [Fact]
    public void AnImageYoungerThanTheMinimumAgeIsKept()
    {
        var result = Decide(new[] { Image(1, 3.25) }).Single();

        Assert.Equal(CleanupAction.Keep, result.Action);
        Assert.Equal(CleanupRule.MinimumAge, result.Rule);
        Assert.Equal("Younger than minimum age (3.2h < 24h)", result.Reason);
        Assert.Equal(3.25, result.AgeHours, 6);
    }

    [Fact]
    public void AgeIsRoundedDownInText()
    {
        var result = Decide(new[] { Image(1, 23.99) }).Single();

        Assert.Equal("Younger than minimum age (23.9h < 24h)", result.Reason);
    }

    [Fact]
    public void AnImageExactlyAtTheMinimumAgeMayBeDeleted()
    {
        var result = Decide(new[] { Image(1, 24) }).Single();

        Assert.Equal(CleanupRule.Untagged, result.Rule);
    }

    [Fact]
    public void AnImagePushedInTheFutureIsKept()
    {
        var result = Decide(new[] { Image(1, -2) }, policy: new CleanupPolicy { MinImageAgeHours = 0 }).Single();

        Assert.Equal(CleanupRule.MinimumAge, result.Rule);
    }

    [Fact]
    public void AnImageWithoutPushTimeIsKept()
    {
        var image = new EcrImage(Repository, Digest(1));

        var result = Decide(new[] { image }).Single();

        Assert.Equal(CleanupRule.MinimumAge, result.Rule);
        Assert.Equal("Push time unknown, kept for safety", result.Reason);
        Assert.True(double.IsNaN(result.AgeHours));
    }

    [Fact]
    public void TheClockComesFromTheTimeProvider()
    {
        var clock = Clock();
        var engine = Engine(clock: clock);
        var images = new[] { Image(1, 20) };

        var before = engine.Decide(Evidence(images)).Candidates.Single();
        clock.Advance(TimeSpan.FromHours(5));
        var after = engine.Decide(Evidence(images)).Candidates.Single();

        Assert.Equal(CleanupRule.MinimumAge, before.Rule);
        Assert.Equal(CleanupRule.Untagged, after.Rule);
        Assert.Equal("Untagged image (25.0h old)", after.Reason);
    }

    // 3. Latest

    [Fact]
    public void ALatestTagIsKept()
    {
        var result = Decide(new[] { Image(1, 1000, "lancedb-latest", Tag(9)) }).Single();

        Assert.Equal(CleanupAction.Keep, result.Action);
        Assert.Equal(CleanupRule.Latest, result.Rule);
        Assert.Equal("Latest tag 'lancedb-latest'", result.Reason);
    }

    // 4. Production

    [Fact]
    public void TheNewestProductionCommitsAreKeptAndOlderOnesDeleted()
    {
        // 20 production deployments, one image each, newest first.
        var history = Enumerable.Range(1, 20).Select(Sha).ToArray();
        var images = Enumerable.Range(1, 20).Select(n => Image(n, 48 + n, Tag(n))).ToArray();

        var results = Decide(images, history: history);

        Assert.Equal("Production image #3 of 15 kept for rollback", results.For(3).Reason);
        Assert.Equal(CleanupRule.ProductionRetention, results.For(15).Rule);
        Assert.Equal(3, results.For(3).ProductionRank);
        Assert.Equal(Sha(3), results.For(3).CommitSha);

        var old = results.For(17);
        Assert.Equal(CleanupAction.Delete, old.Action);
        Assert.Equal(CleanupRule.ProductionBeyondRetention, old.Rule);
        Assert.Equal(CandidateCategory.OldProductionImage, old.Category);
        Assert.Equal("Production image beyond retention (#17 > 15)", old.Reason);
        Assert.Equal(5, results.Count(r => r.Rule == CleanupRule.ProductionBeyondRetention));
    }

    [Fact]
    public void RetentionCountsDistinctCommitsThatHaveImages()
    {
        // History: c1 c2 c3 c4 c5 c6; c2 and c4 have no image here (they are not counted); c1 has two images;
        // c5 is deployed twice (a rollback and a redeploy) and counted once.
        var history = new[] { Sha(1), Sha(2), Sha(3), Sha(4), Sha(5), Sha(5)[..7], Sha(5), Sha(6) };
        var images = new[]
        {
            Image(1, 30, Tag(1)), Image(11, 31, "worker-" + Sha(1)[..10]),
            Image(3, 50, Tag(3)),
            Image(5, 70, Tag(5)),
            Image(6, 90, Tag(6)),
        };

        var results = Decide(images, history: history, policy: new CleanupPolicy { ProductionRetentionCount = 3 });

        Assert.Equal(1, results.For(1).ProductionRank);
        Assert.Equal(1, results.For(11).ProductionRank);
        Assert.Equal(2, results.For(3).ProductionRank);
        Assert.Equal(3, results.For(5).ProductionRank);
        Assert.Equal(4, results.For(6).ProductionRank);
        Assert.Equal(CleanupAction.Keep, results.For(11).Action);
        Assert.Equal(CleanupAction.Keep, results.For(5).Action);
        Assert.Equal("Production image beyond retention (#4 > 3)", results.For(6).Reason);
    }

    [Fact]
    public void AnAbbreviatedTagMatchesAFullHistoryShaAndTheOtherWayRound()
    {
        var history = new[] { Sha(1), Sha(2)[..8] };
        var images = new[] { Image(1, 100, Tag(1, 7)), Image(2, 100, Tag(2, 40)), Image(3, 100, "lancedb-" + Sha(1)[..6] + "0") };

        var results = Decide(images, history: history, policy: new CleanupPolicy { ProductionRetentionCount = 1 });

        Assert.Equal(CleanupRule.ProductionRetention, results.For(1).Rule);
        Assert.Equal(CleanupRule.ProductionBeyondRetention, results.For(2).Rule);
        Assert.Equal(CleanupRule.NotInUse, results.For(3).Rule); // shares six characters only
    }

    [Fact]
    public void ZeroRetentionDeletesEveryUnprotectedProductionImage()
    {
        var results = Decide(new[] { Image(1, 100, Tag(1)) }, history: new[] { Sha(1) }, policy: new CleanupPolicy { ProductionRetentionCount = 0 });

        Assert.Equal("Production image beyond retention (#1 > 0)", results.Single().Reason);
    }

    [Fact]
    public void AnImageOfAnotherRepositoryIsRefused()
    {
        var images = new[] { Image(1, 100, Tag(1)), new EcrImage("other-repository", Digest(2)) { Tags = new[] { Tag(2) }, PushedAt = Now.AddHours(-100) } };

        var ex = Assert.ThrowsAny<ArgumentException>(() => Decide(images));

        Assert.Contains("other-repository", ex.Message);
    }

    [Fact]
    public void WhatProductionRunsNowIsBuildOneHoweverManyCommitsItsFunctionsRun()
    {
        // Two production functions run images of commits 1 and 2; the history goes 3, 1, 4 (newest first).
        var images = new[] { Image(1, 30, Tag(1)), Image(2, 30, Tag(2)), Image(3, 60, Tag(3)), Image(4, 90, Tag(4)), Image(5, 120, Tag(5)) };
        var production = new StackFunction("api", "HelpmatonProduction", "HelpmatonProduction", "Api", DeploymentEnvironment.Production, null);
        var evidence = Evidence(images) with
        {
            Deployments = new[]
            {
                new FunctionDeployment("api", "$LATEST", production, null, null, Digest(1)),
                new FunctionDeployment("worker", "$LATEST", production with { FunctionName = "worker" }, null, null, Digest(2)),
            },
            ProductionHistory = new[] { Sha(3), Sha(1), Sha(4), Sha(5) },
            OpenPullRequests = new Dictionary<string, int>(),
        };

        var results = Engine(new CleanupPolicy { ProductionRetentionCount = 3 }).Decide(evidence).Candidates;

        Assert.Equal(new int?[] { 1, 1, 2, 3, 4 }, new[] { 1, 2, 3, 4, 5 }.Select(n => results.For(n).ProductionRank));
        Assert.Equal(CleanupRule.ProductionRetention, results.For(4).Rule);
        Assert.Equal(3, Assert.Single(results.For(4).Protections).ProductionRank);
        Assert.Equal("Production image beyond retention (#4 > 3)", results.For(5).Reason);
    }

    [Fact]
    public void WithoutTheHistoryNoBuildIsNumbered()
    {
        var production = new StackFunction("api", "HelpmatonProduction", "HelpmatonProduction", "Api", DeploymentEnvironment.Production, null);
        var evidence = Evidence(new[] { Image(1, 30, Tag(1)) }) with { Deployments = new[] { new FunctionDeployment("api", "$LATEST", production, null, null, Digest(1)) } };

        var result = Engine().Decide(evidence).Candidates.Single();

        Assert.Null(result.ProductionRank);
        Assert.Equal(new[] { CleanupRule.Protected, CleanupRule.CommitStatusUnknown }, result.KeptBy);
    }

    [Fact]
    public void EveryRuleThatKeepsAnImageIsRecordedInTheTreesOrder()
    {
        var result = Decide(new[] { Image(1, 2, "lancedb-latest", "release-candidate", Tag(1)) }, pullRequests: new Dictionary<string, int> { [Sha(1)] = 8 }).Single();

        Assert.Equal(new[] { CleanupRule.MinimumAge, CleanupRule.Latest, CleanupRule.OpenPullRequest, CleanupRule.UnknownTag }, result.KeptBy);
        Assert.Equal(CleanupRule.MinimumAge, result.Rule);
        Assert.Equal("Younger than minimum age (2.0h < 24h); Latest tag 'lancedb-latest'; Open pull request #8; Unknown tag pattern 'release-candidate' kept for safety", result.Reason);
        Assert.Equal(ProtectionReason.OpenPullRequest, Assert.Single(result.Protections).Reason);
    }

    [Fact]
    public void StopsWhenTheProductionStackRunsNothingFromTheRepository()
    {
        var evidence = Evidence(new[] { Image(1, 100, Tag(1)) }) with { ProductionStackName = "HelpmatonProduction" };

        var e = Assert.Throws<ProtectionException>(() => Engine().Decide(evidence));

        Assert.Equal(ProtectionException.ProductionStackHasNoImage, e.ErrorId);
    }

    // 5. Open pull requests

    [Fact]
    public void AnOpenPullRequestsImageIsKept()
    {
        var result = Decide(new[] { Image(1, 100, Tag(1, 12)) }, pullRequests: new Dictionary<string, int> { [Sha(1)] = 123 }).Single();

        Assert.Equal(CleanupAction.Keep, result.Action);
        Assert.Equal(CleanupRule.OpenPullRequest, result.Rule);
        Assert.Equal("Open pull request #123", result.Reason);
        Assert.Equal(123, result.PullRequestNumber);
    }

    [Fact]
    public void AnAbbreviatedPullRequestShaMatchesAFullTag()
    {
        var result = Decide(new[] { Image(1, 100, Tag(1)) }, pullRequests: new Dictionary<string, int> { [Sha(1)[..7].ToUpperInvariant()] = 9 }).Single();

        Assert.Equal(CleanupRule.OpenPullRequest, result.Rule);
        Assert.Equal(9, result.PullRequestNumber);
    }

    [Fact]
    public void AnOpenPullRequestBeatsProductionBeyondRetention()
    {
        // A commit deployed long ago that an open pull request still carries: keeping it is the safe side.
        var history = new[] { Sha(2), Sha(1) };
        var images = new[] { Image(1, 100, Tag(1)), Image(2, 50, Tag(2)) };

        var results = Decide(images, history: history, pullRequests: new Dictionary<string, int> { [Sha(1)] = 5 }, policy: new CleanupPolicy { ProductionRetentionCount = 1 });

        Assert.Equal(CleanupRule.OpenPullRequest, results.For(1).Rule);
        Assert.Equal(2, results.For(1).ProductionRank);
    }

    // 6. Unknown tags

    [Fact]
    public void AnUnknownTagIsKeptForSafety()
    {
        var result = Decide(new[] { Image(1, 100, "lancedb-foo") }).Single();

        Assert.Equal(CleanupAction.Keep, result.Action);
        Assert.Equal(CleanupRule.UnknownTag, result.Rule);
        Assert.Equal("Unknown tag pattern 'lancedb-foo' kept for safety", result.Reason);
    }

    [Fact]
    public void AnUnknownTagBeatsProductionBeyondRetentionAndNotInUse()
    {
        var images = new[] { Image(1, 100, Tag(1), "foo"), Image(2, 100, "release-2024", Tag(2)) };

        var results = Decide(images, history: new[] { Sha(1) }, policy: new CleanupPolicy { ProductionRetentionCount = 0 });

        Assert.Equal("Unknown tag pattern 'foo' kept for safety", results.For(1).Reason);
        Assert.Equal(CleanupRule.UnknownTag, results.For(2).Rule);
    }

    [Fact]
    public void UppercaseHexIsUnknownUnderTheDefaultPattern()
    {
        var result = Decide(new[] { Image(1, 100, "lancedb-" + Sha(1)[..12].ToUpperInvariant()) }).Single();

        Assert.Equal(CleanupRule.UnknownTag, result.Rule);
    }

    // Safety: unknown history or pull requests

    [Fact]
    public void WithoutTheProductionHistoryNoCommitImageIsDeleted()
    {
        var results = Decide(new[] { Image(1, 100, Tag(1)), Image(2, 100) }, historyUnknown: true);

        Assert.Equal(CleanupRule.CommitStatusUnknown, results.For(1).Rule);
        Assert.Equal("Production history unknown, commit image kept for safety", results.For(1).Reason);
        Assert.Equal(CleanupRule.Untagged, results.For(2).Rule);
    }

    [Fact]
    public void WithoutTheOpenPullRequestsNoCommitImageIsDeleted()
    {
        var results = Decide(new[] { Image(1, 100, Tag(1)), Image(2, 100, Tag(2)) }, history: new[] { Sha(2), Sha(1) }, policy: new CleanupPolicy { ProductionRetentionCount = 1 }, pullRequestsUnknown: true);

        Assert.Equal(CleanupRule.CommitStatusUnknown, results.For(1).Rule);
        Assert.Equal("Open pull requests unknown, commit image kept for safety", results.For(1).Reason);
        Assert.Equal(CleanupRule.ProductionRetention, results.For(2).Rule);
    }

    [Fact]
    public void WithNeitherBothAreNamed()
    {
        var result = Decide(new[] { Image(1, 100, Tag(1)) }, historyUnknown: true, pullRequestsUnknown: true).Single();

        Assert.Equal("Production history and open pull requests unknown, commit image kept for safety", result.Reason);
    }

    // 7. Untagged and 8. not in use

    [Fact]
    public void AnOldUntaggedImageIsDeleted()
    {
        var result = Decide(new[] { Image(1, 120.3) }).Single();

        Assert.Equal(CleanupAction.Delete, result.Action);
        Assert.Equal(CleanupRule.Untagged, result.Rule);
        Assert.Equal(CandidateCategory.Untagged, result.Category);
        Assert.Equal("Untagged image (120.3h old)", result.Reason);
        Assert.True(result.IsDelete);
    }

    [Fact]
    public void AnOldCommitImageNotInUseIsDeleted()
    {
        var result = Decide(new[] { Image(1, 78.5, Tag(1)) }, history: new[] { Sha(2) }, pullRequests: new Dictionary<string, int> { [Sha(3)] = 4 }).Single();

        Assert.Equal(CleanupAction.Delete, result.Action);
        Assert.Equal(CleanupRule.NotInUse, result.Rule);
        Assert.Equal(CandidateCategory.OldPullRequestImage, result.Category);
        Assert.Equal("Old image (78.5h old, not in use)", result.Reason);
        Assert.Null(result.PullRequestNumber);
        Assert.Equal(Sha(1), result.CommitSha);
    }

    // Children and referrers of kept images

    [Fact]
    public void AKeptIndexKeepsItsChildrenAndTheirReferrers()
    {
        var index = WithChildren(Image(1, 100, "lancedb-latest"), 2, 3);
        var images = new[]
        {
            index,
            Image(2, 100),
            Image(3, 100, Tag(3)), // tagged, not in use: kept all the same
            Referrer(4, subject: 2),
            Image(5, 100),
        };

        var results = Decide(images);

        Assert.Equal(CleanupRule.IndexChildOfKept, results.For(2).Rule);
        Assert.Equal($"Child of kept image index {Digest(1)[..19]}…", results.For(2).Reason);
        Assert.Equal(CleanupRule.IndexChildOfKept, results.For(3).Rule);
        Assert.Equal(CandidateCategory.None, results.For(3).Category);
        Assert.Equal(CleanupRule.ReferrerOfKept, results.For(4).Rule);
        Assert.Equal($"Referrer of kept image {Digest(2)[..19]}…", results.For(4).Reason);
        Assert.Equal(CleanupRule.Untagged, results.For(5).Rule);
    }

    [Fact]
    public void AKeptImageKeepsItsSignature()
    {
        var results = Decide(new[] { Image(1, 2, Tag(1)), Referrer(2, subject: 1) });

        Assert.Equal(CleanupAction.Keep, results.For(2).Action);
        Assert.Equal(CleanupRule.ReferrerOfKept, results.For(2).Rule);
    }

    [Fact]
    public void ADeletedIndexDoesNotKeepItsChildren()
    {
        var images = new[] { WithChildren(Image(1, 100, Tag(1)), 2), Image(2, 100), Referrer(3, subject: 1) };

        var results = Decide(images);

        Assert.All(results, r => Assert.Equal(CleanupAction.Delete, r.Action));
        Assert.Equal(CleanupRule.Untagged, results.For(2).Rule);
        Assert.Equal(CleanupRule.Untagged, results.For(3).Rule);
    }

    [Fact]
    public void AChildKeptOnItsOwnIsNotReasonedAboutItsIndex()
    {
        var results = Decide(new[] { WithChildren(Image(1, 100, "lancedb-latest"), 2), Image(2, 1) });

        Assert.Equal(CleanupRule.MinimumAge, results.For(2).Rule);
    }

    [Fact]
    public void AChildOfTwoKeptIndexesNamesTheSmallestDigestWhateverTheOrder()
    {
        var images = new[] { WithChildren(Image(7, 100, "a-latest"), 2), WithChildren(Image(5, 100, "b-latest"), 2), Image(2, 100) };

        var forward = Decide(images).For(2).Reason;
        var backward = Decide(images.Reverse().ToArray()).For(2).Reason;

        Assert.Equal($"Child of kept image index {Digest(5)[..19]}…", forward); // both indexes read alike here: one reason
        Assert.Equal(forward, backward);
    }

    // Input and output

    [Fact]
    public void OutputIsNewestFirstThenByDigest()
    {
        var images = new[] { Image(3, 100), Image(1, 50), Image(2, 100), Image(4, 200) };

        var results = Decide(images);

        Assert.Equal(new[] { Digest(1), Digest(2), Digest(3), Digest(4) }, results.Select(r => r.Digest));
    }

    [Fact]
    public void ADigestListedTwiceIsRefused()
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => Decide(new[] { Image(1, 100), Image(1, 50) }));

        Assert.Equal("evidence", ex.ParamName);
        Assert.Contains("twice", ex.Message);
    }

    [Fact]
    public void AnEmptyRepositoryHasNoDecisions()
    {
        Assert.Empty(Decide(Array.Empty<EcrImage>()));
    }

    [Fact]
    public void TheCandidateCarriesTheImageAndReadsWell()
    {
        var image = Image(1, 78.5, Tag(1, 7));

        var result = Decide(new[] { image }).Single();

        Assert.Same(image, result.Image);
        Assert.Equal(Repository, result.Repository);
        Assert.Equal(image.PushedAt, result.PushedAt);
        Assert.Equal(1_000_001, result.SizeBytes);
        Assert.Equal(new[] { Tag(1, 7) }, result.Tags);
        Assert.Equal($"{Repository}@{Digest(1)[..19]}… ({Tag(1, 7)}): Delete, Old image (78.5h old, not in use)", result.ToString());
    }

    private static EcrImage WithChildren(EcrImage image, params int[] children) =>
        new(image.Repository, image.Digest)
        {
            Tags = image.Tags,
            PushedAt = image.PushedAt,
            ManifestMediaType = "application/vnd.oci.image.index.v1+json",
            ChildDigests = children.Select(Digest).ToArray(),
        };

    private static EcrImage Referrer(int n, int subject) =>
        new(Repository, Digest(n))
        {
            PushedAt = Now.AddHours(-100),
            SubjectDigest = Digest(subject),
            ArtifactType = "application/vnd.dev.cosign.artifact.sig.v1+json",
        };
}
