using System.CommandLine;
using System.Text.Json.Nodes;
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
        var format = Reports.Option();
        var list = new Command("list", "List the applications of an index.") { indexFile, format };
        context.Action(list, (parse, output, _) =>
        {
            var entries = IndexAction.Read(parse.GetValue(indexFile)!);
            var chosen = Reports.Of(parse, format);
            if (chosen.IsDocument())
            {
                var doc = Reports.Document("AppList");
                doc["items"] = Reports.Array(entries, e => new JsonObject
                {
                    ["id"] = e.Id, ["name"] = e.Name, ["appVersion"] = e.AppVersion, ["specVersion"] = e.SpecVersion, ["description"] = e.Description,
                    ["providers"] = Reports.Array(e.Providers, p => JsonValue.Create(p)), ["location"] = e.Location, ["path"] = e.Path,
                });
                output.Write(doc, chosen);
            }
            else
            {
                output.Table(chosen, entries, Columns);
            }

            return Task.FromResult(ExitCodes.Ok);
        });

        command.Subcommands.Add(generate);
        command.Subcommands.Add(list);
        return command;
    }

    private static readonly Column<IndexEntry>[] Columns =
    [
        new("ID", e => e.Id),
        new("NAME", e => e.Name ?? ""),
        new("VERSION", e => e.AppVersion ?? ""),
        new("PROVIDERS", e => string.Join(",", e.Providers)),
        new("LOCATION", e => e.Location ?? e.Path),
        new("SPEC", e => e.SpecVersion, Wide: true),
        new("DESCRIPTION", e => e.Description ?? "", Wide: true),
    ];
}
