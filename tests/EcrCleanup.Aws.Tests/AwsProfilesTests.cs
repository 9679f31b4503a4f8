namespace EcrCleanup.Aws.Tests;

public sealed class AwsProfilesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ecrcleanup-profiles-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, params string[] lines)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    private static Func<string, string?> Environment(string? config, string? credentials) =>
        name => name switch { "AWS_CONFIG_FILE" => config, "AWS_SHARED_CREDENTIALS_FILE" => credentials, _ => null };

    [Fact]
    public void Lists_the_profiles_of_both_files_once_each_as_the_aws_cli_does()
    {
        var config = Write("config",
            "[default]", "region = eu-west-2",
            "[profile dev]", "region = eu-west-1",
            "  [ profile  with space ]  ", "region = us-east-1",
            "[sso-session corp]", "sso_start_url = https://corp.awsapps.com/start",
            "[services local]", "ecr =", "  endpoint_url = http://127.0.0.1:1",
            "[not-a-profile]", "# a bare section of the config file is not a profile",
            "; [commented]");
        var credentials = Write("credentials",
            "[dev]", "aws_access_key_id = AKIDDEV", "aws_secret_access_key = secret",
            "[Prod]", "aws_access_key_id = AKIDPROD", "aws_secret_access_key = secret");

        Assert.Equal(["default", "dev", "Prod", "with space"], AwsProfiles.ListNames(getEnvironmentVariable: Environment(config, credentials)));
    }

    [Fact]
    public void A_missing_file_is_no_profiles_and_the_other_still_counts()
    {
        var credentials = Write("credentials", "[only]", "aws_access_key_id = A", "aws_secret_access_key = B");

        Assert.Equal(["only"], AwsProfiles.ListNames(getEnvironmentVariable: Environment(Path.Combine(_folder, "missing"), credentials)));
        Assert.Empty(AwsProfiles.ListNames(getEnvironmentVariable: Environment(Path.Combine(_folder, "missing"), Path.Combine(_folder, "missing-too"))));
    }

    [Fact]
    public void A_profile_location_is_read_instead_of_the_shared_files()
    {
        var config = Write("config", "[profile shared]");
        var location = Write("elsewhere", "[located]", "[profile literal]");

        Assert.Equal(["located", "profile literal"], AwsProfiles.ListNames(location, Environment(config, null)));
    }
}
