using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using EcrCleanup.Sandbox.State;

namespace EcrCleanup.Sandbox;

// AWS Batch job definitions and AWS App Runner services.
internal static partial class ScenarioLoader
{
    static readonly string[] AppRunnerStatuses = ["RUNNING", "OPERATION_IN_PROGRESS", "PAUSED", "CREATE_FAILED", "DELETE_FAILED", "DELETED"];

    // ---------------------------------------------------------------- Batch

    static List<BatchJobDefinition> LoadJobDefinitions(ScenarioBatch? batch, string account, string region)
    {
        var definitions = new List<BatchJobDefinition>();
        var list = batch?.JobDefinitions ?? [];
        for (var i = 0; i < list.Count; i++)
        {
            var p = $"$.batch.jobDefinitions[{i}]";
            var sd = list[i] ?? Fail<ScenarioBatchJobDefinition>(p, "must be an object");
            var name = sd.Name ?? Fail<string>(p + ".name", "required");
            if (!JobDefinitionNamePattern().IsMatch(name))
            {
                Fail(p + ".name", $"'{name}' is not a job definition name (1-128 of letters, digits, - and _)");
            }

            var revision = Revision(sd.Revision, definitions.Where(x => x.Name == name).Select(x => x.Revision), "job definition", name, p);

            var status = OneOf(sd.Status ?? "ACTIVE", ["ACTIVE", "INACTIVE"], p + ".status");
            var type = OneOf(sd.Type ?? (sd.NodeRanges is null ? "container" : "multinode"), ["container", "multinode"], p + ".type");
            var ranges = new List<(string, BatchContainers)>();
            BatchContainers containers;
            if (type == "multinode")
            {
                if (sd.Image is not null || sd.EcsContainers is not null || sd.EksContainers is not null || sd.EksInitContainers is not null)
                {
                    Fail(p + ".nodeRanges", "a multinode job definition names its images in its node ranges");
                }

                var srs = sd.NodeRanges ?? Fail<List<ScenarioBatchNodeRange>>(p + ".nodeRanges", "required for a multinode job definition");
                if (srs.Count == 0)
                {
                    Fail(p + ".nodeRanges", "must hold at least one node range");
                }

                for (var r = 0; r < srs.Count; r++)
                {
                    var rp = $"{p}.nodeRanges[{r}]";
                    var sr = srs[r] ?? Fail<ScenarioBatchNodeRange>(rp, "must be an object");
                    var target = sr.TargetNodes ?? $"{r}:{r}";
                    if (!TargetNodesPattern().IsMatch(target))
                    {
                        Fail(rp + ".targetNodes", $"'{target}' is not a node range (N, N:, :N or N:M)");
                    }

                    ranges.Add((target, BatchContainersOf(sr.Image, sr.EcsContainers, sr.EksContainers, null, rp)));
                }
                containers = new BatchContainers(null, null, null, null);
            }
            else
            {
                if (sd.NodeRanges is not null)
                {
                    Fail(p + ".nodeRanges", "only a multinode job definition has node ranges");
                }

                containers = BatchContainersOf(sd.Image, sd.EcsContainers, sd.EksContainers, sd.EksInitContainers, p);
            }

            definitions.Add(new BatchJobDefinition
            {
                Name = name,
                Revision = revision,
                Arn = $"arn:aws:batch:{region}:{account}:job-definition/{name}:{revision}",
                Status = status,
                Type = type,
                Containers = containers,
                NodeRanges = ranges,
            });
        }
        return definitions;
    }

    /// <summary>Where a job definition or node range names its images: exactly one of image, ecsContainers and eksContainers.</summary>
    static BatchContainers BatchContainersOf(string? image, List<ScenarioEcsContainer>? ecs, List<ScenarioEcsContainer>? eks,
        List<ScenarioEcsContainer>? eksInit, string p)
    {
        var kinds = (image is null ? 0 : 1) + (ecs is null ? 0 : 1) + (eks is null ? 0 : 1);
        if (kinds != 1)
        {
            Fail(p + (kinds == 0 ? ".image" : ".ecsContainers"), "give exactly one of image (containerProperties), ecsContainers (ecsProperties) and eksContainers (eksProperties)");
        }

        if (eksInit is not null && eks is null)
        {
            Fail(p + ".eksInitContainers", "init containers go with eksContainers");
        }

        if (image is not null)
        {
            ValidateImage(image, p + ".image");
        }

        return new BatchContainers(image, LoadContainerImages(ecs, p + ".ecsContainers", required: false),
            LoadContainerImages(eks, p + ".eksContainers", required: false), LoadContainerImages(eksInit, p + ".eksInitContainers", required: false));
    }

