using System.Globalization;
using EcrCleanup.Abstractions;
using EcrCleanup.Model;

namespace EcrCleanup.Lifecycle;

/// <summary>
/// Runs a lifecycle policy preview to its end: StartLifecyclePolicyPreview, then GetLifecyclePolicyPreview every
/// <see cref="Interval"/> until ECR says it is complete, for at most <see cref="Timeout"/>. The defaults are those of
/// the waiter AWS's SDKs define for it (LifecyclePolicyPreviewComplete: every 5 seconds, at most 20 times).
/// </summary>
public sealed class LifecyclePreviewPoller
{
    /// <summary>How long it waits between two reads of a preview in progress, unless told otherwise.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(5);

    /// <summary>How long it waits for a preview to complete, unless told otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(100);

    private readonly IEcrClient _ecr;
    private readonly TimeProvider _time;

    /// <param name="time">The clock of the waits.</param>
    /// <param name="interval">Between two reads; more than zero. <see cref="DefaultInterval"/> when null.</param>
    /// <param name="timeout">The longest wait for the preview to complete; not negative. <see cref="DefaultTimeout"/> when null.</param>
    public LifecyclePreviewPoller(IEcrClient ecr, TimeProvider time, TimeSpan? interval = null, TimeSpan? timeout = null)
    {
        Interval = interval ?? DefaultInterval;
        Timeout = timeout ?? DefaultTimeout;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Interval, TimeSpan.Zero, nameof(interval));
        ArgumentOutOfRangeException.ThrowIfLessThan(Timeout, TimeSpan.Zero, nameof(timeout));
        _ecr = ecr;
        _time = time;
    }

    public TimeSpan Interval { get; }

    public TimeSpan Timeout { get; }

    /// <summary>Previews <paramref name="policyText"/>, or the repository's own policy when null, and answers the complete preview.</summary>
    /// <exception cref="ServiceException">
    /// A call failed; or the preview failed (LifecyclePolicyPreviewFailed), expired (LifecyclePolicyPreviewExpired) or
    /// was still in progress after <see cref="Timeout"/> (LifecyclePolicyPreviewTimeout).
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled, during a call or a wait.</exception>
    public async Task<LifecyclePreview> PreviewAsync(string repositoryName, string? policyText, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var operation = "StartLifecyclePolicyPreview";
        var status = await _ecr.StartLifecyclePolicyPreviewAsync(repositoryName, policyText, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            if (status is LifecyclePreviewStatus.Failed or LifecyclePreviewStatus.Expired)
            {
                throw Ended(operation, repositoryName, status);
            }

            if (status == LifecyclePreviewStatus.InProgress)
            {
                var waited = _time.GetElapsedTime(started);
                if (waited + Interval > Timeout)
                {
                    throw new ServiceException("ECR", operation, repositoryName, "LifecyclePolicyPreviewTimeout",
                        $"the lifecycle policy preview was still in progress after {Seconds(waited)} (read every {Seconds(Interval)}, for at most {Seconds(Timeout)}). " +
                        $"ECR goes on with it: wait until 'aws ecr get-lifecycle-policy-preview --repository-name {repositoryName}' says COMPLETE, then run again.");
                }

                await Task.Delay(Interval, _time, cancellationToken).ConfigureAwait(false);
            }

            operation = "GetLifecyclePolicyPreview";
            var preview = await _ecr.GetLifecyclePolicyPreviewAsync(repositoryName, cancellationToken).ConfigureAwait(false);
            if (preview.Status == LifecyclePreviewStatus.Complete)
            {
                return preview;
            }

            status = preview.Status;
        }
    }

    private static ServiceException Ended(string operation, string repositoryName, LifecyclePreviewStatus status) => status == LifecyclePreviewStatus.Failed
        ? new ServiceException("ECR", operation, repositoryName, "LifecyclePolicyPreviewFailed",
            $"ECR could not evaluate the lifecycle policy against the repository's images (preview status FAILED). Check the policy's rules ('aws ecr get-lifecycle-policy --repository-name {repositoryName}', or the policy text given), then run again.")
        : new ServiceException("ECR", operation, repositoryName, "LifecyclePolicyPreviewExpired",
            "the lifecycle policy preview expired before it could be read complete (preview status EXPIRED): run again to start another.");

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";
}
