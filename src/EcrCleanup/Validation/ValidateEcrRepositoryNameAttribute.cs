using System.Management.Automation;
using System.Text.RegularExpressions;

namespace EcrCleanup.Commands.Validation;

/// <summary>Accepts what ECR accepts as a repository name (2 to 256 characters, lower case, with / . _ - separators).</summary>
public sealed partial class ValidateEcrRepositoryNameAttribute : ValidateEnumeratedArgumentsAttribute
{
    /// <summary>True for what ECR accepts as a repository name; false for anything else, a registry URI (<c>123456789012.dkr.ecr.…/app</c>) included.</summary>
    public static bool IsRepositoryName(string? name) =>
        name is { Length: >= 2 and <= 256 } && RepositoryNamePattern().IsMatch(name) && !RegistryHost().IsMatch(name);

    protected override void ValidateElement(object element)
    {
        var name = element as string ?? element?.ToString();
        if (!IsRepositoryName(name))
        {
            throw new ValidationMetadataException(
                $"'{name}' is not a valid ECR repository name. Names are 2 to 256 characters of lower-case letters and digits, separated by '.', '_', '-' or '/' (for example 'helpmaton-lambda-images' or 'team/service').");
        }
    }

    [GeneratedRegex("^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$")]
    private static partial Regex RepositoryNamePattern();

    [GeneratedRegex(@"^[0-9]{12}\.dkr\.ecr[.-]")]
    private static partial Regex RegistryHost();
}
