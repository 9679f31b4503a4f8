namespace EcrCleanup.Sandbox.State;

/// <summary>The live repositories and images as a scenario, every time absolute: loadable again as it is.</summary>
internal static class StateExporter
{
    public static Scenario Export(SandboxState state, DateTimeOffset now)
    {
        lock (state.EcrLock)
        {
            state.SettleActivations(now);
            return new Scenario
            {
                Account = state.Account,
                Region = state.Region,
                Repositories = state.Repositories.Select(r => new ScenarioRepository
                {
                    Name = r.Name,
                    TagMutability = r.TagMutability,
                    LifecyclePolicy = r.LifecyclePolicyText,
                    Images = r.Images.Select(i => new ScenarioImage
                    {
                        Digest = i.Digest,
                        Tags = [.. i.Tags],
                        PushedAt = i.PushedAt,
                        SizeBytes = i.SizeBytes,
                        MediaType = i.MediaType,
                        Children = i.Children.Count > 0 ? [.. i.Children] : null,
                        Subject = i.Subject,
                        ArtifactType = i.ArtifactType,
                        LastPulledAt = i.LastPulledAt,
                        Status = i.Status == ImageStatuses.Active ? null : i.Status,
                        LastArchivedAt = i.LastArchivedAt,
                        LastActivatedAt = i.LastActivatedAt,
                    }).ToList(),
                }).ToList(),
            };
        }
    }
}
