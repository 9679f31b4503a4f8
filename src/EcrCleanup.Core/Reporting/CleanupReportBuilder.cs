using EcrCleanup.Decisions;
using EcrCleanup.Deletion;
using EcrCleanup.Model;

namespace EcrCleanup.Reporting;

/// <summary>Counts a run into a <see cref="CleanupReport"/>.</summary>
public static class CleanupReportBuilder
{
    public static CleanupReport Build(
        CleanupDecisions decided,
        IReadOnlyList<DeletionResult> results,
        bool dryRun,
        DateTimeOffset started,
        DateTimeOffset finished,
        IReadOnlyDictionary<string, int> calls,
        ReportConfiguration configuration,
        StoragePrices? prices = null)
    {
        var decisions = decided.Candidates;
        var inUse = decided.Protected.Where(p => p.Reason is ProtectionReason.Deployed or ProtectionReason.DeployedOutsideStacks).ToList();
        int Distinct(IEnumerable<ProtectedImage> protections) => protections.Select(p => p.Digest).Distinct(StringComparer.Ordinal).Count();
        var candidates = decisions.Where(d => d.IsCandidate).ToList();
        var removed = results.Where(r => r.Outcome is DeletionOutcome.Deleted or DeletionOutcome.WouldDelete).ToList();
        var archived = results.Where(r => r.Outcome is DeletionOutcome.Archived or DeletionOutcome.WouldArchive).ToList();

        return new CleanupReport
        {
            Repository = decided.Evidence.Repository.Name,
            ExecutionTime = started,
            DryRun = dryRun,
            TotalImages = decisions.Count,
            ActiveImages = decisions.Count(d => d.Status == ImageStatus.Active),
            ArchivedImages = decisions.Count(d => d.Status == ImageStatus.Archived),
            ActivatingImages = decisions.Count(d => d.Status == ImageStatus.Activating),
            ProtectedInUse = Distinct(inUse),
            ProtectedProduction = Distinct(inUse.Where(p => p.Environment == DeploymentEnvironment.Production)),
            ProtectedPullRequests = Distinct(inUse.Where(p => p.Environment == DeploymentEnvironment.PullRequest)),
            Kept = decisions.Count - candidates.Count,
            Candidates = candidates.Count,
            OldPullRequestImages = candidates.Count(c => c.Category == CandidateCategory.OldPullRequestImage),
            OldProductionImages = candidates.Count(c => c.Category == CandidateCategory.OldProductionImage),
            UntaggedImages = candidates.Count(c => c.Category == CandidateCategory.Untagged),
            OtherImages = candidates.Count(c => c.Category == CandidateCategory.Other),
            Deleted = removed.Count,
            Failed = results.Count(r => r.Outcome == DeletionOutcome.Failed),
            Skipped = results.Count(r => r.Outcome == DeletionOutcome.Skipped && r.Candidate.IsCandidate),
            Archived = archived.Count,
            StorageReclaimedBytes = removed.Sum(r => r.SizeBytes ?? 0),
            ReclaimedFromArchiveBytes = removed.Where(r => r.Status == ImageStatus.Archived).Sum(r => r.SizeBytes ?? 0),
            ArchivedBytes = archived.Sum(r => r.SizeBytes ?? 0),
            Prices = prices ?? StoragePrices.Published,
            LifecycleConflicts = decided.LifecycleConflicts,
            NotPullable = decided.Protected.Where(p => p.IsNotPullable).DistinctBy(p => p.Digest, StringComparer.Ordinal).ToList(),
            Protected = inUse.OrderBy(p => p.Environment == DeploymentEnvironment.None ? 3 : (int)p.Environment).ThenBy(p => p.PullRequestNumber).ThenBy(p => p.StackName, StringComparer.Ordinal)
                .DistinctBy(p => p.Digest, StringComparer.Ordinal).ToList(),
            CandidateList = candidates,
            RetainedProduction = decisions.Where(d => d.KeptBy.Contains(CleanupRule.ProductionRetention)).OrderBy(d => d.ProductionRank).ThenBy(d => d.Digest, StringComparer.Ordinal).ToList(),
            Results = results,
            Warnings = decided.Warnings.Concat(results.Where(r => r.Outcome == DeletionOutcome.Skipped && r.Candidate.IsCandidate)
                .Select(r => $"Not {(r.Action == CleanupAction.Archive ? "archived" : "deleted")}: {r.Candidate.Image} ({r.SkipReason})")).ToList(),
            Calls = calls,
            Read = new ReadCounts(decided.Evidence.StackCount, decided.Evidence.FunctionCount, decided.Evidence.Ecs),
            Duration = finished - started,
            ReadDuration = decided.Evidence.ReadDuration,
            Configuration = configuration,
        };
    }
}
