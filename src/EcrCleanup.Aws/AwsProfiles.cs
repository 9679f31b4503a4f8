using Amazon.Runtime.CredentialManagement;

namespace EcrCleanup.Aws;

/// <summary>
/// The names of the profiles a user can pass as -ProfileName, as <c>aws configure list-profiles</c> lists them: the
/// sections of the shared config file (<c>[default]</c>, <c>[profile NAME]</c>) and credentials file (<c>[NAME]</c>), and
/// on Windows the AWS Tools' encrypted SDK store. Names only: nothing else of a profile is read or kept.
/// </summary>
/// <remarks>
/// The files are read here rather than through <see cref="CredentialProfileStoreChain.ListProfiles"/>, which leaves
/// out profiles that name a region but no credentials and keeps the file paths it first saw for the life of the
/// process, so AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE set later in a session would not count.
/// </remarks>
public static class AwsProfiles
{
    /// <param name="profileLocation">A credentials file to read instead of the shared files and the SDK store (AWS Tools' -ProfileLocation).</param>
    /// <param name="getEnvironmentVariable">Reads AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE; default: the process environment.</param>
    public static IReadOnlyList<string> ListNames(string? profileLocation = null, Func<string, string?>? getEnvironmentVariable = null)
    {
        getEnvironmentVariable ??= Environment.GetEnvironmentVariable;
        var names = new List<string>();
        if (!string.IsNullOrWhiteSpace(profileLocation))
        {
            names.AddRange(SectionNames(ExpandHome(profileLocation)));
        }
        else
        {
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            var config = getEnvironmentVariable("AWS_CONFIG_FILE") is { Length: > 0 } configFile ? ExpandHome(configFile) : Path.Combine(home, ".aws", "config");
            var credentials = getEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE") is { Length: > 0 } credentialsFile ? ExpandHome(credentialsFile) : Path.Combine(home, ".aws", "credentials");
            names.AddRange(SectionNames(config).Select(ConfigProfileName).OfType<string>());
            names.AddRange(SectionNames(credentials));
            names.AddRange(SdkStoreNames());
        }

        return names.Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).OrderBy(n => n, StringComparer.OrdinalIgnoreCase).ToArray();
    }

    /// <summary>The config file's <c>[default]</c> and <c>[profile NAME]</c>; its other sections (<c>sso-session</c>, <c>services</c>, ...) are not profiles.</summary>
    private static string? ConfigProfileName(string section)
    {
        if (section == "default")
        {
            return "default";
        }

        var parts = section.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts is ["profile", var name] ? name : null;
    }

    private static IEnumerable<string> SectionNames(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return [];
        }

        return lines.Select(l => l.Trim())
            .Where(l => l.StartsWith('[') && l.IndexOf(']') > 1)
            .Select(l => l[1..l.IndexOf(']')].Trim());
    }

    /// <summary>AWS Tools for PowerShell's encrypted store (Set-AWSCredential -StoreAs), which exists on Windows only.</summary>
    private static IEnumerable<string> SdkStoreNames()
    {
        if (!OperatingSystem.IsWindows())
        {
            return [];
        }

        try
        {
            return new NetSDKCredentialsFile().ListProfileNames();
        }
        catch (Exception)
        {
            // The store is unavailable (Nano Server, no loaded user profile) or unreadable: the files still count.
            return [];
        }
    }

    private static string ExpandHome(string path) =>
        path == "~" || path.StartsWith("~/", StringComparison.Ordinal) || path.StartsWith("~\\", StringComparison.Ordinal)
            ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + path[1..]
            : path;
}
