using System.CommandLine;
using System.Text.Json.Nodes;
using Nulecule.Actions;
using Nulecule.Docker.Planning;
using Nulecule.Docker.Run;
using Nulecule.Providers;
using Nulecule.Releases;
using Nulecule.Templating;

namespace Nulecule.Cli.Commands;

/// <summary>`nulecule validate APP`: every diagnostic of the app, its artifacts and its fetched nested apps.</summary>
internal static class ValidateCommand
{
    public static Command Create(CommandContext context)
    {
        var app = Arguments.App();
        var values = new ValueOptions();
        var strict = new Option<bool>("--strict") { Description = "Fail (exit 2) on warnings too." };
        var format = Reports.Option("every problem a line on stderr, a summary on stdout");
        var command = new Command("validate", "Check an application (and its fetched nested apps): the Nulecule file, defaults and answers against their constraints, and every artifact of every provider as template and run would read it. Prints every problem with its file:line:column.")
        {
            app, strict, format,
        };
        values.AddTo(command);
        context.Action(command, async (parse, output, ct) =>
        {
            var result = await ValidateAction.RunAsync(values.Apply(new ValidateOptions
            {
                AppPath = parse.GetValue(app)!,
                Environment = context.Environment,
                CheckDockerRun = (run, directory) => CheckDockerRun(run, directory, context.Environment),
                CheckDockerApp = rendered => CheckDockerApp(rendered, context.Environment),
            }, parse), ct);

            var diagnostics = result.Diagnostics.Concat(result.NotFetched.Select(m => Diagnostic.Warning(
                $"nested application '{m.Scope}' ({m.Component.Source}) is not fetched yet, so it was not checked; `nulecule fetch` extracts it",
                m.Component.Location))).ToList();
            var errors = diagnostics.Count(d => d.IsError);
            var warnings = diagnostics.Count - errors;
            var failed = errors > 0 || (parse.GetValue(strict) && warnings > 0);

            var chosen = Reports.Of(parse, format);
            if (chosen.IsDocument())
            {
                output.Write(Report(diagnostics, result, errors, warnings, failed), chosen);
                return failed ? ExitCodes.InvalidInput : ExitCodes.Ok;
            }

            output.Diagnostics(diagnostics);
            if (failed)
            {
                output.Info($"{errors} error(s), {warnings} warning(s){(errors == 0 ? " (--strict: warnings fail)" : "")}");
                return ExitCodes.InvalidInput;
            }

            var root = result.Root!;
            output.Result($"{root.App.Id}: valid ({root.Apps().Count()} app(s), {root.Walk().Count()} component(s), {warnings} warning(s))");
            return ExitCodes.Ok;
        });
        return command;
    }

    // The same reading of a docker-run line as `run`: the Docker provider's flag parser.
    private static IReadOnlyList<Diagnostic> CheckDockerRun(DockerRunCommand run, string directory, IReadOnlyDictionary<string, string> environment)
    {
        try
        {
            _ = DockerRunArguments.Parse(run, directory, name => environment.GetValueOrDefault(name));
            return [];
        }
        catch (NuleculeException ex)
        {
            return ex.Diagnostics;
        }
    }

    // The same planning as `run` (names, links), with the release name `run` would choose by default.
    private static IReadOnlyList<Diagnostic> CheckDockerApp(RenderedApp app, IReadOnlyDictionary<string, string> environment)
    {
        try
        {
            _ = ReleasePlanner.Plan(app, new RunOptions { Release = ReleaseNames.FromAppId(app.Root.App.Id) }, name => environment.GetValueOrDefault(name));
            return [];
        }
        catch (NuleculeException ex)
        {
            return ex.Diagnostics;
        }
    }

    /// <summary>The `ValidationReport` document (docs/output.md).</summary>
    private static JsonObject Report(List<Diagnostic> diagnostics, ValidateResult result, int errors, int warnings, bool failed)
    {
        var report = Reports.Document("ValidationReport");
        report["app"] = result.Root?.App.Id;
        report["valid"] = !failed;
        report["errors"] = errors;
        report["warnings"] = warnings;
        report["diagnostics"] = Reports.Array(diagnostics, d => new JsonObject
        {
            ["severity"] = d.IsError ? "error" : "warning",
            ["message"] = d.Message,
            ["file"] = d.Location?.File,
            ["line"] = d.Location is { Line: > 0 } l ? l.Line : null,
            ["column"] = d.Location is { Line: > 0 } c ? c.Column : null,
            ["hint"] = d.Hint,
        });
        return report;
    }
}
