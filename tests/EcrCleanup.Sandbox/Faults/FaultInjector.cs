namespace EcrCleanup.Sandbox.Faults;

/// <summary>
/// The faults still armed. A request fault (<c>error</c> or <c>malformed</c>) takes the next <c>times</c> matching
/// requests; an item fault (<c>itemFailure</c>) the next <c>times</c> matching items of ECR batch calls (-1: all of them).
/// </summary>
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

    /// <summary>
    /// The first armed request fault (<c>error</c> or <c>malformed</c>) whose <c>match</c> is in the request's target,
    /// used up by one; null when none matches.
    /// </summary>
    public ScenarioFault? Take(string service, string operation, string target) =>
        TakeFirst(service, operation, f => f.ItemFailure is null, [target]);

    /// <summary>
    /// The first armed <c>itemFailure</c> fault whose <c>match</c> is in one of the item's names (the digest or tag it
    /// was asked by, the digest of the image it names), used up by one; null when none matches.
    /// </summary>
    public ScenarioFault? TakeItem(string operation, IEnumerable<string?> itemNames) =>
        TakeFirst(Operations.Ecr, operation, f => f.ItemFailure is not null, [.. itemNames.OfType<string>()]);

    ScenarioFault? TakeFirst(string service, string operation, Func<ScenarioFault, bool> kind, string[] targets)
    {
        lock (_lock)
        {
            foreach (var a in _armed)
            {
                if (a.Remaining == 0 || !kind(a.Fault) || a.Fault.Service != service || !Operations.Covers(service, a.Fault.Operation, operation))
                {
                    continue;
                }

                if (!string.IsNullOrEmpty(a.Fault.Match) && !targets.Any(t => t.Contains(a.Fault.Match, StringComparison.Ordinal)))
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

    /// <summary>What is left armed, for /_sandbox/faults.</summary>
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
                Malformed = a.Fault.Malformed,
                ItemFailure = a.Fault.ItemFailure,
                Times = a.Remaining,
                Message = a.Fault.Message,
            }).ToList();
        }
    }
}
