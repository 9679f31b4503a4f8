using System.Globalization;
using EcrCleanup.Configuration;
using EcrCleanup.Model;
using EcrCleanup.Reading;

namespace EcrCleanup.Decisions;

/// <summary>
/// The one place the rules live. Every image of the evidence is asked, in this order (docs/decisions.md):
/// <code>
///   1.  Protected             a function version runs it (in a watched stack or not), or something piped in names it
///   2.  MinimumAge            pushed less than the minimum age ago, in the future, or at an unknown time
///   3.  Latest                a tag matches the latest pattern
///   4a. ProductionRetention   one of the newest N production builds; what production runs now is build #1
///   5.  OpenPullRequest       built from a commit of an open pull request
///   6.  UnknownTag            a tag matches neither pattern
///   7.  CommitStatusUnknown   a commit image while the history or the pull requests could not be read
///   8.  BeingRestored         being restored from the archive (ACTIVATING)
///   9.  ArchiveWindow         archived less than DeleteArchivedAfterDays ago (or at a time ECR does not give)
///   10. IndexChildOfKept,     listed by a kept image index, or a signature, SBOM or attestation of a kept image
///       ReferrerOfKept        (an untagged image may be listed by a kept index ECR will not give while archived)
///   otherwise delete:         4b. ProductionBeyondRetention, else Untagged, else NotInUse;
///                             an active candidate is archived instead when the policy archives
/// </code>
/// Every rule that keeps an image is recorded, in that order (<see cref="CleanupCandidate.KeptBy"/>, the reason);
/// the first is its <see cref="CleanupCandidate.Rule"/>. Pure: no I/O, the clock is a <see cref="TimeProvider"/>,
/// and the order of the inputs changes nothing.
/// </summary>
public sealed class CleanupEngine
{
    private readonly TimeProvider _time;
    private readonly TagClassifier _classifier;

    public CleanupEngine(CleanupPolicy policy, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(time);
        Policy = policy;
        _classifier = new TagClassifier(policy);
        _time = time;
    }

    public CleanupPolicy Policy { get; }

    /// <summary>Decides every image of the evidence.</summary>
    /// <param name="external">Protections from outside the module (an ECS or Kubernetes inventory piped in); only those of the evidence's repository count.</param>
    /// <param name="settings">The settings the evidence was read with, carried by each candidate so that it can be decided again.</param>
    /// <exception cref="ProtectionException">The evidence cannot be decided from safely: the production stack runs nothing from the repository, or stacks are changing while nothing else protects their rollback images.</exception>
    public CleanupDecisions Decide(Evidence evidence, IEnumerable<ProtectedImage>? external = null, CleanupSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        var facts = new ImageFacts(evidence, _classifier);
        var warnings = new List<string>(evidence.Warnings);
        var deployed = new Deployments(evidence, facts, warnings);
        CheckStacks(evidence, deployed, warnings);
        deployed.AddExternal(evidence.Repository.Name, external ?? Array.Empty<ProtectedImage>());

        var builds = RankProductionBuilds(facts, deployed.ProductionShas, evidence.ProductionHistory);
        var pullRequests = IndexPullRequests(evidence.OpenPullRequests);
        var now = _time.GetUtcNow();

        var reasons = facts.Images.ToDictionary(i => i.Digest, i => KeepReasons(i, facts, deployed, builds, pullRequests, evidence, now), StringComparer.Ordinal);
        AddUnreadIndexReasons(facts, reasons);
        AddReferenceReasons(facts, reasons);

        var candidates = facts.Images
            .Select(image => Candidate(image, facts.Shas(image), reasons[image.Digest], builds, now, settings))
            .OrderByDescending(c => c.PushedAt)
            .ThenBy(c => c.Digest, StringComparer.Ordinal)
            .ToList();
        var conflicts = evidence.Lifecycle is { } lifecycle ? Lifecycle.LifecycleGuard.Conflicts(lifecycle, candidates) : [];
        if (evidence.Lifecycle?.Warning is { } notChecked)
        {
            warnings.Add(notChecked);
        }

        warnings.AddRange(Lifecycle.LifecycleGuard.Warnings(conflicts));
        foreach (var candidate in candidates.Where(c => c.Protections.Any(p => p.IsNotPullable)))
        {
            var runs = candidate.Protections.First(p => p.IsNotPullable);
            warnings.Add($"{candidate.Image} is {ImageStatusText(candidate.Status)} and in use ({ProtectionDescription.Describe(runs)}): it cannot be pulled, so what runs it fails on its next pull (a cold start, a scale-out, a new task). " +
                $"Restore it: Restore-EcrCleanupImage -InputObject (Get-EcrCleanupCandidate -IncludeKept | Where-Object Digest -eq '{candidate.Digest}'), or run the cleanup with -RestoreDeployed.");
        }

        return new CleanupDecisions(evidence, candidates, warnings) { LifecycleConflicts = conflicts };
    }

