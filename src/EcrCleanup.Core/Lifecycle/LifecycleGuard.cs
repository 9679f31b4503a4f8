using System.Globalization;
using EcrCleanup.Abstractions;
using EcrCleanup.Model;

namespace EcrCleanup.Lifecycle;

/// <summary>
/// Guards against a repository's lifecycle policy: ECR expires or archives images by its rules on its own, whatever the
/// cleanup keeps. Has ECR preview the repository's policy and names every image the cleanup keeps for a protection that
/// a rule would expire or archive. It never changes what the cleanup keeps or deletes, so it fails open: a call that
/// fails becomes a warning, never a stopped run.
/// </summary>
public static class LifecycleGuard
{
    /// <summary>
    /// How often a preview in progress is read. ECR's waiter reads every 5 s, made for scripts that wait for nothing
    /// else; the guard runs inside an interactive cleanup, and a preview usually completes within a few seconds
    /// (the sandbox: 1 s by default), so 5 s would add up to 5 s to every repository's run for nothing. 2 s costs at
    /// most 2 s over the real completion, for a GetLifecyclePolicyPreview that, in progress, is one small call:
    /// 30 calls in the whole wait at the most, far below ECR's request rates.
    /// </summary>
    internal static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The longest wait for a preview. The guard only warns, so a run does not wait on it as on a protection source:
    /// a minute, less than the waiter's 100 s, and what a person at a terminal still waits out. A preview that takes
    /// longer becomes a warning naming the command that shows it once ECR has finished.
    /// </summary>
    internal static readonly TimeSpan PollTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Reads the repository's lifecycle policy (GetLifecyclePolicy) and, when it has one, has ECR preview it to the
    /// end (StartLifecyclePolicyPreview, then GetLifecyclePolicyPreview every <see cref="PollInterval"/> for at most
    /// <see cref="PollTimeout"/>). A repository without a policy is <see cref="LifecycleCheckOutcome.NoPolicy"/>, with no
    /// preview started. Any <see cref="ServiceException"/> (access denied, throttled past the retries, a malformed
    /// answer, a preview that failed, expired or did not complete in time) is <see cref="LifecycleCheckOutcome.NotChecked"/>
    /// with a <see cref="LifecycleCheck.Warning"/> naming the call, the IAM action to grant when it was refused, and
    /// that the cleanup went on unaffected.
    /// </summary>
    /// <param name="time">The clock of the waits between two reads of the preview.</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled: that is not a failure of the guard.</exception>
    public static async Task<LifecycleCheck> CheckAsync(IEcrClient ecr, string repositoryName, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ecr);
        ArgumentException.ThrowIfNullOrEmpty(repositoryName);
        ArgumentNullException.ThrowIfNull(time);
        try
        {
            var policy = await ecr.GetLifecyclePolicyAsync(repositoryName, cancellationToken).ConfigureAwait(false);
            if (policy is null)
            {
                return new LifecycleCheck(repositoryName, LifecycleCheckOutcome.NoPolicy);
            }

            var preview = await new LifecyclePreviewPoller(ecr, time, PollInterval, PollTimeout).PreviewAsync(repositoryName, null, cancellationToken).ConfigureAwait(false);
            return new LifecycleCheck(repositoryName, LifecycleCheckOutcome.Previewed)
            {
                Preview = preview,
                Rules = LifecycleRule.Parse(preview.PolicyText ?? policy.Text),
            };
        }
        catch (ServiceException e)
        {
            return new LifecycleCheck(repositoryName, LifecycleCheckOutcome.NotChecked) { Warning = NotChecked(repositoryName, e) };
        }
    }

    /// <summary>
    /// The images of the check's preview that <paramref name="decisions"/> keep with at least one protection, in the
    /// preview's order, each with the rule that would act on it and why the cleanup keeps it. Deleted images and images
    /// kept for another reason (age, a latest tag, an unknown tag) are left to the policy. None unless the check previewed.
    /// </summary>
    public static IReadOnlyList<LifecycleConflict> Conflicts(LifecycleCheck check, IEnumerable<CleanupCandidate> decisions)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(decisions);
        if (check.Preview is null)
        {
            return [];
        }

        var protectedKept = new Dictionary<string, CleanupCandidate>(StringComparer.Ordinal);
        foreach (var candidate in decisions.Where(c => !c.IsCandidate && c.Protections.Count > 0 && c.Repository == check.Repository))
        {
            protectedKept.TryAdd(candidate.Digest, candidate);
        }

        return check.Preview.Results
            .Where(result => protectedKept.ContainsKey(result.Digest))
            .Select(result =>
            {
                var kept = protectedKept[result.Digest];
                var rule = check.Rules.FirstOrDefault(r => r.Priority == result.AppliedRulePriority);
                return new LifecycleConflict
                {
                    Repository = check.Repository,
                    Digest = result.Digest,
                    Tags = kept.Tags,
                    RulePriority = result.AppliedRulePriority,
                    RuleDescription = rule?.ToString() ?? string.Create(CultureInfo.InvariantCulture, $"rule {result.AppliedRulePriority}"),
                    Action = result.Action.Type,
                    TargetStorageClass = result.Action.TargetStorageClass,
                    Reason = kept.Reason,
                    Protections = kept.Protections,
                    Rule = rule,
                };
            })
            .ToList();
    }

    /// <summary>
    /// One warning per repository and rule of <paramref name="conflicts"/>: what the rule would do to which protected
    /// images, how to change the rule so that it leaves them alone, and the command that shows the preview.
    /// </summary>
    public static IReadOnlyList<string> Warnings(IEnumerable<LifecycleConflict> conflicts)
    {
        ArgumentNullException.ThrowIfNull(conflicts);
        return conflicts
            .GroupBy(c => (c.Repository, c.RulePriority))
            .Select(rule =>
            {
                var first = rule.First();
                var images = rule.Count() == 1 ? "1 image" : string.Create(CultureInfo.InvariantCulture, $"{rule.Count()} images");
                var each = string.Join("; ", rule.Select(c => $"{ImageName.Format(c.Repository, c.Digest, c.Tags)} ({c.Protected})"));
                return $"Lifecycle {first.RuleDescription} of '{first.Repository}' {first.WouldDo(images)} that the cleanup keeps for a protection: {each}. " +
                    $"The cleanup never deletes them, but ECR applies its lifecycle policy on its own: change the rule so that it leaves them alone ({Fix(first.Rule)}). " +
                    $"See what the policy would do: aws ecr get-lifecycle-policy-preview --repository-name {first.Repository}";
            })
            .ToList();
    }

    /// <summary>
    /// How to change a rule so that it selects none of the images it conflicts on. A rule cannot exclude a tag: it
    /// selects an image with a tag for every prefix (pattern) of its list, so only a narrower list, or a count the
    /// images stay within, leaves them alone.
    /// </summary>
    private static string Fix(LifecycleRule? rule) => rule switch
    {
        null => "give it a tagPrefixList or tagPatternList their tags do not match, or raise its countNumber",
        { TagStatus: "untagged" } => $"raise its countNumber (now {rule.Count()}), or tag them so that no rule selects them",
        { TagPrefixes.Count: > 0 } => $"narrow its tagPrefixList ({Quoted(rule.TagPrefixes)}) so that their tags do not match it, or raise its countNumber (now {rule.Count()})",
        { TagPatterns.Count: > 0 } => $"narrow its tagPatternList ({Quoted(rule.TagPatterns)}) so that their tags do not match it, or raise its countNumber (now {rule.Count()})",
        _ => $"make it tagStatus tagged with a tagPrefixList their tags do not match, or raise its countNumber (now {rule.Count()})",
    };

    private static string Quoted(IEnumerable<string> values) => string.Join(", ", values.Select(v => $"\"{v}\""));

    /// <summary>The warning for a check that could not run: the call that failed, what to grant or do, and that the cleanup is unaffected.</summary>
    private static string NotChecked(string repositoryName, ServiceException e)
    {
        var action = $"ecr:{e.Operation}";
        var grant = e.ErrorCode is "AccessDeniedException" or "AccessDenied" && !e.Message.Contains(action, StringComparison.Ordinal)
            ? $" Grant {action} to the identity in use for the check to run."
            : string.Empty;
        var failure = e.Message.TrimEnd().EndsWith('.') ? e.Message.TrimEnd() : e.Message.TrimEnd() + ".";
        return $"The lifecycle policy of '{repositoryName}' was not checked against the images the cleanup keeps: {failure}{grant} " +
            "The cleanup went on without the check: what it keeps and deletes does not depend on it, but the lifecycle policy may expire or archive images it keeps.";
    }
}
