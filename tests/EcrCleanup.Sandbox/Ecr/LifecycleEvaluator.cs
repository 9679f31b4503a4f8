namespace EcrCleanup.Sandbox.Ecr;

/// <summary>
/// What the lifecycle evaluator needs of an image. <see cref="Status"/> is ECR's ImageStatus (ACTIVE, ARCHIVED,
/// ACTIVATING); <see cref="Parents"/> are the digests of the image indexes that list it.
/// </summary>
public sealed record LifecycleImage(
    string Digest,
    IReadOnlyList<string> Tags,
    DateTimeOffset PushedAt,
    DateTimeOffset? LastPulledAt,
    string Status,
    DateTimeOffset? LastArchivedAt,
    DateTimeOffset? LastActivatedAt,
    IReadOnlyCollection<string> Parents)
{
    /// <summary>The storage class a rule's <c>storageClass</c> selects the image by; null while it is being restored.</summary>
    public string? StorageClass => Status switch
    {
        "ACTIVE" => LifecycleRule.Standard,
        "ARCHIVED" => LifecycleRule.Archive,
        _ => null,
    };
}

/// <summary>An image the policy acts on, and the rule that does.</summary>
public sealed record LifecycleMark(LifecycleImage Image, LifecycleRule Rule);

/// <summary>
/// The lifecycle policy evaluator as the ECR user guide ("How lifecycle policies work", "Lifecycle policy properties"
/// and the examples) describes it:
/// <list type="bullet">
/// <item>A rule identifies the images of its storage class that meet its tag requirements, and selects among them by
/// its count type. Every rule is evaluated on every image; then the rules are applied by priority, lowest first.</item>
/// <item>An image is acted on by at most one rule: a rule cannot mark an image that a higher priority rule identifies
/// (whether or not that rule marked it), but still counts it (imageCountMoreThan).</item>
/// <item>An image listed by an image index is acted on only if every such index is archived or is itself acted on.</item>
/// </list>
/// </summary>
public static class LifecycleEvaluator
{
    /// <summary>The images <paramref name="policy"/> acts on at <paramref name="now"/>, in the order of <paramref name="images"/>
    /// (push order, oldest first, which also orders images pushed at the same time).</summary>
    public static List<LifecycleMark> Evaluate(LifecyclePolicy policy, IReadOnlyList<LifecycleImage> images, DateTimeOffset now)
    {
        var order = images.Select((image, i) => (image, i)).ToDictionary(x => x.image, x => x.i);
        var marks = new Dictionary<LifecycleImage, LifecycleRule>();
        var identified = new HashSet<LifecycleImage>();
        foreach (var rule in policy.Rules)
        {
            var matching = images.Where(i => i.StorageClass == rule.StorageClass && rule.MatchesTags(i.Tags)).ToList();
            foreach (var image in Select(rule, matching, order, now))
            {
                if (!identified.Contains(image))
                {
                    marks[image] = rule;
                }
            }
            identified.UnionWith(matching);
        }

        DropHeldByIndexes(images, marks);
        return [.. images.Where(marks.ContainsKey).Select(i => new LifecycleMark(i, marks[i]))];
    }

    /// <summary>Which of the images a rule identifies its count type selects.</summary>
    static IEnumerable<LifecycleImage> Select(LifecycleRule rule, List<LifecycleImage> matching, Dictionary<LifecycleImage, int> order, DateTimeOffset now)
    {
        var limit = now - TimeSpan.FromDays(rule.CountNumber);
        return rule.CountType switch
        {
            // Youngest first; everything past the newest countNumber is selected.
            LifecycleRule.ImageCountMoreThan => matching
                .OrderByDescending(OrderingTime).ThenByDescending(i => order[i])
                .Skip(rule.CountNumber),
            LifecycleRule.SinceImagePushed => matching.Where(i => i.PushedAt < limit),
            LifecycleRule.SinceImagePulled => matching.Where(i => LastUse(i) < limit),
            LifecycleRule.SinceImageTransitioned => matching.Where(i => i.LastArchivedAt is { } archived && archived < limit),
            _ => throw new InvalidOperationException($"unknown countType {rule.CountType}"),
        };
    }

    /// <summary>What image age is ordered by: the push time, or the last restore for an image restored from the archive.</summary>
    static DateTimeOffset OrderingTime(LifecycleImage i) => i.LastActivatedAt ?? i.PushedAt;

    /// <summary>sinceImagePulled's time: the last pull, unless the image was restored since (then the restore), or the push if never pulled.</summary>
    public static DateTimeOffset LastUse(LifecycleImage i) => i.LastActivatedAt is { } activated && !(i.LastPulledAt > activated)
        ? activated
        : i.LastPulledAt ?? i.PushedAt;

    /// <summary>Unmarks, until nothing changes, each image listed by an index that is neither archived nor marked.</summary>
    static void DropHeldByIndexes(IReadOnlyList<LifecycleImage> images, Dictionary<LifecycleImage, LifecycleRule> marks)
    {
        var byDigest = images.ToDictionary(i => i.Digest, StringComparer.Ordinal);
        bool changed;
        do
        {
            var held = marks.Keys.Where(i => i.Parents.Any(p =>
                byDigest.TryGetValue(p, out var parent) && parent.Status != "ARCHIVED" && !marks.ContainsKey(parent))).ToList();
            foreach (var image in held)
            {
                marks.Remove(image);
            }

            changed = held.Count > 0;
        }
        while (changed);
    }
}
