using System.Collections.Concurrent;
using System.Management.Automation;
using EcrCleanup.Diagnostics;

namespace EcrCleanup.Commands.Infrastructure;

/// <summary>
/// A cmdlet whose work is asynchronous. The work runs on the pipeline thread until its first await and then off
/// it; everything it wants to tell PowerShell afterwards (objects, verbose text, progress, errors, ShouldProcess)
/// is queued and done on the pipeline thread, the only one allowed to. Ctrl+C cancels <see cref="CancelToken"/>, which every network call takes.
/// </summary>
public abstract class AsyncPSCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private BlockingCollection<Action>? _pending;

    protected CancellationToken CancelToken => _cancel.Token;

    protected virtual Task BeginProcessingAsync() => Task.CompletedTask;

    protected virtual Task ProcessRecordAsync() => Task.CompletedTask;

    protected virtual Task EndProcessingAsync() => Task.CompletedTask;

    protected sealed override void BeginProcessing() => Run(BeginProcessingAsync);

    protected sealed override void ProcessRecord() => Run(ProcessRecordAsync);

    protected sealed override void EndProcessing() => Run(EndProcessingAsync);

    protected override void StopProcessing() => _cancel.Cancel();

    public void Dispose()
    {
        _cancel.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// The file system path of a file the command will write (a journal, a report, a step summary), checked before the
    /// command does anything: a folder that does not exist, or a file that cannot be written, stops it with
    /// <paramref name="errorId"/>, so that nothing is deleted without its record.
    /// </summary>
    protected string ResolveOutputPath(string path, string parameterName, string errorId)
    {
        var resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
        var directory = Path.GetDirectoryName(resolved);
        if (string.IsNullOrEmpty(directory) || !Directory.Exists(directory))
        {
            throw new TerminatingErrorException(ErrorRecords.FolderNotFound(errorId, $"{parameterName} '{path}': the folder '{directory}' does not exist. Create it, or name a file in an existing folder. Nothing was read or deleted.", path));
        }

        try
        {
            // Opened to append, as the journal and the step summary are written: an existing file is left as it is.
            using var probe = new FileStream(resolved, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TerminatingErrorException(ErrorRecords.OutputNotWritable(errorId, $"{parameterName} '{path}' cannot be written: {e.Message} Name a file the command may write. Nothing was read or deleted.", path, e));
        }

        return resolved;
    }

    /// <summary>Writes an object to the pipeline (from any thread).</summary>
    protected void Emit(object value) => Post(() => WriteObject(value));

    protected void Verbose(string text) => Post(() => WriteVerbose(SecretRedactor.Redact(text)));

    protected void Warn(string text) => Post(() => WriteWarning(SecretRedactor.Redact(text)));

    protected void Progress(ProgressRecord record) => Post(() => WriteProgress(record));

    protected void Error(ErrorRecord record) => Post(() => WriteError(record));

    /// <summary>
    /// Asks <see cref="Cmdlet.ShouldProcess(string, string)"/> for each target, in order, in one turn of the pipeline
    /// thread (a thread switch per target would cost more than the question), and waits for the answers; Ctrl+C ends the wait.
    /// </summary>
    protected async Task<IReadOnlyList<bool>> ShouldProcessAsync(IReadOnlyList<(string Target, string Action)> questions)
    {
        var answer = new TaskCompletionSource<IReadOnlyList<bool>>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = CancelToken.Register(() => answer.TrySetCanceled(CancelToken));
        Post(() =>
        {
            try
            {
                answer.TrySetResult(questions.Select(q => ShouldProcess(q.Target, q.Action)).ToArray());
            }
            catch (Exception e)
            {
                answer.TrySetException(e);
                throw;
            }
        });
        return await answer.Task.ConfigureAwait(false);
    }

    private void Post(Action action)
    {
        var pending = _pending ?? throw new InvalidOperationException("Nothing can be written outside of the cmdlet's processing.");
        pending.Add(action);
    }

    private void Run(Func<Task> work)
    {
        using var pending = new BlockingCollection<Action>();
        _pending = pending;

        // The work starts here, on the pipeline thread, so what it does before its first await (binding defaults,
        // resolving paths, reading preference variables) may touch PowerShell's state; what follows the first
        // await runs on the thread pool and reaches PowerShell only through the queue.
        async Task RunWorkAsync()
        {
            try
            {
                await work().ConfigureAwait(false);
            }
            finally
            {
                pending.CompleteAdding();
            }
        }

        var task = RunWorkAsync();

        try
        {
            foreach (var action in pending.GetConsumingEnumerable())
            {
                action();
            }
        }
        catch
        {
            // Writing failed on the pipeline thread (a downstream Select-Object -First stopped the pipeline, say):
            // stop the work, let it end, and let PowerShell see the original exception.
            _cancel.Cancel();
            WaitQuietly(task);
            throw;
        }
        finally
        {
            _pending = null;
        }

        try
        {
            task.GetAwaiter().GetResult();
        }
        catch (TerminatingErrorException e)
        {
            ThrowTerminatingError(e.ErrorRecord);
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    private static void WaitQuietly(Task task)
    {
        try
        {
            task.Wait();
        }
        catch (AggregateException)
        {
            // The work's own failure matters less than the one being rethrown.
        }
    }
}

/// <summary>Thrown by asynchronous work to stop the cmdlet with <see cref="ErrorRecord"/>.</summary>
public sealed class TerminatingErrorException : Exception
{
    public TerminatingErrorException(ErrorRecord errorRecord)
        : base(errorRecord.Exception.Message, errorRecord.Exception)
    {
        ErrorRecord = errorRecord;
    }

    public ErrorRecord ErrorRecord { get; }
}
