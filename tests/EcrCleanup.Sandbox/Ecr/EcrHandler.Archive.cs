using EcrCleanup.Sandbox.Aws;
using EcrCleanup.Sandbox.State;

namespace EcrCleanup.Sandbox.Ecr;

// UpdateImageStorageClass: ECR's archive storage class. ARCHIVE moves an ACTIVE image to the archive (ARCHIVED, which
// cannot be pulled); STANDARD restores an archived one, ACTIVATING for the scenario's activationDelaySeconds, then ACTIVE.
internal static partial class EcrHandler
{
    static byte[] UpdateImageStorageClass(AwsCall call, JsonInput input)
    {
        var state = call.State;
        var repo = Repository(input, state);
        var id = input.Object("imageId") ?? throw InvalidParameter("imageId", "Member must not be null");
        var target = input.String("targetStorageClass") ?? throw InvalidParameter("targetStorageClass", "Member must not be null");
        if (target is not ("STANDARD" or "ARCHIVE"))
        {
            throw InvalidParameter("targetStorageClass", "Member must satisfy enum value set: [STANDARD, ARCHIVE]");
        }

        var (digest, tag) = (id.String("imageDigest"), id.String("imageTag"));
        CheckImageId(digest, tag, "imageId", "imageId.imageDigest");
        var image = Find(repo, digest, tag) ?? throw ImageNotFound(repo, state, digest, tag);
        if (target == "ARCHIVE")
        {
            Archive(repo, image, call.Now);
        }
        else
        {
            Restore(state, image, call.Now);
        }

        return AwsResponses.Json(w =>
        {
            w.WriteString("registryId", state.Account);
            w.WriteString("repositoryName", repo.Name);
            w.WritePropertyName("imageId");
            WriteImageId(w, image.Digest, tag);
            w.WriteString("imageStatus", image.Status);
        });
    }

    static void Archive(EcrRepository repo, EcrImage image, DateTimeOffset now)
    {
        if (image.Status != ImageStatuses.Active)
        {
            throw StorageClassState(image, image.Status == ImageStatuses.Archived ? "is already archived" : "is being restored from the archive");
        }

        if (image.Subject is not null)
        {
            throw new AwsException("ImageStorageClassUpdateNotSupportedException", 400,
                $"The storage class of image '{image.Digest}' cannot be updated: it is a referrer of '{image.Subject}', and a referrer is archived and restored with its subject");
        }

        var liveParents = repo.ParentsOf(image.Digest).Where(p => repo.ByDigest(p)?.Status != ImageStatuses.Archived).Order(StringComparer.Ordinal).ToList();
        if (liveParents.Count > 0)
        {
            throw StorageClassState(image, $"is referenced by manifest list [{string.Join(", ", liveParents)}], which is not archived");
        }

        image.Status = ImageStatuses.Archived;
        image.LastArchivedAt = now;
    }

    static void Restore(SandboxState state, EcrImage image, DateTimeOffset now)
    {
        if (image.Status != ImageStatuses.Archived)
        {
            throw StorageClassState(image, image.Status == ImageStatuses.Active ? "is not archived" : "is already being restored from the archive");
        }

        state.StartActivation(image, now + state.ActivationDelay);
        state.SettleActivations(now);
    }

    static AwsException StorageClassState(EcrImage image, string problem) =>
        new("InvalidParameterException", 400, $"Invalid parameter: the image with digest '{image.Digest}' {problem}");

    /// <summary>An image id names a digest or a tag, and a digest is a digest.</summary>
    static void CheckImageId(string? digest, string? tag, string field, string digestField)
    {
        if (digest is null && tag is null)
        {
            throw InvalidParameter(field, "Missing image digest and image tag");
        }

        if (digest is not null && !DigestPattern().IsMatch(digest))
        {
            throw InvalidParameter(digestField, "Invalid image digest");
        }
    }
}