    /// <summary>
    /// Whether the production history will be read whatever the evidence: build #1 is what production runs now, so
    /// keeping more than one build needs at least a page of history. The reader then asks for it with the other sources.
    /// </summary>
    public bool NeedsProductionHistory => Policy.ProductionRetentionCount > 1;

    /// <summary>
    /// How many earlier revisions of a production ECS task definition family the decisions keep for rollback: the
    /// stack's own revision is build #1, so the retention less one. The reader reads that many.
    /// </summary>
    public int RollbackRevisions => Math.Max(0, Policy.ProductionRetentionCount - 1);

    /// <summary>
    /// Whether the production history holds enough to number the retained builds: the reader reads no older page
    /// once this is true. The same numbering as the decisions (<see cref="RankProductionBuilds"/>).
    /// </summary>
    public bool HasRetainedBuilds(Evidence evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        var facts = new ImageFacts(evidence, _classifier);
        var current = new Deployments(evidence, facts, new List<string>()).ProductionShas;
        var builds = RankProductionBuilds(facts, current, evidence.ProductionHistory);
        return Policy.ProductionRetentionCount == 0 || builds.Values.Select(b => b.Rank).DefaultIfEmpty(0).Max() >= Policy.ProductionRetentionCount;
    }

    /// <summary>Rules 1 to 7: every direct reason to keep one image, in the tree's order.</summary>
    private List<Keep> KeepReasons(EcrImage image, ImageFacts facts, Deployments deployed, Dictionary<string, Build> builds, ShaPrefixIndex<int>? pullRequests, Evidence evidence, DateTimeOffset now)
    {
        var keep = new List<Keep>();

        // 1. Something runs it, or someone said it must stay.
        var protections = deployed.Of(image.Digest)
            .Select(p => (Protection: p, Text: ProtectionDescription.Describe(p)))
            .OrderBy(p => p.Text, StringComparer.Ordinal).ThenBy(p => p.Protection.Reason);
        keep.AddRange(protections.Select(p => new Keep(CleanupRule.Protected, p.Text, p.Protection)));

        // 2. Too young, pushed in the future (clock skew) or at an unknown time.
        if (image.PushedAt == default)
        {
            keep.Add(new Keep(CleanupRule.MinimumAge, "Push time unknown, kept for safety"));
        }
        else if ((now - image.PushedAt).TotalHours is var age && age < Policy.MinImageAge.TotalHours)
        {
            keep.Add(new Keep(CleanupRule.MinimumAge, string.Create(CultureInfo.InvariantCulture, $"Younger than minimum age ({Tenths(age):0.0}h < {Policy.MinImageAge.TotalHours:0.##}h)")));
        }

        // 3. A latest tag.
        var tags = facts.Classified(image);
        if (tags.Where(t => t.Kind == TagKind.Latest).Select(t => t.Tag).Order(StringComparer.Ordinal).FirstOrDefault() is { } latest)
        {
            keep.Add(new Keep(CleanupRule.Latest, $"Latest tag '{latest}'"));
        }

        // 4a. One of the newest production builds.
        if (builds.TryGetValue(image.Digest, out var build) && build.Rank <= Policy.ProductionRetentionCount)
        {
            keep.Add(new Keep(CleanupRule.ProductionRetention,
                string.Create(CultureInfo.InvariantCulture, $"Production image #{build.Rank} of {Policy.ProductionRetentionCount} kept for rollback"),
                new ProtectedImage(image.Repository, image.Digest, ProtectionReason.ProductionRetention)
                {
                    Tags = image.Tags,
                    Environment = DeploymentEnvironment.Production,
                    CommitSha = build.Sha,
                    ProductionRank = build.Rank,
                }));
        }

        // 5. A commit of an open pull request.
        if (OpenPullRequest(facts.Shas(image), pullRequests) is { } pullRequest)
        {
            keep.Add(new Keep(CleanupRule.OpenPullRequest, string.Create(CultureInfo.InvariantCulture, $"Open pull request #{pullRequest.Number}"),
                new ProtectedImage(image.Repository, image.Digest, ProtectionReason.OpenPullRequest)
                {
                    Tags = image.Tags,
                    Environment = DeploymentEnvironment.PullRequest,
                    PullRequestNumber = pullRequest.Number,
                    CommitSha = pullRequest.Sha,
                }));
        }

        // 6. A tag nobody recognizes.
        if (tags.Where(t => t.Kind == TagKind.Unknown).Select(t => t.Tag).Order(StringComparer.Ordinal).FirstOrDefault() is { } unknown)
        {
            keep.Add(new Keep(CleanupRule.UnknownTag, $"Unknown tag pattern '{unknown}' kept for safety"));
        }

        // 7. A commit image cannot be judged without the history and the pull requests.
        if (facts.Shas(image).Count > 0 && (evidence.ProductionHistory is null || evidence.OpenPullRequests is null))
        {
            var missing = evidence.ProductionHistory is null && evidence.OpenPullRequests is null
                ? "Production history and open pull requests"
                : evidence.ProductionHistory is null ? "Production history" : "Open pull requests";
            keep.Add(new Keep(CleanupRule.CommitStatusUnknown, $"{missing} unknown, commit image kept for safety"));
        }

        // 8. Being restored: someone asked for it back.
        if (image.Status == ImageStatus.Activating)
        {
            keep.Add(new Keep(CleanupRule.BeingRestored, "Being restored from the archive (ACTIVATING)"));
        }

        // 9. Archived, and not yet for as long as the policy waits (the archive bills 90 days whenever it is deleted).
        if (image.Status == ImageStatus.Archived)
        {
            if (image.LastArchivedAt is not { } archivedAt)
            {
                keep.Add(new Keep(CleanupRule.ArchiveWindow, "Archived at a time ECR does not give, kept for safety"));
            }
            else if ((now - archivedAt).TotalDays is var days && days < Policy.DeleteArchivedAfterDays)
            {
                keep.Add(new Keep(CleanupRule.ArchiveWindow, string.Create(CultureInfo.InvariantCulture,
                    $"Archived {Tenths(days):0.0} days ago, deleted once archived {Policy.DeleteArchivedAfterDays:0.##} days")));
            }
        }

        return keep;
    }

