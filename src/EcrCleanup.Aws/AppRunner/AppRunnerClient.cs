using System.Text.Json.Nodes;
using EcrCleanup.Abstractions;
using EcrCleanup.Aws.Http;

namespace EcrCleanup.Aws.AppRunner;

/// <summary>
/// The App Runner operation the module calls, on the awsJson1_0 wire protocol. App Runner's quotas
/// (https://docs.aws.amazon.com/general/latest/gr/apprunner.html) count resources (services, connections,
/// configurations), not requests, so nothing here paces DescribeService: the client's adaptive retry mode slows down
/// if the account throttles.
/// </summary>
internal sealed class AppRunnerClient : IAppRunnerClient
{
    private readonly AwsJsonProtocol _protocol;

    public AppRunnerClient(AwsServiceClient client)
    {
        _protocol = new AwsJsonProtocol(client, "AppRunner", version: "1.0");
    }

    public async Task<AppRunnerService?> DescribeServiceAsync(string serviceArn, CancellationToken cancellationToken)
    {
        try
        {
            return await _protocol.CallAsync("DescribeService", serviceArn, new JsonObject { ["ServiceArn"] = serviceArn },
                output => ReadService(Json.Object(output, "Service")), cancellationToken).ConfigureAwait(false);
        }
        catch (ServiceException e) when (e.ErrorCode == "ResourceNotFoundException")
        {
            return null;
        }
    }

    /// <summary>A service whose source is an image always names it and its repository's type.</summary>
    private static AppRunnerService ReadService(JsonObject service)
    {
        var image = Json.OptionalObject(Json.OptionalObject(service, "SourceConfiguration"), "ImageRepository");
        return new AppRunnerService(
            Json.Text(service, "ServiceArn"),
            Json.Text(service, "ServiceName"),
            Json.Text(service, "Status"),
            image is null ? null : Json.Text(image, "ImageIdentifier"),
            image is null ? null : Json.Text(image, "ImageRepositoryType"));
    }
}
