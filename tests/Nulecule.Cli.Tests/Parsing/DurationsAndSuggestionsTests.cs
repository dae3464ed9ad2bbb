using Nulecule.Cli.Parsing;

namespace Nulecule.Cli.Tests.Parsing;

public class DurationsAndSuggestionsTests
{
    [Theory]
    [InlineData("90s", 90_000)]
    [InlineData("5m", 300_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("500ms", 500)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData("0s", 0)]
    public void Should_read_durations_as_kubectl_and_helm_do(string text, long milliseconds)
    {
        var (value, error) = Durations.Parse(text);

        error.ShouldBeNull();
        value.ShouldBe(TimeSpan.FromMilliseconds(milliseconds));
    }

    [Theory]
    [InlineData("300", "'300' has no unit (write 300s or 300m)")]
    [InlineData("0", "'0' has no unit")]
    [InlineData("5x", "'5x' is not a duration")]
    [InlineData("", "'' is not a duration")]
    [InlineData("-5s", "'-5s' is not a duration")]
    [InlineData("5 m", "'5 m' is not a duration")]
    [InlineData("99999999999999h", "longer than this tool can wait")]
    public void Should_refuse_what_is_not_a_duration(string text, string expected)
    {
        var (value, error) = Durations.Parse(text);

        value.ShouldBeNull();
        error!.ShouldContain(expected);
    }

    [Theory]
    [InlineData(300_000, "5m")]
    [InlineData(120_000, "2m")]
    [InlineData(90_000, "1m30s")]
    [InlineData(5_400_000, "1h30m")]
    [InlineData(500, "500ms")]
    [InlineData(1_500, "1.5s")]
    [InlineData(0, "0s")]
    [InlineData(90_000_000, "25h")]
    public void Should_write_durations_as_they_are_typed(long milliseconds, string expected)
    {
        var text = Durations.Format(TimeSpan.FromMilliseconds(milliseconds));

        text.ShouldBe(expected);
        Durations.Parse(text).Value.ShouldBe(TimeSpan.FromMilliseconds(milliseconds));
    }

    [Theory]
    [InlineData("stauts", "status")]
    [InlineData("stats", "status")]
    [InlineData("hist", "history")]
    [InlineData("rnu", "run")]
    [InlineData("--dyr-run", "--dry-run")]
    [InlineData("lgos", "logs")]
    [InlineData("xyz", null)]
    [InlineData("deploy", null)]
    public void Should_suggest_the_nearest_word(string typed, string? expected) =>
        Suggestions.Nearest(typed, ["status", "stop", "history", "run", "rollback", "--dry-run", "--dry", "logs", "list", "scale"]).ShouldBe(expected);

    [Theory]
    [InlineData("stauts", "status", 1)]
    [InlineData("status", "status", 0)]
    [InlineData("stop", "status", 4)]
    [InlineData("", "run", 3)]
    public void Should_count_a_transposition_as_one_edit(string a, string b, int distance) => Suggest.Distance(a, b).ShouldBe(distance);
}
