using System.Security.Cryptography;
using System.Text;
using EcrCleanup.Decisions;
using EcrCleanup.Model;
using EcrCleanup.Reading;
using Microsoft.Extensions.Time.Testing;

namespace EcrCleanup.Core.Tests.Decisions;

/// <summary>Images, SHAs and engines for the decision tests, all at a fixed "now".</summary>
internal static class TestData
{
    public const string Repository = "helpmaton-lambda-images";

    public static readonly DateTimeOffset Now = new(2025, 12, 18, 2, 0, 0, TimeSpan.Zero);

    /// <summary>A digest that reads as its number: <c>sha256:000…0007</c>.</summary>
    public static string Digest(int n) => "sha256:" + n.ToString("x64", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A 40-hex commit SHA, different for every n.</summary>
    public static string Sha(int n) =>
        Convert.ToHexString(SHA1.HashData(Encoding.UTF8.GetBytes($"commit-{n}"))).ToLowerInvariant();

    public static EcrImage Image(int n, double ageHours, params string[] tags) =>
        new(Repository, Digest(n)) { Tags = tags, PushedAt = Now.AddHours(-ageHours), SizeBytes = 1_000_000 + n };

    public static FakeTimeProvider Clock() => new(Now);

    public static CleanupEngine Engine(CleanupPolicy? policy = null, TimeProvider? clock = null) =>
        new(policy ?? CleanupPolicy.Default, clock ?? Clock());

    public static IReadOnlyList<CleanupCandidate> Decide(
        IReadOnlyList<EcrImage> images,
        IEnumerable<ProtectedImage>? protections = null,
        IReadOnlyList<string>? history = null,
        IReadOnlyDictionary<string, int>? pullRequests = null,
        CleanupPolicy? policy = null,
        bool historyUnknown = false,
        bool pullRequestsUnknown = false) =>
        Engine(policy).Decide(
            Evidence(images) with
            {
                ProductionHistory = historyUnknown ? null : history ?? Array.Empty<string>(),
                OpenPullRequests = pullRequestsUnknown ? null : pullRequests ?? new Dictionary<string, int>(),
            },
            protections).Candidates;

    /// <summary>Evidence of the test repository holding these images, and nothing else read.</summary>
    public static Evidence Evidence(IReadOnlyList<EcrImage> images) =>
        new(new EcrRepository(Repository, "123456789012", $"123456789012.dkr.ecr.eu-west-2.amazonaws.com/{Repository}", null, null, null), "eu-west-2", images);

    /// <summary>A protection from outside the module, as a piped inventory gives it.</summary>
    public static ProtectedImage External(string repository, string digest, string? description) =>
        new(repository, digest, ProtectionReason.External) { Source = description };

    public static CleanupCandidate For(this IReadOnlyList<CleanupCandidate> candidates, int n) =>
        candidates.Single(c => c.Digest == Digest(n));
}