    /// <summary>
    /// ECR does not give the manifest of an image that is not active, so what an archived image index lists is not
    /// known. While one is kept (for a reason of its own or by reference), every untagged image that nothing else keeps
    /// may be one of its children, and stays; what those keep by reference follows in rule 10.
    /// </summary>
    private static void AddUnreadIndexReasons(ImageFacts facts, Dictionary<string, List<Keep>> reasons)
    {
        var kept = facts.Reach(reasons.Where(r => r.Value.Count > 0).Select(r => r.Key));
        var unread = facts.Images.Where(i => i.Status != ImageStatus.Active && kept.Contains(i.Digest) && MayBeIndex(i))
            .OrderBy(i => i.Digest, StringComparer.Ordinal).FirstOrDefault();
        if (unread is null)
        {
            return;
        }

        foreach (var image in facts.Images.Where(i => i.Tags.Count == 0 && !kept.Contains(i.Digest)))
        {
            reasons[image.Digest].Add(new Keep(CleanupRule.IndexChildOfKept,
                $"May be listed by kept image index {ProtectionDescription.ShortDigest(unread.Digest)}, whose manifest ECR does not give while it is {ImageStatusText(unread.Status)}"));
        }
    }

    private static bool MayBeIndex(EcrImage image) =>
        image.ManifestMediaType is null or "application/vnd.oci.image.index.v1+json" or "application/vnd.docker.distribution.manifest.list.v2+json";

