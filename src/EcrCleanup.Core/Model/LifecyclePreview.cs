namespace EcrCleanup.Model;

/// <summary>A repository's lifecycle policy, as GetLifecyclePolicy reports it.</summary>
/// <param name="Text">The policy's JSON text (<c>lifecyclePolicyText</c>).</param>
/// <param name="LastEvaluatedAt">When ECR last ran the policy (<c>lastEvaluatedAt</c>); null when it has not yet.</param>
public sealed record LifecyclePolicy(string Text, DateTimeOffset? LastEvaluatedAt);

/// <summary>Where a lifecycle policy preview is (<c>status</c> of Start- and GetLifecyclePolicyPreview).</summary>
public enum LifecyclePreviewStatus
{
    /// <summary><c>IN_PROGRESS</c>: ECR is still evaluating the policy; there are no results yet.</summary>
    InProgress,

    /// <summary><c>COMPLETE</c>: the results are those of the whole repository.</summary>
    Complete,

    /// <summary><c>EXPIRED</c>: the preview has expired; another one has to be started for results.</summary>
    Expired,

    /// <summary><c>FAILED</c>: ECR could not evaluate the policy.</summary>
    Failed,
}

/// <summary>What a lifecycle rule does to an image (<c>action.type</c>).</summary>
public enum LifecycleActionType
{
    /// <summary><c>EXPIRE</c>: the image is deleted.</summary>
    Expire,

    /// <summary><c>TRANSITION</c>: the image moves to another storage class (<see cref="LifecycleAction.TargetStorageClass"/>).</summary>
    Transition,
}

/// <summary>The action a lifecycle rule takes on an image (<c>LifecyclePolicyRuleAction</c>).</summary>
/// <param name="TargetStorageClass">Where a <see cref="LifecycleActionType.Transition"/> moves the image; null for <see cref="LifecycleActionType.Expire"/>.</param>
public sealed record LifecycleAction(LifecycleActionType Type, StorageClass? TargetStorageClass);

/// <summary>One image a lifecycle policy preview would act on (<c>LifecyclePolicyPreviewResult</c>).</summary>
/// <param name="Digest">The manifest digest (<c>imageDigest</c>).</param>
/// <param name="Tags">The image's tags (<c>imageTags</c>); empty for an untagged image.</param>
/// <param name="PushedAt">When the image was pushed (<c>imagePushedAt</c>).</param>
/// <param name="Action">What the rule does to it (<c>action</c>).</param>
/// <param name="AppliedRulePriority">The priority of the rule that acts on it (<c>appliedRulePriority</c>).</param>
/// <param name="StorageClass">The image's storage class now (<c>storageClass</c>); null when ECR does not say.</param>
public sealed record LifecyclePreviewResult(string Digest, IReadOnlyList<string> Tags, DateTimeOffset PushedAt, LifecycleAction Action, int AppliedRulePriority, StorageClass? StorageClass);

/// <summary>How many images a preview would move to one storage class (<c>TransitioningImageTotalCount</c>).</summary>
public sealed record LifecycleTransitionCount(StorageClass TargetStorageClass, int ImageCount);

/// <summary>The totals of a lifecycle policy preview (<c>summary</c>).</summary>
/// <param name="ExpiringImageCount">How many images would be deleted (<c>expiringImageTotalCount</c>); null when ECR does not say.</param>
/// <param name="Transitions">How many would move, by storage class (<c>transitioningImageTotalCounts</c>); empty when none would.</param>
public sealed record LifecyclePreviewSummary(int? ExpiringImageCount, IReadOnlyList<LifecycleTransitionCount> Transitions);

/// <summary>A lifecycle policy preview as GetLifecyclePolicyPreview reports it, every page of its results read.</summary>
/// <param name="Status">Where the preview is: only a <see cref="LifecyclePreviewStatus.Complete"/> one has the repository's results.</param>
/// <param name="PolicyText">The policy previewed (<c>lifecyclePolicyText</c>); null when ECR does not say.</param>
/// <param name="Results">The images the policy would act on; empty until the preview is complete.</param>
/// <param name="Summary">The preview's totals; null when ECR gives none.</param>
public sealed record LifecyclePreview(LifecyclePreviewStatus Status, string? PolicyText, IReadOnlyList<LifecyclePreviewResult> Results, LifecyclePreviewSummary? Summary);
