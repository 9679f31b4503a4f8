using System.Globalization;
using System.Management.Automation;
using EcrCleanup.Commands.Infrastructure;
using EcrCleanup.Configuration;

namespace EcrCleanup.Tests.Infrastructure;

[Collection(ProcessEnvironment.Name)]
public sealed class EnvironmentDefaultsTests : IDisposable
{
    private const string Variable = "ECRCLEANUP_TESTS_SETTING";

    private readonly EnvironmentScope _environment = new();

    public void Dispose() => _environment.Dispose();

    private static void AssertInvalidVariable(TerminatingErrorException error, string variable, string value)
    {
        var record = error.ErrorRecord;
        Assert.Equal("InvalidEnvironmentVariable", record.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, record.CategoryInfo.Category);
        Assert.Equal(variable, record.TargetObject);
        Assert.IsType<ArgumentException>(record.Exception);
        Assert.Contains(variable, record.Exception.Message, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", record.Exception.Message, StringComparison.Ordinal);
        Assert.NotNull(record.ErrorDetails);
        Assert.Equal(record.Exception.Message, record.ErrorDetails.Message);
        Assert.Equal(record.Exception.Message, error.Message);
    }

    [Fact]
    public void String_the_parameter_wins_over_the_variable()
    {
        _environment.Set(Variable, "from-variable");

        Assert.Equal("from-parameter", EnvironmentDefaults.String("from-parameter", Variable, "fallback"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void String_without_a_parameter_the_variable_trimmed_wins_over_the_default(string? parameter)
    {
        _environment.Set(Variable, "  from-variable ");

        Assert.Equal("from-variable", EnvironmentDefaults.String(parameter, Variable, "fallback"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    public void String_without_parameter_or_variable_is_the_default(string? value)
    {
        _environment.Set(Variable, value);

        Assert.Equal("fallback", EnvironmentDefaults.String(null, Variable, "fallback"));
    }

    [Fact]
    public void Number_the_parameter_wins_over_the_variable()
    {
        _environment.Set(Variable, "7");

        Assert.Equal(5, EnvironmentDefaults.Number<int>(5, Variable, 15, 1, 100));
    }

    [Fact]
    public void Number_a_parameter_wins_even_over_an_invalid_variable()
    {
        _environment.Set(Variable, "many");

        Assert.Equal(5, EnvironmentDefaults.Number<int>(5, Variable, 15, 1, 100));
    }

    [Theory]
    [InlineData("7", 7)]
    [InlineData(" 8 ", 8)]
    [InlineData("1", 1)]
    [InlineData("100", 100)]
    public void Number_without_a_parameter_is_the_variable_within_its_range(string value, int expected)
    {
        _environment.Set(Variable, value);

        Assert.Equal(expected, EnvironmentDefaults.Number<int>(null, Variable, 15, 1, 100));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("  ")]
    public void Number_without_parameter_or_variable_is_the_default(string? value)
    {
        _environment.Set(Variable, value);

        Assert.Equal(15, EnvironmentDefaults.Number<int>(null, Variable, 15, 1, 100));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    [InlineData("-3")]
    [InlineData("fifteen")]
    [InlineData("1.5")]
    [InlineData("99999999999")]
    public void Number_an_out_of_range_or_non_numeric_variable_is_refused_naming_it(string value)
    {
        _environment.Set(Variable, value);

        var error = Assert.Throws<TerminatingErrorException>(() => EnvironmentDefaults.Number<int>(null, Variable, 15, 1, 100));

        AssertInvalidVariable(error, Variable, value);
        Assert.Contains("a whole number from 1 to 100", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.5", 0.5)]
    [InlineData("0", 0.0)]
    [InlineData("87600", 87600.0)]
    [InlineData("1e2", 100.0)]
    public void Number_reads_a_fractional_variable_in_the_invariant_culture(string value, double expected)
    {
        _environment.Set(ConfigurationDefaults.MinImageAgeHoursVariable, value);
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            Assert.Equal(expected, EnvironmentDefaults.Number<double>(null, ConfigurationDefaults.MinImageAgeHoursVariable, ConfigurationDefaults.MinImageAgeHours, 0, 87600));
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    [Theory]
    [InlineData("-0.5")]
    [InlineData("87600.1")]
    [InlineData("24h")]
    [InlineData("0,5")]
    public void Number_a_fractional_variable_out_of_range_or_not_a_number_is_refused(string value)
    {
        _environment.Set(ConfigurationDefaults.MinImageAgeHoursVariable, value);

        var error = Assert.Throws<TerminatingErrorException>(() =>
            EnvironmentDefaults.Number<double>(null, ConfigurationDefaults.MinImageAgeHoursVariable, ConfigurationDefaults.MinImageAgeHours, 0, 87600));

        AssertInvalidVariable(error, ConfigurationDefaults.MinImageAgeHoursVariable, value);
        Assert.Contains("a number from 0 to 87600", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("true")]
    [InlineData("1")]
    [InlineData("yes")]
    [InlineData("TRUE")]
    [InlineData("Yes")]
    [InlineData("  true  ")]
    [InlineData("\t1\n")]
    public void DryRun_is_forced_by_true_1_or_yes(string value)
    {
        _environment.Set(ConfigurationDefaults.DryRunVariable, value);

        Assert.True(EnvironmentDefaults.DryRun());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    [InlineData("false")]
    [InlineData("0")]
    [InlineData("no")]
    [InlineData("False")]
    [InlineData(" NO ")]
    public void DryRun_is_not_forced_by_false_0_no_unset_or_blank(string? value)
    {
        _environment.Set(ConfigurationDefaults.DryRunVariable, value);

        Assert.False(EnvironmentDefaults.DryRun());
    }

    [Theory]
    [InlineData("maybe")]
    [InlineData("2")]
    [InlineData("y")]
    [InlineData("on")]
    [InlineData("true1")]
    public void DryRun_anything_else_is_refused_naming_the_variable(string value)
    {
        _environment.Set(ConfigurationDefaults.DryRunVariable, value);

        var error = Assert.Throws<TerminatingErrorException>(() => EnvironmentDefaults.DryRun());

        AssertInvalidVariable(error, ConfigurationDefaults.DryRunVariable, value);
    }
}
