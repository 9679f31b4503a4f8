namespace EcrCleanup.Model;

/// <summary>Why an image must be kept, whatever its age or tags.</summary>
public enum ProtectionReason
{
    /// <summary>A production or pull-request stack runs it: a Lambda function ($LATEST, a published version or an alias), an ECS task definition, a Batch job definition, an App Runner service.</summary>
    Deployed,

    /// <summary>Something outside the watched stacks runs it: a container-image Lambda function (a manual deployment), an ECS service or task.</summary>
    DeployedOutsideStacks,

    /// <summary>Its tag carries the SHA of an open pull request's head or one of its commits.</summary>
    OpenPullRequest,

    /// <summary>It is one of the newest production builds kept for rollback.</summary>
    ProductionRetention,

    /// <summary>It is a manifest listed by a protected image index.</summary>
    IndexChild,

    /// <summary>It is a signature, SBOM or attestation of a protected image.</summary>
    Referrer,

    /// <summary>Protection supplied from outside the module (an ECS or Kubernetes inventory piped in).</summary>
    External,
}

/// <summary>Which environment protects an image.</summary>
public enum DeploymentEnvironment
{
    None,
    Production,
    PullRequest,
}

/// <summary>
/// One reason something runs or may run an image again: what Get-ProtectedImage lists. The decision engine makes
/// them (<see cref="CleanupCandidate.Protections"/>); an image protected for several reasons has one per reason.
/// Piped into Get-EcrCleanupCandidate, any such object (or any object with Repository and Digest) adds protection.
/// </summary>
public sealed record ProtectedImage
{
    public ProtectedImage(string repository, string digest, ProtectionReason reason)
    {
        Repository = repository;
        Digest = digest;
        Reason = reason;
    }

    public string Repository { get; }

    public string Digest { get; }

    public ProtectionReason Reason { get; }

    public IReadOnlyList<string> Tags { get; init; } = Array.Empty<string>();

    public DeploymentEnvironment Environment { get; init; }

    /// <summary>The CloudFormation stack that deploys it, when there is one.</summary>
    public string? StackName { get; init; }

    /// <summary>The Lambda function that runs it.</summary>
    public string? FunctionName { get; init; }

    /// <summary>The workload that runs or names it, when it is not a Lambda function: ECS cluster and service, task, task definition and revision, container; Batch job definition; App Runner service.</summary>
    public string? Workload { get; init; }

    /// <summary><c>$LATEST</c>, a version number or an alias name.</summary>
    public string? Qualifier { get; init; }

    public int? PullRequestNumber { get; init; }

    /// <summary>The commit SHA that ties it to a pull request or to the production history.</summary>
    public string? CommitSha { get; init; }

    /// <summary>For <see cref="ProtectionReason.ProductionRetention"/>: 1 for the production build running now, 2 for the one before, ... (of a production ECS task definition family: its revisions, the stack's own first).</summary>
    public int? ProductionRank { get; init; }

    /// <summary>For <see cref="ProtectionReason.IndexChild"/> and <see cref="ProtectionReason.Referrer"/>: the protected image it belongs to.</summary>
    public string? ParentDigest { get; init; }

    /// <summary>Free text for protection from outside the module.</summary>
    public string? Source { get; init; }

    /// <summary>Where the image is: anything but Active cannot be pulled, so what runs it fails on its next pull (a cold start, a scale-out, a new task).</summary>
    public ImageStatus Status { get; init; }

    /// <summary>Something runs or may run it, and it cannot be pulled: archived, or still being restored.</summary>
    public bool IsNotPullable => Status != ImageStatus.Active && Reason is ProtectionReason.Deployed or ProtectionReason.DeployedOutsideStacks or ProtectionReason.IndexChild or ProtectionReason.External;

    public override string ToString() => $"{ImageName.Format(Repository, Digest, Tags)}: {Reason}";
}
