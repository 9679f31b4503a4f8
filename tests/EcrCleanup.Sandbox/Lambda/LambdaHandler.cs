using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using EcrCleanup.Sandbox.Aws;
using EcrCleanup.Sandbox.State;

namespace EcrCleanup.Sandbox.Lambda;

/// <summary>AWS Lambda over restJson1, under <c>/2015-03-31/</c>: GetFunction, ListFunctions, ListVersionsByFunction, ListAliases.</summary>
internal static partial class LambdaHandler
{
    public const string Prefix = "/2015-03-31/";
    const int MaxPage = 50;

    /// <summary>The operation a request path names, and the function name (as sent) it names; null for an unknown route.</summary>
    public static (string? Operation, string? Function) Route(string method, string path)
    {
        if (!HttpMethods.IsGet(method))
        {
            return (null, null);
        }

        var rest = path[Prefix.Length..].TrimEnd('/');
        var parts = rest.Split('/');
        return parts switch
        {
            ["functions"] => ("ListFunctions", null),
            ["functions", var f] when f.Length > 0 => ("GetFunction", f),
            ["functions", var f, "versions"] when f.Length > 0 => ("ListVersionsByFunction", f),
            ["functions", var f, "aliases"] when f.Length > 0 => ("ListAliases", f),
            _ => (null, null),
        };
    }

    /// <summary>What a fault's <c>match</c> is tested against: the function's name (from a name or an ARN).</summary>
    public static string Target(string? function) => function is null ? "" : Split(function).Name;

    public static AwsException UnknownOperation() => new("UnknownOperationException", 404, "Unknown operation") { MessageMember = "Message" };

    public static byte[] Handle(AwsCall call, string? function)
    {
        var query = call.Http.Request.Query;
        return call.Operation switch
        {
            "GetFunction" => GetFunction(call, function!, query["Qualifier"].ToString()),
            "ListFunctions" => ListFunctions(call, query),
            "ListVersionsByFunction" => ListVersions(call, function!, query),
            "ListAliases" => ListAliases(call, function!, query),
            _ => throw UnknownOperation(),
        };
    }

    // ---------------------------------------------------------------- GetFunction

    static byte[] GetFunction(AwsCall call, string functionName, string qualifierParam)
    {
        var state = call.State;
        var (name, qualifierInName) = Resolve(state, functionName, allowQualifier: true);
        var qualifier = qualifierParam.Length > 0 ? qualifierParam : null;
        if (qualifier is not null && !QualifierPattern().IsMatch(qualifier))
        {
            throw Validation($"1 validation error detected: Value '{qualifier}' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)");
        }

        if (qualifierInName is not null && qualifier is not null && qualifierInName != qualifier)
        {
            throw InvalidParameter("The derived qualifier from the function name does not match the specified qualifier.");
        }

        qualifier ??= qualifierInName;

        var fn = state.FindFunction(name) ?? throw NotFound(state, name, qualifier);
        LambdaVersion version;
        if (qualifier is null or "$LATEST")
        {
            version = fn.Latest;
        }
        else if (VersionNumber().IsMatch(qualifier))
        {
            version = fn.Version(qualifier) ?? throw NotFound(state, name, qualifier);
        }
        else
        {
            var alias = fn.Aliases.Find(a => a.Name == qualifier) ?? throw NotFound(state, name, qualifier);
            version = fn.Version(alias.Version)!;
        }

        return AwsResponses.Json(w =>
        {
            w.WritePropertyName("Configuration");
            WriteConfiguration(w, fn, version, qualifier is null ? fn.Arn : $"{fn.Arn}:{qualifier}", state);
            w.WriteStartObject("Code");
            if (fn.PackageType == "Image")
            {
                w.WriteString("RepositoryType", "ECR");
                w.WriteString("ImageUri", version.ImageUri);
                w.WriteString("ResolvedImageUri", version.ResolvedImageUri);
            }
            else
            {
                w.WriteString("RepositoryType", "S3");
                w.WriteString("Location", $"https://awslambda-{state.Region}-tasks.s3.{state.Region}.amazonaws.com/snapshots/{state.Account}/{fn.Name}-{version.RevisionId}?X-Amz-Security-Token=sandbox");
            }
            w.WriteEndObject();
            w.WriteStartObject("Tags");
            w.WriteEndObject();
        });
    }

    // ---------------------------------------------------------------- ListFunctions

