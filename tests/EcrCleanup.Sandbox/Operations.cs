namespace EcrCleanup.Sandbox;

/// <summary>The services and operations the sandbox serves: the names used in faults, rateLimits and call counts.</summary>
public static class Operations
{
    public const string Ecr = "ecr";
    public const string CloudFormation = "cloudformation";
    public const string Lambda = "lambda";
    public const string GitHub = "github";
    public const string Ecs = "ecs";
    public const string Batch = "batch";
    public const string AppRunner = "apprunner";

    /// <summary>Every service, in the order messages name them.</summary>
    public static readonly IReadOnlyList<string> Services = [Ecr, CloudFormation, Lambda, Ecs, Batch, AppRunner, GitHub];

    public static readonly IReadOnlyList<string> EcrOps =
    [
        "DescribeRepositories", "DescribeImages", "ListImages", "BatchGetImage", "BatchDeleteImage",
        "UpdateImageStorageClass", "GetLifecyclePolicy", "StartLifecyclePolicyPreview", "GetLifecyclePolicyPreview",
    ];

    public static readonly IReadOnlyList<string> CloudFormationOps =
        ["ListStacks", "DescribeStacks", "ListStackResources", "DescribeStackResources", "GetTemplate"];

    public static readonly IReadOnlyList<string> LambdaOps =
        ["GetFunction", "ListFunctions", "ListVersionsByFunction", "ListAliases"];

    public static readonly IReadOnlyList<string> EcsOps =
        ["ListClusters", "ListServices", "DescribeServices", "ListTasks", "DescribeTasks", "DescribeTaskDefinition", "ListTaskDefinitions"];

    public static readonly IReadOnlyList<string> BatchOps = ["DescribeJobDefinitions"];

    public static readonly IReadOnlyList<string> AppRunnerOps = ["DescribeService"];

    /// <summary>GitHub operations carry Octokit's names. A fault may also name a group: "pulls", "repos",
    /// "commits" or "deployments" (the path's resource), matching every operation in it.</summary>
    public static readonly IReadOnlyList<string> GitHubOps =
        ["repos.get", "pulls.list", "pulls.get", "pulls.listCommits", "repos.listCommits", "repos.listDeployments"];

    public static readonly IReadOnlyList<string> GitHubGroups = ["pulls", "repos", "commits", "deployments"];

    public static IReadOnlyList<string>? OpsOf(string service) => service switch
    {
        Ecr => EcrOps,
        CloudFormation => CloudFormationOps,
        Lambda => LambdaOps,
        Ecs => EcsOps,
        Batch => BatchOps,
        AppRunner => AppRunnerOps,
        GitHub => GitHubOps,
        _ => null,
    };

    /// <summary>The path resource of a GitHub operation ("pulls", "commits", "deployments", or "" for the repository).</summary>
    public static string GitHubResource(string op) => op switch
    {
        "pulls.list" or "pulls.get" or "pulls.listCommits" => "pulls",
        "repos.listCommits" => "commits",
        "repos.listDeployments" => "deployments",
        _ => "",
    };

    /// <summary>Whether a fault's or rate limit's operation name covers the request's operation.</summary>
    public static bool Covers(string service, string? pattern, string op)
    {
        if (string.IsNullOrEmpty(pattern) || pattern == "*" || pattern == op)
        {
            return true;
        }

        if (service != GitHub)
        {
            return false;
        }

        var dot = op.IndexOf('.');
        return (dot > 0 && pattern == op[..dot]) || pattern == GitHubResource(op);
    }
}
