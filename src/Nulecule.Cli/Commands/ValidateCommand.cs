using System.CommandLine;
using Nulecule.Resolution;

namespace Nulecule.Cli.Commands;

/// <summary>`nulecule validate APP`: every diagnostic of the app and its fetched nested apps.</summary>
internal static class ValidateCommand
{
    public static Command Create(CommandContext context)
    {
        var app = Arguments.App();
        var command = new Command("validate", "Check an application (and its fetched nested apps) and print every problem with its file:line:column.")
        {
            app,
        };
        context.Action(command, (parse, output, _) =>
        {
            var result = AppTreeLoader.Load(parse.GetValue(app)!, requireNested: false);
            output.Diagnostics(result.Diagnostics);
            foreach (var (scope, component) in result.Missing)
            {
                output.Warn($"nested application '{scope}' ({component.Source}) is not fetched yet, so it was not checked; `nulecule fetch` extracts it");
            }

            var errors = result.Diagnostics.Count(d => d.IsError);
            var warnings = result.Diagnostics.Count - errors;
            if (errors > 0)
            {
                output.Info($"{errors} error(s), {warnings} warning(s)");
                return Task.FromResult(ExitCodes.InvalidInput);
            }

            var root = result.Root!;
            output.Result($"{root.App.Id}: valid ({root.Apps().Count()} app(s), {root.Walk().Count()} component(s), {warnings} warning(s))");
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }
}
