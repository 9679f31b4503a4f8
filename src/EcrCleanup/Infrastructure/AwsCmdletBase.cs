using System.Management.Automation;
using EcrCleanup.Abstractions;
using EcrCleanup.Aws;
using EcrCleanup.Configuration;
using EcrCleanup.Diagnostics;

namespace EcrCleanup.Commands.Infrastructure;

/// <summary>
/// What every AWS-facing cmdlet shares: -Region, -ProfileName, -EndpointUrl; a session resolved once per
/// command; verbose text per service call; service failures turned into terminating errors.
/// </summary>
public abstract class AwsCmdletBase : AsyncPSCmdlet
{
    private AwsClientFactory? _clients;

    /// <summary>The AWS region. Default: AWS_REGION, AWS_DEFAULT_REGION, then the profile's region.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Region { get; set; }

    /// <summary>A profile of the shared AWS config and credentials files. Default: AWS_PROFILE, then the default chain.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ProfileName { get; set; }

    /// <summary>One endpoint for every AWS service (LocalStack, the sandbox, a VPC endpoint). Default: AWS_ENDPOINT_URL_&lt;SERVICE&gt;, AWS_ENDPOINT_URL, then the regional endpoint.</summary>
    [Parameter]
    [ValidateNotNull]
    public Uri? EndpointUrl { get; set; }

    /// <summary>Counts every call of this command; the report reads it.</summary>
    protected ServiceCallRecorder Calls { get; } = new();

    /// <summary>The service clients, built on first use from the connection parameters.</summary>
    protected AwsClientFactory Clients => _clients ?? throw new InvalidOperationException("The AWS session is created in BeginProcessing.");

    protected override Task BeginProcessingAsync()
    {
        if (EndpointUrl is { } endpoint && (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)))
        {
            throw new TerminatingErrorException(new ErrorRecord(
                new ArgumentException($"-EndpointUrl '{endpoint}' is not an absolute http or https URL."), "InvalidEndpointUrl", ErrorCategory.InvalidArgument, endpoint));
        }

        Calls.Message += Verbose;
        try
        {
            var session = AwsSession.Create(new AwsConnectionOptions { Region = Region, ProfileName = ProfileName, EndpointUrl = EndpointUrl, FallbackRegion = ConfigurationDefaults.Region });
            if (session.IsFallbackRegion)
            {
                Warn($"No AWS region is set (-Region, AWS_REGION, AWS_DEFAULT_REGION or the profile's region): using the default, {session.Region}.");
            }

            Verbose($"AWS region {session.Region}; ECR endpoint {session.ResolveEndpoint(AwsServiceInfo.Ecr)}");
            _clients = new AwsClientFactory(session, Calls);
        }
        catch (AwsConfigurationException e)
        {
            throw new TerminatingErrorException(ErrorRecords.ConfigurationInvalid(e));
        }

        return Task.CompletedTask;
    }

    /// <summary>Runs service calls; a service or configuration failure stops the command with an actionable error.</summary>
    protected async Task<T> CallServicesAsync<T>(object? target, Func<Task<T>> work)
    {
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (ServiceException e)
        {
            throw new TerminatingErrorException(ErrorRecords.ServiceFailed(e, target));
        }
        catch (AwsConfigurationException e)
        {
            throw new TerminatingErrorException(ErrorRecords.ConfigurationInvalid(e));
        }
    }
}
