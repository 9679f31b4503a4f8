namespace EcrCleanup.Reading;

/// <summary>
/// The protected set cannot be known completely, so nothing may be decided from it: a source failed, the
/// production stack is missing or runs nothing from the repository. The message says what to do.
/// </summary>
public sealed class ProtectionException : Exception
{
    public const string SourceFailed = "ProtectionSourceFailed";
    public const string ProductionStackNotFound = "ProductionStackNotFound";
    public const string ProductionStackHasNoImage = "ProductionStackHasNoImage";
    public const string StackInProgress = "StackUpdateInProgress";
    public const string ProductionHistoryEmpty = "ProductionHistoryEmpty";
    public const string ProductionHistoryMismatch = "ProductionHistoryMismatch";

    public ProtectionException(string errorId, string source, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorId = errorId;
        Source = source;
    }

    /// <summary>A stable id: one of the constants of this class.</summary>
    public string ErrorId { get; }

    /// <summary>The protection source that could not answer: CloudFormation, Lambda, GitHub, ECR.</summary>
    public new string Source { get; }
}
