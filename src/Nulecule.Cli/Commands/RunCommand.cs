using System.CommandLine;
using Nulecule.Actions;
using Nulecule.Providers;

namespace Nulecule.Cli.Commands;

/// <summary>`nulecule run APP`: render and deploy (or converge) a release.</summary>
internal static class RunCommand
{
    public static Command Create(CommandContext context)
    {
        var app = Arguments.App();
        var provider = Arguments.Provider();
        var answers = Arguments.Answers();
        var set = Arguments.Set();
        var name = Arguments.ReleaseName();
        var wait = new Option<bool>("--wait") { Description = "Start each component only when the previous ones are running (and healthy where they have a health check)." };
        var timeout = Arguments.Timeout("How long --wait waits in all (e.g. 90s, 5m).", "5m");
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the engine operations that would be made; change nothing." };
        var keepFailed = new Option<bool>("--keep-failed") { Description = "Keep what a failed first run created, for inspection (default: remove it)." };
        var engine = new ProviderOptions();
        var command = new Command("run", "Deploy an application as a release, or converge an existing release to it. APP is a directory or an image holding one.")
        {
            app, provider, answers, set, name, wait, timeout, dryRun, keepFailed,
        };
        engine.AddTo(command);
        context.Action(command, async (parse, output, ct) =>
        {
            var appPath = await Apps.LocateAsync(context, parse.GetValue(app)!, output, ct);
            var outcome = await RenderAction.RunAsync(Render.Options(context, parse, app, provider, answers, set, engine.Settings(parse)) with { AppPath = appPath }, ct);
            Render.Report(output, outcome);
            var rendered = outcome.App;
            var release = Arguments.Release(parse.GetValue(name), rendered.Root.App.Id);
            var target = engine.Create(rendered.Provider, parse, rendered.Values.General, context.Environment);
            using var owned = target as IDisposable;
            var options = new RunOptions
            {
                Release = release,
                Wait = parse.GetValue(wait),
                Timeout = parse.GetValue(timeout),
                DryRun = parse.GetValue(dryRun),
                KeepFailed = parse.GetValue(keepFailed),
                Reporter = output,
            };
            output.Info($"{(options.DryRun ? "planning" : "deploying")} release '{release}' of {rendered.Root.App.Id} with {rendered.Provider}");
            var result = await target.RunAsync(rendered, options, ct);
            Summary.Print(output, result, options.DryRun);
            if (!options.DryRun)
            {
                output.Info($"release '{release}' is deployed; see `nulecule status {release}`");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}

internal static class Summary
{
    public static void Print(Output output, DeployResult result, bool dryRun)
    {
        if (dryRun)
        {
            foreach (var line in result.PlannedOperations)
            {
                output.Result(line);
            }

            return;
        }

        foreach (var o in result.Objects)
        {
            var where = o.Namespace is null ? o.Name : $"{o.Namespace}/{o.Name}";
            output.Result($"{o.Action.ToString().ToLowerInvariant(),-9} {o.Component,-24} {o.Kind} {where}");
        }
    }
}