    private static string ImageStatusText(ImageStatus status) => status switch
    {
        ImageStatus.Archived => "ARCHIVED",
        ImageStatus.Activating => "ACTIVATING (being restored)",
        _ => "ACTIVE",
    };

    /// <summary>
    /// Rule 10, the fixpoint: a kept index keeps the manifests it lists, a kept image keeps its referrers (OCI subject,
    /// cosign tags), and what they keep is kept in turn. A protected image passes its protection on the same way
    /// (<see cref="ProtectionReason.IndexChild"/>, <see cref="ProtectionReason.Referrer"/>). The subject is named
    /// first, then the indexes by digest, so the reasons do not depend on the order of the images.
    /// </summary>
    private static void AddReferenceReasons(ImageFacts facts, Dictionary<string, List<Keep>> reasons)
    {
        var kept = facts.Reach(reasons.Where(r => r.Value.Count > 0).Select(r => r.Key));
        var protectedDigests = facts.Reach(reasons.Where(r => r.Value.Any(k => k.Protection is not null)).Select(r => r.Key));
        foreach (var digest in kept)
        {
            var image = facts.ByDigest[digest];
            var added = new List<Keep>();
            foreach (var subject in ImageFacts.SubjectsOf(image).Where(s => s != digest && kept.Contains(s)).Order(StringComparer.Ordinal))
            {
                var protection = protectedDigests.Contains(subject) ? new ProtectedImage(image.Repository, digest, ProtectionReason.Referrer) { Tags = image.Tags, ParentDigest = subject } : null;
                added.Add(new Keep(CleanupRule.ReferrerOfKept, protection is null ? $"Referrer of kept image {ProtectionDescription.ShortDigest(subject)}" : ProtectionDescription.Describe(protection), protection));
            }

            foreach (var index in facts.IndexesListing(digest).Where(i => i != digest && kept.Contains(i)).Order(StringComparer.Ordinal))
            {
                var protection = protectedDigests.Contains(index) ? new ProtectedImage(image.Repository, digest, ProtectionReason.IndexChild) { Tags = image.Tags, ParentDigest = index } : null;
                added.Add(new Keep(CleanupRule.IndexChildOfKept, protection is null ? $"Child of kept image index {ProtectionDescription.ShortDigest(index)}" : ProtectionDescription.Describe(protection), protection));
            }

            reasons[digest].AddRange(added);
        }
    }

