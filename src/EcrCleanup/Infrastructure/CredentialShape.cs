using System.Collections;
using System.Management.Automation;
using System.Reflection;
using EcrCleanup.Aws;

namespace EcrCleanup.Commands.Infrastructure;

/// <summary>
/// Reads -Credential by its shape, since AWS.Tools' credential objects live in another load context (their
/// <c>Amazon.Runtime.AWSCredentials</c> is not this module's): anything with a <c>GetCredentials()</c> method
/// returning an access key and secret key (AWS.Tools' <c>Get-AWSCredential</c>), asked again each time keys are
/// needed; or anything holding the keys itself (<c>AccessKey</c>/<c>AccessKeyId</c>, <c>SecretKey</c>/<c>SecretAccessKey</c>,
/// <c>Token</c>/<c>SessionToken</c>: an STS <c>Credentials</c> object, a hashtable, a PSCustomObject), read once.
/// </summary>
internal static class CredentialShape
{
    private static readonly string[] AccessKeyNames = ["AccessKey", "AccessKeyId"];
    private static readonly string[] SecretKeyNames = ["SecretKey", "SecretAccessKey"];
    private static readonly string[] TokenNames = ["Token", "SessionToken"];

    /// <exception cref="ArgumentException">The object has neither shape, or its keys are empty.</exception>
    public static Func<AwsKeys> Read(PSObject credential)
    {
        var value = credential.BaseObject;
        if (value is not PSCustomObject && value is not IDictionary
            && value.GetType().GetMethod("GetCredentials", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes) is { } getCredentials)
        {
            // Asked on whatever thread needs the keys (a .NET object's method needs no runspace); once now, so that an
            // object of another shape is refused before anything is read.
            AwsKeys Ask() => KeysOf(getCredentials.Invoke(value, null) ?? throw new ArgumentException("-Credential's GetCredentials() returned nothing."));
            Ask();
            return Ask;
        }

        var keys = KeysOf(credential);
        return () => keys;
    }

    private static AwsKeys KeysOf(object holder)
    {
        var source = holder as PSObject ?? PSObject.AsPSObject(holder);
        string? Text(string[] names) => names.Select(name => Member(source, name)).FirstOrDefault(v => !string.IsNullOrEmpty(v));
        var accessKey = Text(AccessKeyNames);
        var secretKey = Text(SecretKeyNames);
        if (accessKey is null || secretKey is null)
        {
            throw new ArgumentException(
                "-Credential takes AWS credentials: an object with a GetCredentials() method (such as AWS.Tools' Get-AWSCredential returns), or one with AccessKey (or AccessKeyId) and SecretKey (or SecretAccessKey), and Token (or SessionToken) for temporary keys. This object has neither.");
        }

        return new AwsKeys(accessKey, secretKey, Text(TokenNames));
    }

    private static string? Member(PSObject source, string name) =>
        source.BaseObject is IDictionary dictionary
            ? dictionary.Contains(name) ? dictionary[name]?.ToString() : null
            : source.Properties[name]?.Value?.ToString();
}
