using System.Globalization;
using EcrCleanup.Abstractions;
using EcrCleanup.Model;

namespace EcrCleanup.Deletion;

/// <summary>
/// Deletes or archives a repository's candidates: checks each against a fresh read first (gone, gained a tag, moved
/// to another storage class, protected now), asks before each one, deletes by digest in batches of at most 100 and
/// archives one image at a time (UpdateImageStorageClass), image indexes before their children, and journals intent
/// and outcome. Per-image failures are reported, not thrown.
/// </summary>
public sealed class DeletionRunner
{
    private readonly IEcrClient _ecr;
    private readonly TimeProvider _time;
    private readonly IDeletionJournal? _journal;
    private readonly DeletionOptions _options;

    public DeletionRunner(IEcrClient ecr, TimeProvider time, IDeletionJournal? journal, DeletionOptions options)
    {
        _ecr = ecr;
        _time = time;
        _journal = journal;
        _options = options;
    }

    /// <param name="candidates">One repository's candidates, as decided.</param>
    /// <param name="readAgain">The repository as it is now, read just before deleting (in a dry run, what the plan was decided from).</param>
    /// <param name="confirm">Asked once, with every image about to be deleted or archived and what would be done to it, in order, for an answer per image (ShouldProcess per image); false skips it. Also asked in a dry run, to show them.</param>
    /// <param name="report">Told each result as it is known.</param>
    public async Task<IReadOnlyList<DeletionResult>> RunAsync(
        string repository,
        IReadOnlyList<CleanupCandidate> candidates,
        Func<CancellationToken, Task<RepositoryNow>> readAgain,
        Func<IReadOnlyList<(CleanupCandidate Candidate, CleanupAction Action)>, Task<IReadOnlyList<bool>>> confirm,
        Action<DeletionResult> report,
        CancellationToken cancellationToken)
    {
        var results = new List<DeletionResult>(candidates.Count);
        void Record(DeletionResult result)
        {
            results.Add(result);
            report(result);
        }

        var deletions = new List<CleanupCandidate>();
        foreach (var candidate in candidates)
        {
            if (candidate.IsCandidate)
            {
                deletions.Add(candidate);
            }
            else
            {
                Record(Skip(candidate, $"kept by the plan: {candidate.Reason}"));
            }
        }

        if (deletions.Count == 0)
        {
            return results;
        }

        var now = await readAgain(cancellationToken).ConfigureAwait(false);
        // Applying a plan, the fresh decision says whether an image goes to the archive or away: the plan said it goes.
        CleanupAction ActionOf(CleanupCandidate candidate) => now.Decisions?.GetValueOrDefault(candidate.Digest) is { IsCandidate: true } fresh ? fresh.Action : candidate.Action;
        CheckLimits(repository, deletions.Select(ActionOf).ToList(), now.Images.Values);

        var rechecked = deletions.Select(candidate => (Candidate: candidate, Action: ActionOf(candidate), Why: Recheck(candidate, now))).ToList();
        var toConfirm = rechecked.Where(r => r.Why is null).Select(r => (r.Candidate, r.Action)).ToList();
        var answers = toConfirm.Count == 0 ? [] : await confirm(toConfirm).ConfigureAwait(false);
        var confirmed = toConfirm.Zip(answers).Where(p => p.Second).Select(p => p.First.Candidate).ToHashSet();
        var approved = new List<(CleanupCandidate Candidate, CleanupAction Action)>();
        foreach (var (candidate, action, why) in rechecked)
        {
            if (why is not null)
            {
                Record(Skip(candidate, why) with { Action = action });
            }
            else if (!confirmed.Contains(candidate))
            {
                Record(_options.DryRun
                    ? new DeletionResult(candidate, action == CleanupAction.Archive ? DeletionOutcome.WouldArchive : DeletionOutcome.WouldDelete, _time.GetUtcNow()) { Action = action }
                    : Skip(candidate, "declined") with { Action = action });
            }
            else
            {
                approved.Add((candidate, action));
            }
        }

        if (_options.DryRun || approved.Count == 0)
        {
            return results;
        }

        // An image index goes before the manifests it lists; a child whose index was not deleted stays. What an index
        // lists is read from its manifest, so a fresh read knows it even of a candidate that does not (one from a file).
        IReadOnlyList<string> ChildrenOf(CleanupCandidate candidate) =>
            now.Images.TryGetValue(candidate.Digest, out var image) && image.IsIndex ? image.ChildDigests : candidate.Image.ChildDigests;
        var childDigests = new HashSet<string>(approved.SelectMany(a => ChildrenOf(a.Candidate)), StringComparer.Ordinal);
        var done = new HashSet<string>(StringComparer.Ordinal);
        await ActAsync(repository, approved.Where(a => !childDigests.Contains(a.Candidate.Digest)).ToList(), done, Record, cancellationToken).ConfigureAwait(false);

        var indexesOf = approved.SelectMany(a => ChildrenOf(a.Candidate).Select(child => (child, index: a.Candidate.Digest)))
            .ToLookup(p => p.child, p => p.index, StringComparer.Ordinal);
        var children = new List<(CleanupCandidate Candidate, CleanupAction Action)>();
        foreach (var child in approved.Where(a => childDigests.Contains(a.Candidate.Digest)))
        {
            if (indexesOf[child.Candidate.Digest].All(done.Contains))
            {
                children.Add(child);
            }
            else
            {
                Record(Skip(child.Candidate, $"its image index was not {(child.Action == CleanupAction.Archive ? "archived" : "deleted")}") with { Action = child.Action });
            }
        }

        await ActAsync(repository, children, done, Record, cancellationToken).ConfigureAwait(false);
        return results;
    }

