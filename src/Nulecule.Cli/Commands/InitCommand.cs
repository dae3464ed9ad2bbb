using System.CommandLine;
using Nulecule.Actions;

namespace Nulecule.Cli.Commands;

/// <summary>`nulecule init NAME [--destination DIR]`: a new app skeleton that validates and renders.</summary>
internal static class InitCommand
{
    public static Command Create(CommandContext context)
    {
        var name = new Argument<string>("NAME") { Description = "The application id (letters, digits, '-', '_')." };
        var destination = new Option<string?>("--destination", "-d") { Description = "Directory to create. Default: ./NAME." };
        var command = new Command("init", "Create a new application skeleton with docker and kubernetes artifacts.") { name, destination };
        context.Action(command, (parse, output, _) =>
        {
            var dir = InitAction.Run(parse.GetValue(name)!, parse.GetValue(destination));
            output.Result($"created {dir}");
            output.Info($"next: `nulecule validate {dir}` and `nulecule template {dir}`");
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }
}
