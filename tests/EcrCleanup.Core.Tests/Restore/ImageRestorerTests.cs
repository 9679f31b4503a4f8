using System.Threading.Channels;
using EcrCleanup.Abstractions;
using EcrCleanup.Model;
using EcrCleanup.Restore;
using Microsoft.Extensions.Time.Testing;

namespace EcrCleanup.Core.Tests.Restore;

/// <summary>Restoring archived images against a registry that restores as ECR does, its waits on a fake clock.</summary>
public class ImageRestorerTests
{
    private readonly StepClock _clock = new();
    private readonly ArchiveRegistry _ecr;

    public ImageRestorerTests()
    {
        _ecr = new ArchiveRegistry(_clock);
    }

    private static ImageToRestore Ask(EcrImage image) => new(image.Repository, image.Digest, image.Tags);

    private static ImageToRestore Unknown(string label) => new("app", Protection.ProtectionWorld.Digest(label), ["gone-1"]);

    private static RestoreCallbacks Yes(List<IReadOnlyList<EcrImage>>? asked = null, List<RestoreProgress>? progress = null) =>
        new(images =>
        {
            asked?.Add(images);
            return Task.FromResult<IReadOnlyList<bool>>(images.Select(_ => true).ToArray());
        }, progress is null ? null : progress.Add);

    private Task<IReadOnlyList<RestoreResult>> RestoreAsync(IReadOnlyCollection<ImageToRestore> images, RestoreOptions? options = null, RestoreCallbacks? callbacks = null, CancellationToken cancellationToken = default) =>
        new ImageRestorer(_ecr, _clock).RestoreAsync(images, options ?? new RestoreOptions(), callbacks ?? Yes(), cancellationToken);

    [Fact]
    public async Task Restores_the_archived_images_leaves_active_ones_counts_activating_ones_and_names_unknown_ones()
    {
        var archived = _ecr.Add("archived", ImageStatus.Archived, "v1");
        var active = _ecr.Add("active", ImageStatus.Active, "v2");
        var activating = _ecr.Add("activating", ImageStatus.Activating);
        var asked = new List<IReadOnlyList<EcrImage>>();

        var results = await RestoreAsync([Ask(archived), Ask(active), Unknown("deleted"), Ask(activating)], callbacks: Yes(asked));

        Assert.Equal(
            [(archived.Digest, RestoreOutcome.Restoring, (ImageStatus?)ImageStatus.Activating), (active.Digest, RestoreOutcome.AlreadyActive, ImageStatus.Active),
             (Unknown("deleted").Digest, RestoreOutcome.NotFound, null), (activating.Digest, RestoreOutcome.Restoring, ImageStatus.Activating)],
            results.Select(r => (r.Digest, r.Outcome, r.Status)));
        Assert.Equal([archived.Digest], Assert.Single(asked).Select(i => i.Digest));
        Assert.Equal(["DescribeImages 4", $"UpdateImageStorageClass {archived.Digest}"], _ecr.Log);
        Assert.Equal(ImageStatus.Activating, _ecr.Images[archived.Digest].Status);
        var notFound = results[2];
        Assert.Equal(ImageRestorer.NotFoundCode, notFound.FailureCode);
        Assert.Equal(["gone-1"], notFound.Tags);
        Assert.Contains("ECR has no image", notFound.FailureReason, StringComparison.Ordinal);
        Assert.All(results.Where(r => r.Outcome != RestoreOutcome.NotFound), r => Assert.Null(r.FailureCode));
    }

    [Fact]
    public async Task Names_each_image_by_the_tags_ECR_gives_it_now()
    {
        var archived = _ecr.Add("archived", ImageStatus.Archived, "v1", "release-3");

        var result = Assert.Single(await RestoreAsync([new ImageToRestore("app", archived.Digest, ["v1"])]));

        Assert.Equal(["v1", "release-3"], result.Tags);
        Assert.Equal($"app@{archived.Digest[..19]}… (v1, release-3): Restoring", result.ToString());
    }

    [Fact]
    public async Task An_image_ECR_restores_at_once_is_restored()
    {
        _ecr.ActivationDelay = TimeSpan.Zero;
        var archived = _ecr.Add("archived", ImageStatus.Archived);

        var result = Assert.Single(await RestoreAsync([Ask(archived)]));

        Assert.Equal((RestoreOutcome.Restored, (ImageStatus?)ImageStatus.Active), (result.Outcome, result.Status));
    }

