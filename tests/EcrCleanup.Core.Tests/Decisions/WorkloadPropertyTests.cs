using CsCheck;
using EcrCleanup.Decisions;
using EcrCleanup.Model;
using EcrCleanup.Reading;
using static EcrCleanup.Core.Tests.Decisions.TestData;

namespace EcrCleanup.Core.Tests.Decisions;

/// <summary>Over random repositories and workloads: whatever a workload runs or names in the repository is kept, and it alone is.</summary>
public class WorkloadPropertyTests
{

    /// <summary>How a workload refers to image <c>Target</c>: by the tag it names, by a digest URI, or by the digest a task resolved (naming another image's tag, which moved).</summary>
    private sealed record WorkloadSpec(WorkloadKind Kind, int Target, int How, int Stack, int Moved);

    private static readonly Gen<WorkloadSpec> GenWorkload = Gen.Select(
        Gen.Enum<WorkloadKind>(), Gen.Int[0, 29], Gen.Int[0, 3], Gen.Int[0, 2], Gen.Int[0, 29],
        (kind, target, how, stack, moved) => new WorkloadSpec(kind, target, how, stack, moved));

    private static readonly Gen<(int Count, WorkloadSpec[] Workloads, int Retention)> GenScenario =
        Gen.Select(Gen.Int[1, 30], GenWorkload.Array[0, 12], Gen.Int[0, 4]);

    [Fact]
    public void WhatAWorkloadRunsOrNamesIsKeptAndNothingElseIsProtectedByIt() =>
        GenScenario.Sample(scenario =>
        {
            var (count, specs, retention) = scenario;
            // Every image has one commit tag, none in any history or pull request: unprotected, old, it would go.
            var images = Enumerable.Range(0, count).Select(i => Image(i, 100, $"lancedb-{Sha(i)[..7]}")).ToArray();
            var workloads = specs.Select(spec => Workload(spec, images)).ToArray();
            var expected = specs.SelectMany(spec => Referenced(spec, images)).ToHashSet(StringComparer.Ordinal);

            var decisions = Engine(new CleanupPolicy { ProductionRetentionCount = retention }).Decide(
                Evidence(images) with { Workloads = workloads, ProductionHistory = [], OpenPullRequests = new Dictionary<string, int>() });

            foreach (var candidate in decisions.Candidates)
            {
                if (expected.Contains(candidate.Digest))
                {
                    Assert.Equal((CleanupAction.Keep, CleanupRule.Protected), (candidate.Action, candidate.Rule));
                    Assert.Contains(candidate.Protections, p => !string.IsNullOrEmpty(p.Workload));
                }
                else
                {
                    Assert.Equal(CleanupAction.Delete, candidate.Action);
                }
            }
        }, iter: 400, print: s => $"{s.Count} images, retention {s.Retention}: {string.Join("; ", s.Workloads.Select(w => w.ToString()))}");

    private static WorkloadImage Workload(WorkloadSpec spec, EcrImage[] images)
    {
        var target = images[spec.Target % images.Length];
        var moved = images[spec.Moved % images.Length];
        var stack = spec.Stack switch
        {
            0 => null,
            1 => new StackRunner("AWS::ECS::TaskDefinition", "arn", "HelpmatonProduction", "HelpmatonProduction", "Task", DeploymentEnvironment.Production, null),
            _ => new StackRunner("AWS::Batch::JobDefinition", "arn", "HelpmatonStagingPR7", "HelpmatonStagingPR7", "Job", DeploymentEnvironment.PullRequest, 7),
        };
        var (named, digest) = spec.How switch
        {
            0 => (Reference(target.Tags[0], null), (string?)null),
            1 => (Reference(null, target.Digest), null),
            2 => (Reference(moved.Tags[0], null), target.Digest),   // a task whose tag moved on: it runs the target
            _ => (new ImageReference("210987654321", "eu-west-2", Repository, "x", null), target.Digest),  // another registry's image: not ours
        };
        return new WorkloadImage(spec.Kind, $"{spec.Kind} {spec.Target}", stack, named, digest, stack?.Environment == DeploymentEnvironment.Production && spec.Kind == WorkloadKind.EcsTaskDefinition && spec.Moved % 2 == 0 ? 2 : null);
    }

    /// <summary>The digests the workload keeps: the image it names in this repository and the one it runs, unless both live elsewhere.</summary>
    private static IEnumerable<string> Referenced(WorkloadSpec spec, EcrImage[] images)
    {
        var target = images[spec.Target % images.Length];
        return spec.How switch
        {
            0 or 1 => [target.Digest],
            2 => [target.Digest, images[spec.Moved % images.Length].Digest],
            _ => [],
        };
    }

    private static ImageReference Reference(string? tag, string? digest) => new("123456789012", "eu-west-2", Repository, tag, digest);
}
