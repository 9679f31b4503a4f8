using System.Collections.Concurrent;
using EcrCleanup.Sandbox.Faults;

namespace EcrCleanup.Sandbox.State;

/// <summary>Everything that a scenario load starts afresh: the state, armed faults, rate buckets and call counts.</summary>
internal sealed class Session
{
    static long _generations;

    public Session(SandboxState state, IEnumerable<ScenarioFault> faults, TimeProvider clock)
    {
        State = state;
        Faults.Add(faults);
        Limiter = new RateLimiter(state.RateLimits, clock);
    }

    public long Generation { get; } = Interlocked.Increment(ref _generations);
    public SandboxState State { get; }
    public FaultInjector Faults { get; } = new();
    public RateLimiter Limiter { get; }
    public ConcurrentDictionary<string, long> Calls { get; } = new(StringComparer.Ordinal);

    public void Count(string service, string operation) =>
        Calls.AddOrUpdate($"{service}:{operation}", 1, (_, n) => n + 1);
}

/// <summary>The current session, swapped whole when a scenario is (re)loaded.</summary>
internal sealed class SandboxRuntime(TimeProvider clock, Session initial)
{
    Session _current = initial;

    public TimeProvider Clock { get; } = clock;
    public PageTokens Tokens { get; } = new();
    public Session Current => Volatile.Read(ref _current);

    public static SandboxRuntime Create(Scenario scenario, TimeProvider clock)
    {
        var state = ScenarioLoader.Load(scenario, clock.GetUtcNow());
        return new SandboxRuntime(clock, new Session(state, scenario.Faults ?? [], clock));
    }

    /// <summary>Validates and loads a scenario; on a validation error the current one stays.</summary>
    public Session Load(Scenario scenario)
    {
        var state = ScenarioLoader.Load(scenario, Clock.GetUtcNow());
        var session = new Session(state, scenario.Faults ?? [], Clock);
        Volatile.Write(ref _current, session);
        return session;
    }
}