    [Fact]
    public async Task Asks_once_and_restores_only_the_images_confirmed()
    {
        var first = _ecr.Add("first", ImageStatus.Archived);
        var second = _ecr.Add("second", ImageStatus.Archived);
        var questions = 0;
        var callbacks = new RestoreCallbacks(images =>
        {
            questions++;
            return Task.FromResult<IReadOnlyList<bool>>(images.Select(i => i.Digest == second.Digest).ToArray());
        });

        var results = await RestoreAsync([Ask(first), Ask(second)], callbacks: callbacks);

        Assert.Equal(1, questions);
        Assert.Equal([(RestoreOutcome.Skipped, (ImageStatus?)ImageStatus.Archived), (RestoreOutcome.Restoring, ImageStatus.Activating)], results.Select(r => (r.Outcome, r.Status)));
        Assert.Equal(ImageStatus.Archived, _ecr.Images[first.Digest].Status);
        Assert.DoesNotContain($"UpdateImageStorageClass {first.Digest}", _ecr.Log);
    }

    [Fact]
    public async Task A_dry_run_asks_restores_nothing_and_says_what_it_would_restore()
    {
        var archived = _ecr.Add("archived", ImageStatus.Archived);
        var active = _ecr.Add("active", ImageStatus.Active);
        var asked = new List<IReadOnlyList<EcrImage>>();

        var results = await RestoreAsync([Ask(archived), Ask(active)], new RestoreOptions { DryRun = true, Wait = true }, Yes(asked));

        Assert.Equal([RestoreOutcome.WouldRestore, RestoreOutcome.AlreadyActive], results.Select(r => r.Outcome));
        Assert.Single(asked);
        Assert.Equal(["DescribeImages 2"], _ecr.Log);
        Assert.Equal(ImageStatus.Archived, _ecr.Images[archived.Digest].Status);
    }

    [Fact]
    public async Task A_restore_ECR_refuses_is_that_images_failure_and_the_others_go_on()
    {
        var refused = _ecr.Add("refused", ImageStatus.Archived);
        var deleted = _ecr.Add("deleted-meanwhile", ImageStatus.Archived);
        var fine = _ecr.Add("fine", ImageStatus.Archived);
        _ecr.RefuseRestore[refused.Digest] = new ServiceException("ECR", "UpdateImageStorageClass", "app", "AccessDeniedException", "not authorized (grant ecr:UpdateImageStorageClass to the identity in use)");
        _ecr.DeleteBeforeRestore.Add(deleted.Digest);

        var results = await RestoreAsync([Ask(refused), Ask(deleted), Ask(fine)]);

        Assert.Equal([RestoreOutcome.Failed, RestoreOutcome.NotFound, RestoreOutcome.Restoring], results.Select(r => r.Outcome));
        Assert.Equal(("AccessDeniedException", (ImageStatus?)ImageStatus.Archived), (results[0].FailureCode, results[0].Status));
        Assert.Contains("grant ecr:UpdateImageStorageClass", results[0].FailureReason, StringComparison.Ordinal);
        Assert.Equal((ImageRestorer.NotFoundCode, (ImageStatus?)null), (results[1].FailureCode, results[1].Status));
        Assert.Equal(ImageStatus.Activating, _ecr.Images[fine.Digest].Status);
    }

    [Fact]
    public async Task A_status_that_cannot_be_read_stops_the_restore_before_anything_is_restored()
    {
        var archived = _ecr.Add("archived", ImageStatus.Archived);
        _ecr.FailDescribe = new ServiceException("ECR", "DescribeImages", "app", "ServerException", "try later");

        var e = await Assert.ThrowsAsync<ServiceException>(() => RestoreAsync([Ask(archived)]));

        Assert.Equal("ServerException", e.ErrorCode);
        Assert.Equal(["DescribeImages 1"], _ecr.Log);
        Assert.Equal(ImageStatus.Archived, _ecr.Images[archived.Digest].Status);
    }

    [Fact]
    public async Task Waits_until_every_restored_image_is_active_reading_them_again_after_growing_waits()
    {
        _ecr.ActivationDelay = TimeSpan.FromSeconds(6);
        var archived = _ecr.Add("archived", ImageStatus.Archived);
        var activating = _ecr.Add("activating", ImageStatus.Activating);
        _ecr.ActivatesAt[activating.Digest] = _clock.GetUtcNow().AddSeconds(2);
        var active = _ecr.Add("active", ImageStatus.Active);
        var progress = new List<RestoreProgress>();

        var run = RestoreAsync([Ask(archived), Ask(activating), Ask(active)], new RestoreOptions { Wait = true }, Yes(progress: progress));
        var waits = await _clock.PassAsync(run);
        var results = await run;

        Assert.Equal([1, 2, 4], waits.Select(w => w.TotalSeconds));
        Assert.Equal([(RestoreOutcome.Restored, (ImageStatus?)ImageStatus.Active), (RestoreOutcome.Restored, ImageStatus.Active), (RestoreOutcome.AlreadyActive, ImageStatus.Active)],
            results.Select(r => (r.Outcome, r.Status)));
        Assert.Equal(_clock.Start.AddSeconds(7), results[0].At);
        Assert.Equal(["DescribeImages 3", $"UpdateImageStorageClass {archived.Digest}", "DescribeImages 2", "DescribeImages 2", "DescribeImages 1"], _ecr.Log);
        Assert.Equal(
            [(RestoreStage.Restoring, 0, 1), (RestoreStage.Waiting, 0, 2), (RestoreStage.Waiting, 0, 2), (RestoreStage.Waiting, 1, 2)],
            progress.Select(p => (p.Stage, p.Done, p.Total)));
    }

