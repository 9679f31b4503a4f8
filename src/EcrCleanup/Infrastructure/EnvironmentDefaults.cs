using System.Globalization;
using System.Management.Automation;
using System.Numerics;

namespace EcrCleanup.Commands.Infrastructure;

/// <summary>The seed's environment variables as parameter defaults: a parameter given wins, then the variable, then the default.</summary>
internal static class EnvironmentDefaults
{
    public static string String(string? parameter, string variable, string fallback) =>
        !string.IsNullOrWhiteSpace(parameter) ? parameter : Configuration.ConfigurationDefaults.StringOrDefault(Environment.GetEnvironmentVariable, variable, fallback);

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

    private static TerminatingErrorException Invalid(string variable, string value, string expected) =>
        new(new ErrorRecord(
            new ArgumentException($"The environment variable {variable} is '{value}'; it must be {expected}. Fix or unset it, or pass the matching parameter."),
            "InvalidEnvironmentVariable",
            ErrorCategory.InvalidArgument,
            variable));
}
