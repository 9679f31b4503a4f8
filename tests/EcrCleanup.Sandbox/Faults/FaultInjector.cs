namespace EcrCleanup.Sandbox.Faults;

/// <summary>The faults still armed: each fails the next <c>times</c> matching requests (-1: all of them).</summary>
internal sealed class FaultInjector
{
    sealed class Armed(ScenarioFault fault)
    {
        public ScenarioFault Fault { get; } = fault;
        public int Remaining { get; set; } = fault.Times ?? 1;
    }

    readonly List<Armed> _armed = [];
    readonly Lock _lock = new();

    public void Add(IEnumerable<ScenarioFault> faults)
    {
        lock (_lock)
        {
            _armed.AddRange(faults.Select(f => new Armed(f)));
        }
    }

    /// <summary>The first armed fault matching the request, used up by one; null when none matches.</summary>
    public ScenarioFault? Take(string service, string operation, string target)
    {
        lock (_lock)
        {
            foreach (var a in _armed)
            {
                if (a.Remaining == 0 || a.Fault.Service != service || !Operations.Covers(service, a.Fault.Operation, operation))
                {
                    continue;
                }

                if (!string.IsNullOrEmpty(a.Fault.Match) && !target.Contains(a.Fault.Match, StringComparison.Ordinal))
                {
                    continue;
                }

                if (a.Remaining > 0)
                {
                    a.Remaining--;
                }

                return a.Fault;
            }
            return null;
        }
    }

    /// <summary>What is left armed, for /_sandbox/state.</summary>
    public IReadOnlyList<ScenarioFault> Snapshot()
    {
        lock (_lock)
        {
            return _armed.Where(a => a.Remaining != 0).Select(a => new ScenarioFault
            {
                Service = a.Fault.Service,
                Operation = a.Fault.Operation,
                Match = a.Fault.Match,
                Error = a.Fault.Error,
                Times = a.Remaining,
                Message = a.Fault.Message,
            }).ToList();
        }
    }
}
