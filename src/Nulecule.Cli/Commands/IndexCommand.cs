using System.CommandLine;
using Nulecule.Actions;
using Spectre.Console;

namespace Nulecule.Cli.Commands;

/// <summary>`nulecule index generate DIR` and `nulecule index list [FILE]`.</summary>
internal static class IndexCommand
{
    public static Command Create(CommandContext context)
    {
        var command = new Command("index", "Work with an index of applications (index.yaml).");

        var dir = new Argument<string>("DIR") { Description = "A directory whose subdirectories are applications." };
        var file = new Option<string?>("--file", "-f") { Description = "Where to write the index. Default: DIR/index.yaml." };
        var generate = new Command("generate", "Write index.yaml describing every application below DIR.") { dir, file };
        context.Action(generate, (parse, output, _) =>
        {
            var (path, index) = IndexAction.Generate(parse.GetValue(dir)!, parse.GetValue(file));
            foreach (var skipped in index.Skipped)
            {
                output.Warn(skipped);
            }

            output.Result($"wrote {path} ({index.Entries.Count} application(s))");
            return Task.FromResult(ExitCodes.Ok);
        });

        var indexFile = new Argument<string>("FILE") { Description = "An index file. Default: ./index.yaml.", DefaultValueFactory = _ => "index.yaml" };
        var list = new Command("list", "List the applications of an index.") { indexFile };
        context.Action(list, (parse, output, _) =>
        {
            var entries = IndexAction.Read(parse.GetValue(indexFile)!);
            var table = new Spectre.Console.Table().AddColumns("ID", "NAME", "VERSION", "PROVIDERS", "LOCATION");
            table.Border = Spectre.Console.TableBorder.None;
            foreach (var e in entries)
            {
                table.AddRow(Esc(e.Id), Esc(e.Name ?? ""), Esc(e.AppVersion ?? ""), Esc(string.Join(",", e.Providers)), Esc(e.Location ?? e.Path));
            }

            output.Stdout.Write(table);
            return Task.FromResult(ExitCodes.Ok);
        });

        command.Subcommands.Add(generate);
        command.Subcommands.Add(list);
        return command;
    }

    private static string Esc(string text) => Spectre.Console.Markup.Escape(text);
}
