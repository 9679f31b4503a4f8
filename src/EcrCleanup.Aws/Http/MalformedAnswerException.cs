namespace EcrCleanup.Aws.Http;

/// <summary>
/// A 2xx answer that is not the operation's document: not JSON or XML, another document, or without a member the
/// operation always returns. The transport retries it as a transient fault, then fails the call with
/// <c>MalformedResponse</c>: never read as "nothing".
/// </summary>
internal sealed class MalformedAnswerException : Exception
{
    public MalformedAnswerException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>The member, or throws: <paramref name="what"/> names it as a person would look for it (<c>imageDetails</c>).</summary>
    public static T Required<T>(T? value, string what)
        where T : class =>
        value ?? throw new MalformedAnswerException($"it has no {what}");
}
