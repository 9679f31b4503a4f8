using System.Globalization;
using EcrCleanup.Abstractions;
using EcrCleanup.Model;

namespace EcrCleanup.Deletion;

/// <summary>
/// Deletes a repository's candidates: checks each against a fresh read first (gone, gained a tag, protected now),
/// asks before each one, deletes by digest in batches of at most 100, image indexes before their children,
/// and journals intent and outcome. Per-image failures are reported, not thrown.
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
    /// <param name="confirm">Asked once, with every image about to be deleted, in order, for an answer per image (ShouldProcess per image); false skips it. Also asked in a dry run, to show them.</param>
    /// <param name="report">Told each result as it is known.</param>
    public async Task<IReadOnlyList<DeletionResult>> RunAsync(
        string repository,
        IReadOnlyList<CleanupCandidate> candidates,
        Func<CancellationToken, Task<RepositoryNow>> readAgain,
        Func<IReadOnlyList<CleanupCandidate>, Task<IReadOnlyList<bool>>> confirm,
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
            if (candidate.IsDelete)
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
        CheckLimits(repository, deletions.Count, now.Images.Count);

        var rechecked = deletions.Select(candidate => (Candidate: candidate, Why: Recheck(candidate, now))).ToList();
        var toConfirm = rechecked.Where(r => r.Why is null).Select(r => r.Candidate).ToList();
        var answers = toConfirm.Count == 0 ? [] : await confirm(toConfirm).ConfigureAwait(false);
        var confirmed = toConfirm.Zip(answers).Where(p => p.Second).Select(p => p.First).ToHashSet();
        var approved = new List<CleanupCandidate>();
        foreach (var (candidate, why) in rechecked)
        {
            if (why is not null)
            {
                Record(Skip(candidate, why));
            }
            else if (!confirmed.Contains(candidate))
            {
                Record(_options.DryRun ? new DeletionResult(candidate, DeletionOutcome.WouldDelete, _time.GetUtcNow()) : Skip(candidate, "declined"));
            }
            else
            {
                approved.Add(candidate);
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
        var childDigests = new HashSet<string>(approved.SelectMany(ChildrenOf), StringComparer.Ordinal);
        var parents = approved.Where(c => !childDigests.Contains(c.Digest)).ToList();
        var deleted = new HashSet<string>(StringComparer.Ordinal);
        await DeleteAsync(repository, parents, deleted, Record, cancellationToken).ConfigureAwait(false);

        var indexesOf = approved.SelectMany(c => ChildrenOf(c).Select(child => (child, index: c.Digest)))
            .ToLookup(p => p.child, p => p.index, StringComparer.Ordinal);
        var children = new List<CleanupCandidate>();
        foreach (var child in approved.Where(c => childDigests.Contains(c.Digest)))
        {
            if (indexesOf[child.Digest].All(deleted.Contains))
            {
                children.Add(child);
            }
            else
            {
                Record(Skip(child, "its image index was not deleted"));
            }
        }

        await DeleteAsync(repository, children, deleted, Record, cancellationToken).ConfigureAwait(false);
        return results;
    }

    private void CheckLimits(string repository, int count, int total)
    {
        if (_options.MaxDeleteCount is { } maxCount && count > maxCount)
        {
            throw new DeletionLimitException($"{count} images of '{repository}' would be deleted, more than -MaxDeleteCount {maxCount}. Nothing was deleted. Check the plan with -WhatIf, then raise the limit if it is right.");
        }

        var percent = total == 0 ? 0 : count * 100.0 / total;
        if (_options.MaxDeletePercent is { } maxPercent && percent > maxPercent)
        {
            throw new DeletionLimitException(string.Create(CultureInfo.InvariantCulture,
                $"{count} of {total} images of '{repository}' ({percent:0.#}%) would be deleted, more than -MaxDeletePercent {maxPercent}. Nothing was deleted. Check the plan with -WhatIf, then raise the limit if it is right."));
        }
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

        if (now.Decisions is not null && (!now.Decisions.TryGetValue(candidate.Digest, out var decision) || !decision.IsDelete))
        {
            return $"kept when decided again: {decision?.Reason ?? "not decided"}";
        }

        return null;
    }

    private async Task DeleteAsync(string repository, List<CleanupCandidate> candidates, HashSet<string> deleted, Action<DeletionResult> record, CancellationToken cancellationToken)
    {
        foreach (var batch in candidates.Chunk(100))
        {
            foreach (var candidate in batch)
            {
                await JournalAsync(candidate, "intent", null).ConfigureAwait(false);
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
                    await JournalAsync(candidate, "outcome", failed).ConfigureAwait(false);
                    record(failed);
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

                await JournalAsync(candidate, "outcome", result).ConfigureAwait(false);
                record(result);
            }
        }
    }

    /// <summary>Journals without the cancellation token: once a delete call went out, its outcome is written even if Ctrl+C follows.</summary>
    private Task JournalAsync(CleanupCandidate candidate, string phase, DeletionResult? result)
    {
        if (_journal is null)
        {
            return Task.CompletedTask;
        }

        var entry = new JournalEntry(_time.GetUtcNow(), _options.RunId, phase, candidate.Repository, candidate.Digest, candidate.Tags, candidate.PushedAt,
            candidate.SizeBytes, candidate.Rule.ToString(), candidate.Reason)
        {
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
