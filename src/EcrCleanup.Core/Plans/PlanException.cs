namespace EcrCleanup.Plans;

/// <summary>
/// A plan refused: unreadable, edited, expired, or made for another repository, region or account than the one at
/// hand. Nothing was deleted; the message says what to do.
/// </summary>
public sealed class PlanException : Exception
{
    /// <summary>The candidates given to Export-EcrCleanupPlan cannot make one plan (none, no settings, mixed, already expired).</summary>
    public const string InvalidInput = "InvalidPlanInput";

    /// <summary>The file is not a plan this module can read (not JSON, not a plan, another format version, a value out of range).</summary>
    public const string Unreadable = "PlanUnreadable";

    /// <summary>The plan's content does not match its fingerprint: it was edited after it was made.</summary>
    public const string Modified = "PlanModified";

    /// <summary>The plan is past its expiry.</summary>
    public const string Expired = "PlanExpired";

    /// <summary>The plan is for another repository than the one the command was told to clean.</summary>
    public const string RepositoryMismatch = "PlanRepositoryMismatch";

    /// <summary>The plan is for another region than the command's.</summary>
    public const string RegionMismatch = "PlanRegionMismatch";

    /// <summary>The candidates were decided in another AWS account than the one the command's credentials reach.</summary>
    public const string AccountMismatch = "PlanAccountMismatch";

    /// <summary>Candidates that cannot be decided again: no settings (made by hand, or a deserialized object without them), or decided in another region.</summary>
    public const string NotDecidable = "CandidateNotDecidable";

    public PlanException(string errorId, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorId = errorId;
    }

    /// <summary>A stable id: one of the constants of this class.</summary>
    public string ErrorId { get; }
}