    /// <summary>The waits grow to 15 seconds; the last is cut to what is left of the timeout.</summary>
    [Theory]
    [InlineData(60, new double[] { 1, 2, 4, 8, 15, 15, 15 }, "1 min")]
    [InlineData(5, new double[] { 1, 2, 2 }, "5 s")]
    public async Task An_image_still_restoring_when_the_wait_ends_is_restoring_with_the_timeout_and_what_to_do(int timeoutSeconds, double[] expectedWaits, string waited)
    {
        _ecr.ActivationDelay = TimeSpan.FromHours(1);
        var archived = _ecr.Add("archived", ImageStatus.Archived);

        var run = RestoreAsync([Ask(archived)], new RestoreOptions { Wait = true, Timeout = TimeSpan.FromSeconds(timeoutSeconds) });
        var waits = await _clock.PassAsync(run);
        var result = Assert.Single(await run);

        Assert.Equal(expectedWaits, waits.Select(w => w.TotalSeconds));
        Assert.Equal((RestoreOutcome.Restoring, (ImageStatus?)ImageStatus.Activating, ImageRestorer.WaitTimeoutCode), (result.Outcome, result.Status, result.FailureCode));
        Assert.Contains($"still ACTIVATING after a wait of {waited}. ECR goes on with the restore", result.FailureReason, StringComparison.Ordinal);
        Assert.Contains($"--image-ids imageDigest={archived.Digest}", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_image_deleted_while_it_is_restored_is_not_found()
    {
        var archived = _ecr.Add("archived", ImageStatus.Archived);

        var run = RestoreAsync([Ask(archived)], new RestoreOptions { Wait = true });
        Assert.Equal(TimeSpan.FromSeconds(1), await _clock.NextWaitAsync());
        _ecr.Images.Remove(archived.Digest);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var result = Assert.Single(await run.WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal((RestoreOutcome.NotFound, ImageRestorer.NotFoundCode), (result.Outcome, result.FailureCode));
        Assert.Contains("deleted from 'app' while it was being restored", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_ends_a_wait_at_once()
    {
        var archived = _ecr.Add("archived", ImageStatus.Archived);
        using var cancel = new CancellationTokenSource();

        var run = RestoreAsync([Ask(archived)], new RestoreOptions { Wait = true }, cancellationToken: cancel.Token);
        await _clock.NextWaitAsync();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(["DescribeImages 1", $"UpdateImageStorageClass {archived.Digest}"], _ecr.Log);
    }

    [Fact]
    public async Task Asks_about_each_digest_once()
    {
        var archived = _ecr.Add("archived", ImageStatus.Archived);

        var results = await RestoreAsync([Ask(archived), Ask(archived) with { Tags = [] }]);

        Assert.Single(results);
        Assert.Equal(["DescribeImages 1", $"UpdateImageStorageClass {archived.Digest}"], _ecr.Log);
    }

    [Fact]
    public async Task Refuses_images_of_several_repositories_and_a_wait_of_no_time()
    {
        var archived = _ecr.Add("archived", ImageStatus.Archived);

        await Assert.ThrowsAsync<ArgumentException>(() => RestoreAsync([Ask(archived), Ask(archived) with { Repository = "other" }]));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => RestoreAsync([Ask(archived)], new RestoreOptions { Wait = true, Timeout = TimeSpan.Zero }));
        Assert.Empty(_ecr.Log);
    }

    /// <summary>A clock whose waits a test lets pass one at a time, each by exactly its length.</summary>
    private sealed class StepClock : FakeTimeProvider
    {
        private readonly Channel<TimeSpan> _waits = Channel.CreateUnbounded<TimeSpan>();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            _waits.Writer.TryWrite(dueTime);
            return timer;
        }

        /// <summary>The length of the next wait, once it has begun.</summary>
        public Task<TimeSpan> NextWaitAsync(CancellationToken cancellationToken = default) =>
            _waits.Reader.ReadAsync(cancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);

        /// <summary>Lets every wait of <paramref name="run"/> pass until it ends; answers their lengths.</summary>
        public async Task<List<TimeSpan>> PassAsync(Task run)
        {
            var waits = new List<TimeSpan>();
            while (true)
            {
                using var stop = new CancellationTokenSource();
                var next = NextWaitAsync(stop.Token);
                if (await Task.WhenAny(next, run).WaitAsync(TimeSpan.FromSeconds(10)) == run)
                {
                    await stop.CancelAsync();
                    return waits;
                }

                var wait = await next;
                waits.Add(wait);
                Advance(wait);
            }
        }
    }

    /// <summary>One repository 'app' that restores as ECR does: STANDARD on an archived image is ACTIVATING for <see cref="ActivationDelay"/>, then ACTIVE.</summary>
    private sealed class ArchiveRegistry(TimeProvider clock) : IEcrClient
    {
        public Dictionary<string, EcrImage> Images { get; } = new();
        public Dictionary<string, DateTimeOffset> ActivatesAt { get; } = new();
        public Dictionary<string, ServiceException> RefuseRestore { get; } = new();
        public HashSet<string> DeleteBeforeRestore { get; } = new();
        public List<string> Log { get; } = new();
        public TimeSpan ActivationDelay { get; set; } = TimeSpan.FromSeconds(5);
        public ServiceException? FailDescribe { get; set; }

        public EcrImage Add(string label, ImageStatus status, params string[] tags)
        {
            var image = new EcrImage("app", Protection.ProtectionWorld.Digest(label)) { Tags = tags, Status = status };
            Images[image.Digest] = image;
            return image;
        }

        public Task<IReadOnlyList<EcrImage>> DescribeImagesAsync(string repositoryName, IReadOnlyCollection<string> digests, ImageStatusFilter status, CancellationToken cancellationToken)
        {
            Log.Add($"DescribeImages {digests.Count}");
            Assert.Equal(("app", ImageStatusFilter.Any), (repositoryName, status));
            if (FailDescribe is { } failure)
            {
                throw failure;
            }

            foreach (var (digest, at) in ActivatesAt.Where(a => a.Value <= clock.GetUtcNow()).ToList())
            {
                if (Images.TryGetValue(digest, out var image))
                {
                    Images[digest] = image with { Status = ImageStatus.Active };
                }

                ActivatesAt.Remove(digest);
            }

            return Task.FromResult<IReadOnlyList<EcrImage>>(digests.Where(Images.ContainsKey).Select(d => Images[d]).ToList());
        }

        public Task<StorageClassUpdate> UpdateImageStorageClassAsync(string repositoryName, string digest, StorageClass target, CancellationToken cancellationToken)
        {
            Log.Add($"UpdateImageStorageClass {digest}");
            Assert.Equal(StorageClass.Standard, target);
            if (RefuseRestore.TryGetValue(digest, out var refusal))
            {
                throw refusal;
            }

            if (DeleteBeforeRestore.Contains(digest) || !Images.TryGetValue(digest, out var image))
            {
                throw new ServiceException("ECR", "UpdateImageStorageClass", repositoryName, "ImageNotFoundException", $"The image with imageId {{imageDigest:'{digest}'}} does not exist");
            }

            Assert.Equal(ImageStatus.Archived, image.Status);
            var status = ActivationDelay == TimeSpan.Zero ? ImageStatus.Active : ImageStatus.Activating;
            Images[digest] = image with { Status = status };
            ActivatesAt[digest] = clock.GetUtcNow() + ActivationDelay;
            return Task.FromResult(new StorageClassUpdate(digest, status));
        }

        public Task<EcrRepository> DescribeRepositoryAsync(string repositoryName, CancellationToken cancellationToken) => throw new NotSupportedException();

        public IAsyncEnumerable<EcrRepository> ListRepositoriesAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public IAsyncEnumerable<EcrImage> DescribeImagesAsync(string repositoryName, ImageStatusFilter status, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<ImageManifest>> GetManifestsAsync(string repositoryName, IReadOnlyCollection<string> digests, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<BatchDeleteResult> BatchDeleteImageAsync(string repositoryName, IReadOnlyCollection<string> digests, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<LifecyclePolicy?> GetLifecyclePolicyAsync(string repositoryName, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<LifecyclePreviewStatus> StartLifecyclePolicyPreviewAsync(string repositoryName, string? policyText, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<LifecyclePreview> GetLifecyclePolicyPreviewAsync(string repositoryName, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
