using System.Text.RegularExpressions;
using Nulecule.Cli.Commands;
using Nulecule.Cli.Parsing;

namespace Nulecule.Cli.Tests.Parsing;

/// <summary>Every command's help: examples that parse, defaults as typed, no .NET type names.</summary>
public class HelpTests
{
    [Theory]
    [MemberData(nameof(CommandTree.Paths), MemberType = typeof(CommandTree))]
    public async Task Should_show_examples_of_the_command_in_its_help(string path)
    {
        var result = await Cli.RunAsync(path.Split(' ').Append("--help").ToArray());

        result.ExitCode.ShouldBe(0, result.Stderr);
        var examples = result.Stdout[result.Stdout.IndexOf("\nExamples:\n", StringComparison.Ordinal)..];
        examples.ShouldContain($"\n  nulecule {path}");
        result.Stdout.ShouldNotContain("System.");
        result.Stdout.ShouldNotMatch(@"\[default: \d\d:\d\d:\d\d\]");
        result.Stdout.Split('\n').ShouldAllBe(line => line.TrimEnd() == line);
    }

    [Fact]
    public async Task Should_show_duration_defaults_as_they_are_typed()
    {
        var run = await Cli.RunAsync("run", "--help");
        var stop = await Cli.RunAsync("stop", "--help");

        run.Stdout.ShouldContain("--timeout <DURATION>");
        run.Stdout.ShouldContain("[default: 5m]");
        stop.Stdout.ShouldContain("[default: 2m]");
    }

    [Fact]
    public async Task Should_say_which_components_stop_after_which_in_stop_help()
    {
        var stop = await Cli.RunAsync("stop", "--help");
        var text = Regex.Replace(stop.Stdout, @"\s+", " ");

        // Not "in reverse graph order": related components go later-first, the others side by side (docs/releases.md).
        text.ShouldNotContain("reverse graph order");
        text.ShouldContain("of two related components (one names the other) the later in graph order first, the others side by side");
        text.ShouldContain("Docker: at most N containers stopped at once; of two related components the later in graph order still goes first");
    }

    [Fact]
    public void Should_have_examples_for_exactly_the_commands_there_are()
    {
        var paths = CommandTree.Commands.Select(c => c.Path).Prepend("").Order(StringComparer.Ordinal);

        Examples.ByCommand.Keys.Order(StringComparer.Ordinal).ShouldBe(paths);
    }

    public static TheoryData<string, string> ExampleLines()
    {
        var data = new TheoryData<string, string>();
        foreach (var (path, lines) in Examples.ByCommand)
        {
            foreach (var line in lines.Where(l => !l.StartsWith('#')))
            {
                data.Add(path, line);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ExampleLines))]
    public void Should_give_examples_that_parse_as_the_command_they_illustrate(string path, string line)
    {
        // Given: each `nulecule ...` of the line, without shell redirections and quoting
        var commands = Regex.Matches(line, @"(?<![\w/.-])nulecule( [^&|>)]*)?").Select(m => m.Value.Trim()).ToList();
        commands.ShouldNotBeEmpty();
        foreach (var command in commands)
        {
            var args = command.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(a => a.Trim('"')).ToArray();

            // When
            var parse = CommandTree.Root().Parse(args);

            // Then
            UsageErrors.Find(parse).ShouldBeEmpty($"`{command}` from the examples of '{path}'");
            if (path.Length > 0 && commands.Count == 1)
            {
                UsageErrors.PathOf(parse.CommandResult).ShouldStartWith($"nulecule {path}");
            }
        }
    }
}
