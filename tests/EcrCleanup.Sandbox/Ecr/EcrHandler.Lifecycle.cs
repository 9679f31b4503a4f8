using System.Text.Json;
using EcrCleanup.Sandbox.Aws;
using EcrCleanup.Sandbox.State;

namespace EcrCleanup.Sandbox.Ecr;

// Lifecycle policies: GetLifecyclePolicy, StartLifecyclePolicyPreview and GetLifecyclePolicyPreview. A preview is
// evaluated (LifecycleEvaluator) when it starts and reported IN_PROGRESS for the scenario's lifecyclePreviewDelaySeconds,
// then COMPLETE. The sandbox never applies a policy: previews only.
internal static partial class EcrHandler
{
    const int MaxPreviewPageSize = 100;

    static byte[] GetLifecyclePolicy(AwsCall call, JsonInput input)
    {
        var state = call.State;
        var repo = Repository(input, state);
        var text = repo.LifecyclePolicyText ?? throw LifecyclePolicyNotFound(repo, state);
        return AwsResponses.Json(w =>
        {
            w.WriteString("registryId", state.Account);
            w.WriteString("repositoryName", repo.Name);
            w.WriteString("lifecyclePolicyText", text);
        });
    }

    static byte[] StartLifecyclePolicyPreview(AwsCall call, JsonInput input)
    {
        var state = call.State;
        var repo = Repository(input, state);
        var text = input.String("lifecyclePolicyText");
        if (text is not null && text.Length < LifecyclePolicy.MinTextLength)
        {
            throw InvalidParameter("lifecyclePolicyText", $"Member must have length greater than or equal to {LifecyclePolicy.MinTextLength}");
        }

        if (text is not null && text.Length > LifecyclePolicy.MaxTextLength)
        {
            throw InvalidParameter("lifecyclePolicyText", $"Member must have length less than or equal to {LifecyclePolicy.MaxTextLength}");
        }

        text ??= repo.LifecyclePolicyText ?? throw LifecyclePolicyNotFound(repo, state);
        LifecyclePolicy policy;
        try
        {
            policy = LifecyclePolicy.Parse(text);
        }
        catch (LifecyclePolicyException e)
        {
            throw new AwsException("InvalidParameterException", 400,
                $"Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: {e.Message}'");
        }

        var now = call.Now;
        if (repo.Preview is { } running && !running.IsComplete(now))
        {
            throw new AwsException("LifecyclePolicyPreviewInProgressException", 400,
                $"The lifecycle policy preview for the repository with name '{repo.Name}' in the registry with id '{state.Account}' is still in progress");
        }

        var images = repo.Images.Select(i => new LifecycleImage(i.Digest, [.. i.Tags], i.PushedAt, i.LastPulledAt, i.Status,
            i.LastArchivedAt, i.LastActivatedAt, [.. repo.ParentsOf(i.Digest)])).ToList();
        var preview = new LifecyclePreview
        {
            PolicyText = text,
            StartedAt = now,
            CompletesAt = now + state.LifecyclePreviewDelay,
            Results = LifecycleEvaluator.Evaluate(policy, images, now),
        };
        repo.Preview = preview;
        return AwsResponses.Json(w =>
        {
            w.WriteString("registryId", state.Account);
            w.WriteString("repositoryName", repo.Name);
            w.WriteString("lifecyclePolicyText", text);
            w.WriteString("status", PreviewStatus(preview, now));
        });
    }

