using System.Globalization;
using EcrCleanup.Lifecycle;
using EcrCleanup.Model;

namespace EcrCleanup.Core.Tests.Lifecycle;

/// <summary>The lifecycle guard over a fake ECR: which images it names, in what words, and how it fails open.</summary>
public class LifecycleGuardTests
{
    private const string Repo = LifecycleEcr.Repo;

    private const string Policy = """
        {"rules":[
          {"rulePriority":1,"description":"archive old pr builds","selection":{"tagStatus":"tagged","tagPrefixList":["pr-"],"countType":"sinceImagePushed","countUnit":"days","countNumber":30},"action":{"type":"transition","targetStorageClass":"archive"}},
          {"rulePriority":2,"description":"expire untagged after 14 days","selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}
        ]}
        """;

    private static readonly DateTimeOffset Pushed = new(2025, 10, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly WaitClock _clock = new();
    private readonly LifecycleEcr _ecr = new() { PolicyText = Policy };

    private static string Digest(int n) => "sha256:" + n.ToString("x64", CultureInfo.InvariantCulture);

    private static CleanupCandidate Candidate(int n, CleanupAction action, CleanupRule rule, string reason, string[] tags, params ProtectedImage[] protections) =>
        new(new EcrImage(Repo, Digest(n)) { Tags = tags, PushedAt = Pushed }, action, rule, reason, 2000) { Protections = protections };

    private static LifecyclePreviewResult Expire(int n, int priority, params string[] tags) =>
        new(Digest(n), tags, Pushed, new LifecycleAction(LifecycleActionType.Expire, null), priority, StorageClass.Standard);

    private static LifecyclePreviewResult Archive(int n, int priority, params string[] tags) =>
        new(Digest(n), tags, Pushed, new LifecycleAction(LifecycleActionType.Transition, StorageClass.Archive), priority, StorageClass.Standard);

    private static ProtectedImage Deployed(int n, params string[] tags) =>
        new(Repo, Digest(n), ProtectionReason.Deployed) { Tags = tags, StackName = "HelpmatonProduction", FunctionName = "prod-api", Qualifier = "$LATEST" };

    private static ProtectedImage ChildOf(int n, int index) => new(Repo, Digest(n), ProtectionReason.IndexChild) { ParentDigest = Digest(index) };

    /// <summary>
    /// 1 deployed (pr-1), 2 and 3 children of its index, kept; 4 untagged and deleted; 5 kept for its tag alone; 6 deployed
    /// and left alone by the policy; 7 a protected image of another repository with 5's digest.
    /// </summary>
    private static IReadOnlyList<CleanupCandidate> Decisions() =>
    [
        Candidate(1, CleanupAction.Keep, CleanupRule.Protected, "Deployed: HelpmatonProduction / prod-api ($LATEST)", ["pr-1"], Deployed(1, "pr-1")),
        Candidate(2, CleanupAction.Keep, CleanupRule.IndexChildOfKept, "Child of protected image index", [], ChildOf(2, 1)),
        Candidate(3, CleanupAction.Keep, CleanupRule.IndexChildOfKept, "Child of protected image index", [], ChildOf(3, 1)),
        Candidate(4, CleanupAction.Delete, CleanupRule.Untagged, "Untagged image (2000.0h old)", []),
        Candidate(5, CleanupAction.Keep, CleanupRule.UnknownTag, "Unknown tag", ["pr-5"]),
        Candidate(6, CleanupAction.Keep, CleanupRule.Protected, "Deployed: HelpmatonProduction / prod-api ($LATEST)", ["v6"], Deployed(6, "v6")),
        new(new EcrImage("other", Digest(5)) { Tags = ["pr-5"], PushedAt = Pushed }, CleanupAction.Keep, CleanupRule.Protected, "Deployed", 2000)
        {
            Protections = [new ProtectedImage("other", Digest(5), ProtectionReason.Deployed)],
        },
    ];

    private Task<LifecycleCheck> CheckAsync(CancellationToken cancellationToken = default) =>
        LifecycleGuard.CheckAsync(_ecr, Repo, _clock, cancellationToken);

    [Fact]
    public async Task A_repository_without_a_policy_is_not_previewed()
    {
        _ecr.PolicyText = null;

        var check = await CheckAsync();

        Assert.Equal(LifecycleCheckOutcome.NoPolicy, check.Outcome);
        Assert.Equal((Repo, (LifecyclePreview?)null, (string?)null), (check.Repository, check.Preview, check.Warning));
        Assert.Equal(["GetLifecyclePolicy"], _ecr.Calls);
        Assert.Empty(LifecycleGuard.Conflicts(check, Decisions()));
    }

    [Fact]
    public async Task Names_each_protected_kept_image_the_policy_would_archive_or_expire_by_its_rule_in_preview_order()
    {
        _ecr.StartStatus = LifecyclePreviewStatus.InProgress;
        _ecr.Previews.Add(LifecycleEcr.Status(LifecyclePreviewStatus.InProgress));
        _ecr.Previews.Add(LifecycleEcr.Complete(Policy, Archive(5, 1, "pr-5"), Archive(1, 1, "pr-1"), Expire(4, 2), Expire(3, 2), Expire(2, 2)));

        var run = CheckAsync();
        await _clock.PassAsync(2, LifecycleGuard.PollInterval);
        var check = await run.WaitAsync(TimeSpan.FromSeconds(10));
        var decisions = Decisions();
        var conflicts = LifecycleGuard.Conflicts(check, decisions);

        Assert.Equal(LifecycleCheckOutcome.Previewed, check.Outcome);
        Assert.Null(check.Warning);
        Assert.Equal(["GetLifecyclePolicy", "StartLifecyclePolicyPreview", "GetLifecyclePolicyPreview", "GetLifecyclePolicyPreview"], _ecr.Calls);
        Assert.Equal(TimeSpan.FromSeconds(4), _clock.GetUtcNow() - _clock.Start);
        Assert.Equal([Digest(1), Digest(3), Digest(2)], conflicts.Select(c => c.Digest));

        var archived = conflicts[0];
        Assert.Equal((Repo, 1, LifecycleActionType.Transition, (StorageClass?)StorageClass.Archive), (archived.Repository, archived.RulePriority, archived.Action, archived.TargetStorageClass));
        Assert.Equal(["pr-1"], archived.Tags);
        Assert.Equal("Deployed: HelpmatonProduction / prod-api ($LATEST)", archived.Reason);
        Assert.Same(decisions[0].Protections, archived.Protections);
        Assert.Equal("""rule 1 "archive old pr builds" (transition to archive; images tagged "pr-"*, sinceImagePushed > 30 days)""", archived.RuleDescription);
        Assert.Equal(
            $"""{ImageName.Format(Repo, Digest(1), ["pr-1"])}: lifecycle rule 1 "archive old pr builds" (transition to archive; images tagged "pr-"*, sinceImagePushed > 30 days) would move it to the ARCHIVE storage class, and it is Deployed: HelpmatonProduction / prod-api ($LATEST)""",
            archived.ToString());

        var expired = conflicts[1];
        Assert.Equal((2, LifecycleActionType.Expire, (StorageClass?)null), (expired.RulePriority, expired.Action, expired.TargetStorageClass));
        Assert.Equal(
            $"""{ImageName.Format(Repo, Digest(3), [])}: lifecycle rule 2 "expire untagged after 14 days" (expire; untagged images, sinceImagePushed > 14 days) would expire it, and it is Child of protected image index sha256:000000000000…""",
            expired.ToString());
    }

    [Fact]
    public async Task Warns_once_per_rule_with_its_images_the_fix_and_the_command_that_shows_the_preview()
    {
        _ecr.Previews.Add(LifecycleEcr.Complete(Policy, Archive(1, 1, "pr-1"), Expire(3, 2), Expire(2, 2)));

        var warnings = LifecycleGuard.Warnings(LifecycleGuard.Conflicts(await CheckAsync(), Decisions()));

        Assert.Equal(2, warnings.Count);
        Assert.StartsWith(
            $"""Lifecycle rule 1 "archive old pr builds" (transition to archive; images tagged "pr-"*, sinceImagePushed > 30 days) of 'app' would move 1 image to the ARCHIVE storage class that the cleanup keeps for a protection: {ImageName.Format(Repo, Digest(1), ["pr-1"])} (Deployed: HelpmatonProduction / prod-api ($LATEST)).""",
            warnings[0], StringComparison.Ordinal);
        Assert.Contains("""narrow its tagPrefixList ("pr-") so that their tags do not match it, or raise its countNumber (now sinceImagePushed > 30 days)""", warnings[0], StringComparison.Ordinal);
        Assert.StartsWith("""Lifecycle rule 2 "expire untagged after 14 days" (expire; untagged images, sinceImagePushed > 14 days) of 'app' would expire 2 images that the cleanup keeps""", warnings[1], StringComparison.Ordinal);
        Assert.Contains(ImageName.Format(Repo, Digest(3), []) + " (Child of protected image index sha256:000000000000…); " + ImageName.Format(Repo, Digest(2), []), warnings[1], StringComparison.Ordinal);
        Assert.Contains("raise its countNumber (now sinceImagePushed > 14 days)", warnings[1], StringComparison.Ordinal);
        Assert.All(warnings, w => Assert.EndsWith("See what the policy would do: aws ecr get-lifecycle-policy-preview --repository-name app", w, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("not a policy")]
    [InlineData("""["rules"]""")]
    [InlineData("""{"rules":{"rulePriority":2}}""")]
    [InlineData("""{"rules":[{"rulePriority":2,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days"},"action":{"type":"expire"}}]}""")]
    public async Task A_policy_text_that_cannot_be_read_still_names_the_conflicts_by_rule_priority(string text)
    {
        _ecr.PolicyText = text;
        _ecr.Previews.Add(LifecycleEcr.Complete(null, Expire(4, 2), Expire(2, 2)));

        var check = await CheckAsync();
        var conflicts = LifecycleGuard.Conflicts(check, Decisions());

        Assert.Equal(LifecycleCheckOutcome.Previewed, check.Outcome);
        var conflict = Assert.Single(conflicts);
        Assert.Equal((Digest(2), "rule 2"), (conflict.Digest, conflict.RuleDescription));
        Assert.Equal($"{ImageName.Format(Repo, Digest(2), [])}: lifecycle rule 2 would expire it, and it is Child of protected image index sha256:000000000000…", conflict.ToString());
        Assert.Contains("(give it a tagPrefixList or tagPatternList their tags do not match, or raise its countNumber)", Assert.Single(LifecycleGuard.Warnings(conflicts)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GetLifecyclePolicy", "AccessDeniedException", " Grant ecr:GetLifecyclePolicy to the identity in use for the check to run.")]
    [InlineData("StartLifecyclePolicyPreview", "AccessDeniedException", " Grant ecr:StartLifecyclePolicyPreview to the identity in use for the check to run.")]
    [InlineData("GetLifecyclePolicyPreview", "AccessDeniedException", " Grant ecr:GetLifecyclePolicyPreview to the identity in use for the check to run.")]
    [InlineData("GetLifecyclePolicyPreview", "ThrottlingException", null)]
    [InlineData("GetLifecyclePolicy", "MalformedResponse", null)]
    [InlineData("StartLifecyclePolicyPreview", "LifecyclePolicyPreviewInProgressException", null)]
    public async Task A_call_that_fails_is_a_warning_naming_the_call_and_what_to_grant(string operation, string code, string? grant)
    {
        _ecr.Previews.Add(LifecycleEcr.Complete(Policy, Expire(2, 2)));
        _ecr.Failures[operation] = LifecycleEcr.Error(operation, code);

        var check = await CheckAsync();

        AssertNotChecked(check, $"ECR {operation} for 'app' failed with {code}: refused.", grant);
        Assert.Equal(operation, _ecr.Calls[^1]);
    }

    [Fact]
    public async Task An_IAM_action_the_service_already_names_is_not_named_twice()
    {
        _ecr.Failures["GetLifecyclePolicy"] = LifecycleEcr.Error("GetLifecyclePolicy", "AccessDeniedException",
            "not authorized (grant ecr:GetLifecyclePolicy to the identity in use; docs/operator-guide.md lists the IAM policy)");

        var check = await CheckAsync();

        Assert.Equal(2, check.Warning!.Split("ecr:GetLifecyclePolicy").Length);
        Assert.DoesNotContain(" Grant ", check.Warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(LifecyclePreviewStatus.Failed, "LifecyclePolicyPreviewFailed")]
    [InlineData(LifecyclePreviewStatus.Expired, "LifecyclePolicyPreviewExpired")]
    public async Task A_preview_that_fails_or_expires_is_a_warning(LifecyclePreviewStatus status, string code)
    {
        _ecr.StartStatus = LifecyclePreviewStatus.InProgress;
        _ecr.Previews.Add(LifecycleEcr.Status(status));

        var run = CheckAsync();
        await _clock.PassAsync(1, LifecycleGuard.PollInterval);

        AssertNotChecked(await run.WaitAsync(TimeSpan.FromSeconds(10)), $"ECR GetLifecyclePolicyPreview for 'app' failed with {code}", null);
    }

    [Fact]
    public async Task A_preview_still_in_progress_after_a_minute_is_a_warning()
    {
        _ecr.StartStatus = LifecyclePreviewStatus.InProgress;
        _ecr.Previews.Add(LifecycleEcr.Status(LifecyclePreviewStatus.InProgress));

        var run = CheckAsync();
        await _clock.PassAsync(30, LifecycleGuard.PollInterval);
        var check = await run.WaitAsync(TimeSpan.FromSeconds(10));

        AssertNotChecked(check, "still in progress after 60 s (read every 2 s, for at most 60 s)", null);
        Assert.Contains("aws ecr get-lifecycle-policy-preview --repository-name app", check.Warning, StringComparison.Ordinal);
        Assert.Equal(32, _ecr.Calls.Count);
        Assert.Equal(0, _clock.Waits.CurrentCount);
    }

    [Fact]
    public async Task Cancelling_before_the_check_is_not_a_warning()
    {
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CheckAsync(cancel.Token));
        Assert.Empty(_ecr.Calls);
    }

    [Fact]
    public async Task Cancelling_during_a_wait_for_the_preview_is_not_a_warning()
    {
        _ecr.StartStatus = LifecyclePreviewStatus.InProgress;
        using var cancel = new CancellationTokenSource();

        var run = CheckAsync(cancel.Token);
        Assert.True(await _clock.Waits.WaitAsync(TimeSpan.FromSeconds(10)));
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(["GetLifecyclePolicy", "StartLifecyclePolicyPreview"], _ecr.Calls);
    }

    private void AssertNotChecked(LifecycleCheck check, string failure, string? grant)
    {
        Assert.Equal(LifecycleCheckOutcome.NotChecked, check.Outcome);
        Assert.Null(check.Preview);
        Assert.StartsWith("The lifecycle policy of 'app' was not checked against the images the cleanup keeps: ", check.Warning, StringComparison.Ordinal);
        Assert.Contains(failure, check.Warning, StringComparison.Ordinal);
        Assert.EndsWith("The cleanup went on without the check: what it keeps and deletes does not depend on it, but the lifecycle policy may expire or archive images it keeps.", check.Warning, StringComparison.Ordinal);
        if (grant is null)
        {
            Assert.DoesNotContain("Grant", check.Warning, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains(grant, check.Warning, StringComparison.Ordinal);
        }

        Assert.Empty(LifecycleGuard.Conflicts(check, Decisions()));
    }
}