    // ---------------------------------------------------------------- App Runner

    static List<AppRunnerService> LoadAppRunnerServices(ScenarioAppRunner? appRunner, string account, string region, DateTimeOffset now)
    {
        var services = new List<AppRunnerService>();
        var list = appRunner?.Services ?? [];
        for (var i = 0; i < list.Count; i++)
        {
            var p = $"$.appRunner.services[{i}]";
            var ss = list[i] ?? Fail<ScenarioAppRunnerService>(p, "must be an object");
            var name = ss.Name ?? Fail<string>(p + ".name", "required");
            if (!AppRunnerNamePattern().IsMatch(name))
            {
                Fail(p + ".name", $"'{name}' is not an App Runner service name (4-40 of letters, digits, - and _, starting with a letter or digit)");
            }

            var id = ss.Id ?? Hex(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..32];
            if (!TaskIdPattern().IsMatch(id))
            {
                Fail(p + ".id", $"'{id}' is not a service id (32 lowercase hex digits)");
            }

            var status = OneOf(ss.Status ?? "RUNNING", AppRunnerStatuses, p + ".status");
            if (services.Exists(x => x.Id == id))
            {
                Fail(p + ".id", $"service id '{id}' is listed twice");
            }

            if (status != "DELETED" && services.Exists(x => x.Name == name && x.Status != "DELETED"))
            {
                Fail(p + ".name", $"a service named '{name}' is already listed (only DELETED services may share a name)");
            }

            if ((ss.ImageIdentifier is null) == (ss.CodeRepository is null))
            {
                Fail(p + ".imageIdentifier", "give exactly one of imageIdentifier (an image source) and codeRepository (a source code repository)");
            }

            string? repositoryType = null;
            if (ss.ImageIdentifier is { } image)
            {
                var isPublic = image.StartsWith("public.ecr.aws/", StringComparison.Ordinal);
                if (!(isPublic ? PublicImagePattern().IsMatch(image) : ImageUriPattern().IsMatch(image)))
                {
                    Fail(p + ".imageIdentifier", $"'{image}' is not an App Runner image identifier (an ECR image URI, or public.ecr.aws/...)");
                }

                repositoryType = OneOf(ss.ImageRepositoryType ?? (isPublic ? "ECR_PUBLIC" : "ECR"), ["ECR", "ECR_PUBLIC"], p + ".imageRepositoryType");
                if (repositoryType == "ECR_PUBLIC" != isPublic)
                {
                    Fail(p + ".imageRepositoryType", $"{repositoryType} does not match the image identifier's registry");
                }
            }
            else if (ss.ImageRepositoryType is not null)
            {
                Fail(p + ".imageRepositoryType", "only an image source has an image repository type");
            }

            if (ss.CodeRepository is { } url && !url.StartsWith("https://", StringComparison.Ordinal))
            {
                Fail(p + ".codeRepository", $"'{url}' is not a repository URL (https://...)");
            }

            var arn = $"arn:aws:apprunner:{region}:{account}:service/{name}/{id}";
            var host = new string([.. SHA256.HashData(Encoding.UTF8.GetBytes(arn)).Take(10).Select(b => "abcdefghijklmnopqrstuvwxyz0123456789"[b % 36])]);
            services.Add(new AppRunnerService
            {
                Name = name,
                Id = id,
                Arn = arn,
                Url = $"{host}.{region}.awsapprunner.com",
                Status = status,
                ImageIdentifier = ss.ImageIdentifier,
                ImageRepositoryType = repositoryType,
                CodeRepository = ss.CodeRepository,
                CreatedAt = now.AddDays(-30),
                UpdatedAt = now.AddDays(-1),
            });
        }
        return services;
    }

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,128}$")] private static partial Regex JobDefinitionNamePattern();
    [GeneratedRegex(@"^(?:[0-9]+|[0-9]+:[0-9]*|:[0-9]+)$")] private static partial Regex TargetNodesPattern();
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_-]{3,39}$")] private static partial Regex AppRunnerNamePattern();
    [GeneratedRegex(@"^public\.ecr\.aws/[^/\s]+/(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[\w+=.:/@-]+|@[\w:]+)?$")]
    private static partial Regex PublicImagePattern();
}
