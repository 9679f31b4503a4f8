using System.Globalization;
using EcrCleanup.Abstractions;
using EcrCleanup.Model;

namespace EcrCleanup.Restore;

/// <summary>How a restore asks before each image and tells how far it is.</summary>
/// <param name="Confirm">Asked once with every archived image to restore; answers, image by image, whether to restore it.</param>
/// <param name="Progress">Told as each restore is asked and each time the wait reads the images again.</param>
public sealed record RestoreCallbacks(Func<IReadOnlyList<EcrImage>, Task<IReadOnlyList<bool>>> Confirm, Action<RestoreProgress>? Progress = null);

/// <summary>Where a restore is: asking ECR to restore, or waiting for the restored images to be active.</summary>
public enum RestoreStage
{
    Restoring,
    Waiting,
}

/// <summary>How far a restore of one repository's images is: <paramref name="Done"/> of <paramref name="Total"/> restores asked, or images active.</summary>
public sealed record RestoreProgress(string Repository, RestoreStage Stage, int Done, int Total, TimeSpan Waited);

/// <summary>How a restore runs.</summary>
public sealed record RestoreOptions
{
    /// <summary>Nothing is restored: every archived image is reported as <see cref="RestoreOutcome.WouldRestore"/>.</summary>
    public bool DryRun { get; init; }

    /// <summary>After asking, wait until every image being restored is ACTIVE (or gone), for at most <see cref="Timeout"/>.</summary>
    public bool Wait { get; init; }

    /// <summary>The longest wait; more than zero.</summary>
    public TimeSpan Timeout { get; init; } = ImageRestorer.DefaultTimeout;
}

/// <summary>
/// Brings archived images of one repository back to ECR's standard storage class: reads their status (DescribeImages by
/// id), asks once about every archived one, calls UpdateImageStorageClass STANDARD for each one confirmed, and, when
/// asked, reads them again until each is ACTIVE. An active image is left alone, one already restoring is counted as
/// restoring, one ECR does not have is <see cref="RestoreOutcome.NotFound"/>.
/// </summary>
public sealed class ImageRestorer
{
    /// <summary>
    /// The longest wait unless told otherwise: AWS says to expect a restore within 20 minutes ("Archiving an image in
    /// Amazon ECR", Amazon ECR User Guide); half as much again for the margin.
    /// </summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(30);

    /// <summary>The first wait before reading the images again; each next wait is twice the last, up to <see cref="MaxInterval"/>.</summary>
    public static readonly TimeSpan FirstInterval = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two reads.</summary>
    public static readonly TimeSpan MaxInterval = TimeSpan.FromSeconds(15);

    /// <summary>The failure code of an image ECR has no image for.</summary>
    public const string NotFoundCode = "ImageNotFound";

    /// <summary>The failure code of an image still restoring when the wait ended.</summary>
    public const string WaitTimeoutCode = "RestoreWaitTimeout";

    private readonly IEcrClient _ecr;
    private readonly TimeProvider _time;

    public ImageRestorer(IEcrClient ecr, TimeProvider time)
    {
        _ecr = ecr;
        _time = time;
    }

    /// <summary>Restores <paramref name="images"/>, all of one repository, and answers a result per image (per digest, in their order).</summary>
    /// <exception cref="ServiceException">Reading the images' status failed (before anything was restored, or while waiting); a failed restore is a result, not an exception.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled, during a call, the question or a wait.</exception>
    public async Task<IReadOnlyList<RestoreResult>> RestoreAsync(IReadOnlyCollection<ImageToRestore> images, RestoreOptions options, RestoreCallbacks callbacks, CancellationToken cancellationToken)
    {
        var repositories = images.Select(i => i.Repository).Distinct(StringComparer.Ordinal).ToList();
        if (repositories.Count != 1)
        {
            throw new ArgumentException($"A restore is of the images of one repository; these are of {repositories.Count}.", nameof(images));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Timeout, TimeSpan.Zero, nameof(options));
        var repository = repositories[0];
        var asked = images.DistinctBy(i => i.Digest, StringComparer.Ordinal).ToList();
        var found = new Dictionary<string, EcrImage>(StringComparer.Ordinal);
        foreach (var image in await _ecr.DescribeImagesAsync(repository, asked.Select(i => i.Digest).ToList(), ImageStatusFilter.Any, cancellationToken).ConfigureAwait(false))
        {
            found.TryAdd(image.Digest, image);
        }

        var results = new RestoreResult[asked.Count];
        var archived = new List<(int Index, EcrImage Image)>();
        for (var i = 0; i < asked.Count; i++)
        {
            if (!found.TryGetValue(asked[i].Digest, out var image))
            {
                results[i] = NotFound(asked[i]);
            }
            else if (image.Status == ImageStatus.Archived)
            {
                archived.Add((i, image));
            }
            else
            {
                results[i] = Result(image, image.Status == ImageStatus.Active ? RestoreOutcome.AlreadyActive : RestoreOutcome.Restoring, image.Status);
            }
        }

        var answers = archived.Count == 0 ? [] : await callbacks.Confirm(archived.Select(a => a.Image).ToList()).ConfigureAwait(false);
        if (answers.Count != archived.Count)
        {
            throw new InvalidOperationException($"The confirmation answered {answers.Count} time(s) for {archived.Count} image(s).");
        }

        var done = 0;
        foreach (var ((index, image), confirmed) in archived.Zip(answers))
        {
            if (options.DryRun || !confirmed)
            {
                results[index] = Result(image, options.DryRun ? RestoreOutcome.WouldRestore : RestoreOutcome.Skipped, ImageStatus.Archived);
                continue;
            }

            callbacks.Progress?.Invoke(new RestoreProgress(repository, RestoreStage.Restoring, done++, archived.Count, TimeSpan.Zero));
            results[index] = await RestoreOneAsync(image, cancellationToken).ConfigureAwait(false);
        }

        if (options.Wait && !options.DryRun)
        {
            await WaitAsync(repository, results, options.Timeout, callbacks.Progress, cancellationToken).ConfigureAwait(false);
        }

        return results;
    }

