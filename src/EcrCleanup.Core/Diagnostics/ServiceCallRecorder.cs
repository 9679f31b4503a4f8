using System.Collections.Concurrent;

namespace EcrCleanup.Diagnostics;

/// <summary>
/// Counts the calls a command makes per service and operation (for the report) and tells a listener about
/// each one (the cmdlets turn that into verbose text). Safe to use from many threads.
/// </summary>
public sealed class ServiceCallRecorder
{
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _retries = new(StringComparer.Ordinal);

    /// <summary>Raised for every attempt and every retry, with a line a person can read. Never carries secrets.</summary>
    public event Action<string>? Message;

    /// <summary>Calls per <c>Service:Operation</c>, retries included.</summary>
    public IReadOnlyDictionary<string, int> Calls => new SortedDictionary<string, int>(_calls, StringComparer.Ordinal);

    /// <summary>Retries per <c>Service:Operation</c>.</summary>
    public IReadOnlyDictionary<string, int> Retries => new SortedDictionary<string, int>(_retries, StringComparer.Ordinal);

    public void CallStarted(string service, string operation, string? resource, int attempt)
    {
        _calls.AddOrUpdate($"{service}:{operation}", 1, (_, n) => n + 1);
        var about = string.IsNullOrEmpty(resource) ? string.Empty : $" ({resource})";
        var which = attempt > 1 ? $", attempt {attempt}" : string.Empty;
        Message?.Invoke($"{service} {operation}{about}{which}");
    }

    public void RetryScheduled(string service, string operation, string? resource, string reason, TimeSpan delay)
    {
        _retries.AddOrUpdate($"{service}:{operation}", 1, (_, n) => n + 1);
        var about = string.IsNullOrEmpty(resource) ? string.Empty : $" ({resource})";
        Message?.Invoke($"{service} {operation}{about} answered {reason}; retrying in {delay.TotalSeconds:0.###}s");
    }
}
