namespace EcrCleanup.Aws;

/// <summary>What the module needs to know of one AWS service to reach it.</summary>
/// <param name="DisplayName">How errors and progress name it (<c>ECR</c>).</param>
/// <param name="SigningName">The SigV4 service name (<c>ecr</c>).</param>
/// <param name="EndpointPrefix">The host prefix before the region (<c>api.ecr</c>).</param>
/// <param name="EnvironmentId">The suffix of <c>AWS_ENDPOINT_URL_&lt;ID&gt;</c> (<c>ECR</c>).</param>
public sealed record AwsServiceInfo(string DisplayName, string SigningName, string EndpointPrefix, string EnvironmentId)
{
    public static AwsServiceInfo Ecr { get; } = new("ECR", "ecr", "api.ecr", "ECR");

    public static AwsServiceInfo CloudFormation { get; } = new("CloudFormation", "cloudformation", "cloudformation", "CLOUDFORMATION");

    public static AwsServiceInfo Lambda { get; } = new("Lambda", "lambda", "lambda", "LAMBDA");

    public static AwsServiceInfo Ecs { get; } = new("ECS", "ecs", "ecs", "ECS");

    public static AwsServiceInfo Batch { get; } = new("Batch", "batch", "batch", "BATCH");

    /// <summary>The SDKs' service id is <c>AppRunner</c>: <c>AWS_ENDPOINT_URL_APPRUNNER</c>.</summary>
    public static AwsServiceInfo AppRunner { get; } = new("App Runner", "apprunner", "apprunner", "APPRUNNER");
}