    /// <summary>The candidate: kept for its reasons, or deleted by the first delete rule that applies.</summary>
    private CleanupCandidate Candidate(EcrImage image, IReadOnlyList<string> shas, List<Keep> keep, Dictionary<string, Build> builds, DateTimeOffset now, CleanupSettings? settings)
    {
        var age = image.PushedAt == default ? double.NaN : (now - image.PushedAt).TotalHours;
        var rank = builds.TryGetValue(image.Digest, out var build) ? build : null;
        var pullRequest = keep.Find(k => k.Rule == CleanupRule.OpenPullRequest)?.Protection;
        var protections = keep.Select(k => k.Protection).OfType<ProtectedImage>().Select(p => image.Status == ImageStatus.Active ? p : p with { Status = image.Status }).ToArray();

        CleanupAction action;
        CleanupRule rule;
        string reason;
        var category = CandidateCategory.None;
        if (keep.Count > 0)
        {
            (action, rule, reason) = (CleanupAction.Keep, keep[0].Rule, string.Join("; ", keep.Select(k => k.Text).Distinct(StringComparer.Ordinal)));
        }
        else if (rank is not null)
        {
            // 4b. A production build older than the retained ones.
            (action, rule, category) = (CleanupAction.Delete, CleanupRule.ProductionBeyondRetention, CandidateCategory.OldProductionImage);
            reason = string.Create(CultureInfo.InvariantCulture, $"Production image beyond retention (#{rank.Rank} > {Policy.ProductionRetentionCount})");
        }
        else if (shas.Count == 0)
        {
            (action, rule, category) = (CleanupAction.Delete, CleanupRule.Untagged, CandidateCategory.Untagged);
            reason = string.Create(CultureInfo.InvariantCulture, $"Untagged image ({Tenths(age):0.0}h old)");
        }
        else
        {
            (action, rule, category) = (CleanupAction.Delete, CleanupRule.NotInUse, CandidateCategory.OldPullRequestImage);
            reason = string.Create(CultureInfo.InvariantCulture, $"Old image ({Tenths(age):0.0}h old, not in use)");
        }

        if (action == CleanupAction.Delete && image.Status == ImageStatus.Archived)
        {
            reason += string.Create(CultureInfo.InvariantCulture, $"; archived {Tenths((now - image.LastArchivedAt!.Value).TotalDays):0.0} days ago");
        }
        else if (action == CleanupAction.Delete && Policy.Archive)
        {
            action = CleanupAction.Archive;
        }

        return new CleanupCandidate(image, action, rule, reason, age)
        {
            Category = category,
            KeptBy = keep.Select(k => k.Rule).Distinct().ToArray(),
            Protections = protections,
            PullRequestNumber = pullRequest?.PullRequestNumber ?? protections.Select(p => p.PullRequestNumber).Min(),
            CommitSha = rule == CleanupRule.OpenPullRequest ? pullRequest!.CommitSha : rank?.Sha ?? pullRequest?.CommitSha ?? (shas.Count > 0 ? shas[0] : null),
            ProductionRank = rank?.Rank,
            DecidedAt = now,
            Settings = settings,
        };
    }

    /// <summary>
    /// Stops when the evidence cannot be decided from safely (the production stack runs nothing from the repository,
    /// stacks changing with nothing to protect their rollback); warns when it can, with a caveat.
    /// </summary>
    private static void CheckStacks(Evidence evidence, Deployments deployed, List<string> warnings)
    {
        // Deployments to production that never name what production runs are another environment's, or another app's.
        if (evidence.ProductionHistorySource == ProductionHistorySource.Deployments && deployed.ProductionShas.Count > 0 && evidence.ProductionHistory is { Count: > 0 } history
            && !history.Select(h => CommitSha.Normalize(h?.Trim())).OfType<string>().Any(h => deployed.ProductionShas.Any(c => CommitSha.Matches(h, c))))
        {
            throw new ProtectionException(ProtectionException.ProductionHistoryMismatch, "GitHub",
                $"Production runs images of {string.Join(", ", deployed.ProductionShas)}, and none of the {history.Count} GitHub deployments read names it: they are not production's, so the builds they would keep for rollback are not. " +
                "Check -ProductionEnvironment (the environment production is deployed to) and -ProductionStackName, or pass -ProductionHistorySource Commits to read the default branch instead.");
        }

        if (evidence.ProductionStackName is { } production && deployed.ProductionImageCount == 0)
        {
            throw new ProtectionException(ProtectionException.ProductionStackHasNoImage, "CloudFormation",
                $"The production stack '{production}' runs no image of repository '{evidence.Repository.Name}' (nested stacks, every function version included). " +
                "A cleanup that knew nothing of production would delete what it runs, so nothing is decided. Check -ProductionStackName (PRODUCTION_STACK_NAME), -RepositoryName (ECR_REPOSITORY_NAME) and -Region.");
        }

        if (evidence.StacksInProgress.Count == 0)
        {
            return;
        }

        var names = string.Join(", ", evidence.StacksInProgress.Select(s => $"{s.StackName} ({s.Status})").Order(StringComparer.Ordinal));
        if (evidence.OpenPullRequests is null || evidence.ProductionHistory is null)
        {
            // Mid-update, a stack may roll back to the images it ran before; only GitHub's history and open pull
            // requests keep those, and GitHub was not read.
            throw new ProtectionException(ProtectionException.StackInProgress, "CloudFormation",
                $"Stacks are changing: {names}. While a stack updates it may roll back to images it no longer names, and with -SkipGitHub nothing else protects them. Run again when the stacks are stable, or without -SkipGitHub.");
        }

        warnings.Add($"Stacks are changing: {names}. What they run now is protected; the images they could roll back to are protected by production retention and open pull requests.");
    }