    static byte[] ListFunctions(AwsCall call, IQueryCollection query)
    {
        var state = call.State;
        var all = query["FunctionVersion"].ToString();
        if (all.Length > 0 && all != "ALL")
        {
            throw Validation($"1 validation error detected: Value '{all}' at 'functionVersion' failed to satisfy constraint: Member must satisfy enum value set: [ALL]");
        }
        // Without FunctionVersion=ALL only $LATEST of each function, under its unqualified ARN.
        var entries = state.Functions
            .SelectMany(f => all == "ALL"
                ? f.Versions.Select(v => (Fn: f, Version: v, Arn: $"{f.Arn}:{v.Version}"))
                : [(Fn: f, Version: f.Latest, Arn: f.Arn)])
            .ToList();
        var (page, marker) = Page(call, query, entries, all);
        return AwsResponses.Json(w =>
        {
            if (marker is not null)
            {
                w.WriteString("NextMarker", marker);
            }

            w.WriteStartArray("Functions");
            foreach (var e in page)
            {
                WriteConfiguration(w, e.Fn, e.Version, e.Arn, state);
            }

            w.WriteEndArray();
        });
    }

    // ---------------------------------------------------------------- ListVersionsByFunction

    static byte[] ListVersions(AwsCall call, string functionName, IQueryCollection query)
    {
        var state = call.State;
        var (name, qualifier) = Resolve(state, functionName, allowQualifier: true);
        if (qualifier is not null)
        {
            throw InvalidParameter("Qualifiers are not supported for this operation.");
        }

        var fn = state.FindFunction(name) ?? throw NotFound(state, name, null);
        var (page, marker) = Page(call, query, fn.Versions, fn.Name);
        return AwsResponses.Json(w =>
        {
            if (marker is not null)
            {
                w.WriteString("NextMarker", marker);
            }

            w.WriteStartArray("Versions");
            foreach (var v in page)
            {
                WriteConfiguration(w, fn, v, $"{fn.Arn}:{v.Version}", state);
            }

            w.WriteEndArray();
        });
    }

    // ---------------------------------------------------------------- ListAliases

