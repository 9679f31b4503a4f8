using System.Globalization;
using System.Runtime.InteropServices;
using EcrCleanup.Model;

namespace EcrCleanup.Decisions;

/// <summary>
/// Decides, for every image of a repository, whether the cleanup keeps or deletes it, and why. Pure: no I/O,
/// the clock comes from a <see cref="TimeProvider"/>, and the order of the inputs changes nothing. Linear in
/// the number of images, tags, protections, history entries and pull-request SHAs: every lookup is a hash
/// lookup (SHA prefixes included). The tree is documented in docs/decisions.md.
/// </summary>
public sealed class CleanupEngine
{
    private readonly TimeProvider timeProvider;

    public CleanupEngine(CleanupPolicy policy, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Policy = policy;
        Classifier = new TagClassifier(policy);
        this.timeProvider = timeProvider;
    }

    public CleanupPolicy Policy { get; }

    public TagClassifier Classifier { get; }

    /// <summary>Decides every image.</summary>
    /// <param name="images">The repository's images, with <see cref="EcrImage.ChildDigests"/> and <see cref="EcrImage.SubjectDigest"/> filled in. Images of several repositories are decided one repository at a time. A digest may appear once per repository.</param>
    /// <param name="protections">Images that must be kept (deployed, or protected from outside).</param>
    /// <param name="productionHistory">Commit SHAs deployed to production, newest first, the current deployment first; full or abbreviated. Null when it could not be read: then no commit image is deleted.</param>
    /// <param name="openPullRequests">SHA (full or abbreviated) → number, for the commits of open pull requests. Null when they could not be read: then no commit image is deleted.</param>
    /// <returns>One candidate per image, newest push first, then by digest.</returns>
    public IReadOnlyList<CleanupCandidate> Decide(
        IReadOnlyList<EcrImage> images,
        ProtectionSet protections,
        IReadOnlyList<string>? productionHistory,
        IReadOnlyDictionary<string, int>? openPullRequests)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(protections);

        var context = new Context(
            this,
            protections,
            NormalizeHistory(productionHistory),
            IndexPullRequests(openPullRequests),
            timeProvider.GetUtcNow());

        var results = new CleanupCandidate[images.Count];
        foreach (var group in GroupByRepository(images))
        {
            context.DecideRepository(images, group, results);
        }

