namespace EcrCleanup.Plans;

/// <summary>The plan file a candidate was imported from: applying it is refused once it has expired.</summary>
/// <param name="Path">The file, as it was read.</param>
/// <param name="Fingerprint">The plan's fingerprint, <c>sha256:&lt;64 hex&gt;</c>.</param>
/// <param name="ExpiresAt">From this time on, the plan is refused.</param>
public sealed record PlanOrigin(string Path, string Fingerprint, DateTimeOffset ExpiresAt);