    static byte[] GetLifecyclePolicyPreview(AwsCall call, JsonInput input)
    {
        var state = call.State;
        var repo = Repository(input, state);
        var ids = ImageIds(input, required: false);
        var maxResults = input.Int("maxResults");
        if (maxResults is < 1 or > MaxPreviewPageSize)
        {
            throw InvalidParameter("maxResults", maxResults < 1
                ? "Member must have value greater than or equal to 1"
                : $"Member must have value less than or equal to {MaxPreviewPageSize}");
        }

        var nextToken = input.String("nextToken");
        var (tagStatus, _) = Filter(input, withImageStatus: false);
        if (ids is not null && (maxResults is not null || nextToken is not null))
        {
            throw new AwsException("InvalidParameterException", 400, "Invalid parameter: maxResults and nextToken cannot be used with imageIds");
        }

        var preview = repo.Preview ?? throw new AwsException("LifecyclePolicyPreviewNotFoundException", 400,
            $"There is no lifecycle policy preview for the repository with name '{repo.Name}' in the registry with id '{state.Account}'");
        var status = PreviewStatus(preview, call.Now);
        var complete = status == "COMPLETE";
        var matching = complete
            ? preview.Results.Where(m => PassesTagStatus(m.Image.Tags, tagStatus) && (ids is null || ids.Exists(id => Names(m.Image, id)))).ToList()
            : [];
        var (page, token) = call.Page(matching, $"{repo.Name}\n{preview.StartedAt.UtcTicks}\n{tagStatus}", nextToken,
            maxResults ?? MaxPreviewPageSize, InvalidToken);
        return AwsResponses.Json(w =>
        {
            w.WriteString("registryId", state.Account);
            w.WriteString("repositoryName", repo.Name);
            w.WriteString("lifecyclePolicyText", preview.PolicyText);
            w.WriteString("status", status);
            if (token is not null)
            {
                w.WriteString("nextToken", token);
            }

            w.WriteStartArray("previewResults");
            foreach (var mark in page)
            {
                WritePreviewResult(w, mark);
            }

            w.WriteEndArray();
            if (complete)
            {
                WritePreviewSummary(w, preview.Results);
            }
        });
    }

    static string PreviewStatus(LifecyclePreview preview, DateTimeOffset now) => preview.IsComplete(now) ? "COMPLETE" : "IN_PROGRESS";

    /// <summary>Whether an image id (as GetLifecyclePolicyPreview's imageIds give them) names the image.</summary>
    static bool Names(LifecycleImage image, (string? Digest, string? Tag) id) =>
        (id.Digest is null || id.Digest == image.Digest) && (id.Tag is null || image.Tags.Contains(id.Tag));

    static void WritePreviewResult(Utf8JsonWriter w, LifecycleMark mark)
    {
        var image = mark.Image;
        w.WriteStartObject();
        WriteTags(w, image.Tags);
        w.WriteString("imageDigest", image.Digest);
        AwsResponses.WriteEpoch(w, "imagePushedAt", image.PushedAt);
        w.WriteStartObject("action");
        w.WriteString("type", mark.Rule.ActionType.ToUpperInvariant());
        if (mark.Rule.ActionType == LifecycleRule.Transition)
        {
            w.WriteString("targetStorageClass", "ARCHIVE");
        }

        w.WriteEndObject();
        w.WriteNumber("appliedRulePriority", mark.Rule.Priority);
        w.WriteString("storageClass", image.StorageClass!.ToUpperInvariant());
        w.WriteEndObject();
    }

    static void WritePreviewSummary(Utf8JsonWriter w, IReadOnlyList<LifecycleMark> results)
    {
        var transitioning = results.Count(m => m.Rule.ActionType == LifecycleRule.Transition);
        w.WriteStartObject("summary");
        w.WriteNumber("expiringImageTotalCount", results.Count - transitioning);
        if (transitioning > 0)
        {
            w.WriteStartArray("transitioningImageTotalCounts");
            w.WriteStartObject();
            w.WriteString("targetStorageClass", "ARCHIVE");
            w.WriteNumber("imageTotalCount", transitioning);
            w.WriteEndObject();
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    static AwsException LifecyclePolicyNotFound(EcrRepository repo, SandboxState state) =>
        new("LifecyclePolicyNotFoundException", 400,
            $"Lifecycle policy does not exist for the repository with name '{repo.Name}' in the registry with id '{state.Account}'");
}
