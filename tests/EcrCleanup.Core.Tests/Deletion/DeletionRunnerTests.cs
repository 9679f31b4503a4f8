using System.Runtime.CompilerServices;
using EcrCleanup.Abstractions;
using EcrCleanup.Deletion;
using EcrCleanup.Model;
using Microsoft.Extensions.Time.Testing;

namespace EcrCleanup.Core.Tests.Deletion;

public class DeletionRunnerTests
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 25, 2, 0, 0, TimeSpan.Zero));
    private readonly FakeRegistry ecr = new();

    private CleanupCandidate Candidate(EcrImage image, CleanupAction action = CleanupAction.Delete) =>
        new(image, action, action == CleanupAction.Delete ? CleanupRule.NotInUse : CleanupRule.Protected, action == CleanupAction.Delete ? "Old image" : "Deployed", 100) { DecidedAt = time.GetUtcNow() };

    private Task<IReadOnlyList<DeletionResult>> Run(IReadOnlyList<CleanupCandidate> candidates, DeletionOptions? options = null, Func<CleanupCandidate, bool>? confirm = null, IDeletionJournal? journal = null, IEnumerable<CleanupCandidate>? decidedAgain = null) =>
        new DeletionRunner(ecr, time, journal, options ?? new DeletionOptions()).RunAsync(
            "app",
            candidates,
            async token => RepositoryNow.Of(await ecr.DescribeImagesAsync("app", token).ToListAsync(token), decidedAgain),
            asked => Task.FromResult<IReadOnlyList<bool>>(asked.Select(a => confirm?.Invoke(a.Candidate) ?? true).ToArray()),
            _ => { },
            CancellationToken.None);

    [Fact]
    public async Task Deletes_candidates_by_digest_and_skips_kept_ones()
    {
        var old = ecr.Add("old", "a-1111111", "extra-tag");
        var kept = ecr.Add("kept", "a-2222222");

        var results = await Run(new[] { Candidate(old), Candidate(kept, CleanupAction.Keep) });

        Assert.Equal(DeletionOutcome.Deleted, results.Single(r => r.Digest == old.Digest).Outcome);
        Assert.Equal(DeletionOutcome.Skipped, results.Single(r => r.Digest == kept.Digest).Outcome);
        Assert.DoesNotContain(old.Digest, ecr.Images.Keys);
        Assert.Contains(kept.Digest, ecr.Images.Keys);
    }

    [Fact]
    public async Task Deletes_in_batches_of_at_most_100()
    {
        var images = Enumerable.Range(0, 250).Select(i => ecr.Add("img" + i)).ToList();
        await Run(images.Select(i => Candidate(i)).ToList());
        Assert.Equal(new[] { 100, 100, 50 }, ecr.BatchSizes);
    }

    [Fact]
    public async Task Deletes_an_image_index_before_its_children_and_keeps_children_of_a_failed_index()
    {
        var child = ecr.Add("child");
        var index = ecr.AddIndex("index", child.Digest);
        var orphanChild = ecr.Add("orphan child");
        var failingIndex = ecr.AddIndex("failing index", orphanChild.Digest);
        ecr.Refuse[failingIndex.Digest] = "ImageReferencedByManifestList";

        var results = await Run(new[] { Candidate(child), Candidate(orphanChild), Candidate(index), Candidate(failingIndex) });

        Assert.True(ecr.DeleteOrder.IndexOf(index.Digest) < ecr.DeleteOrder.IndexOf(child.Digest));
        Assert.Equal(DeletionOutcome.Failed, results.Single(r => r.Digest == failingIndex.Digest).Outcome);
        Assert.Equal("ImageReferencedByManifestList", results.Single(r => r.Digest == failingIndex.Digest).FailureCode);
        var orphan = results.Single(r => r.Digest == orphanChild.Digest);
        Assert.Equal(DeletionOutcome.Skipped, orphan.Outcome);
        Assert.Contains(orphanChild.Digest, ecr.Images.Keys);
    }

    [Fact]
    public async Task Skips_an_image_that_is_gone_or_gained_a_tag_since_the_plan()
    {
        var gone = ecr.Add("gone", "a-1111111");
        var retagged = ecr.Add("retagged", "a-2222222");
        var plan = new[] { Candidate(gone), Candidate(retagged) };
        ecr.Images.Remove(gone.Digest);
        ecr.Images[retagged.Digest] = retagged with { Tags = new[] { "a-2222222", "release-1" } };

        var results = await Run(plan);

        Assert.Equal("no longer in the repository", results.Single(r => r.Digest == gone.Digest).SkipReason);
        Assert.Contains("release-1", results.Single(r => r.Digest == retagged.Digest).SkipReason, StringComparison.Ordinal);
        Assert.Contains(retagged.Digest, ecr.Images.Keys);
        Assert.Empty(ecr.BatchSizes);
    }

    [Fact]
    public async Task Skips_what_the_fresh_decision_keeps_or_no_longer_decides()
    {
        var image = ecr.Add("now deployed", "a-3333333");
        var unknown = ecr.Add("not decided again", "a-4444444");
        var plan = new[] { Candidate(image), Candidate(unknown) };
        var decidedAgain = new[] { new CleanupCandidate(image, CleanupAction.Keep, CleanupRule.Protected, "Deployed: api ($LATEST)", 100) };

        var results = await Run(plan, decidedAgain: decidedAgain);

        Assert.All(results, r => Assert.Equal(DeletionOutcome.Skipped, r.Outcome));
        Assert.Equal("kept when decided again: Deployed: api ($LATEST)", results.Single(r => r.Digest == image.Digest).SkipReason);
        Assert.Equal("kept when decided again: not decided", results.Single(r => r.Digest == unknown.Digest).SkipReason);
        Assert.Contains(image.Digest, ecr.Images.Keys);
        Assert.Empty(ecr.BatchSizes);
    }

    [Fact]
    public async Task A_dry_run_deletes_nothing_and_reports_what_it_would()
    {
        var image = ecr.Add("img");
        var results = await Run(new[] { Candidate(image) }, new DeletionOptions { DryRun = true }, confirm: _ => false);
        Assert.Equal(DeletionOutcome.WouldDelete, results.Single().Outcome);
        Assert.Contains(image.Digest, ecr.Images.Keys);
        Assert.Empty(ecr.BatchSizes);
    }

    [Fact]
    public async Task A_declined_image_is_skipped()
    {
        var image = ecr.Add("img");
        var results = await Run(new[] { Candidate(image) }, confirm: _ => false);
        Assert.Equal("declined", results.Single().SkipReason);
        Assert.Contains(image.Digest, ecr.Images.Keys);
    }

    [Theory]
    [InlineData(2, null)]
    [InlineData(null, 40.0)]
    public async Task Stops_before_deleting_anything_beyond_the_limits(int? maxCount, double? maxPercent)
    {
        var images = Enumerable.Range(0, 5).Select(i => ecr.Add("img" + i)).ToList();
        var plan = images.Take(3).Select(i => Candidate(i)).ToList(); // 3 of 5 = 60%
        await Assert.ThrowsAsync<DeletionLimitException>(() => Run(plan, new DeletionOptions { MaxDeleteCount = maxCount, MaxDeletePercent = maxPercent }));
        Assert.Equal(5, ecr.Images.Count);
    }

    [Fact]
    public async Task A_batch_that_fails_for_good_is_reported_per_image_and_the_run_goes_on()
    {
        var images = Enumerable.Range(0, 150).Select(i => ecr.Add("img" + i)).ToList();
        ecr.FailNextBatch = new ServiceException("ECR", "BatchDeleteImage", "app", "ThrottlingException", "Rate exceeded");

        var results = await Run(images.Select(i => Candidate(i)).ToList());

        Assert.Equal(100, results.Count(r => r.Outcome == DeletionOutcome.Failed && r.FailureCode == "ThrottlingException"));
        Assert.Equal(50, results.Count(r => r.Outcome == DeletionOutcome.Deleted));
    }

    [Fact]
    public async Task Journals_intent_before_the_call_and_outcome_after_it()
    {
        var image = ecr.Add("img", "a-4444444");
        var journal = new ListJournal(ecr);
        await Run(new[] { Candidate(image) }, journal: journal);

        Assert.Equal(new[] { "intent", "outcome" }, journal.Entries.Select(e => e.Entry.Phase));
        Assert.True(journal.Entries[0].ImagePresent);   // written before the delete call
        Assert.False(journal.Entries[1].ImagePresent);
        Assert.Equal("Deleted", journal.Entries[1].Entry.Outcome);
        Assert.Equal(new[] { "a-4444444" }, journal.Entries[0].Entry.Tags);
        Assert.Equal("NotInUse", journal.Entries[0].Entry.Rule);
    }

    private sealed class ListJournal(FakeRegistry ecr) : IDeletionJournal
    {
        public List<(JournalEntry Entry, bool ImagePresent)> Entries { get; } = new();

        public Task WriteAsync(JournalEntry entry, CancellationToken cancellationToken)
        {
            Entries.Add((entry, ecr.Images.ContainsKey(entry.Digest)));
            return Task.CompletedTask;
        }
    }

    /// <summary>An ECR repository that deletes as ECR does: by digest, children of a live index refused.</summary>
    private sealed class FakeRegistry : IEcrClient
    {
        public Dictionary<string, EcrImage> Images { get; } = new();
        public Dictionary<string, string> Refuse { get; } = new();
        public List<int> BatchSizes { get; } = new();
        public List<string> DeleteOrder { get; } = new();
        public ServiceException? FailNextBatch { get; set; }

        public EcrImage Add(string label, params string[] tags) => AddIndex(label, null, tags);

        public EcrImage AddIndex(string label, string? children, params string[] tags)
        {
            var image = new EcrImage("app", Protection.ProtectionWorld.Digest(label))
            {
                Tags = tags,
                PushedAt = DateTimeOffset.UnixEpoch,
                SizeBytes = 100,
                ChildDigests = children is null ? Array.Empty<string>() : new[] { children },
            };
            Images[image.Digest] = image;
            return image;
        }

        public Task<EcrRepository> DescribeRepositoryAsync(string repositoryName, CancellationToken cancellationToken) => throw new NotSupportedException();

        public IAsyncEnumerable<EcrRepository> ListRepositoriesAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public async IAsyncEnumerable<EcrImage> DescribeImagesAsync(string repositoryName, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            foreach (var image in Images.Values.ToList())
            {
                await Task.Yield();
                yield return image;
            }
        }

        public IAsyncEnumerable<EcrImage> DescribeImagesAsync(string repositoryName, ImageStatusFilter status, CancellationToken cancellationToken) =>
            status == ImageStatusFilter.Active ? DescribeImagesAsync(repositoryName, cancellationToken) : throw new NotSupportedException();

        public Task<IReadOnlyList<EcrImage>> DescribeImagesAsync(string repositoryName, IReadOnlyCollection<string> digests, ImageStatusFilter status, CancellationToken cancellationToken) =>
            status == ImageStatusFilter.Active ? Task.FromResult<IReadOnlyList<EcrImage>>(Images.Values.Where(i => digests.Contains(i.Digest)).ToList()) : throw new NotSupportedException();

        public Task<IReadOnlyList<ImageManifest>> GetManifestsAsync(string repositoryName, IReadOnlyCollection<string> digests, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<BatchDeleteResult> BatchDeleteImageAsync(string repositoryName, IReadOnlyCollection<string> digests, CancellationToken cancellationToken)
        {
            BatchSizes.Add(digests.Count);
            if (FailNextBatch is { } failure)
            {
                FailNextBatch = null;
                throw failure;
            }

            var deleted = new List<string>();
            var failures = new List<ImageDeleteFailure>();
            foreach (var digest in digests)
            {
                var referenced = Images.Values.Any(i => i.ChildDigests.Contains(digest));
                if (Refuse.TryGetValue(digest, out var code) || referenced)
                {
                    failures.Add(new ImageDeleteFailure(digest, code ?? "ImageReferencedByManifestList", "refused"));
                }
                else if (Images.Remove(digest))
                {
                    deleted.Add(digest);
                    DeleteOrder.Add(digest);
                }
                else
                {
                    failures.Add(new ImageDeleteFailure(digest, "ImageNotFound", "not found"));
                }
            }

            return Task.FromResult(new BatchDeleteResult(deleted, failures));
        }

        public Task<StorageClassUpdate> UpdateImageStorageClassAsync(string repositoryName, string digest, StorageClass target, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<LifecyclePolicy?> GetLifecyclePolicyAsync(string repositoryName, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<LifecyclePreviewStatus> StartLifecyclePolicyPreviewAsync(string repositoryName, string? policyText, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<LifecyclePreview> GetLifecyclePolicyPreviewAsync(string repositoryName, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
