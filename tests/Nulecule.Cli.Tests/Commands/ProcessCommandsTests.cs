using Nulecule.Cli.Commands;

namespace Nulecule.Cli.Tests.Commands;

/// <summary>`logs --since` values, the AGE column of `ps`, and the verbs' refusals before any engine is asked.</summary>
public class ProcessCommandsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 16, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("90s", "2026-11-30T15:58:30Z")]
    [InlineData("1h30m", "2026-11-30T14:30:00Z")]
    [InlineData("2026-11-30T15:04:05Z", "2026-11-30T15:04:05Z")]
    [InlineData("2026-11-30T17:04:05+02:00", "2026-11-30T15:04:05Z")]
    [InlineData("2026-11-30T15:04:05.250Z", "2026-11-30T15:04:05.25Z")]
    public void Should_read_since_as_a_duration_back_from_now_or_a_time(string text, string expected)
    {
        var errors = new List<string>();

        var since = ReleaseCommands.Since(text, Now, errors.Add);

        errors.ShouldBeEmpty();
        since.ShouldBe(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("10", "'10' has no unit (write 10s or 10m)")]
    [InlineData("yesterday", "'yesterday' is not a duration")]
    [InlineData("2026-13-45T99:00:00Z", "'2026-13-45T99:00:00Z' is not a time")]
    public void Should_refuse_a_since_that_is_neither(string text, string message)
    {
        var errors = new List<string>();

        ReleaseCommands.Since(text, Now, errors.Add);

        errors.Single().ShouldStartWith("--since: ");
        errors.Single().ShouldContain(message);
    }

    [Theory]
    [InlineData(45, "45s")]
    [InlineData(119, "119s")]
    [InlineData(600, "10m")]
    [InlineData(3 * 3600, "3h")]
    [InlineData(5 * 86400, "5d")]
    [InlineData(-3, "0s")]
    public void Should_write_ages_as_kubectl_does(int seconds, string expected)
    {
        ProcessCommands.Age(TimeSpan.FromSeconds(seconds)).ShouldBe(expected);
    }

    [Theory]
    [InlineData("exec", "r", "web")]
    [InlineData("exec", "r", "web", "--index", "x", "--", "ls")]
    [InlineData("logs", "r", "--since", "5")]
    [InlineData("ps", "--output", "yaml-ish")]
    public async Task Should_refuse_bad_usage_with_exit_2_before_any_engine(params string[] args)
    {
        var result = await Cli.RunAsync(args);

        result.ExitCode.ShouldBe(2, result.Stderr);
        result.Stderr.ShouldStartWith("error: ");
        result.Stderr.ShouldNotContain("System.");
    }

    [Theory]
    [InlineData("down")]
    [InlineData("uninstall")]
    public async Task Should_show_down_and_uninstall_as_names_of_stop(string alias)
    {
        var help = await Cli.RunAsync(alias, "--help");

        help.ExitCode.ShouldBe(0);
        help.Stdout.ShouldContain("Stop a release and remove what it deployed");
        (await Cli.RunAsync("--help")).Stdout.ShouldContain("down, stop, uninstall <RELEASE>");
    }
}
