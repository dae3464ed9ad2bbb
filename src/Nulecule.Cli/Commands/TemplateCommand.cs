using System.CommandLine;
using Nulecule.Actions;

namespace Nulecule.Cli.Commands;

/// <summary>`nulecule template APP`: render every component for one provider, touching no engine.</summary>
internal static class TemplateCommand
{
    public static Command Create(CommandContext context)
    {
        var app = Arguments.App();
        var provider = Arguments.Provider();
        var values = new ValueOptions();
        var outputDir = new Option<string?>("--output-dir") { Description = "Write DIR/<component>/<file> instead of printing one stream.", HelpName = "DIR" };
        var showSecrets = new Option<bool>("--show-secrets") { Description = "Print hidden param values instead of ******." };
        var command = new Command("template", "Render every component's artifacts for one provider (graph order, nested apps in place), without touching any engine.")
        {
            app, provider, outputDir, showSecrets,
        };
        values.AddTo(command);
        context.Action(command, async (parse, output, ct) =>
        {
            var secrets = parse.GetValue(showSecrets);
            var options = Render.Options(context, parse, app, provider, values) with { Print = secrets ? PrintMode.ShowSecrets : PrintMode.MaskSecrets };
            var outcome = await RenderAction.RunAsync(options, ct);
            Render.Report(output, outcome);
            if (parse.GetValue(outputDir) is { } dir)
            {
                var files = TemplateOutput.Files(outcome.App, secrets);
                foreach (var file in files)
                {
                    // Resolved link by link: nothing under DIR may lead the write outside it.
                    string target;
                    try
                    {
                        target = SafeFiles.ResolveInside(dir, file.RelativePath);
                    }
                    catch (UnsafeFileException ex)
                    {
                        throw new NuleculeException($"refusing to write {file.RelativePath} under {dir}: {ex.Message}", null,
                            "write into a directory without symbolic links that lead out of it");
                    }

                    AtomicFile.Write(target, file.Text);
                }

                output.Info($"wrote {files.Count} file(s) under {dir}");
            }
            else if (output.Out is StandardWriter standard)
            {
                // Standard output itself (UTF-8, no byte-order mark): the rendered bytes go to the
                // descriptor as they are, after whatever the writer holds.
                await standard.FlushAsync(ct);
                TemplateOutput.WriteStream(outcome.App, secrets, standard.BaseStream);
                await standard.BaseStream.FlushAsync(ct);
            }
            else
            {
                TemplateOutput.WriteStream(outcome.App, secrets, output.Out);
                await output.Out.FlushAsync(ct);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}

/// <summary>Turns the shared app/answers/set options into render options.</summary>
internal static class Render
{
    public static RenderOptions Options(CommandContext context, ParseResult parse, Argument<string> app, Option<string?> provider, ValueOptions values,
        IReadOnlyDictionary<string, string?>? settings = null) => values.Apply(new RenderOptions
    {
        AppPath = parse.GetValue(app)!,
        Provider = parse.GetValue(provider),
        Environment = context.Environment,
        Settings = settings ?? new Dictionary<string, string?>(),
        Prompt = Prompter.For(context.Environment, parse.GetValue(context.Globals.NoPrompt)),
        Providers = Engines.Registry,
    }, parse);

    public static void Report(Output output, RenderOutcome outcome)
    {
        output.Masker = outcome.App.Values.Masker;
        output.Diagnostics(outcome.Warnings);
        foreach (var note in outcome.Notes)
        {
            output.Detail(note);
        }
    }
}
