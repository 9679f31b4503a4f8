using System.Collections;
using System.Management.Automation;
using EcrCleanup.Aws;

namespace EcrCleanup.Commands.Completion;

/// <summary>Completes -RepositoryName with the repositories of the account's registry (ECR DescribeRepositories, every page).</summary>
internal sealed class RepositoryNameCompleter : SafeCompleter
{
    protected override IEnumerable<CompletionResult> Complete(string wordToComplete, IDictionary? fakeBoundParameters) =>
        CompletionText.Complete(AccountLookup.Read("repositories", AwsServiceInfo.Ecr, fakeBoundParameters, ReadAsync), wordToComplete);

    private static async Task<IReadOnlyList<CompletionCandidate>> ReadAsync(AwsClientFactory clients, CancellationToken cancellationToken)
    {
        var names = new List<CompletionCandidate>();
        await foreach (var repository in clients.CreateEcr().ListRepositoriesAsync(cancellationToken).ConfigureAwait(false))
        {
            names.Add(new CompletionCandidate(repository.Name, repository.Uri));
        }

        return names.OrderBy(n => n.Value, StringComparer.Ordinal).ToArray();
    }
}
