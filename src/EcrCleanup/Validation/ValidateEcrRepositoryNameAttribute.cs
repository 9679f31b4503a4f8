using System.Management.Automation;
using System.Text.RegularExpressions;

namespace EcrCleanup.Commands.Validation;

/// <summary>Accepts what ECR accepts as a repository name (2 to 256 characters, lower case, with / . _ - separators).</summary>
public sealed partial class ValidateEcrRepositoryNameAttribute : ValidateEnumeratedArgumentsAttribute
{
    protected override void ValidateElement(object element)
    {
        var name = element as string ?? element?.ToString();
        if (name is null || name.Length is < 2 or > 256 || !RepositoryNamePattern().IsMatch(name))
        {
            throw new ValidationMetadataException(
                $"'{name}' is not a valid ECR repository name. Names are 2 to 256 characters of lower-case letters and digits, separated by '.', '_', '-' or '/' (for example 'helpmaton-lambda-images' or 'team/service').");
        }
    }

    [GeneratedRegex("^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$")]
    private static partial Regex RepositoryNamePattern();
}
