using System.Text.Json;
using System.Text.RegularExpressions;
using EcrCleanup.Sandbox.Aws;
using EcrCleanup.Sandbox.State;

namespace EcrCleanup.Sandbox.AppRunner;

/// <summary>
/// AWS App Runner over awsJson1_0: <c>POST /</c>, <c>X-Amz-Target: AppRunner.Op</c> (DescribeService). App Runner's
/// errors carry their text in <c>Message</c>.
/// </summary>
internal static partial class AppRunnerHandler
{
    public const string TargetPrefix = "AppRunner.";

    /// <summary>What a fault's <c>match</c> is tested against: the name of the service the request's ARN names.</summary>
    public static string Target(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body.Length == 0 ? "{}"u8.ToArray() : body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("ServiceArn", out var arn)
                && arn.ValueKind == JsonValueKind.String && ServiceArnPattern().Match(arn.GetString()!) is { Success: true } m)
            {
                return m.Groups["name"].Value;
            }
        }
        catch (JsonException) { }
        return "";
    }

    public static AwsException UnknownOperation() => new("UnknownOperationException", 400, "") { MessageMember = "Message" };

    public static byte[] Handle(AwsCall call)
    {
        if (call.Operation != "DescribeService")
        {
            throw UnknownOperation();
        }

        var state = call.State;
        var input = JsonInput.Parse(call.Body);
        var arn = input.String("ServiceArn") ?? throw InvalidRequest("1 validation error detected: Value null at 'serviceArn' failed to satisfy constraint: Member must not be null");
        if (arn.Length > 1011 || !ResourceArnPattern().IsMatch(arn))
        {
            throw InvalidRequest($"1 validation error detected: Value '{arn}' at 'serviceArn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws(-[\\w]+)*:[a-z0-9-\\\\.]{{0,63}}:[a-z0-9-\\\\.]{{0,63}}:[0-9]{{12}}:(\\w|\\/|-){{1,1011}}");
        }

        var service = state.AppRunnerServices.Find(s => s.Arn == arn)
            ?? throw new AwsException("ResourceNotFoundException", 400, $"Resource not found: service with ARN {arn} does not exist") { MessageMember = "Message" };
        return AwsResponses.Json(w =>
        {
            w.WriteStartObject("Service");
            w.WriteString("ServiceName", service.Name);
            w.WriteString("ServiceId", service.Id);
            w.WriteString("ServiceArn", service.Arn);
            w.WriteString("ServiceUrl", service.Url);
            AwsResponses.WriteEpoch(w, "CreatedAt", service.CreatedAt);
            AwsResponses.WriteEpoch(w, "UpdatedAt", service.UpdatedAt);
            if (service.Status == "DELETED")
            {
                AwsResponses.WriteEpoch(w, "DeletedAt", service.UpdatedAt);
            }

            w.WriteString("Status", service.Status);
            WriteSource(w, service, state);
            w.WriteStartObject("InstanceConfiguration");
            w.WriteString("Cpu", "1024");
            w.WriteString("Memory", "2048");
            w.WriteEndObject();
            w.WriteStartObject("HealthCheckConfiguration");
            w.WriteString("Protocol", "TCP");
            w.WriteString("Path", "/");
            w.WriteNumber("Interval", 10);
            w.WriteNumber("Timeout", 5);
            w.WriteNumber("HealthyThreshold", 1);
            w.WriteNumber("UnhealthyThreshold", 5);
            w.WriteEndObject();
            w.WriteStartObject("AutoScalingConfigurationSummary");
            w.WriteString("AutoScalingConfigurationArn", $"arn:aws:apprunner:{state.Region}:{state.Account}:autoscalingconfiguration/DefaultConfiguration/1/00000000000000000000000000000001");
            w.WriteString("AutoScalingConfigurationName", "DefaultConfiguration");
            w.WriteNumber("AutoScalingConfigurationRevision", 1);
            w.WriteString("Status", "ACTIVE");
            AwsResponses.WriteEpoch(w, "CreatedAt", service.CreatedAt);
            w.WriteBoolean("HasAssociatedService", true);
            w.WriteBoolean("IsDefault", true);
            w.WriteEndObject();
            w.WriteStartObject("NetworkConfiguration");
            w.WriteStartObject("EgressConfiguration");
            w.WriteString("EgressType", "DEFAULT");
            w.WriteEndObject();
            w.WriteStartObject("IngressConfiguration");
            w.WriteBoolean("IsPubliclyAccessible", true);
            w.WriteEndObject();
            w.WriteString("IpAddressType", "IPV4");
            w.WriteEndObject();
            w.WriteStartObject("ObservabilityConfiguration");
            w.WriteBoolean("ObservabilityEnabled", false);
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    /// <summary>SourceConfiguration: an image repository (ECR or ECR Public), or a source code repository.</summary>
    static void WriteSource(Utf8JsonWriter w, AppRunnerService service, SandboxState state)
    {
        w.WriteStartObject("SourceConfiguration");
        if (service.ImageIdentifier is { } image)
        {
            w.WriteStartObject("ImageRepository");
            w.WriteString("ImageIdentifier", image);
            w.WriteStartObject("ImageConfiguration");
            w.WriteString("Port", "8080");
            w.WriteEndObject();
            w.WriteString("ImageRepositoryType", service.ImageRepositoryType);
            w.WriteEndObject();
        }
        else
        {
            w.WriteStartObject("CodeRepository");
            w.WriteString("RepositoryUrl", service.CodeRepository);
            w.WriteStartObject("SourceCodeVersion");
            w.WriteString("Type", "BRANCH");
            w.WriteString("Value", "main");
            w.WriteEndObject();
            w.WriteStartObject("CodeConfiguration");
            w.WriteString("ConfigurationSource", "REPOSITORY");
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteBoolean("AutoDeploymentsEnabled", false);
        if (service.ImageRepositoryType == "ECR")
        {
            w.WriteStartObject("AuthenticationConfiguration");
            w.WriteString("AccessRoleArn", $"arn:aws:iam::{state.Account}:role/service-role/AppRunnerECRAccessRole");
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    static AwsException InvalidRequest(string message) => new("InvalidRequestException", 400, message) { MessageMember = "Message" };

    [GeneratedRegex(@"^arn:aws(-[\w]+)*:[a-z0-9-\\.]{0,63}:[a-z0-9-\\.]{0,63}:[0-9]{12}:(\w|/|-){1,1011}$")] private static partial Regex ResourceArnPattern();
    [GeneratedRegex(@"^arn:aws[a-z-]*:apprunner:[^:]*:[^:]*:service/(?<name>[^/]+)/")] private static partial Regex ServiceArnPattern();
}
