using System.Runtime.CompilerServices;

namespace EcrCleanup.Aws.Http;

/// <summary>Every page of a listing whose answers carry the token of the next page (<c>nextToken</c>, <c>NextMarker</c>, ...).</summary>
internal static class Paging
{
    /// <param name="page">Asks for the page at a token (null: the first) and returns its items and the next page's token, null or empty after the last.</param>
    public static IAsyncEnumerable<T> EveryPageAsync<T>(Func<string?, CancellationToken, Task<(List<T> Items, string? NextToken)>> page, CancellationToken cancellationToken) =>
        EveryPageAsync<T>((token, _, ct) => page(token, ct), cancellationToken);

    /// <summary>
    /// Every page, each asked as soon as the answer before it names its token: <paramref name="page"/> reports the
    /// token through its second argument before it reads the answer's items, so that the next page is on its way
    /// while it does. A page asked ahead is read only if it was asked at the token the answer before it was finally
    /// read with (an attempt that is read again, being malformed, may name another): else it is asked again at that
    /// token. Only one page is asked ahead of the pages read: a page asked ahead asks the next once it is known to be
    /// read. The pages and their order are those asked one after the other.
    /// </summary>
    /// <param name="page">Asks for the page at a token (null: the first), calls its second argument with the next page's token as soon as an answer names it (once per attempt), and returns the page's items and that token, null or empty after the last.</param>
    public static async IAsyncEnumerable<T> EveryPageAsync<T>(Func<string?, Action<string?>, CancellationToken, Task<(List<T> Items, string? NextToken)>> page, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var asked = new AskedPage<T>(page, null, read: true, stop.Token);
        try
        {
            while (true)
            {
                var (items, next) = await asked.Answer.ConfigureAwait(false);
                foreach (var item in items)
                {
                    yield return item;
                }

                if (string.IsNullOrEmpty(next))
                {
                    yield break;
                }

                asked = asked.TakeAhead(next) ?? new AskedPage<T>(page, next, read: true, stop.Token);
            }
        }
        finally
        {
            // A page asked ahead that will not be read (the listing failed, or its reader stopped): no further page
            // is asked, and the call on its way is cancelled.
            asked.Close();
            await stop.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A page asked for, and the page after it once its answer names that page's token.</summary>
    private sealed class AskedPage<T>
    {
        private readonly Func<string?, Action<string?>, CancellationToken, Task<(List<T> Items, string? NextToken)>> _page;
        private readonly CancellationToken _listing;
        private readonly object _gate = new();
        private AskedPage<T>? _ahead;
        private string? _next;
        private bool _read;
        private bool _closed;

        /// <param name="read">Whether this page will be read (else it is asked ahead, and asks none ahead of it until it is known to be).</param>
        public AskedPage(Func<string?, Action<string?>, CancellationToken, Task<(List<T> Items, string? NextToken)>> page, string? token, bool read, CancellationToken listing)
        {
            _page = page;
            _listing = listing;
            _read = read;
            Token = token;
            Answer = page(token, NextNamed, listing);
        }

        public string? Token { get; }

        public Task<(List<T> Items, string? NextToken)> Answer { get; }

        /// <summary>The page asked ahead at <paramref name="next"/>, now known to be read; null when none was, and one asked at another token is closed.</summary>
        public AskedPage<T>? TakeAhead(string next)
        {
            var ahead = Detach();
            if (ahead is null)
            {
                return null;
            }

            if (!string.Equals(ahead.Token, next, StringComparison.Ordinal))
            {
                ahead.Close();
                return null;
            }

            lock (ahead._gate)
            {
                ahead._read = true;
                ahead.AskAhead();
            }

            return ahead;
        }

        /// <summary>Asks no page ahead from now on, nor does the page it asked ahead; their answers are left unread.</summary>
        public void Close()
        {
            Detach()?.Close();
            _ = Answer.ContinueWith(static answer => _ = answer.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        private AskedPage<T>? Detach()
        {
            lock (_gate)
            {
                _closed = true;
                var ahead = _ahead;
                _ahead = null;
                return ahead;
            }
        }

        /// <summary>An answer (one attempt's) names the next page's token.</summary>
        private void NextNamed(string? next)
        {
            lock (_gate)
            {
                _next = next;
                AskAhead();
            }
        }

        /// <summary>Asks the page after this one, once: when its token is known and this page is known to be read. Under the gate.</summary>
        private void AskAhead()
        {
            if (_read && !_closed && _ahead is null && !string.IsNullOrEmpty(_next) && !_listing.IsCancellationRequested)
            {
                _ahead = new AskedPage<T>(_page, _next, read: false, _listing);
            }
        }
    }
}