    /// <summary>
    /// Rule 4's numbering, the one the reasons, the candidates, the protected images and the report show: build #1
    /// is what production's $LATEST runs now (however many commits its functions were built from), then each
    /// history commit, newest first, that has images here not yet numbered. An image gets the number of its build.
    /// Without the history nothing is numbered: what production runs now is kept by rule 1 anyway.
    /// </summary>
    private static Dictionary<string, Build> RankProductionBuilds(ImageFacts facts, IReadOnlyCollection<string> current, IReadOnlyList<string>? history)
    {
        var builds = new Dictionary<string, Build>(StringComparer.Ordinal);
        if (history is null)
        {
            return builds;
        }

        var rank = 0;
        void Number(IEnumerable<string> shas)
        {
            var images = shas.SelectMany(sha => facts.FindByCommit(sha).Select(image => (image.Digest, Sha: sha)))
                .Where(i => !builds.ContainsKey(i.Digest)).DistinctBy(i => i.Digest).ToList();
            if (images.Count == 0)
            {
                return;
            }

            rank++;
            foreach (var (digest, sha) in images)
            {
                builds[digest] = new Build(rank, sha);
            }
        }

        Number(current);
        foreach (var sha in history.Select(s => CommitSha.Normalize(s?.Trim())).OfType<string>())
        {
            Number(new[] { sha });
        }

        return builds;
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
            if (CommitSha.Normalize(key?.Trim()) is { } sha)
            {
                index.Add(sha, number);
            }
        }

        return index;
    }

    /// <summary>The lowest-numbered open pull request one of the SHAs belongs to.</summary>
    private static (int Number, string Sha)? OpenPullRequest(IReadOnlyList<string> shas, ShaPrefixIndex<int>? pullRequests) =>
        pullRequests is null
            ? null
            : shas.SelectMany(sha => pullRequests.Candidates(sha).Where(c => CommitSha.Matches(c.Key, sha)).Select(c => ((int Number, string Sha)?)(c.Value, sha)))
                .OrderBy(p => p!.Value.Number).ThenBy(p => p!.Value.Sha, StringComparer.Ordinal).FirstOrDefault();

    /// <summary>
    /// Hours to one decimal, rounded down, so that "23.9h &lt; 24h" never reads "24.0h &lt; 24h"; the inner rounding
    /// drops floating-point noise, so that 120.3 hours (120.29999…) still reads 120.3.
    /// </summary>
    private static double Tenths(double hours) => Math.Floor(Math.Round(hours * 10, 6)) / 10;

    /// <summary>One reason to keep an image; <see cref="Protection"/> when it is a protection Get-ProtectedImage lists.</summary>
    private sealed record Keep(CleanupRule Rule, string Text, ProtectedImage? Protection = null);

    /// <summary>A production build's number and the commit that put the image in it.</summary>
    private sealed record Build(int Rank, string Sha);
}

/// <summary>What the engine decided from one evidence: a candidate per image, newest push first, and what it noticed.</summary>
public sealed record CleanupDecisions(Evidence Evidence, IReadOnlyList<CleanupCandidate> Candidates, IReadOnlyList<string> Warnings)
{
    /// <summary>What Get-ProtectedImage lists: every protection of every kept image, in the candidates' order.</summary>
    public IEnumerable<ProtectedImage> Protected => Candidates.Where(c => !c.IsCandidate).SelectMany(c => c.Protections);

    /// <summary>Every image the decisions keep for a protection that the repository's lifecycle policy would expire or archive, by ECR's preview.</summary>
    public IReadOnlyList<Lifecycle.LifecycleConflict> LifecycleConflicts { get; init; } = [];
}