    static byte[] ListAliases(AwsCall call, string functionName, IQueryCollection query)
    {
        var state = call.State;
        var (name, qualifier) = Resolve(state, functionName, allowQualifier: true);
        if (qualifier is not null)
        {
            throw InvalidParameter("Qualifiers are not supported for this operation.");
        }

        var fn = state.FindFunction(name) ?? throw NotFound(state, name, null);
        var version = query["FunctionVersion"].ToString();
        if (version.Length > 0 && !VersionPattern().IsMatch(version))
        {
            throw Validation($"1 validation error detected: Value '{version}' at 'functionVersion' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\$LATEST|[0-9]+)");
        }

        var aliases = fn.Aliases.Where(a => version.Length == 0 || a.Version == version).ToList();
        var (page, marker) = Page(call, query, aliases, $"{fn.Name}\n{version}");
        return AwsResponses.Json(w =>
        {
            if (marker is not null)
            {
                w.WriteString("NextMarker", marker);
            }

            w.WriteStartArray("Aliases");
            foreach (var a in page)
            {
                w.WriteStartObject();
                w.WriteString("AliasArn", $"{fn.Arn}:{a.Name}");
                w.WriteString("Name", a.Name);
                w.WriteString("FunctionVersion", a.Version);
                w.WriteString("Description", "");
                if (a.AdditionalVersionWeights.Count > 0)
                {
                    w.WriteStartObject("RoutingConfig");
                    w.WriteStartObject("AdditionalVersionWeights");
                    foreach (var (v, weight) in a.AdditionalVersionWeights)
                    {
                        w.WriteNumber(v, weight);
                    }

                    w.WriteEndObject();
                    w.WriteEndObject();
                }
                w.WriteString("RevisionId", a.RevisionId);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
    }

    // ---------------------------------------------------------------- shared

    static void WriteConfiguration(Utf8JsonWriter w, LambdaFunction fn, LambdaVersion v, string arn, SandboxState state)
    {
        w.WriteStartObject();
        w.WriteString("FunctionName", fn.Name);
        w.WriteString("FunctionArn", arn);
        if (fn.PackageType == "Zip")
        {
            w.WriteString("Runtime", "nodejs20.x");
            w.WriteString("Handler", "index.handler");
        }
        w.WriteString("Role", $"arn:aws:iam::{state.Account}:role/{Truncate(fn.Name, 40)}-role");
        w.WriteNumber("CodeSize", v.CodeSize);
        w.WriteString("Description", "");
        w.WriteNumber("Timeout", 30);
        w.WriteNumber("MemorySize", 1024);
        w.WriteString("LastModified", v.LastModified.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture));
        w.WriteString("CodeSha256", v.CodeSha256);
        w.WriteString("Version", v.Version);
        w.WriteStartObject("TracingConfig");
        w.WriteString("Mode", "PassThrough");
        w.WriteEndObject();
        w.WriteString("RevisionId", v.RevisionId);
        w.WriteString("State", "Active");
        w.WriteString("LastUpdateStatus", "Successful");
        w.WriteString("PackageType", fn.PackageType);
        w.WriteStartArray("Architectures");
        w.WriteStringValue("x86_64");
        w.WriteEndArray();
        w.WriteStartObject("EphemeralStorage");
        w.WriteNumber("Size", 512);
        w.WriteEndObject();
        w.WriteStartObject("SnapStart");
        w.WriteString("ApplyOn", "None");
        w.WriteString("OptimizationStatus", "Off");
        w.WriteEndObject();
        w.WriteStartObject("LoggingConfig");
        w.WriteString("LogFormat", "Text");
        w.WriteString("LogGroup", $"/aws/lambda/{fn.Name}");
        w.WriteEndObject();
        w.WriteEndObject();
    }

    static (List<T> Page, string? Marker) Page<T>(AwsCall call, IQueryCollection query, List<T> all, string listing)
    {
        var maxText = query["MaxItems"].ToString();
        var max = MaxPage;
        if (maxText.Length > 0)
        {
            if (!int.TryParse(maxText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
            {
                throw Validation($"1 validation error detected: Value '{maxText}' at 'maxItems' failed to satisfy constraint: Member must be a number");
            }

            if (n < 1)
            {
                throw Validation($"1 validation error detected: Value '{n}' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1");
            }

            if (n > 10000)
            {
                throw Validation($"1 validation error detected: Value '{n}' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 10000");
            }

            max = Math.Min(n, MaxPage);
        }
        var marker = query["Marker"].ToString();
        return call.Page(all, listing, marker.Length > 0 ? marker : null, max, () => InvalidParameter("Invalid Marker value"));
    }

    /// <summary>A function named by name, name:qualifier, ACCOUNT:function:name[:q] or its full ARN.</summary>
    static (string Name, string? Qualifier) Resolve(SandboxState state, string functionName, bool allowQualifier)
    {
        if (functionName.Length > 170 || !FunctionNamePattern().IsMatch(functionName))
        {
            throw Validation($"1 validation error detected: Value '{functionName}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{{2}}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{{1}}:)?(\\d{{12}}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?");
        }

        var (name, qualifier, region, account) = Split(functionName);
        if ((region is not null && region != state.Region) || (account is not null && account != state.Account))
        {
            throw NotFound(state, name, qualifier, functionName);
        }

        return (name, allowQualifier ? qualifier : null);
    }

    static (string Name, string? Qualifier, string? Region, string? Account) Split(string functionName)
    {
        var parts = functionName.Split(':');
        return parts switch
        {
            ["arn", _, "lambda", var region, var account, "function", var name] => (name, null, region, account),
            ["arn", _, "lambda", var region, var account, "function", var name, var q] => (name, q, region, account),
            [var account, "function", var name] => (name, null, null, account),
            [var account, "function", var name, var q] => (name, q, null, account),
            [var name, var q] => (name, q, null, null),
            _ => (functionName, null, null, null),
        };
    }

    static AwsException NotFound(SandboxState state, string name, string? qualifier, string? asGiven = null)
    {
        var arn = asGiven is not null && asGiven.StartsWith("arn:", StringComparison.Ordinal)
            ? asGiven
            : $"arn:aws:lambda:{state.Region}:{state.Account}:function:{name}{(qualifier is null ? "" : ":" + qualifier)}";
        var e = new AwsException("ResourceNotFoundException", 404, $"Function not found: {arn}") { MessageMember = "Message" };
        e.Fields["Type"] = "User";
        return e;
    }

    static AwsException InvalidParameter(string message)
    {
        var e = new AwsException("InvalidParameterValueException", 400, message) { MessageMember = "message" };
        e.Fields["Type"] = "User";
        return e;
    }

    static AwsException Validation(string message) => new("ValidationException", 400, message) { MessageMember = "message" };

    static string Truncate(string s, int n) => s.Length <= n ? s : s[..n];

    [GeneratedRegex(@"^(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?$")]
    private static partial Regex FunctionNamePattern();
    [GeneratedRegex(@"^[a-zA-Z0-9$_-]+$")] private static partial Regex QualifierPattern();
    [GeneratedRegex(@"^[0-9]+$")] private static partial Regex VersionNumber();
    [GeneratedRegex(@"^(\$LATEST|[0-9]+)$")] private static partial Regex VersionPattern();
}
