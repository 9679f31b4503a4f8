using System.Collections;
using System.Management.Automation;
using EcrCleanup.Aws;
using EcrCleanup.Configuration;
using EcrCleanup.Diagnostics;

namespace EcrCleanup.Commands.Completion;

/// <summary>
/// Reads names from the AWS account for a completer, as the command would reach it: the -Region, -ProfileName and
/// -EndpointUrl already on the command line, then the environment and profile, through the module's own session and
/// clients. Answers from <see cref="Cache"/> when it can; gives up after <see cref="Timeout"/>, cancelling the calls;
/// any failure is no names, never an exception.
/// </summary>
internal static class AccountLookup
{
    /// <summary>How long a completion waits for AWS. The calls are cancelled when it passes.</summary>
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    /// <summary>Names read in the last minute, per kind, endpoint, region and profile.</summary>
    internal static CompletionCache Cache { get; } = new(TimeSpan.FromSeconds(60), TimeProvider.System);

    /// <param name="kind">What is read (<c>repositories</c>, <c>stacks</c>): completers that read the same share the cache.</param>
    /// <param name="service">The service called, whose endpoint keys the cache.</param>
    /// <param name="read">Reads the names with the clients of the session the command line describes.</param>
    public static IReadOnlyList<CompletionCandidate> Read(string kind, AwsServiceInfo service, IDictionary? fakeBoundParameters, Func<AwsClientFactory, CancellationToken, Task<IReadOnlyList<CompletionCandidate>>> read)
    {
        if (ConnectionOptions(fakeBoundParameters) is not { } options)
        {
            return [];
        }

        var cancel = new CancellationTokenSource(Timeout);
        var work = Task.Run(() => ReadAsync(kind, service, options, read, cancel.Token), cancel.Token);
        try
        {
            return work.Wait(Timeout) ? work.Result : [];
        }
        catch (AggregateException)
        {
            return [];
        }
        finally
        {
            cancel.Cancel();
            // The calls stop at the cancellation; their failure is observed here, never raised on the finalizer thread.
            _ = work.ContinueWith(t => { _ = t.Exception; cancel.Dispose(); }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>
    /// -Region, -ProfileName, -ProfileLocation and -EndpointUrl as typed (PowerShell passes the literal values it could read); null when
    /// one of them is not a value the command would take, so nothing is completed for a line that would fail.
    /// </summary>
    internal static AwsConnectionOptions? ConnectionOptions(IDictionary? fakeBoundParameters)
    {
        if (!TryText(fakeBoundParameters, "Region", out var region) || !TryText(fakeBoundParameters, "ProfileName", out var profile)
            || !TryText(fakeBoundParameters, "ProfileLocation", out var profileLocation) || !TryText(fakeBoundParameters, "EndpointUrl", out var endpointText))
        {
            return null;
        }

        Uri? endpoint = null;
        if (endpointText is not null && (!Uri.TryCreate(endpointText, UriKind.Absolute, out endpoint) || !EndpointResolver.IsHttpUrl(endpoint)))
        {
            return null;
        }

        return new AwsConnectionOptions { Region = region, ProfileName = profile, ProfileLocation = profileLocation, EndpointUrl = endpoint, FallbackRegion = ConfigurationDefaults.Region };
    }

    /// <summary>A parameter's text: true with null when it is absent, false when it is there but not one string.</summary>
    internal static bool TryText(IDictionary? fakeBoundParameters, string name, out string? text)
    {
        text = null;
        if (fakeBoundParameters is null || !fakeBoundParameters.Contains(name))
        {
            return true;
        }

        var value = fakeBoundParameters[name] is PSObject wrapped ? wrapped.BaseObject : fakeBoundParameters[name];
        text = value switch
        {
            string s => s,
            Uri u => u.OriginalString,
            _ => null,
        };
        return !string.IsNullOrWhiteSpace(text);
    }

    private static async Task<IReadOnlyList<CompletionCandidate>> ReadAsync(string kind, AwsServiceInfo service, AwsConnectionOptions options, Func<AwsClientFactory, CancellationToken, Task<IReadOnlyList<CompletionCandidate>>> read, CancellationToken cancellationToken)
    {
        var session = AwsSession.Create(options);
        var profile = options.ProfileName ?? Environment.GetEnvironmentVariable("AWS_PROFILE");
        var key = string.Join('\n', kind, session.ResolveEndpoint(service).AbsoluteUri, session.Region, profile, options.ProfileLocation);
        if (Cache.TryGet(key, out var cached))
        {
            return cached;
        }

        var names = await read(new AwsClientFactory(session, new ServiceCallRecorder()), cancellationToken).ConfigureAwait(false);
        Cache.Set(key, names);
        return names;
    }
}
