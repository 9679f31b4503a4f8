namespace EcrCleanup.Commands.Infrastructure;

/// <summary>An <see cref="IProgress{T}"/> that reports on the caller's thread (unlike <see cref="Progress{T}"/>, which posts to the thread pool and can report out of order).</summary>
internal sealed class InlineProgress : IProgress<int>
{
    private readonly Action<int> _report;

    public InlineProgress(Action<int> report) => _report = report;

    public void Report(int value) => _report(value);
}
