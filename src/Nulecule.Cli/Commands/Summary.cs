using Nulecule.Providers;

namespace Nulecule.Cli.Commands;

/// <summary>Prints what a deployment did, one object a line, or the planned operations of a dry run.</summary>
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
