using System.Runtime.CompilerServices;

namespace EcrCleanup.Aws.Http;

/// <summary>Every page of a listing whose answers carry the token of the next page (<c>nextToken</c>, <c>NextMarker</c>, ...).</summary>
internal static class Paging
{
    /// <param name="page">Asks for the page at a token (null: the first) and returns its items and the next page's token, null or empty after the last.</param>
    public static async IAsyncEnumerable<T> EveryPageAsync<T>(Func<string?, CancellationToken, Task<(List<T> Items, string? NextToken)>> page, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            var (items, next) = await page(token, cancellationToken).ConfigureAwait(false);
            foreach (var item in items)
            {
                yield return item;
            }

            token = next;
        }
        while (!string.IsNullOrEmpty(token));
    }
}