    /// <summary>The deletions in batches, then the archivals one by one; <paramref name="done"/> gains every image deleted or archived.</summary>
    private async Task ActAsync(string repository, List<(CleanupCandidate Candidate, CleanupAction Action)> approved, HashSet<string> done, Action<DeletionResult> record, CancellationToken cancellationToken)
    {
        await DeleteAsync(repository, approved.Where(a => a.Action == CleanupAction.Delete).Select(a => a.Candidate).ToList(), done, record, cancellationToken).ConfigureAwait(false);
        foreach (var (candidate, _) in approved.Where(a => a.Action == CleanupAction.Archive))
        {
            await ArchiveAsync(repository, candidate, done, record, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The guards count every image to be deleted or archived, and the percentage is of every image of the repository
    /// whatever its storage class (active, archived, being restored).
    /// </summary>
    private void CheckLimits(string repository, IReadOnlyList<CleanupAction> actions, IEnumerable<EcrImage> images)
    {
        var count = actions.Count;
        var archiving = actions.Contains(CleanupAction.Archive);
        var (done, nothing) = archiving
            ? (string.Create(CultureInfo.InvariantCulture, $"deleted or archived ({actions.Count(a => a == CleanupAction.Delete)} to delete, {actions.Count(a => a == CleanupAction.Archive)} to archive)"), "deleted or archived")
            : ("deleted", "deleted");
        if (_options.MaxDeleteCount is { } maxCount && count > maxCount)
        {
            throw new DeletionLimitException($"{count} images of '{repository}' would be {done}, more than -MaxDeleteCount {maxCount}. Nothing was {nothing}. Check the plan with -WhatIf, then raise the limit if it is right.");
        }

        var byStatus = images.GroupBy(i => i.Status).ToDictionary(g => g.Key, g => g.Count());
        var total = byStatus.Values.Sum();
        var percent = total == 0 ? 0 : count * 100.0 / total;
        var held = byStatus.Count == 1 && byStatus.ContainsKey(ImageStatus.Active) ? string.Empty : string.Create(CultureInfo.InvariantCulture,
            $"; of them {byStatus.GetValueOrDefault(ImageStatus.Active)} active, {byStatus.GetValueOrDefault(ImageStatus.Archived)} archived and {byStatus.GetValueOrDefault(ImageStatus.Activating)} being restored");
        if (_options.MaxDeletePercent is { } maxPercent && percent > maxPercent)
        {
            throw new DeletionLimitException(string.Create(CultureInfo.InvariantCulture,
                $"{count} of {total} images of '{repository}' ({percent:0.#}%{held}) would be {done}, more than -MaxDeletePercent {maxPercent}. Nothing was {nothing}. Check the plan with -WhatIf, then raise the limit if it is right."));
        }
    }

    /// <summary>UpdateImageStorageClass to ARCHIVE, journalled; a refusal is the image's failure, and the next image is asked.</summary>
    private async Task ArchiveAsync(string repository, CleanupCandidate candidate, HashSet<string> done, Action<DeletionResult> record, CancellationToken cancellationToken)
    {
        await JournalAsync(candidate, CleanupAction.Archive, "intent", null).ConfigureAwait(false);
        DeletionResult result;
        try
        {
            await _ecr.UpdateImageStorageClassAsync(repository, candidate.Digest, StorageClass.Archive, cancellationToken).ConfigureAwait(false);
            done.Add(candidate.Digest);
            result = new DeletionResult(candidate, DeletionOutcome.Archived, _time.GetUtcNow()) { Action = CleanupAction.Archive };
        }
        catch (ServiceException e) when (e.ErrorCode == "ImageNotFoundException")
        {
            result = Skip(candidate, "already gone (ImageNotFound)") with { Action = CleanupAction.Archive, FailureCode = "ImageNotFound", FailureReason = e.ServiceMessage };
        }
        catch (ServiceException e)
        {
            result = new DeletionResult(candidate, DeletionOutcome.Failed, _time.GetUtcNow()) { Action = CleanupAction.Archive, FailureCode = e.ErrorCode, FailureReason = e.ServiceMessage };
        }

        await JournalAsync(candidate, CleanupAction.Archive, "outcome", result).ConfigureAwait(false);
        record(result);
    }

    private static string? Recheck(CleanupCandidate candidate, RepositoryNow now)
    {
        if (!now.Images.TryGetValue(candidate.Digest, out var image))
        {
            return "no longer in the repository";
        }

        var gained = image.Tags.Except(candidate.Tags, StringComparer.Ordinal).ToArray();
        if (gained.Length > 0)
        {
            return $"gained tag(s) {string.Join(", ", gained)} since the plan";
        }

        if (image.Status != candidate.Status)
        {
            return $"{candidate.Status.ToString().ToLowerInvariant()} when decided, {image.Status.ToString().ToLowerInvariant()} now";
        }

        if (now.Decisions is not null && (!now.Decisions.TryGetValue(candidate.Digest, out var decision) || !decision.IsCandidate))
        {
            return $"kept when decided again: {decision?.Reason ?? "not decided"}";
        }

        return null;
    }

    private async Task DeleteAsync(string repository, List<CleanupCandidate> candidates, HashSet<string> deleted, Action<DeletionResult> recordResult, CancellationToken cancellationToken)
    {
        void Record(DeletionResult result) => recordResult(result with { Action = CleanupAction.Delete });

        foreach (var batch in candidates.Chunk(100))
        {
            foreach (var candidate in batch)
            {
                await JournalAsync(candidate, CleanupAction.Delete, "intent", null).ConfigureAwait(false);
            }

            BatchDeleteResult outcome;
            try
            {
                outcome = await _ecr.BatchDeleteImageAsync(repository, batch.Select(c => c.Digest).ToArray(), cancellationToken).ConfigureAwait(false);
            }
            catch (ServiceException e)
            {
                // The whole batch failed (throttled past its retries, say): report each image, go on with the next batch.
                foreach (var candidate in batch)
                {
                    var failed = new DeletionResult(candidate, DeletionOutcome.Failed, _time.GetUtcNow()) { FailureCode = e.ErrorCode, FailureReason = e.ServiceMessage };
                    await JournalAsync(candidate, CleanupAction.Delete, "outcome", failed).ConfigureAwait(false);
                    Record(failed);
                }

                continue;
            }

            var failures = outcome.Failures.GroupBy(f => f.Digest, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            var done = new HashSet<string>(outcome.Deleted, StringComparer.Ordinal);
            foreach (var candidate in batch)
            {
                DeletionResult result;
                if (done.Contains(candidate.Digest))
                {
                    deleted.Add(candidate.Digest);
                    result = new DeletionResult(candidate, DeletionOutcome.Deleted, _time.GetUtcNow());
                }
                else if (failures.GetValueOrDefault(candidate.Digest) is { Code: "ImageNotFound" } gone)
                {
                    // Another run (or a person) deleted it since the re-check: what was wanted happened.
                    result = Skip(candidate, "already gone (ImageNotFound)") with { FailureCode = gone.Code, FailureReason = gone.Reason };
                }
                else
                {
                    var failure = failures.GetValueOrDefault(candidate.Digest);
                    result = new DeletionResult(candidate, DeletionOutcome.Failed, _time.GetUtcNow())
                    {
                        FailureCode = failure?.Code ?? "NotDeleted",
                        FailureReason = failure?.Reason ?? "ECR reported neither a deletion nor a failure for this image.",
                    };
                }

                await JournalAsync(candidate, CleanupAction.Delete, "outcome", result).ConfigureAwait(false);
                Record(result);
            }
        }
    }

    /// <summary>Journals without the cancellation token: once a delete call went out, its outcome is written even if Ctrl+C follows.</summary>
    private Task JournalAsync(CleanupCandidate candidate, CleanupAction action, string phase, DeletionResult? result)
    {
        if (_journal is null)
        {
            return Task.CompletedTask;
        }

        var entry = new JournalEntry(_time.GetUtcNow(), _options.RunId, phase, candidate.Repository, candidate.Digest, candidate.Tags, candidate.PushedAt,
            candidate.SizeBytes, candidate.Rule.ToString(), candidate.Reason)
        {
            Action = action.ToString(),
            Outcome = result?.Outcome.ToString(),
            FailureCode = result?.FailureCode,
            FailureReason = result?.FailureReason,
        };
        return _journal.WriteAsync(entry, CancellationToken.None);
    }

    private DeletionResult Skip(CleanupCandidate candidate, string why) =>
        new(candidate, DeletionOutcome.Skipped, _time.GetUtcNow()) { SkipReason = why };
}

/// <summary>A repository as it is just before deleting: its images, and the decisions made again from a fresh read when there are any.</summary>
public sealed record RepositoryNow(IReadOnlyDictionary<string, EcrImage> Images, IReadOnlyDictionary<string, CleanupCandidate>? Decisions)
{
    public static RepositoryNow Of(IEnumerable<EcrImage> images, IEnumerable<CleanupCandidate>? decisions = null) =>
        new(images.ToDictionary(i => i.Digest, StringComparer.Ordinal), decisions?.ToDictionary(c => c.Digest, StringComparer.Ordinal));
}
