using System.Globalization;
using System.Management.Automation;

namespace EcrCleanup.Commands.Infrastructure;

/// <summary>The seed's environment variables as parameter defaults: a parameter given wins, then the variable, then the default.</summary>
internal static class EnvironmentDefaults
{
    public static string String(string? parameter, string variable, string fallback) =>
        !string.IsNullOrWhiteSpace(parameter) ? parameter : Configuration.ConfigurationDefaults.StringOrDefault(Environment.GetEnvironmentVariable, variable, fallback);

    public static int Int(int? parameter, string variable, int fallback, int minimum, int maximum)
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

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < minimum || value > maximum)
        {
            throw Invalid(variable, text, $"a whole number from {minimum} to {maximum}");
        }

        return value;
    }

    public static double Double(double? parameter, string variable, double fallback, double minimum, double maximum)
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

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < minimum || value > maximum)
        {
            throw Invalid(variable, text, $"a number from {minimum} to {maximum}");
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
