using System.CommandLine;
using System.Text.Json.Nodes;
using Nulecule.Compose.Import;

namespace Nulecule.Cli.Commands;

/// <summary>`nulecule import COMPOSE_FILE... [--destination DIR]`: a Nulecule app from compose files, and what did not arrive as written on each target.</summary>
internal static class ImportCommand
{
    public static Command Create(CommandContext context)
    {
        var files = new Argument<string[]>("COMPOSE_FILE")
        {
            Description = "Compose files, merged in order as `docker compose -f a -f b` does; `.env` beside the first one gives defaults.",
            Arity = ArgumentArity.OneOrMore,
        };
        var destination = new Option<string?>("--destination", "-d") { Description = "The app directory to create. Default: ./<project name>.", HelpName = "DIR" };
        var force = new Option<bool>("--force") { Description = "Write into a destination that is not empty (files of the same name are replaced)." };
        var format = Reports.Option("the fidelity report as lines");
        var command = new Command("import", "Make a Nulecule application from compose files: one component per service in dependency order, params from the interpolation variables, compose artifacts for docker and swarm and manifests for kubernetes. Prints the fidelity report: every compose key dropped or changed on each target, with its file:line:column.")
        {
            files, destination, force, format,
        };
        context.Action(command, (parse, output, _) =>
        {
            var sources = parse.GetValue(files)!;
            var result = ComposeImporter.Import(new ImportOptions
            {
                Files = sources,
                Destination = parse.GetValue(destination) ?? DefaultDestination(sources[0]),
                Force = parse.GetValue(force),
            });
            var chosen = Reports.Of(parse, format);
            if (chosen.IsDocument())
            {
                output.Write(Report(result), chosen);
                return Task.FromResult(ExitCodes.Ok);
            }

            foreach (var line in ImportReportText.Lines(result))
            {
                output.Line(ReportFormat.Wide, line);
            }

            output.Info($"next: `nulecule validate {result.Destination}` and `nulecule run {result.Destination} --provider docker --wait`");
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    /// <summary>./NAME, NAME the directory of the first compose file (the project name compose would take).</summary>
    private static string DefaultDestination(string firstFile) =>
        Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(firstFile))) is { Length: > 0 } name ? name + "-nulecule" : "imported";

    /// <summary>The `ImportReport` document (docs/output.md).</summary>
    internal static JsonObject Report(ImportResult result)
    {
        var report = Reports.Document("ImportReport");
        report["app"] = result.Id;
        report["destination"] = result.Destination;
        report["sources"] = Reports.Array(result.Sources, s => JsonValue.Create(s));
        report["components"] = Reports.Array(result.Components, c => JsonValue.Create(c));
        report["params"] = Reports.Array(result.Params, p => new JsonObject
        {
            ["name"] = p.Name,
            ["type"] = p.Type,
            ["default"] = p.Default?.DeepClone(),
            ["defaultFrom"] = p.Origin,
            ["required"] = p.Default is null,
            ["hidden"] = p.Hidden,
            ["services"] = Reports.Array(p.Services, s => JsonValue.Create(s)),
        });
        report["fidelity"] = Reports.Array(result.Fidelity, f => new JsonObject
        {
            ["target"] = f.Target,
            ["key"] = f.Key,
            ["effect"] = f.Effect,
            ["note"] = f.Note,
            ["file"] = f.At?.File,
            ["line"] = f.At is { Line: > 0 } l ? l.Line : null,
            ["column"] = f.At is { Line: > 0 } c ? c.Column : null,
        });
        return report;
    }
}
