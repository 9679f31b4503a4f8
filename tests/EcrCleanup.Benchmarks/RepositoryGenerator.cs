using EcrCleanup.Model;

namespace EcrCleanup.Benchmarks;

/// <summary>A seeded, realistic repository: commit images, untagged leftovers, image indexes, signatures, a few odd tags.</summary>
public sealed class RepositoryGenerator
{
    public const string Repository = "helpmaton-lambda-images";

    public static readonly DateTimeOffset Now = new(2025, 12, 18, 2, 0, 0, TimeSpan.Zero);

    public RepositoryGenerator(int imageCount, int protectedCount, int seed = 42)
    {
        var random = new Random(seed);
        var images = new List<EcrImage>(imageCount);
        var commitShas = new List<string>();
        var number = 0;

        while (images.Count < imageCount)
        {
            var kind = random.Next(100);
            var age = random.NextDouble() * 2000;
            if (kind < 70 || images.Count == 0)
            {
                // lancedb-<sha>, full or abbreviated as the build tagged it.
                var sha = Hex(random, 40);
                commitShas.Add(sha);
                var tag = "lancedb-" + (random.Next(2) == 0 ? sha : sha[..12]);
                images.Add(Image(number++, age, tag));
            }
            else if (kind < 80)
            {
                images.Add(Image(number++, age));
            }
            else if (kind < 85 && images.Count + 3 <= imageCount)
            {
                // A multi-platform index with its two platform manifests.
                var sha = Hex(random, 40);
                commitShas.Add(sha);
                var first = Image(number++, age);
                var second = Image(number++, age);
                images.Add(first);
                images.Add(second);
                images.Add(new EcrImage(Repository, Digest(number++))
                {
                    Tags = new[] { "lancedb-" + sha },
                    PushedAt = Now.AddHours(-age),
                    ChildDigests = new[] { first.Digest, second.Digest },
                });
            }
            else if (kind < 95)
            {
                // A signature of an earlier image.
                var subject = images[random.Next(images.Count)];
                images.Add(new EcrImage(Repository, Digest(number++))
                {
                    PushedAt = subject.PushedAt.AddMinutes(1),
                    SubjectDigest = subject.Digest,
                    ArtifactType = "application/vnd.dev.cosign.artifact.sig.v1+json",
                });
            }
            else if (kind < 98)
            {
                images.Add(Image(number++, age, "release-" + number));
            }
            else
            {
                images.Add(Image(number++, age, "svc" + number + "-latest"));
            }
        }

        Images = images.ToArray();

        // Every tenth commit went to production (newest first), with commits that have no image in between.
        var history = new List<string>();
        for (var i = commitShas.Count - 1; i >= 0; i -= 10)
        {
            history.Add(commitShas[i]);
            history.Add(Hex(random, 40));
        }

        ProductionHistory = history;

        // Every 25th commit belongs to an open pull request, given abbreviated half the time.
        var pullRequests = new Dictionary<string, int>();
        for (var i = 3; i < commitShas.Count; i += 25)
        {
            pullRequests[random.Next(2) == 0 ? commitShas[i] : commitShas[i][..7]] = 1000 + i;
        }

        OpenPullRequests = pullRequests;

        // Protected: a random sample of the images (deployed functions, versions and aliases).
        var protections = new List<ProtectedImage>(protectedCount);
        for (var i = 0; i < protectedCount; i++)
        {
            var image = Images[random.Next(Images.Length)];
            protections.Add(new ProtectedImage(image.Repository, image.Digest, ProtectionReason.Deployed)
            {
                StackName = "HelpmatonStagingPR" + i,
                FunctionName = "ApiFunction",
                Qualifier = "$LATEST",
            });
        }

        Protections = protections;
    }

    public EcrImage[] Images { get; }

    public IReadOnlyList<string> ProductionHistory { get; }

    public IReadOnlyDictionary<string, int> OpenPullRequests { get; }

    public IReadOnlyList<ProtectedImage> Protections { get; }

    private static EcrImage Image(int n, double ageHours, params string[] tags) =>
        new(Repository, Digest(n)) { Tags = tags, PushedAt = Now.AddHours(-ageHours), SizeBytes = 500_000_000 };

    private static string Digest(int n) => "sha256:" + n.ToString("x64", System.Globalization.CultureInfo.InvariantCulture);

    private static string Hex(Random random, int length)
    {
        Span<byte> bytes = stackalloc byte[(length + 1) / 2];
        random.NextBytes(bytes);
        return Convert.ToHexString(bytes).ToLowerInvariant()[..length];
    }
}
