using BenchmarkDotNet.Attributes;
using EcrCleanup.Decisions;
using EcrCleanup.Model;
using EcrCleanup.Reading;

namespace EcrCleanup.Benchmarks;

/// <summary>
/// One whole decision run: index the images and the protections piped in, classify every tag, rank the
/// production commits, match open pull requests, resolve children and referrers, sort. Protected images are a
/// tenth of the repository (10,000 of 100,000).
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class DecideBenchmarks
{
    private RepositoryGenerator data = null!;
    private CleanupEngine engine = null!;

    [Params(1_000, 10_000, 100_000)]
    public int Images { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        data = new RepositoryGenerator(Images, protectedCount: Images / 10);
        engine = new CleanupEngine(CleanupPolicy.Default, new FixedClock(RepositoryGenerator.Now));
    }

    [Benchmark]
    public CleanupDecisions Decide() =>
        engine.Decide(
            new Evidence(new EcrRepository(RepositoryGenerator.Repository, "123456789012", "uri", null, null, null), "eu-west-2", data.Images)
            {
                ProductionHistory = data.ProductionHistory,
                OpenPullRequests = data.OpenPullRequests,
            },
            data.Protections);

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
