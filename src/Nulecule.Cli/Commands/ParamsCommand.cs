using System.CommandLine;
using System.Text.Json.Nodes;
using Nulecule.Actions;
using Spectre.Console;

namespace Nulecule.Cli.Commands;

/// <summary>`nulecule params APP`: every param of every scope, its value and where it came from.</summary>
internal static class ParamsCommand
{
    private const string Missing = "missing (required)";

    public static Command Create(CommandContext context)
    {
        var app = Arguments.App();
        var given = new ValueOptions();
        var format = Arguments.Format("Output format: table or json.", "table", "json");
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

            if (parse.GetValue(format) == "json")
            {
                var array = new JsonArray();
                foreach (var p in values.Params)
                {
                    array.Add((JsonNode)new JsonObject
                    {
                        ["scope"] = p.Scope,
                        ["name"] = p.Name,
                        ["value"] = p.Value is null ? null : p.Display,
                        ["kind"] = p.Value?.Kind.ToString().ToLowerInvariant(),
                        ["source"] = p.Value is null ? Missing : p.OriginText,
                        ["missing"] = p.Value is null,
                        ["hidden"] = p.Hidden,
                        ["description"] = p.Description,
                    });
                }

                output.Result(array.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
                return Task.FromResult(ExitCodes.Ok);
            }

            var table = new Table { Border = TableBorder.None }.AddColumns("SCOPE", "NAME", "VALUE", "SOURCE", "DESCRIPTION");
            foreach (var p in values.Params)
            {
                table.AddRow(Markup.Escape(p.Scope), Markup.Escape(p.Name), p.Value is null ? "<missing>" : Markup.Escape(values.Masker.Mask(p.Display)),
                    Markup.Escape(p.Value is null ? Missing : p.OriginText), Markup.Escape(p.Description ?? ""));
            }

            output.Stdout.Write(table);
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }
}
