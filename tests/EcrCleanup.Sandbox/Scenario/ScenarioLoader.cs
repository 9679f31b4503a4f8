using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using EcrCleanup.Sandbox.Ecr;
using EcrCleanup.Sandbox.Faults;
using EcrCleanup.Sandbox.State;

namespace EcrCleanup.Sandbox;

/// <summary>Validates a scenario and builds the live state from it; relative times count from <c>now</c>.</summary>
internal static partial class ScenarioLoader
{
    public const string DefaultAccount = "123456789012";
    public const string DefaultRegion = "eu-west-2";
    public const string DefaultAccessKeyId = "AKIDSANDBOX";
    public const string DefaultSecretAccessKey = "sandbox-secret";
    public const string DefaultGitHubToken = "ghp_sandbox";
    public const long DefaultImageSize = 50L * 1024 * 1024;
    public const double DefaultActivationDelaySeconds = 2;
    public const double DefaultLifecyclePreviewDelaySeconds = 1;

    static readonly HashSet<string> TagMutabilities = ["MUTABLE", "IMMUTABLE", "MUTABLE_WITH_EXCLUSION", "IMMUTABLE_WITH_EXCLUSION"];

    public static readonly HashSet<string> StackStatuses =
    [
        "CREATE_IN_PROGRESS", "CREATE_FAILED", "CREATE_COMPLETE", "ROLLBACK_IN_PROGRESS", "ROLLBACK_FAILED",
        "ROLLBACK_COMPLETE", "DELETE_IN_PROGRESS", "DELETE_FAILED", "DELETE_COMPLETE", "UPDATE_IN_PROGRESS",
        "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "UPDATE_COMPLETE", "UPDATE_FAILED", "UPDATE_ROLLBACK_IN_PROGRESS",
        "UPDATE_ROLLBACK_FAILED", "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS", "UPDATE_ROLLBACK_COMPLETE",
        "REVIEW_IN_PROGRESS", "IMPORT_IN_PROGRESS", "IMPORT_COMPLETE", "IMPORT_ROLLBACK_IN_PROGRESS",
        "IMPORT_ROLLBACK_FAILED", "IMPORT_ROLLBACK_COMPLETE",
    ];

    static readonly HashSet<string> ResourceStatuses =
    [
        "CREATE_IN_PROGRESS", "CREATE_FAILED", "CREATE_COMPLETE", "DELETE_IN_PROGRESS", "DELETE_FAILED",
        "DELETE_COMPLETE", "DELETE_SKIPPED", "UPDATE_IN_PROGRESS", "UPDATE_FAILED", "UPDATE_COMPLETE",
        "IMPORT_FAILED", "IMPORT_COMPLETE", "IMPORT_IN_PROGRESS", "IMPORT_ROLLBACK_IN_PROGRESS",
        "IMPORT_ROLLBACK_FAILED", "IMPORT_ROLLBACK_COMPLETE", "UPDATE_ROLLBACK_IN_PROGRESS",
        "UPDATE_ROLLBACK_COMPLETE", "UPDATE_ROLLBACK_FAILED", "ROLLBACK_IN_PROGRESS", "ROLLBACK_COMPLETE",
        "ROLLBACK_FAILED",
    ];

    public static SandboxState Load(string json, DateTimeOffset now) => Load(Scenario.Parse(json), now);

    public static SandboxState Load(Scenario s, DateTimeOffset now)
    {
        var account = s.Account ?? DefaultAccount;
        if (!AccountPattern().IsMatch(account))
        {
            Fail("$.account", $"'{account}' is not a 12-digit AWS account id");
        }

        var region = s.Region ?? DefaultRegion;
        if (!RegionPattern().IsMatch(region))
        {
            Fail("$.region", $"'{region}' is not an AWS region name (e.g. eu-west-2)");
        }

        var keyId = s.Credentials?.AccessKeyId ?? DefaultAccessKeyId;
        var secret = s.Credentials?.SecretAccessKey ?? DefaultSecretAccessKey;
        if (keyId.Length == 0 || keyId.Any(char.IsWhiteSpace))
        {
            Fail("$.credentials.accessKeyId", "must be a non-empty string without spaces");
        }

        if (secret.Length == 0)
        {
            Fail("$.credentials.secretAccessKey", "must be a non-empty string");
        }

        var latency = s.LatencyMs ?? 0;
        if (latency is < 0 or > 60_000)
        {
            Fail("$.latencyMs", "must be between 0 and 60000");
        }

        var limits = new Dictionary<string, double>();
        foreach (var (key, rate) in s.RateLimits ?? [])
        {
            var path = $"$.rateLimits['{key}']";
            var colon = key.IndexOf(':');
            var service = colon > 0 ? key[..colon] : "";
            var op = colon > 0 ? key[(colon + 1)..] : "";
            var ops = Operations.OpsOf(service);
            if (ops is null)
            {
                Fail(path, $"key must be 'service:Operation' or 'service:*' with service one of {string.Join(", ", Operations.Services)}");
            }

            if (op != "*" && !ops!.Contains(op))
            {
                Fail(path, $"unknown operation '{op}' of {service} (known: {string.Join(", ", ops!)})");
            }

            if (!double.IsFinite(rate) || rate <= 0)
            {
                Fail(path, "must be a positive number of requests per second");
            }

            limits[key] = rate;
        }

        if (s.Repositories is null)
        {
            Fail("$.repositories", "required (an array, possibly empty)");
        }

        var activationDelay = Seconds(s.ActivationDelaySeconds, "$.activationDelaySeconds", DefaultActivationDelaySeconds);
        var previewDelay = Seconds(s.LifecyclePreviewDelaySeconds, "$.lifecyclePreviewDelaySeconds", DefaultLifecyclePreviewDelaySeconds);
        var repos = LoadRepositories(s.Repositories!, account, region, now);
        var stacks = LoadStacks(s.Stacks ?? [], account, region, now);
        var functions = LoadFunctions(s.Functions ?? [], repos, account, region, now);
        var github = s.Github is null ? null : LoadGitHub(s.Github, now);
        var (clusters, taskDefinitions) = LoadEcs(s.Ecs, repos, account, region, now);
        var jobDefinitions = LoadJobDefinitions(s.Batch, account, region);
        var appRunnerServices = LoadAppRunnerServices(s.AppRunner, account, region, now);
        ValidateFaults(s.Faults ?? [], "$.faults");

        var state = new SandboxState
        {
            Account = account,
            Region = region,
            AccessKeyId = keyId,
            SecretAccessKey = secret,
            LatencyMs = latency,
            RateLimits = limits,
            LoadedAt = now,
            Repositories = repos,
            Stacks = stacks,
            Functions = functions,
            GitHub = github,
            EcsClusters = clusters,
            TaskDefinitions = taskDefinitions,
            JobDefinitions = jobDefinitions,
            AppRunnerServices = appRunnerServices,
            ActivationDelay = activationDelay,
            LifecyclePreviewDelay = previewDelay,
        };
        foreach (var image in repos.SelectMany(r => r.Images).Where(i => i.Status == ImageStatuses.Activating))
        {
            state.StartActivation(image, now + activationDelay);
        }

        return state;
    }

