using System.CommandLine;
using Nulecule.Actions;
using Nulecule.Docker.Export;
using Nulecule.Templating;

namespace Nulecule.Cli.Commands;

/// <summary>`nulecule export APP --format compose`: the app as one Compose file (docs/compose.md).</summary>
internal static class ExportCommand
{
    public static Command Create(CommandContext context)
    {
        var app = Arguments.App();
        var provider = new Option<string?>("--provider", "-p") { Description = "Whose artifacts to export: docker (its docker-run and compose artifacts). Default: docker." };
        provider.AcceptOnlyFromAmong("docker");
        var format = new Option<string>("--format") { Description = "What to write: compose (a Compose file that `docker-compose up` runs as `nulecule run -p docker` would).", HelpName = "FORMAT", Required = true };
        format.AcceptOnlyFromAmong("compose");
        var file = new Option<string?>("--output-file") { Description = "Write to FILE instead of stdout.", HelpName = "FILE" };
        var showSecrets = new Option<bool>("--show-secrets") { Description = "Write hidden param values instead of ****** (a warning says so)." };
        var values = new ValueOptions();
        var command = new Command("export", "Write the app as a Compose file: each docker-run container a service (with every flag that has a compose key), compose artifacts merged in; rendered with the values given, hidden values masked.")
        {
            app, provider, format, file, showSecrets,
        };
        values.AddTo(command);
        context.Action(command, async (parse, output, ct) =>
        {
            var secrets = parse.GetValue(showSecrets);
            var options = Render.Options(context, parse, app, provider, values) with { Provider = parse.GetValue(provider) ?? "docker" };
            var outcome = await RenderAction.RunAsync(options, ct);
            Render.Report(output, outcome);
            var document = ComposeExport.Export(outcome.App, secrets ? SecretMasker.None : outcome.App.Values.Masker, name => context.Environment.GetValueOrDefault(name));
            var path = parse.GetValue(file);
            var contents = path is null ? [] : ComposeExport.MoveContentToFiles(document, Path.GetFileName(path) + ".d");
            if (path is null && (document["secrets"] ?? document["configs"]) is not null)
            {
                output.Info("secrets and configs are written inline (`content:`, Compose Specification); with --output-file they go into files beside it, which docker-compose 1.29 needs");
            }

            var text = $"# Exported by nulecule from {outcome.App.Root.App.Id} ({string.Join(", ", outcome.App.Components.Select(c => c.Scope))}).\n"
                + DocumentWriter.ToYaml(document);
            if (secrets && !outcome.App.Values.Masker.IsEmpty)
            {
                output.Warn("the exported file holds hidden param values in plain text (--show-secrets): keep it private");
            }

            if (path is not null)
            {
                var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
                foreach (var (relative, content) in contents)
                {
                    // Resolved link by link: nothing may lead the write outside the file's directory.
                    var target = SafeFiles.ResolveInside(directory, relative);
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    AtomicFile.Write(target, content);
                    if (!OperatingSystem.IsWindows())
                    {
                        File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                    }
                }

                AtomicFile.Write(path, text);
                output.Info($"wrote {path}");
            }
            else
            {
                await output.Out.WriteAsync(text);
                await output.Out.FlushAsync(ct);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
