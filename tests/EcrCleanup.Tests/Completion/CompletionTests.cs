using System.Collections;
using EcrCleanup.Commands.Completion;

namespace EcrCleanup.Tests.Completion;

public class CompletionTests
{
    private static readonly CompletionCandidate[] Names = [new("app", "tip"), new("Apple", "tip"), new("team/api", "tip"), new("with space", "tip"), new("it's", "tip")];

    private static string[] Complete(string word) => CompletionText.Complete(Names, word).Select(r => r.CompletionText).ToArray();

    [Fact]
    public void Offers_the_values_that_start_with_what_was_typed_in_any_case_in_the_order_given()
    {
        Assert.Equal(["app", "Apple"], Complete("AP"));
        Assert.Equal(["app", "Apple", "team/api", "'with space'", "'it''s'"], Complete(string.Empty));
        Assert.Empty(Complete("x"));
    }

    [Fact]
    public void Answers_in_the_quotes_the_user_opened_escaped_for_them()
    {
        Assert.Equal(["'team/api'"], Complete("'te"));
        Assert.Equal(["\"with space\""], Complete("\"wi"));
        Assert.Equal(["'it''s'"], Complete("'it'"));
        Assert.Equal("\"`$x`\"y`\"\"", CompletionText.Quote("$x\"y\"", '"'));
    }

    [Theory]
    [InlineData("plain-name_1.2/x", "plain-name_1.2/x")]
    [InlineData("a b", "'a b'")]
    [InlineData("-dash", "'-dash'")]
    [InlineData("semi;colon", "'semi;colon'")]
    [InlineData("at@sign", "'at@sign'")]
    [InlineData("it’s", "'it’’s'")]
    public void Quotes_only_what_powershell_would_read_otherwise(string value, string expected) =>
        Assert.Equal(expected, CompletionText.Quote(value));

    [Fact]
    public void Every_result_is_a_parameter_value_with_its_tooltip_and_the_bare_name_as_list_text()
    {
        var result = Assert.Single(CompletionText.Complete([new("with space", "the tip")], "w"));

        Assert.Equal(System.Management.Automation.CompletionResultType.ParameterValue, result.ResultType);
        Assert.Equal("with space", result.ListItemText);
        Assert.Equal("the tip", result.ToolTip);
    }

    [Fact]
    public void Stack_prefixes_are_the_names_that_end_in_a_number_without_it_once_each()
    {
        var prefixes = StackPrefixCompleter.Prefixes(["HelpmatonStagingPR12", "HelpmatonStagingPR7", "HelpmatonProduction", "ReviewApp3", "12345"]);

        Assert.Equal(["HelpmatonStagingPR", "ReviewApp"], prefixes.Select(p => p.Value));
        Assert.Equal("Prefix of 2 stack(s): HelpmatonStagingPR12, HelpmatonStagingPR7", prefixes[0].ToolTip);
    }

    [Fact]
    public void The_cache_answers_within_its_lifetime_and_not_after()
    {
        var time = new ManualTime();
        var cache = new CompletionCache(TimeSpan.FromSeconds(60), time);
        cache.Set("repositories\nhttp://a/", [new("app", "tip")]);

        time.Advance(TimeSpan.FromSeconds(59));
        Assert.True(cache.TryGet("repositories\nhttp://a/", out var cached));
        Assert.Equal("app", Assert.Single(cached).Value);
        Assert.False(cache.TryGet("repositories\nhttp://b/", out _));

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(cache.TryGet("repositories\nhttp://a/", out _));
    }

    [Fact]
    public void The_connection_comes_from_the_parameters_on_the_line_and_a_value_the_command_would_refuse_is_none()
    {
        var options = AccountLookup.ConnectionOptions(new Hashtable { ["Region"] = "eu-west-1", ["ProfileName"] = "dev", ["EndpointUrl"] = "http://127.0.0.1:4566" });

        Assert.NotNull(options);
        Assert.Equal(("eu-west-1", "dev", "http://127.0.0.1:4566/"), (options.Region, options.ProfileName, options.EndpointUrl!.ToString()));
        Assert.Equal("eu-west-2", options.FallbackRegion);
        Assert.Null(AccountLookup.ConnectionOptions(new Hashtable())!.Region);
        Assert.Null(AccountLookup.ConnectionOptions(new Hashtable { ["EndpointUrl"] = "ftp://host" }));
        Assert.Null(AccountLookup.ConnectionOptions(new Hashtable { ["EndpointUrl"] = "not a url" }));
        Assert.Null(AccountLookup.ConnectionOptions(new Hashtable { ["Region"] = new[] { "eu-west-1", "eu-west-2" } }));
    }

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