    /// <summary>A delay in seconds from the scenario (0 to an hour), or the default.</summary>
    static TimeSpan Seconds(double? seconds, string path, double fallback)
    {
        var value = seconds ?? fallback;
        if (!double.IsFinite(value) || value is < 0 or > 3600)
        {
            Fail(path, "must be between 0 and 3600 seconds");
        }

        return TimeSpan.FromSeconds(value);
    }

    // ---------------------------------------------------------------- ECR

    static List<EcrRepository> LoadRepositories(List<ScenarioRepository> list, string account, string region, DateTimeOffset now)
    {
        var repos = new List<EcrRepository>();
        long seq = 0;
        for (var r = 0; r < list.Count; r++)
        {
            var p = $"$.repositories[{r}]";
            var sr = list[r] ?? Fail<ScenarioRepository>(p, "must be an object");
            var name = sr.Name ?? Fail<string>(p + ".name", "required");
            if (name.Length is < 2 or > 256 || !RepositoryNamePattern().IsMatch(name))
            {
                Fail(p + ".name", $"'{name}' is not a valid ECR repository name (2-256 of a-z 0-9 . _ - /, e.g. team/app)");
            }

            if (repos.Exists(x => x.Name == name))
            {
                Fail(p + ".name", $"repository '{name}' is listed twice");
            }

            var mutability = sr.TagMutability ?? "MUTABLE";
            if (!TagMutabilities.Contains(mutability))
            {
                Fail(p + ".tagMutability", $"must be one of {string.Join(", ", TagMutabilities)}");
            }

            var images = new List<EcrImage>();
            var digests = new Dictionary<string, int>(StringComparer.Ordinal);
            var tagged = new Dictionary<string, int>(StringComparer.Ordinal);
            var entries = sr.Images ?? [];
            for (var i = 0; i < entries.Count; i++)
            {
                var image = LoadImage(entries[i], $"{p}.images[{i}]", name, i, digests, tagged, now, ref seq);
                images.Add(image);
                digests[image.Digest] = i;
                foreach (var t in image.Tags)
                {
                    tagged[t] = i;
                }
            }
            // An index's children must be in the repository (ECR refuses an index whose manifests are missing).
            for (var i = 0; i < entries.Count; i++)
            {
                for (var c = 0; c < images[i].Children.Count; c++)
                {
                    var child = images[i].Children[c];
                    if (child == images[i].Digest)
                    {
                        Fail($"{p}.images[{i}].children[{c}]", "an index cannot list itself");
                    }

                    if (!digests.ContainsKey(child))
                    {
                        Fail($"{p}.images[{i}].children[{c}]", $"no image with digest '{child}' in repository '{name}'");
                    }
                }
            }
            // An index with no explicit size reports its children's total.
            for (var i = 0; i < entries.Count; i++)
            {
                if (entries[i].SizeBytes is null && images[i].Children.Count > 0)
                {
                    images[i] = Copy(images[i], images[i].Children.Sum(c => images[digests[c]].SizeBytes));
                }
            }

            var created = images.Count == 0 ? now.AddDays(-30) : images.Min(x => x.PushedAt).AddHours(-1);
            var repo = new EcrRepository
            {
                Name = name,
                TagMutability = mutability,
                CreatedAt = created,
                LifecyclePolicyText = LifecyclePolicyText(sr.LifecyclePolicy, p + ".lifecyclePolicy"),
                Arn = $"arn:aws:ecr:{region}:{account}:repository/{name}",
                Uri = $"{account}.dkr.ecr.{region}.amazonaws.com/{name}",
            };
            foreach (var image in images)
            {
                repo.Add(image);
            }

            repos.Add(repo);
        }
        return repos;
    }

    /// <summary>A repository's lifecycle policy as GetLifecyclePolicy returns it: a string verbatim, an object as compact JSON.</summary>
    static string? LifecyclePolicyText(System.Text.Json.Nodes.JsonNode? policy, string path)
    {
        if (policy is null)
        {
            return null;
        }

        var text = policy.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.String => policy.GetValue<string>(),
            System.Text.Json.JsonValueKind.Object => policy.ToJsonString(),
            _ => Fail<string>(path, "must be the policy's JSON text or a JSON object"),
        };
        try
        {
            LifecyclePolicy.Parse(text);
        }
        catch (LifecyclePolicyException e)
        {
            Fail(path, "not a valid lifecycle policy: " + e.Message);
        }

