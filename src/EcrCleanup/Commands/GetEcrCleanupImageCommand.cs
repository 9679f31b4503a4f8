using System.Management.Automation;
using EcrCleanup.Commands.Completion;
using EcrCleanup.Commands.Infrastructure;
using EcrCleanup.Commands.Validation;
using EcrCleanup.Configuration;
using EcrCleanup.Inventory;
using EcrCleanup.Model;

namespace EcrCleanup.Commands;

/// <summary>
/// <para type="synopsis">Lists the images of ECR repositories.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "EcrCleanupImage")]
[OutputType(typeof(EcrImage))]
public sealed class GetEcrCleanupImageCommand : AwsCmdletBase
{
    private const int ProgressActivityId = 1;

    /// <summary>The repositories to list. Default: ECR_REPOSITORY_NAME, then helpmaton-lambda-images.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateEcrRepositoryName]
    [ArgumentCompleter(typeof(RepositoryNameCompleter))]
    public string[]? RepositoryName { get; set; }

    protected override async Task ProcessRecordAsync()
    {
        var names = RepositoryName ?? new[]
        {
            ConfigurationDefaults.StringOrDefault(Environment.GetEnvironmentVariable, ConfigurationDefaults.RepositoryNameVariable, ConfigurationDefaults.RepositoryName),
        };
        var ecr = Clients.CreateEcr();

        foreach (var name in names)
        {
            var activity = $"Reading the images of ECR repository '{name}'";
            var inventory = await CallServicesAsync(name, () => ImageInventory.LoadAsync(
                ecr,
                name,
                new InlineProgress(count => Progress(new ProgressRecord(ProgressActivityId, activity, $"{count} images read"))),
                CancelToken)).ConfigureAwait(false);
            Progress(new ProgressRecord(ProgressActivityId, activity, "Done") { RecordType = ProgressRecordType.Completed });

            foreach (var image in inventory.Images.OrderByDescending(i => i.PushedAt).ThenBy(i => i.Digest, StringComparer.Ordinal))
            {
                Emit(image);
            }
        }
    }
}
