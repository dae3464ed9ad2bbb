using System.CommandLine;
using Nulecule.Answers;
using Nulecule.Resolution;

namespace Nulecule.Cli.Commands;

/// <summary>`nulecule genanswers APP`: a sample answers file with every param and its description.</summary>
internal static class GenAnswersCommand
{
    public static Command Create(CommandContext context)
    {
        var app = Arguments.App();
        var file = new Option<string?>("--output-file") { Description = "Write to FILE instead of stdout.", HelpName = "FILE" };
        var format = new Option<string>("--output", "-o", "--format") { Description = "ini, json or yaml. Default: from the --output-file extension, else ini.", HelpName = "FORMAT" };
        format.AcceptOnlyFromAmong("ini", "json", "yaml");
        var command = new Command("genanswers", "Write a sample answers file: every param of every scope, defaults filled in, required ones empty, descriptions as comments (INI).")
        {
            app, file, format,
        };
        context.Action(command, (parse, output, _) =>
        {
            var root = AppTreeLoader.LoadOrThrow(parse.GetValue(app)!, requireNested: true);
            var sample = AnswersWriter.Sample(root);
            var path = parse.GetValue(file);
            var chosen = parse.GetValue(format) is { } f
                ? Enum.Parse<AnswersFormat>(f, ignoreCase: true)
                : (path is null ? null : AnswersFile.FormatOfPath(path)) ?? AnswersFormat.Ini;
            var text = AnswersWriter.Write(sample, chosen);
            if (path is null)
            {
                output.Out.Write(text);
            }
            else
            {
                AtomicFile.Write(path, text);
                output.Info($"wrote {path}");
            }

            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }
}