    /// <summary>UpdateImageStorageClass STANDARD: ECR answers ACTIVATING (or ACTIVE when it was quick); a refusal is the image's result.</summary>
    private async Task<RestoreResult> RestoreOneAsync(EcrImage image, CancellationToken cancellationToken)
    {
        try
        {
            var update = await _ecr.UpdateImageStorageClassAsync(image.Repository, image.Digest, StorageClass.Standard, cancellationToken).ConfigureAwait(false);
            return Result(image, update.Status == ImageStatus.Active ? RestoreOutcome.Restored : RestoreOutcome.Restoring, update.Status);
        }
        catch (ServiceException e) when (e.ErrorCode == "ImageNotFoundException")
        {
            return Result(image, RestoreOutcome.NotFound, null) with { FailureCode = NotFoundCode, FailureReason = e.ServiceMessage };
        }
        catch (ServiceException e)
        {
            return Result(image, RestoreOutcome.Failed, ImageStatus.Archived) with { FailureCode = e.ErrorCode, FailureReason = e.ServiceMessage };
        }
    }

    /// <summary>
    /// Reads the images being restored again, after 1, 2, 4, 8, then every 15 seconds, until each is ACTIVE or gone, for at
    /// most <paramref name="timeout"/>; one still restoring then keeps <see cref="RestoreOutcome.Restoring"/> with <see cref="WaitTimeoutCode"/>.
    /// </summary>
    private async Task WaitAsync(string repository, RestoreResult[] results, TimeSpan timeout, Action<RestoreProgress>? progress, CancellationToken cancellationToken)
    {
        var waiting = Enumerable.Range(0, results.Length).Where(i => results[i].Outcome == RestoreOutcome.Restoring).ToList();
        var total = waiting.Count;
        var started = _time.GetTimestamp();
        var interval = FirstInterval;
        while (waiting.Count > 0)
        {
            var waited = _time.GetElapsedTime(started);
            progress?.Invoke(new RestoreProgress(repository, RestoreStage.Waiting, total - waiting.Count, total, waited));
            if (waited >= timeout)
            {
                foreach (var i in waiting)
                {
                    results[i] = results[i] with
                    {
                        At = _time.GetUtcNow(),
                        FailureCode = WaitTimeoutCode,
                        FailureReason = $"still {results[i].Status?.ToString().ToUpperInvariant()} after a wait of {Minutes(waited)}. ECR goes on with the restore (AWS expects one to take up to 20 minutes): " +
                            $"wait again, or see 'aws ecr describe-images --repository-name {repository} --image-ids imageDigest={results[i].Digest} --filter imageStatus=ANY'.",
                    };
                }

                return;
            }

            await Task.Delay(interval < timeout - waited ? interval : timeout - waited, _time, cancellationToken).ConfigureAwait(false);
            interval = interval * 2 < MaxInterval ? interval * 2 : MaxInterval;
            var now = (await _ecr.DescribeImagesAsync(repository, waiting.Select(i => results[i].Digest).ToList(), ImageStatusFilter.Any, cancellationToken).ConfigureAwait(false))
                .DistinctBy(image => image.Digest, StringComparer.Ordinal).ToDictionary(image => image.Digest, StringComparer.Ordinal);
            foreach (var i in waiting.ToList())
            {
                if (!now.TryGetValue(results[i].Digest, out var image))
                {
                    results[i] = results[i] with
                    {
                        Outcome = RestoreOutcome.NotFound,
                        Status = null,
                        At = _time.GetUtcNow(),
                        FailureCode = NotFoundCode,
                        FailureReason = $"the image was deleted from '{repository}' while it was being restored.",
                    };
                    waiting.Remove(i);
                }
                else if (image.Status == ImageStatus.Active)
                {
                    results[i] = Result(image, RestoreOutcome.Restored, ImageStatus.Active);
                    waiting.Remove(i);
                }
                else
                {
                    results[i] = results[i] with { Status = image.Status };
                }
            }
        }
    }

    private RestoreResult Result(EcrImage image, RestoreOutcome outcome, ImageStatus? status) =>
        new(image.Repository, image.Digest, image.Tags, outcome, status, _time.GetUtcNow());

    private RestoreResult NotFound(ImageToRestore image) =>
        new(image.Repository, image.Digest, image.Tags, RestoreOutcome.NotFound, null, _time.GetUtcNow())
        {
            FailureCode = NotFoundCode,
            FailureReason = $"ECR has no image {image.Digest} in repository '{image.Repository}': it was deleted, or the digest is of another repository.",
        };

    private static string Minutes(TimeSpan span) => span.TotalMinutes >= 1
        ? span.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture) + " min"
        : span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";
}
