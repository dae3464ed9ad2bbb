using Nulecule.Cli.Parsing;

namespace Nulecule.Cli.Tests.Parsing;

/// <summary>Unknown options, unknown commands and bad values: exit 2, one line each, a suggestion, no .NET type names.</summary>
public class UsageErrorTests
{
    private static readonly Dictionary<string, string> NoEngines = new()
    {
        ["NO_COLOR"] = "1",
        ["DOCKER_HOST"] = "unix:///nonexistent/docker.sock",
        ["NULECULE_STATE_DIR"] = Path.Combine(Path.GetTempPath(), "nulecule-usage-tests"),
    };

    [Theory]
    [MemberData(nameof(CommandTree.Paths), MemberType = typeof(CommandTree))]
    public async Task Should_refuse_an_unknown_option_on_every_command(string path)
    {
        // Given: a flag no command has, placed where an argument would go
        var args = path.Split(' ').Append("--no-such-flag").ToArray();

        // When
        var result = await Cli.RunAsync(args, NoEngines);

        // Then
        result.ExitCode.ShouldBe(2, result.Stderr);
        result.Stdout.ShouldBeEmpty();
        result.Stderr.ShouldContain($"error: unknown option '--no-such-flag' for 'nulecule {path}'");
        ShouldBeOneLinePerError(result.Stderr, 1);
    }

    [Theory]
    [MemberData(nameof(CommandTree.Paths), MemberType = typeof(CommandTree))]
    public async Task Should_suggest_the_option_meant_on_every_command(string path)
    {
        var result = await Cli.RunAsync(path.Split(' ').Append("--quite").ToArray(), NoEngines);

        result.ExitCode.ShouldBe(2, result.Stderr);
        result.Stderr.ShouldContain($"error: unknown option '--quite' for 'nulecule {path}' (did you mean '--quiet'?)");
    }

    [Theory]
    [MemberData(nameof(CommandTree.Paths), MemberType = typeof(CommandTree))]
    public async Task Should_suggest_the_command_meant_for_a_typo(string path)
    {
        // Given: the command's name with its second and third letters swapped (`stauts`; `sp` for `ps`)
        var words = path.Split(' ');
        var name = words[^1];
        var typo = name.Length < 3 ? $"{name[1]}{name[0]}" : $"{name[0]}{name[2]}{name[1]}{name[3..]}";

        // When
        var result = await Cli.RunAsync([.. words[..^1], typo], NoEngines);

        // Then
        result.ExitCode.ShouldBe(2, result.Stderr);
        result.Stderr.ShouldContain($"error: unknown command '{typo}' for 'nulecule{string.Concat(words[..^1].Select(w => " " + w))}' (did you mean '{name}'?)");
        ShouldBeOneLinePerError(result.Stderr, 1);
    }

    [Theory]
    [InlineData("stop --dry-run", "unknown option '--dry-run' for 'nulecule stop'")]
    [InlineData("upgrade shop --install", "unknown option '--install' for 'nulecule upgrade'")]
    [InlineData("run --wiat", "unknown option '--wiat' for 'nulecule run' (did you mean '--wait'?)")]
    [InlineData("history shop --output=yml", "--output: 'yml' is not one of json, table")]
    [InlineData("logs shop --tial 5", "unknown option '--tial' for 'nulecule logs' (did you mean '--tail'?)")]
    [InlineData("stauts shop", "unknown command 'stauts' for 'nulecule' (did you mean 'status'?)")]
    [InlineData("hist shop", "unknown command 'hist' for 'nulecule' (did you mean 'history'?)")]
    [InlineData("index lsit", "unknown command 'lsit' for 'nulecule index' (did you mean 'list'?)")]
    [InlineData("stop shop extra", "unexpected argument 'extra' for 'nulecule stop'")]
    [InlineData("stop", "'nulecule stop' needs RELEASE")]
    [InlineData("scale shop web", "--replicas is required")]
    [InlineData("", "'nulecule' needs a command: validate, template")]
    [InlineData("index", "'nulecule index' needs a command: generate, list")]
    public async Task Should_say_what_is_wrong_with_a_command_line(string line, string expected)
    {
        var result = await Cli.RunAsync(line.Split(' ', StringSplitOptions.RemoveEmptyEntries), NoEngines);

        result.ExitCode.ShouldBe(2, result.Stderr);
        result.Stderr.ShouldContain("error: " + expected);
        result.Stderr.ShouldNotContain("warning:", customMessage: "nothing may be looked up or deployed for a bad command line");
        ShouldBeOneLinePerError(result.Stderr, 1);
    }

    [Theory]
    [InlineData("run . --timeout 5", "--timeout: '5' has no unit (write 5s or 5m)")]
    [InlineData("run . --timeout 0", "--timeout: '0' has no unit (write 0s or 0m)")]
    [InlineData("run . --timeout 5x", "--timeout: '5x' is not a duration (write a number with a unit: 90s, 5m, 1h30m, 500ms)")]
    [InlineData("stop shop --timeout soon", "--timeout: 'soon' is not a duration")]
    [InlineData("rollback shop --timeout -5s", "--timeout: '-5s' is not a duration")]
    [InlineData("run . --parallel 0", "--parallel: '0' is not a whole number of at least 1")]
    [InlineData("upgrade shop --parallel 1.5", "--parallel: '1.5' is not a whole number of at least 1")]
    [InlineData("stop shop --parallel many", "--parallel: 'many' is not a whole number of at least 1")]
    [InlineData("logs shop --tail abc", "--tail: 'abc' is not a whole number")]
    [InlineData("logs shop --tail 1.5", "--tail: '1.5' is not a whole number")]
    [InlineData("scale shop web --replicas many", "--replicas: 'many' is not a whole number")]
    [InlineData("rollback shop two", "REVISION: 'two' is not a whole number")]
    [InlineData("status shop -o xml", "--output: 'xml' is not one of json, table")]
    [InlineData("history shop -o jsn", "--output: 'jsn' is not one of json, table, wide, yaml (did you mean 'json'?)")]
    [InlineData("genanswers . -o toml", "--output: 'toml' is not one of ini, json, yaml")]
    [InlineData("completion tcsh", "SHELL: 'tcsh' is not one of bash, fish, powershell, zsh")]
    public async Task Should_name_what_a_bad_value_should_be(string line, string expected)
    {
        var result = await Cli.RunAsync(line.Split(' '), NoEngines);

        result.ExitCode.ShouldBe(2, result.Stderr);
        result.Stderr.ShouldContain("error: " + expected);
        ShouldBeOneLinePerError(result.Stderr, 1);
    }

    [Fact]
    public void Should_take_what_follows_a_double_dash_as_arguments() =>
        UsageErrors.Find(CommandTree.Root().Parse(["stop", "--", "--dry-run"])).ShouldBeEmpty();

    [Fact]
    public void Should_leave_a_correct_command_line_alone()
    {
        var parse = CommandTree.Root().Parse(["run", "app", "--set", "a=-1", "--timeout", "1m30s", "-q", "-p", "docker"]);

        UsageErrors.Find(parse).ShouldBeEmpty();
    }

    private static void ShouldBeOneLinePerError(string stderr, int errors)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Count(l => l.StartsWith("error: ", StringComparison.Ordinal)).ShouldBe(errors, stderr);
        lines.Length.ShouldBe(errors + 1, $"each error one line, then where to find usage:\n{stderr}");
        lines[^1].ShouldStartWith("Run 'nulecule");
        stderr.ShouldNotContain("System.");
        stderr.ShouldNotContain("`1");
        stderr.ShouldNotContain("Nullable");
        stderr.ShouldNotContain("Int32");
    }
}