        return SortNewestFirst(results);
    }

    /// <summary>Newest push first, then by digest, then by repository: a total order, so the output never depends on the input order.</summary>
    private static CleanupCandidate[] SortNewestFirst(CleanupCandidate[] candidates)
    {
        var entries = new SortEntry[candidates.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = new SortEntry(candidates[i].PushedAt.UtcTicks, candidates[i]);
        }

        entries.AsSpan().Sort(default(SortEntryComparer));
        for (var i = 0; i < entries.Length; i++)
        {
            candidates[i] = entries[i].Candidate;
        }

        return candidates;
    }

    private readonly record struct SortEntry(long PushedTicks, CleanupCandidate Candidate);

    private readonly struct SortEntryComparer : IComparer<SortEntry>
    {
        public int Compare(SortEntry a, SortEntry b)
        {
            var order = b.PushedTicks.CompareTo(a.PushedTicks);
            if (order != 0)
            {
                return order;
            }

            order = string.CompareOrdinal(a.Candidate.Digest, b.Candidate.Digest);
            return order != 0 ? order : string.CompareOrdinal(a.Candidate.Repository, b.Candidate.Repository);
        }
    }

    private static IEnumerable<int[]> GroupByRepository(IReadOnlyList<EcrImage> images)
    {
        for (var i = 0; i < images.Count; i++)
        {
            if (images[i] is null)
            {
                throw new ArgumentException($"The image list holds null at position {i}.", nameof(images));
            }
        }

        if (images.Count == 0)
        {
            yield break;
        }

        var first = images[0].Repository;
        var single = true;
        for (var i = 1; i < images.Count && single; i++)
        {
            single = string.Equals(images[i].Repository, first, StringComparison.OrdinalIgnoreCase);
        }

        if (single)
        {
            var all = new int[images.Count];
            for (var i = 0; i < all.Length; i++)
            {
                all[i] = i;
            }

            yield return all;
            yield break;
        }

        var groups = new Dictionary<string, List<int>>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < images.Count; i++)
        {
            var repository = images[i].Repository ?? string.Empty;
            if (!groups.TryGetValue(repository, out var list))
            {
                list = new List<int>();
                groups.Add(repository, list);
            }

            list.Add(i);
        }

        foreach (var list in groups.Values)
        {
            yield return list.ToArray();
        }
    }

    /// <summary>Lowercase, hex-only, one entry per commit (an abbreviation of an earlier entry is the same commit), newest first.</summary>
    private static List<string>? NormalizeHistory(IReadOnlyList<string>? history)
    {
        if (history is null)
        {
            return null;
        }

        var distinct = new List<string>(history.Count);
        var seen = new ShaPrefixIndex<bool>();
        foreach (var entry in history)
        {
            var sha = CommitSha.Normalize(entry?.Trim());
            if (sha is null || MatchesAny(seen, sha))
            {
                continue;
            }

            seen.Add(sha, true);
            distinct.Add(sha);
        }

        return distinct;
    }

    private static bool MatchesAny<T>(ShaPrefixIndex<T> index, string sha)
    {
        foreach (var candidate in index.Candidates(sha))
        {
            if (CommitSha.Matches(candidate.Key, sha))
            {
                return true;
            }
        }

        return false;
    }

    private static ShaPrefixIndex<int>? IndexPullRequests(IReadOnlyDictionary<string, int>? openPullRequests)
    {
        if (openPullRequests is null)
        {
            return null;
        }

        var index = new ShaPrefixIndex<int>();
        foreach (var (key, number) in openPullRequests)
        {
            var sha = CommitSha.Normalize(key?.Trim());
            if (sha is not null)
            {
                index.Add(sha, number);
            }
        }

        return index;
    }

    /// <summary>What the tags of one image say.</summary>
    private struct TagFacts
    {
        public string? LatestTag;
        public string? UnknownTag;
        public string[]? Shas;
    }

    /// <summary>One decision while it is being made; becomes a <see cref="CleanupCandidate"/> at the end.</summary>
    private struct Decision
    {
        public CleanupAction Action;
        public CleanupRule Rule;
        public string Reason;
        public CandidateCategory Category;
        public int? PullRequestNumber;
        public string? CommitSha;
        public int? ProductionRank;
        public IReadOnlyList<ProtectedImage> Protections;
        public double AgeHours;

        public void Keep(CleanupRule rule, string reason)
        {
            Action = CleanupAction.Keep;
            Rule = rule;
            Reason = reason;
            Category = CandidateCategory.None;
        }

        public void Delete(CleanupRule rule, string reason, CandidateCategory category)
        {
            Action = CleanupAction.Delete;
            Rule = rule;
            Reason = reason;
            Category = category;
        }
    }

    private sealed class Context
    {
        private readonly CleanupEngine engine;
        private readonly ProtectionSet protections;
        private readonly List<string>? history;
        private readonly ShaPrefixIndex<int>? pullRequests;
        private readonly DateTimeOffset now;
        private readonly double minAgeHours;
        private readonly int retention;

        public Context(CleanupEngine engine, ProtectionSet protections, List<string>? history, ShaPrefixIndex<int>? pullRequests, DateTimeOffset now)
        {
            this.engine = engine;
            this.protections = protections;
            this.history = history;
            this.pullRequests = pullRequests;
            this.now = now;
            minAgeHours = engine.Policy.MinImageAge.TotalHours;
            retention = engine.Policy.ProductionRetentionCount;
        }

        public void DecideRepository(IReadOnlyList<EcrImage> images, int[] members, CleanupCandidate[] results)
        {
            var count = members.Length;
            var byDigest = new Dictionary<string, int>(count, StringComparer.OrdinalIgnoreCase);
            var facts = new TagFacts[count];

            // Production rank of every distinct commit SHA the tags carry; int.MaxValue: not a production commit.
            var shaRanks = new Dictionary<string, int>(count, StringComparer.Ordinal);
            var hasRelations = false;

            for (var i = 0; i < count; i++)
            {
                var image = images[members[i]];
                if (string.IsNullOrEmpty(image.Digest))
                {
                    throw new ArgumentException($"The image list holds an image of repository '{image.Repository}' without a digest.", nameof(images));
                }

                if (!byDigest.TryAdd(image.Digest, i))
                {
                    throw new ArgumentException($"The image list holds {image.Repository}@{image.Digest} twice; list each image once.", nameof(images));
                }

                facts[i] = ReadTags(image.Tags, shaRanks);
                hasRelations |= image.SubjectDigest is not null || (image.ChildDigests?.Count ?? 0) > 0;
            }

            RankProductionCommits(shaRanks);

            var decisions = new Decision[count];
            for (var i = 0; i < count; i++)
            {
                decisions[i] = DecideOne(images[members[i]], facts[i], shaRanks);
            }

            if (hasRelations)
            {
                KeepWhatKeptImagesNeed(images, members, byDigest, decisions);
            }

            for (var i = 0; i < count; i++)
            {
                ref var d = ref decisions[i];
                results[members[i]] = new CleanupCandidate(images[members[i]], d.Action, d.Rule, d.Reason, d.AgeHours)
                {
                    Category = d.Category,
                    PullRequestNumber = d.PullRequestNumber,
                    CommitSha = d.CommitSha,
                    ProductionRank = d.ProductionRank,
                    Protections = d.Protections,
                    DecidedAt = now,
                };
            }
        }

        private TagFacts ReadTags(IReadOnlyList<string>? tags, Dictionary<string, int> shaRanks)
        {
            var facts = default(TagFacts);
            if (tags is null || tags.Count == 0)
            {
                return facts;
            }

            string? firstSha = null;
            List<string>? moreShas = null;
            foreach (var tag in tags)
            {
                if (tag is null)
                {
                    continue;
                }

                switch (engine.Classifier.Classify(tag, out var sha))
                {
                    case TagKind.Latest:
                        facts.LatestTag = MinOrdinal(facts.LatestTag, tag);
                        break;
                    case TagKind.Unknown:
                        facts.UnknownTag = MinOrdinal(facts.UnknownTag, tag);
                        break;
                    default:
                        shaRanks.TryAdd(sha!, int.MaxValue);
                        if (firstSha is null)
                        {
                            firstSha = sha;
                        }
                        else if (sha != firstSha && (moreShas is null || !moreShas.Contains(sha!)))
                        {
                            (moreShas ??= new List<string>()).Add(sha!);
                        }

                        break;
                }
            }

            if (firstSha is not null)
            {
                if (moreShas is null)
                {
                    facts.Shas = new[] { firstSha };
                }
                else
                {
                    moreShas.Add(firstSha);
                    moreShas.Sort(StringComparer.Ordinal);
                    facts.Shas = moreShas.ToArray();
                }
            }

            return facts;
        }

        /// <summary>
        /// Walks the production history newest first and numbers the commits that have at least one image here:
        /// 1, 2, 3, ... A tag SHA gets the number of the newest history commit it matches.
        /// </summary>
        private void RankProductionCommits(Dictionary<string, int> shaRanks)
        {
            if (history is null || history.Count == 0 || shaRanks.Count == 0)
            {
                return;
            }

            var tagShas = new ShaPrefixIndex<bool>();
            foreach (var sha in shaRanks.Keys)
            {
                tagShas.Add(sha, true);
            }

            var rank = 0;
            foreach (var commit in history)
            {
                var present = false;
                foreach (var candidate in tagShas.Candidates(commit))
                {
                    if (!CommitSha.Matches(candidate.Key, commit))
                    {
                        continue;
                    }

                    present = true;
                    ref var current = ref CollectionsMarshal.GetValueRefOrNullRef(shaRanks, candidate.Key);
                    current = Math.Min(current, rank + 1);
                }

                if (present)
                {
                    rank++;
                }
            }
        }

        private Decision DecideOne(EcrImage image, TagFacts facts, Dictionary<string, int> shaRanks)
        {
            var decision = default(Decision);
            decision.Protections = Array.Empty<ProtectedImage>();

            // What the tags tie the image to: its best production rank and its open pull request.
            var rank = int.MaxValue;
            string? rankSha = null;
            int? pullRequest = null;
            string? pullRequestSha = null;
            if (facts.Shas is not null)
            {
                foreach (var sha in facts.Shas)
                {
                    var shaRank = shaRanks[sha];
                    if (shaRank < rank)
                    {
                        rank = shaRank;
                        rankSha = sha;
                    }

                    if (pullRequests is not null)
                    {
                        foreach (var candidate in pullRequests.Candidates(sha))
                        {
                            if (CommitSha.Matches(candidate.Key, sha) && (pullRequest is null || candidate.Value < pullRequest))
                            {
                                pullRequest = candidate.Value;
                                pullRequestSha = sha;
                            }
                        }
                    }
                }
            }

            decision.ProductionRank = rank == int.MaxValue ? null : rank;
            decision.PullRequestNumber = pullRequest;
            decision.CommitSha = rankSha ?? pullRequestSha ?? facts.Shas?[0];

            var pushTimeKnown = image.PushedAt != default;
            var ageHours = pushTimeKnown ? (now - image.PushedAt).TotalHours : double.NaN;
            decision.AgeHours = ageHours;

            // 1. Protected: something runs it, or someone said it must stay.
            var imageProtections = protections.Get(image.Repository, image.Digest);
            if (imageProtections.Count > 0)
            {
                decision.Protections = Sorted(imageProtections, out var reason);
                decision.PullRequestNumber ??= MinPullRequest(imageProtections);
                decision.Keep(CleanupRule.Protected, reason);
                return decision;
            }

            // 2. Too young, pushed in the future (clock skew) or at an unknown time.
            if (!pushTimeKnown)
            {
                decision.Keep(CleanupRule.MinimumAge, "Push time unknown, kept for safety");
                return decision;
            }

            if (ageHours < minAgeHours)
            {
                decision.Keep(CleanupRule.MinimumAge, string.Create(CultureInfo.InvariantCulture, $"Younger than minimum age ({Tenths(ageHours):0.0}h < {minAgeHours:0.##}h)"));
                return decision;
            }

            // 3. A latest tag.
            if (facts.LatestTag is not null)
            {
                decision.Keep(CleanupRule.Latest, $"Latest tag '{facts.LatestTag}'");
                return decision;
            }

            // 4a. One of the newest production commits.
            if (rank <= retention)
            {
                decision.Keep(CleanupRule.ProductionRetention, string.Create(CultureInfo.InvariantCulture, $"Production image #{rank} of {retention} kept for rollback"));
                return decision;
            }

            // 5. An open pull request's commit.
            if (pullRequest is not null)
            {
                decision.CommitSha = pullRequestSha;
                decision.Keep(CleanupRule.OpenPullRequest, string.Create(CultureInfo.InvariantCulture, $"Open pull request #{pullRequest}"));
                return decision;
            }

            // 6. A tag nobody recognizes.
            if (facts.UnknownTag is not null)
            {
                decision.Keep(CleanupRule.UnknownTag, $"Unknown tag pattern '{facts.UnknownTag}' kept for safety");
                return decision;
            }

            // Safety: a commit image cannot be judged without the history and the pull requests.
            if (facts.Shas is not null && (history is null || pullRequests is null))
            {
                var missing = history is null && pullRequests is null
                    ? "Production history and open pull requests"
                    : history is null ? "Production history" : "Open pull requests";
                decision.Keep(CleanupRule.CommitStatusUnknown, $"{missing} unknown, commit image kept for safety");
                return decision;
            }

            // 4b. A production commit older than the retained ones.
            if (rank != int.MaxValue)
            {
                decision.Delete(CleanupRule.ProductionBeyondRetention, string.Create(CultureInfo.InvariantCulture, $"Production image beyond retention (#{rank} > {retention})"), CandidateCategory.OldProductionImage);
                return decision;
            }

            // 7. No tags at all (may still be kept below, as part of a kept image).
            if (facts.Shas is null)
            {
                decision.Delete(CleanupRule.Untagged, string.Create(CultureInfo.InvariantCulture, $"Untagged image ({Tenths(ageHours):0.0}h old)"), CandidateCategory.Untagged);
                return decision;
            }

            // 8. A commit that is neither production nor an open pull request's.
            decision.Delete(CleanupRule.NotInUse, string.Create(CultureInfo.InvariantCulture, $"Old image ({Tenths(ageHours):0.0}h old, not in use)"), CandidateCategory.OldPullRequestImage);
            return decision;
        }

        /// <summary>
        /// The fixpoint: a kept index keeps the manifests it lists, a kept image keeps its referrers, and what they
        /// keep is kept in turn. Which images are kept does not depend on the order; the reason names the subject,
        /// else the index with the smallest digest among the kept ones that list it.
        /// </summary>
        private static void KeepWhatKeptImagesNeed(IReadOnlyList<EcrImage> images, int[] members, Dictionary<string, int> byDigest, Decision[] decisions)
        {
            var count = members.Length;
            var referrers = new Dictionary<string, List<int>>(StringComparer.OrdinalIgnoreCase);
            var queue = new Queue<int>();
            for (var i = 0; i < count; i++)
            {
                var subject = images[members[i]].SubjectDigest;
                if (subject is not null)
                {
                    if (!referrers.TryGetValue(subject, out var list))
                    {
                        list = new List<int>(1);
                        referrers.Add(subject, list);
                    }

                    list.Add(i);
                }

                if (decisions[i].Action == CleanupAction.Keep)
                {
                    queue.Enqueue(i);
                }
            }

            var rescued = new List<int>();
            while (queue.Count > 0)
            {
                var kept = queue.Dequeue();
                var image = images[members[kept]];
                if (image.ChildDigests is { Count: > 0 } children)
                {
                    foreach (var child in children)
                    {
                        if (child is not null && byDigest.TryGetValue(child, out var c) && decisions[c].Action == CleanupAction.Delete)
                        {
                            decisions[c].Action = CleanupAction.Keep;
                            rescued.Add(c);
                            queue.Enqueue(c);
                        }
                    }
                }

                if (referrers.TryGetValue(image.Digest, out var refs))
                {
                    foreach (var r in refs)
                    {
                        if (decisions[r].Action == CleanupAction.Delete)
                        {
                            decisions[r].Action = CleanupAction.Keep;
                            rescued.Add(r);
                            queue.Enqueue(r);
                        }
                    }
                }
            }

            if (rescued.Count == 0)
            {
                return;
            }

            // Name, for each rescued image, a kept image that needs it, independently of the input order.
            var keptParent = new Dictionary<int, string>();
            for (var i = 0; i < count; i++)
            {
                if (decisions[i].Action != CleanupAction.Keep || images[members[i]].ChildDigests is not { Count: > 0 } children)
                {
                    continue;
                }

                var parentDigest = images[members[i]].Digest;
                foreach (var child in children)
                {
                    if (child is not null && byDigest.TryGetValue(child, out var c) && c != i &&
                        (!keptParent.TryGetValue(c, out var best) || string.CompareOrdinal(parentDigest, best) < 0))
                    {
                        keptParent[c] = parentDigest;
                    }
                }
            }

            foreach (var r in rescued)
            {
                ref var decision = ref decisions[r];
                var subject = images[members[r]].SubjectDigest;
                if (subject is not null && byDigest.TryGetValue(subject, out var s) && s != r && decisions[s].Action == CleanupAction.Keep)
                {
                    decision.Keep(CleanupRule.ReferrerOfKept, $"Referrer of kept image {ProtectionDescription.ShortDigest(images[members[s]].Digest)}");
                }
                else
                {
                    decision.Keep(CleanupRule.IndexChildOfKept, $"Child of kept image index {ProtectionDescription.ShortDigest(keptParent[r])}");
                }
            }
        }

        private static IReadOnlyList<ProtectedImage> Sorted(IReadOnlyList<ProtectedImage> imageProtections, out string reason)
        {
            if (imageProtections.Count == 1)
            {
                reason = ProtectionDescription.Describe(imageProtections[0]);
                return new[] { imageProtections[0] };
            }

            var described = imageProtections
                .Select(p => (Protection: p, Text: ProtectionDescription.Describe(p)))
                .OrderBy(p => p.Text, StringComparer.Ordinal)
                .ThenBy(p => p.Protection.Reason)
                .ToArray();
            reason = string.Join("; ", described.Select(p => p.Text).Distinct(StringComparer.Ordinal));
            return described.Select(p => p.Protection).ToArray();
        }

        private static int? MinPullRequest(IReadOnlyList<ProtectedImage> imageProtections)
        {
            int? min = null;
            foreach (var p in imageProtections)
            {
                if (p.PullRequestNumber is { } n && (min is null || n < min))
                {
                    min = n;
                }
            }

            return min;
        }

        private static string? MinOrdinal(string? current, string candidate) =>
            current is null || string.CompareOrdinal(candidate, current) < 0 ? candidate : current;

        /// <summary>
        /// Hours to one decimal, rounded down, so that "23.9h &lt; 24h" never reads "24.0h &lt; 24h"; the inner rounding
        /// drops floating-point noise, so that 120.3 hours (120.29999…) still reads 120.3.
        /// </summary>
        private static double Tenths(double hours) => Math.Floor(Math.Round(hours * 10, 6)) / 10;
    }
}