        if (text.Length is < LifecyclePolicy.MinTextLength or > LifecyclePolicy.MaxTextLength)
        {
            Fail(path, $"ECR takes a policy text of {LifecyclePolicy.MinTextLength} to {LifecyclePolicy.MaxTextLength} characters, not {text.Length}");
        }

        return text;
    }

    static EcrImage Copy(EcrImage i, long size) => new()
    {
        Seq = i.Seq,
        Digest = i.Digest,
        Tags = i.Tags,
        PushedAt = i.PushedAt,
        SizeBytes = size,
        MediaType = i.MediaType,
        Children = i.Children,
        Subject = i.Subject,
        ArtifactType = i.ArtifactType,
        LastPulledAt = i.LastPulledAt,
        Status = i.Status,
        LastArchivedAt = i.LastArchivedAt,
        LastActivatedAt = i.LastActivatedAt,
    };

    static EcrImage LoadImage(ScenarioImage? si, string p, string repo, int index, Dictionary<string, int> digests,
        Dictionary<string, int> tagged, DateTimeOffset now, ref long seq)
    {
        if (si is null)
        {
            Fail(p, "must be an object");
        }

        var tags = si!.Tags ?? [];
        for (var t = 0; t < tags.Count; t++)
        {
            var tag = tags[t];
            if (tag is null || !TagPattern().IsMatch(tag))
            {
                Fail($"{p}.tags[{t}]", $"'{tag}' is not a valid image tag (1-128 of A-Z a-z 0-9 _ . -, not starting with . or -)");
            }

            if (tags.IndexOf(tag!) != t)
            {
                Fail($"{p}.tags[{t}]", $"tag '{tag}' is listed twice");
            }

            if (tagged.TryGetValue(tag!, out var holder))
            {
                Fail($"{p}.tags[{t}]", $"tag '{tag}' is already on images[{holder}] (a tag points to one image)");
            }
        }

        string digest;
        if (si.Digest is null)
        {
            digest = "sha256:" + Hex(SHA256.HashData(Encoding.UTF8.GetBytes($"{repo}\n{index}\n{string.Join(",", tags)}")));
        }
        else if (!DigestPattern().IsMatch(si.Digest))
        {
            digest = Fail<string>(p + ".digest", $"'{si.Digest}' is not a digest (sha256: and 64 lowercase hex digits)");
        }
        else
        {
            digest = si.Digest;
        }

        if (digests.TryGetValue(digest, out var dup))
        {
            Fail(p + ".digest", $"digest '{digest}' is already images[{dup}]");
        }

        var pushed = Time(si.AgeHours, si.PushedAt, p + ".ageHours", p + ".pushedAt", now) ?? now;
        var pulled = Time(si.LastPulledHoursAgo, si.LastPulledAt, p + ".lastPulledHoursAgo", p + ".lastPulledAt", now);
        if (pulled is { } pu && pu < pushed)
        {
            Fail(p + (si.LastPulledAt is null ? ".lastPulledHoursAgo" : ".lastPulledAt"), "the image cannot be pulled before it was pushed");
        }

        var size = si.SizeBytes ?? DefaultImageSize;
        if (size < 0)
        {
            Fail(p + ".sizeBytes", "must be 0 or more");
        }

        var children = si.Children ?? [];
        for (var c = 0; c < children.Count; c++)
        {
            if (children[c] is null || !DigestPattern().IsMatch(children[c]))
            {
                Fail($"{p}.children[{c}]", $"'{children[c]}' is not a digest (sha256: and 64 lowercase hex digits)");
            }

            if (children.IndexOf(children[c]) != c)
            {
                Fail($"{p}.children[{c}]", "listed twice");
            }
        }
        if (si.Subject is not null && !DigestPattern().IsMatch(si.Subject))
        {
            Fail(p + ".subject", $"'{si.Subject}' is not a digest (sha256: and 64 lowercase hex digits)");
        }

        if (si.Subject == digest)
        {
            Fail(p + ".subject", "an image cannot be its own subject");
        }

        if (si.ArtifactType is { Length: 0 })
        {
            Fail(p + ".artifactType", "must not be empty");
        }

        var mediaType = si.MediaType
            ?? (children.Count > 0 ? MediaTypes.OciIndex : si.Subject is not null || si.ArtifactType is not null ? MediaTypes.OciManifest : MediaTypes.DockerManifest);
        if (!MediaTypePattern().IsMatch(mediaType))
        {
            Fail(p + ".mediaType", $"'{mediaType}' is not a media type");
        }

        if (children.Count > 0 && !MediaTypes.IsIndex(mediaType))
        {
            Fail(p + ".mediaType", $"an image with children is an index: {MediaTypes.OciIndex} or {MediaTypes.DockerManifestList}, not '{mediaType}'");
        }

        var (status, archived, activated) = LoadStatus(si, p, pushed, now);
        return new EcrImage
        {
            Seq = ++seq,
            Digest = digest,
            Tags = [.. tags],
            PushedAt = pushed,
            SizeBytes = size,
            MediaType = mediaType,
            Children = [.. children],
            Subject = si.Subject,
            ArtifactType = si.ArtifactType,
            LastPulledAt = pulled,
            Status = status,
            LastArchivedAt = archived,
            LastActivatedAt = activated,
        };
    }

    /// <summary>
    /// An image's status and archive times. An ARCHIVED or ACTIVATING image was archived (by default at load); an ACTIVE
    /// one that was archived has been restored since; an ARCHIVED one restored before was archived again after.
    /// </summary>
    static (string Status, DateTimeOffset? Archived, DateTimeOffset? Activated) LoadStatus(ScenarioImage si, string p, DateTimeOffset pushed, DateTimeOffset now)
    {
        var status = si.Status ?? ImageStatuses.Active;
        if (!ImageStatuses.All.Contains(status))
        {
            Fail(p + ".status", $"must be one of {string.Join(", ", ImageStatuses.All)}");
        }

        var archivedPath = p + (si.LastArchivedAt is null ? ".archivedHoursAgo" : ".lastArchivedAt");
        var activatedPath = p + (si.LastActivatedAt is null ? ".activatedHoursAgo" : ".lastActivatedAt");
        var archived = Time(si.ArchivedHoursAgo, si.LastArchivedAt, p + ".archivedHoursAgo", p + ".lastArchivedAt", now);
        var activated = Time(si.ActivatedHoursAgo, si.LastActivatedAt, p + ".activatedHoursAgo", p + ".lastActivatedAt", now);
        if (status != ImageStatuses.Active)
        {
            archived ??= now;
        }

        if (archived < pushed)
        {
            Fail(archivedPath, "the image cannot be archived before it was pushed");
        }

        if (activated is not null && archived is null)
        {
            Fail(activatedPath, "only an image that was archived can have been restored");
        }

        if (status == ImageStatuses.Active && archived is not null && !(activated >= archived))
        {
            Fail(activated is null ? archivedPath : activatedPath, "an ACTIVE image that was archived was restored after (give a later activatedHoursAgo or lastActivatedAt)");
        }

        if (status != ImageStatuses.Active && activated > archived)
        {
            Fail(activatedPath, $"an {status} image was archived after its last restore");
        }

        return (status, archived, activated);
    }

    // ---------------------------------------------------------------- CloudFormation

    static List<CfnStack> LoadStacks(List<ScenarioStack> list, string account, string region, DateTimeOffset now)
    {
        var stacks = new List<CfnStack>();
        for (var i = 0; i < list.Count; i++)
        {
            var p = $"$.stacks[{i}]";
            var ss = list[i] ?? Fail<ScenarioStack>(p, "must be an object");
            var name = ss.Name ?? Fail<string>(p + ".name", "required");
            if (name.Length > 128 || !StackNamePattern().IsMatch(name))
            {
                Fail(p + ".name", $"'{name}' is not a valid stack name (a letter, then letters, digits and -; 128 at most)");
            }

            var status = ss.Status ?? "CREATE_COMPLETE";
            if (!StackStatuses.Contains(status))
            {
                Fail(p + ".status", $"unknown stack status '{status}'");
            }

            if (status != "DELETE_COMPLETE" && stacks.Any(x => x.Name == name && !x.IsDeleted))
            {
                Fail(p + ".name", $"a live stack named '{name}' is already listed (only DELETE_COMPLETE stacks may share a name)");
            }

            var tags = new List<KeyValuePair<string, string>>();
            foreach (var (k, v) in ss.Tags ?? [])
            {
                if (k.Length is 0 or > 128)
                {
                    Fail($"{p}.tags['{k}']", "a tag key has 1-128 characters");
                }

                if (v is null || v.Length > 256)
                {
                    Fail($"{p}.tags['{k}']", "a tag value is a string of at most 256 characters");
                }

                tags.Add(new(k, v!));
            }

            var created = Time(ss.CreatedHoursAgo, ss.CreatedAt, p + ".createdHoursAgo", p + ".createdAt", now) ?? now.AddDays(-30);
            var updated = Time(ss.LastUpdatedHoursAgo, ss.LastUpdatedAt, p + ".lastUpdatedHoursAgo", p + ".lastUpdatedAt", now);
            if (updated < created)
            {
                Fail(p + ".lastUpdatedHoursAgo", "a stack cannot be updated before it was created");
            }

            DateTimeOffset? deleted = null;
            if (status == "DELETE_COMPLETE")
            {
                deleted = Time(ss.DeletedHoursAgo, ss.DeletedAt, p + ".deletedHoursAgo", p + ".deletedAt", now) ?? now;
            }
            else if (ss.DeletedHoursAgo is not null || ss.DeletedAt is not null)
            {
                Fail(p + ".deletedHoursAgo", "only a DELETE_COMPLETE stack has a deletion time");
            }

            if (deleted < created)
            {
                Fail(p + ".deletedHoursAgo", "a stack cannot be deleted before it was created");
            }

            var resources = new List<CfnResource>();
            var rs = ss.Resources ?? [];
            for (var r = 0; r < rs.Count; r++)
            {
                var rp = $"{p}.resources[{r}]";
                var sr = rs[r] ?? Fail<ScenarioStackResource>(rp, "must be an object");
                var logical = sr.LogicalId ?? Fail<string>(rp + ".logicalId", "required");
                if (!LogicalIdPattern().IsMatch(logical))
                {
                    Fail(rp + ".logicalId", $"'{logical}' is not a logical id (letters and digits)");
                }

                if (resources.Any(x => x.LogicalId == logical))
                {
                    Fail(rp + ".logicalId", $"'{logical}' is listed twice in this stack");
                }

                var type = sr.Type ?? Fail<string>(rp + ".type", "required");
                if (!ResourceTypePattern().IsMatch(type))
                {
                    Fail(rp + ".type", $"unknown resource type '{type}'");
                }

                var rstatus = sr.Status ?? (status == "DELETE_COMPLETE" ? "DELETE_COMPLETE" : "CREATE_COMPLETE");
                if (!ResourceStatuses.Contains(rstatus))
                {
                    Fail(rp + ".status", $"unknown resource status '{rstatus}'");
                }

                if (sr.PhysicalId is { Length: 0 })
                {
                    Fail(rp + ".physicalId", "must not be empty (leave it out for a resource not yet created)");
                }

                resources.Add(new CfnResource
                {
                    LogicalId = logical,
                    Type = type,
                    PhysicalId = sr.PhysicalId,
                    Properties = sr.Properties,
                    Status = rstatus,
                    LastUpdatedAt = updated ?? created,
                });
            }

            if (ss.Template is { } given && string.IsNullOrWhiteSpace(given))
            {
                Fail(p + ".template", "must not be empty (leave it out for a template built from the resources)");
            }

            stacks.Add(new CfnStack
            {
                Template = ss.Template ?? BuildTemplate(resources),
                Name = name,
                Status = status,
                Tags = tags,
                Resources = resources,
                CreatedAt = created,
                LastUpdatedAt = updated,
                DeletedAt = deleted,
                StackId = $"arn:aws:cloudformation:{region}:{account}:stack/{name}/{DeterministicGuid($"stack\n{name}\n{i}")}",
            });
        }

        // Nested stacks: a stack whose name is the physical id of an AWS::CloudFormation::Stack resource.
        // The resource reports the nested stack's ARN, and the nested stack its ParentId/RootId.
        foreach (var parent in stacks)
        {
            foreach (var res in parent.Resources.Where(x => x.Type == "AWS::CloudFormation::Stack" && x.PhysicalId is not null))
            {
                var child = stacks.FirstOrDefault(x => x.Name == res.PhysicalId && x.IsDeleted == parent.IsDeleted)
                            ?? stacks.FirstOrDefault(x => x.Name == res.PhysicalId);
                if (child is null)
                {
                    res.PhysicalId = $"arn:aws:cloudformation:{region}:{account}:stack/{res.PhysicalId}/{DeterministicGuid("nested\n" + res.PhysicalId)}";
                    continue;
                }
                if (child == parent)
                {
                    Fail($"$.stacks[{stacks.IndexOf(parent)}]", "a stack cannot nest itself");
                }

                res.PhysicalId = child.StackId;
                child.ParentId = parent.StackId;
            }
        }

        foreach (var st in stacks.Where(x => x.ParentId is not null))
        {
            var root = st;
            for (var hops = 0; root.ParentId is not null; hops++)
            {
                if (hops > stacks.Count)
                {
                    Fail($"$.stacks[{stacks.IndexOf(st)}]", "nested stacks form a cycle");
                }

                root = stacks.First(x => x.StackId == root.ParentId);
            }
            st.RootId = root.StackId;
        }
        return stacks;
    }

    /// <summary>The template GetTemplate returns for a stack the scenario gives no template: its resources, as JSON.</summary>
    static string BuildTemplate(List<CfnResource> resources)
    {
        using var ms = new MemoryStream();
        using (var w = new System.Text.Json.Utf8JsonWriter(ms, Aws.AwsResponses.WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("AWSTemplateFormatVersion", "2010-09-09");
            w.WriteStartObject("Resources");
            foreach (var r in resources)
            {
                w.WriteStartObject(r.LogicalId);
                w.WriteString("Type", r.Type);
                w.WritePropertyName("Properties");
                if (r.Properties is { } properties)
                {
                    properties.WriteTo(w);
                }
                else
                {
                    w.WriteStartObject();
                    w.WriteEndObject();
                }
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    // ---------------------------------------------------------------- Lambda

    static List<LambdaFunction> LoadFunctions(List<ScenarioFunction> list, List<EcrRepository> repos, string account, string region, DateTimeOffset now)
    {
        var functions = new List<LambdaFunction>();
        for (var i = 0; i < list.Count; i++)
        {
            var p = $"$.functions[{i}]";
            var sf = list[i] ?? Fail<ScenarioFunction>(p, "must be an object");
            var name = sf.Name ?? Fail<string>(p + ".name", "required");
            if (!FunctionNamePattern().IsMatch(name))
            {
                Fail(p + ".name", $"'{name}' is not a function name (1-64 of letters, digits, - and _)");
            }

            if (functions.Any(x => x.Name == name))
            {
                Fail(p + ".name", $"function '{name}' is listed twice");
            }

            var packageType = sf.PackageType ?? (sf.ImageUri is null ? "Zip" : "Image");
            if (packageType is not ("Image" or "Zip"))
            {
                Fail(p + ".packageType", "must be Image or Zip");
            }

            var modified = now.AddDays(-1).AddMinutes(-i);

            var versions = new List<LambdaVersion>
            {
                LoadVersion("$LATEST", packageType, sf.ImageUri, sf.ResolvedDigest, p, repos, account, region, name, modified),
            };
            var svs = sf.Versions ?? [];
            for (var v = 0; v < svs.Count; v++)
            {
                var vp = $"{p}.versions[{v}]";
                var sv = svs[v] ?? Fail<ScenarioFunctionVersion>(vp, "must be an object");
                var number = sv.Version ?? Fail<string>(vp + ".version", "required");
                if (!VersionPattern().IsMatch(number))
                {
                    Fail(vp + ".version", $"'{number}' is not a published version number (1, 2, ...)");
                }

                if (versions.Any(x => x.Version == number))
                {
                    Fail(vp + ".version", $"version {number} is listed twice");
                }

                if (packageType == "Image" && sv.ImageUri is null && sv.ResolvedDigest is null && sf.ImageUri is not null)
                {
                    versions.Add(LoadVersion(number, packageType, sf.ImageUri, sf.ResolvedDigest, p, repos, account, region, name, modified));
                }
                else
                {
                    versions.Add(LoadVersion(number, packageType, sv.ImageUri ?? sf.ImageUri, sv.ResolvedDigest, vp, repos, account, region, name, modified));
                }
            }
            var published = versions.Skip(1).OrderBy(x => long.Parse(x.Version, CultureInfo.InvariantCulture)).ToList();
            versions = [versions[0], .. published];

            var aliases = new List<LambdaAlias>();
            var sas = sf.Aliases ?? [];
            for (var a = 0; a < sas.Count; a++)
            {
                var ap = $"{p}.aliases[{a}]";
                var sa = sas[a] ?? Fail<ScenarioAlias>(ap, "must be an object");
                var aname = sa.Name ?? Fail<string>(ap + ".name", "required");
                if (aname.Length > 128 || !AliasPattern().IsMatch(aname) || VersionPattern().IsMatch(aname))
                {
                    Fail(ap + ".name", $"'{aname}' is not an alias name (letters, digits, - and _, not all digits)");
                }

                if (aliases.Any(x => x.Name == aname))
                {
                    Fail(ap + ".name", $"alias '{aname}' is listed twice");
                }

                var target = sa.Version ?? Fail<string>(ap + ".version", "required");
                if (!versions.Any(x => x.Version == target))
                {
                    Fail(ap + ".version", $"function '{name}' has no version '{target}'");
                }

                var weights = sa.AdditionalVersionWeights ?? [];
                if (weights.Count > 1)
                {
                    Fail(ap + ".additionalVersionWeights", "Lambda routes to at most one additional version");
                }

                foreach (var (wv, w) in weights)
                {
                    if (!versions.Skip(1).Any(x => x.Version == wv))
                    {
                        Fail($"{ap}.additionalVersionWeights['{wv}']", $"function '{name}' has no published version '{wv}'");
                    }

                    if (wv == target)
                    {
                        Fail($"{ap}.additionalVersionWeights['{wv}']", "the additional version must differ from the alias's version");
                    }

                    if (!double.IsFinite(w) || w < 0 || w > 1)
                    {
                        Fail($"{ap}.additionalVersionWeights['{wv}']", "a weight is between 0 and 1");
                    }
                }
                aliases.Add(new LambdaAlias
                {
                    Name = aname,
                    Version = target,
                    AdditionalVersionWeights = new Dictionary<string, double>(weights),
                    RevisionId = DeterministicGuid($"alias\n{name}\n{aname}").ToString(),
                });
            }

            functions.Add(new LambdaFunction
            {
                Name = name,
                PackageType = packageType,
                LastModified = modified,
                Versions = versions,
                Aliases = aliases,
                Arn = $"arn:aws:lambda:{region}:{account}:function:{name}",
            });
        }
        return functions;
    }

    static LambdaVersion LoadVersion(string version, string packageType, string? imageUri, string? resolved, string p,
        List<EcrRepository> repos, string account, string region, string function, DateTimeOffset modified)
    {
        var revision = DeterministicGuid($"fn\n{function}\n{version}").ToString();
        if (packageType == "Zip")
        {
            if (imageUri is not null)
            {
                Fail(p + ".imageUri", "a Zip function has no image");
            }

            if (resolved is not null)
            {
                Fail(p + ".resolvedDigest", "a Zip function has no image");
            }

            var zipHash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes($"zip\n{function}\n{version}")));
            return new LambdaVersion
            {
                Version = version,
                ImageUri = null,
                ResolvedImageUri = null,
                CodeSha256 = zipHash,
                CodeSize = 4096,
                RevisionId = revision,
                LastModified = modified,
            };
        }

        if (imageUri is null)
        {
            Fail(p + ".imageUri", "required for an Image function");
        }

        var m = ImageUriPattern().Match(imageUri!);
        if (!m.Success || !m.Groups["ref"].Success)
        {
            Fail(p + ".imageUri", $"'{imageUri}' is not an ECR image URI (ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO:TAG or @sha256:...)");
        }

        var repoUri = imageUri![..m.Groups["ref"].Index].TrimEnd(':', '@');
        string digest;
        if (resolved is not null)
        {
            if (!DigestPattern().IsMatch(resolved))
            {
                Fail(p + ".resolvedDigest", $"'{resolved}' is not a digest (sha256: and 64 lowercase hex digits)");
            }

            digest = resolved;
        }
        else
        {
            digest = DigestAtLoad(m, repos, account, region) ?? Fail<string>(p + ".resolvedDigest",
                $"required: tag '{m.Groups["ref"].Value}' is not in repository '{m.Groups["repo"].Value}' of this scenario's account and region, so the digest it ran cannot be derived");
        }
        return new LambdaVersion
        {
            Version = version,
            ImageUri = imageUri,
            ResolvedImageUri = $"{repoUri}@{digest}",
            CodeSha256 = digest["sha256:".Length..],
            CodeSize = 0,
            RevisionId = revision,
            LastModified = modified,
        };
    }

    /// <summary>
    /// The digest an ECR image reference (a match of <see cref="ImageUriPattern"/>) names at load: its own digest, or
    /// that of the image its tag (default <c>latest</c>) points to in this scenario's repositories; null when the
    /// scenario cannot say (another account, region or repository, or a tag it does not have).
    /// </summary>
    static string? DigestAtLoad(Match m, List<EcrRepository> repos, string account, string region)
    {
        var reference = m.Groups["ref"].Success ? m.Groups["ref"].Value : "latest";
        if (reference.StartsWith("sha256:", StringComparison.Ordinal))
        {
            return reference;
        }

        var repo = m.Groups["account"].Value == account && m.Groups["region"].Value == region ? repos.Find(r => r.Name == m.Groups["repo"].Value) : null;
        return repo?.ByTag(reference)?.Digest;
    }

    // ---------------------------------------------------------------- GitHub

    static GitHubData LoadGitHub(ScenarioGitHub g, DateTimeOffset now)
    {
        const string p = "$.github";
        var full = g.Repository ?? Fail<string>(p + ".repository", "required: owner/name");
        var slash = full.IndexOf('/');
        if (slash <= 0 || slash == full.Length - 1 || full.IndexOf('/', slash + 1) >= 0 || !GitHubRepoPattern().IsMatch(full))
        {
            Fail(p + ".repository", $"'{full}' is not owner/name");
        }

        var token = g.Token ?? DefaultGitHubToken;
        if (token.Length == 0 || token.Any(char.IsWhiteSpace))
        {
            Fail(p + ".token", "must be a non-empty string without spaces");
        }

        var branch = g.DefaultBranch ?? "main";
        if (branch.Length == 0)
        {
            Fail(p + ".defaultBranch", "must not be empty");
        }

        var commits = new List<GitHubCommit>();
        var cs = g.Commits ?? [];
        for (var i = 0; i < cs.Count; i++)
        {
            if (cs[i] is null || !ShaPattern().IsMatch(cs[i]))
            {
                Fail($"{p}.commits[{i}]", $"'{cs[i]}' is not a full commit sha (40 lowercase hex digits)");
            }

            if (cs.IndexOf(cs[i]) != i)
            {
                Fail($"{p}.commits[{i}]", "listed twice");
            }

            commits.Add(new GitHubCommit(cs[i], now.AddHours(-(i + 1))));
        }

        var pulls = new List<GitHubPull>();
        var ps = g.PullRequests ?? [];
        for (var i = 0; i < ps.Count; i++)
        {
            var pp = $"{p}.pullRequests[{i}]";
            var sp = ps[i] ?? Fail<ScenarioPullRequest>(pp, "must be an object");
            var number = sp.Number ?? Fail<int>(pp + ".number", "required");
            if (number < 1)
            {
                Fail(pp + ".number", "must be 1 or more");
            }

            if (pulls.Any(x => x.Number == number))
            {
                Fail(pp + ".number", $"pull request #{number} is listed twice");
            }

            var state = sp.State ?? "open";
            if (state is not ("open" or "closed"))
            {
                Fail(pp + ".state", "must be open or closed");
            }

            var head = sp.HeadSha ?? Fail<string>(pp + ".headSha", "required");
            if (!ShaPattern().IsMatch(head))
            {
                Fail(pp + ".headSha", $"'{head}' is not a full commit sha (40 lowercase hex digits)");
            }

            var prCommits = sp.Commits ?? [head];
            for (var c = 0; c < prCommits.Count; c++)
            {
                if (prCommits[c] is null || !ShaPattern().IsMatch(prCommits[c]))
                {
                    Fail($"{pp}.commits[{c}]", $"'{prCommits[c]}' is not a full commit sha");
                }
            }

            if (sp.Merged == true && state != "closed")
            {
                Fail(pp + ".merged", "only a closed pull request can be merged");
            }

            pulls.Add(new GitHubPull
            {
                Number = number,
                Id = 1_000_000_000L + number,
                State = state,
                HeadSha = head,
                HeadRef = sp.HeadRef ?? $"pr-{number}",
                Title = sp.Title ?? $"PR #{number}",
                Merged = sp.Merged ?? false,
                Commits = [.. prCommits],
                CreatedAt = now.AddDays(-1).AddMinutes(-number % 1000),
            });
        }

        var deployments = new List<GitHubDeployment>();
        var ds = g.Deployments ?? [];
        for (var i = 0; i < ds.Count; i++)
        {
            var dp = $"{p}.deployments[{i}]";
            var sd = ds[i] ?? Fail<ScenarioDeployment>(dp, "must be an object");
            var env = sd.Environment ?? Fail<string>(dp + ".environment", "required");
            if (env.Length == 0)
            {
                Fail(dp + ".environment", "must not be empty");
            }

            var sha = sd.Sha ?? Fail<string>(dp + ".sha", "required");
            if (!ShaPattern().IsMatch(sha))
            {
                Fail(dp + ".sha", $"'{sha}' is not a full commit sha (40 lowercase hex digits)");
            }

            var created = Time(sd.CreatedHoursAgo, sd.CreatedAt, dp + ".createdHoursAgo", dp + ".createdAt", now) ?? now;
            deployments.Add(new GitHubDeployment { Id = 2_000_000_000L + i + 1, Environment = env, Sha = sha, Ref = sd.Ref ?? sha, CreatedAt = created });
        }
        // GitHub lists deployments newest first.
        deployments = [.. deployments.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id)];

        return new GitHubData
        {
            Owner = full[..slash],
            Repo = full[(slash + 1)..],
            Token = token,
            DefaultBranch = branch,
            RepoId = 500_000_000L + (Math.Abs((long)StableHash(full)) % 100_000_000L),
            Commits = commits,
            Pulls = pulls,
            Deployments = deployments,
        };
    }

    // ---------------------------------------------------------------- faults

    public static void ValidateFaults(List<ScenarioFault> faults, string path)
    {
        for (var i = 0; i < faults.Count; i++)
        {
            var p = $"{path}[{i}]";
            var f = faults[i] ?? Fail<ScenarioFault>(p, "must be an object");
            var service = f.Service ?? Fail<string>(p + ".service", $"required: one of {string.Join(", ", Operations.Services)}");
            var ops = Operations.OpsOf(service);
            if (ops is null)
            {
                Fail(p + ".service", $"unknown service '{service}' (known: {string.Join(", ", Operations.Services)})");
            }

            if (f.Operation is { } op && op != "*" && !ops!.Contains(op) && !(service == Operations.GitHub && Operations.GitHubGroups.Contains(op)))
            {
                Fail(p + ".operation", $"unknown operation '{op}' of {service} (known: {string.Join(", ", service == Operations.GitHub ? [.. ops!, .. Operations.GitHubGroups] : ops!)})");
            }

            var kinds = (f.Error is null ? 0 : 1) + (f.Malformed is null ? 0 : 1) + (f.ItemFailure is null ? 0 : 1);
            if (kinds == 0)
            {
                Fail(p + ".error", "required (or, instead, malformed or itemFailure)");
            }

            if (kinds > 1)
            {
                Fail(p + (f.ItemFailure is not null ? ".itemFailure" : ".malformed"), "a fault is one of error, malformed and itemFailure, not several");
            }

            if (f.Error is { } error)
            {
                if (service == Operations.GitHub)
                {
                    if (!int.TryParse(error, NumberStyles.None, CultureInfo.InvariantCulture, out var status) || status is < 400 or > 599)
                    {
                        Fail(p + ".error", $"a GitHub fault is an HTTP status from 400 to 599, not '{error}'");
                    }
                }
                else if (!ErrorCodePattern().IsMatch(error))
                {
                    Fail(p + ".error", $"'{error}' is not an AWS error code (e.g. ThrottlingException, InternalFailure)");
                }
            }

            if (f.Malformed is { } malformed && Malformation.Parse(malformed, out var problem) is null)
            {
                Fail(p + ".malformed", problem!);
            }

            if (f.ItemFailure is { } code)
            {
                if (service != Operations.Ecr)
                {
                    Fail(p + ".itemFailure", "only ECR batch calls (BatchGetImage, BatchDeleteImage) report item failures");
                }

                if (f.Operation is { } batchOp && batchOp is not ("*" or "BatchGetImage" or "BatchDeleteImage"))
                {
                    Fail(p + ".operation", $"an itemFailure fault is for BatchGetImage or BatchDeleteImage, not {batchOp}");
                }

                if (!EcrHandler.FailureCodes.Contains(code))
                {
                    Fail(p + ".itemFailure", $"'{code}' is not an ECR image failure code (known: {string.Join(", ", EcrHandler.FailureCodes)})");
                }
            }

            if (f.Times is { } times && times != -1 && times < 1)
            {
                Fail(p + ".times", "must be a positive count, or -1 for every request");
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    static DateTimeOffset? Time(double? hoursAgo, DateTimeOffset? at, string relPath, string absPath, DateTimeOffset now)
    {
        if (hoursAgo is not null && at is not null)
        {
            Fail(relPath, $"give either {Leaf(relPath)} or {Leaf(absPath)}, not both");
        }

        if (hoursAgo is { } h)
        {
            if (!double.IsFinite(h) || h < 0)
            {
                Fail(relPath, "must be 0 or more hours (times in the future are not allowed)");
            }

            return now - TimeSpan.FromHours(h);
        }
        if (at is { } t)
        {
            if (t > now.AddMinutes(5))
            {
                Fail(absPath, $"{t:O} is in the future");
            }

            return t.ToUniversalTime();
        }
        return null;
    }

    static string Leaf(string path) => path[(path.LastIndexOf('.') + 1)..];

    public static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    public static Guid DeterministicGuid(string seed)
    {
        var h = SHA256.HashData(Encoding.UTF8.GetBytes(seed));
        h[6] = (byte)((h[6] & 0x0F) | 0x40);
        h[8] = (byte)((h[8] & 0x3F) | 0x80);
        return new Guid(h.AsSpan(0, 16), bigEndian: true);
    }

    static int StableHash(string s) => BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes(s)), 0);

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    static void Fail(string path, string problem) => throw new ScenarioValidationException(path, problem);

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    static T Fail<T>(string path, string problem) => throw new ScenarioValidationException(path, problem);

    [GeneratedRegex(@"^\d{12}$")] private static partial Regex AccountPattern();
    [GeneratedRegex(@"^[a-z]{2}(-[a-z]+)+-\d+$")] private static partial Regex RegionPattern();
    [GeneratedRegex(@"^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$")] private static partial Regex RepositoryNamePattern();
    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")] private static partial Regex TagPattern();
    [GeneratedRegex(@"^sha256:[0-9a-f]{64}$")] public static partial Regex DigestPattern();
    [GeneratedRegex(@"^[a-z]+/[A-Za-z0-9.+_-]+$")] private static partial Regex MediaTypePattern();
    [GeneratedRegex(@"^[A-Za-z][-A-Za-z0-9]*$")] private static partial Regex StackNamePattern();
    [GeneratedRegex(@"^[A-Za-z0-9]+$")] private static partial Regex LogicalIdPattern();
    [GeneratedRegex(@"^(AWS|Alexa)::[A-Za-z0-9]+::[A-Za-z0-9]+(::[A-Za-z0-9]+)?$|^Custom::[A-Za-z0-9_@-]{1,60}$")] private static partial Regex ResourceTypePattern();
    [GeneratedRegex(@"^[a-zA-Z0-9_-]{1,64}$")] private static partial Regex FunctionNamePattern();
    [GeneratedRegex(@"^[1-9][0-9]{0,9}$")] private static partial Regex VersionPattern();
    [GeneratedRegex(@"^[a-zA-Z0-9_-]+$")] private static partial Regex AliasPattern();
    [GeneratedRegex(@"^(?<account>\d{12})\.dkr\.ecr\.(?<region>[a-z0-9-]+)\.amazonaws\.com/(?<repo>(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*)(?:@(?<ref>sha256:[0-9a-f]{64})|:(?<ref>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?$")]
    private static partial Regex ImageUriPattern();
    [GeneratedRegex(@"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")] private static partial Regex GitHubRepoPattern();
    [GeneratedRegex(@"^[0-9a-f]{40}$")] private static partial Regex ShaPattern();
    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9.]*$")] private static partial Regex ErrorCodePattern();
}
