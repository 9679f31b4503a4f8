using System.Collections.Concurrent;

namespace EcrCleanup.Commands.Completion;

/// <summary>
/// What a completer read from an account, kept for a short while so that pressing Tab again (or completing a second
/// parameter of the same kind) makes no new call. Per session: the module's assembly lives as long as the process.
/// </summary>
internal sealed class CompletionCache
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset Expires, IReadOnlyList<CompletionCandidate> Values)> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public CompletionCache(TimeSpan lifetime, TimeProvider time)
    {
        Lifetime = lifetime;
        _time = time;
    }

    public TimeSpan Lifetime { get; }

    public bool TryGet(string key, out IReadOnlyList<CompletionCandidate> values)
    {
        if (_entries.TryGetValue(key, out var entry) && entry.Expires > _time.GetUtcNow())
        {
            values = entry.Values;
            return true;
        }

        values = [];
        return false;
    }

    /// <summary>Keeps <paramref name="values"/> under <paramref name="key"/> for <see cref="Lifetime"/>, and drops what has expired.</summary>
    public void Set(string key, IReadOnlyList<CompletionCandidate> values)
    {
        var now = _time.GetUtcNow();
        foreach (var stale in _entries.Where(e => e.Value.Expires <= now).Select(e => e.Key).ToArray())
        {
            _entries.TryRemove(stale, out _);
        }

        _entries[key] = (now + Lifetime, values);
    }

    public void Clear() => _entries.Clear();
}
