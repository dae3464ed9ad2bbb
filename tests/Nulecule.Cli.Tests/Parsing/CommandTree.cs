using System.CommandLine;

namespace Nulecule.Cli.Tests.Parsing;

/// <summary>The real command tree, built as `nulecule` builds it, for tests that go over every command.</summary>
internal static class CommandTree
{
    public static RootCommand Root(IReadOnlyDictionary<string, string>? environment = null) =>
        CliApp.Build(new CommandContext(new GlobalOptions(), TextWriter.Null, TextWriter.Null, environment ?? new Dictionary<string, string>()));

    /// <summary>Every visible command below the root with its path (`index list`); hidden ones (`manpage`) are tools for the build.</summary>
    public static IReadOnlyList<(string Path, Command Command)> Commands { get; } = Walk(Root(), "").ToList();

    public static TheoryData<string> Paths() => new(Commands.Select(c => c.Path));

    /// <summary>The commands that do something (not only hold subcommands).</summary>
    public static TheoryData<string> Verbs() => new(Commands.Where(c => c.Command.Action is not null).Select(c => c.Path));

    private static IEnumerable<(string, Command)> Walk(Command command, string path)
    {
        foreach (var sub in command.Subcommands.Where(c => !c.Hidden))
        {
            var subPath = path.Length == 0 ? sub.Name : $"{path} {sub.Name}";
            yield return (subPath, sub);
            foreach (var nested in Walk(sub, subPath))
            {
                yield return nested;
            }
        }
    }
}
