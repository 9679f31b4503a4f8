using System.Globalization;
using System.Numerics;
using EcrCleanup.Configuration;

namespace EcrCleanup.Commands.Infrastructure;

/// <summary>The seed's environment variables as parameter defaults: a parameter given wins, then the variable, then the default.</summary>
internal static class EnvironmentDefaults
{
    public static string String(string? parameter, string variable, string fallback) =>
        !string.IsNullOrWhiteSpace(parameter) ? parameter : ConfigurationDefaults.StringOrDefault(Environment.GetEnvironmentVariable, variable, fallback);

    /// <summary>A number: the parameter, else the variable (refused, naming it, when it is not a number in range), else the default.</summary>
    public static T Number<T>(T? parameter, string variable, T fallback, T minimum, T maximum)
        where T : struct, INumber<T>
    {
        if (parameter is { } given)
        {
            return given;
        }

        var text = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        if (!T.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < minimum || value > maximum)
        {
            var kind = typeof(T) == typeof(int) ? "a whole number" : "a number";
            throw Invalid(variable, text, $"{kind} from {minimum} to {maximum}");
        }

        return value;
    }

    /// <summary>DRY_RUN=true (1, yes) forces a dry run; false, 0, no or unset leave it to -WhatIf and -Confirm; anything else is refused.</summary>
    public static bool DryRun()
    {
        var text = Environment.GetEnvironmentVariable(ConfigurationDefaults.DryRunVariable);
        return text?.Trim().ToLowerInvariant() switch
        {
            null or "" or "false" or "0" or "no" => false,
            "true" or "1" or "yes" => true,
            _ => throw Invalid(ConfigurationDefaults.DryRunVariable, text, "true or false"),
        };
    }

    private static TerminatingErrorException Invalid(string variable, string value, string expected) =>
        new(ErrorRecords.InvalidInput("InvalidEnvironmentVariable", $"The environment variable {variable} is '{value}'; it must be {expected}. Fix or unset it, or pass the matching parameter. Nothing was read or deleted.", variable));
}
