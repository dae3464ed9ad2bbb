using System.CommandLine;
using System.Text.Json.Nodes;
using Nulecule.Actions;
using Nulecule.Answers;

namespace Nulecule.Cli.Commands;

/// <summary>`nulecule params APP`: every param of every scope, its value and where it came from.</summary>
internal static class ParamsCommand
{
    private const string Missing = "missing (required)";

    private static readonly Column<ResolvedParam>[] Columns =
    [
        new("SCOPE", p => p.Scope),
        new("NAME", p => p.Name),
        new("VALUE", p => p.Value is null ? "<missing>" : p.Display),
        new("SOURCE", p => p.Value is null ? Missing : p.OriginText),
        new("DESCRIPTION", p => p.Description ?? ""),
        new("KIND", p => p.Value is null ? "" : Reports.Name(p.Value.Kind), Wide: true),
        new("HIDDEN", p => p.Hidden ? "yes" : "no", Wide: true),
    ];

    public static Command Create(CommandContext context)
    {
        var app = Arguments.App();
        var given = new ValueOptions();
        var format = Reports.Option();
        var command = new Command("params", "Show every param of every scope with its resolved value and its source (default, answers file:line, environment, command line). Hidden values print as ******.")
        {
            app, format,
        };
        given.AddTo(command);
        context.Action(command, (parse, output, _) =>
        {
            // Every param is listed; a required one nothing answers is marked, not fatal.
            var options = Render.Options(context, parse, app, new Option<string?>("--unused"), given) with { AllowMissing = true };
            var (_, values, warnings) = RenderAction.Resolve(options);
            output.Masker = values.Masker;
            output.Diagnostics(warnings);
            foreach (var p in values.Params.Where(p => p.Value is null))
            {
                output.Warn($"[{p.Scope}] {p.Name} has no value and no default ({Nulecule.Answers.ParamResolver.HowToSupply(p.Scope, p.Name)})");
            }

            var chosen = Reports.Of(parse, format);
            if (chosen.IsDocument())
            {
                var doc = Reports.Document("ParamList");
                doc["items"] = Reports.Array(values.Params, p => new JsonObject
                {
                    ["scope"] = p.Scope,
                    ["name"] = p.Name,
                    ["value"] = p.Value is null ? null : p.Display,
                    ["kind"] = p.Value is null ? null : Reports.Name(p.Value.Kind),
                    ["source"] = p.Value is null ? Missing : p.OriginText,
                    ["missing"] = p.Value is null,
                    ["hidden"] = p.Hidden,
                    ["description"] = p.Description,
                });
                output.Write(doc, chosen);
                return Task.FromResult(ExitCodes.Ok);
            }

            output.Table(chosen, values.Params, Columns);
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }
}
