using System.Text.Json;

namespace Nulecule.Compose.Import;

/// <summary>The fidelity report as text: what was made, the params, then per target every key dropped or changed, located.</summary>
public static class ImportReportText
{
    public static IReadOnlyList<string> Lines(ImportResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var lines = new List<string>
        {
            $"imported {string.Join(", ", result.Sources)} into {result.Destination} (app {result.Id})",
            $"components, in dependency order: {string.Join(", ", result.Components)}",
            result.Params.Count == 0 ? "params: none" : "params:",
        };
        foreach (var p in result.Params)
        {
            var value = p.Default is null ? "required" : p.Hidden ? "default ******" : $"default {Show(p)}{(p.Origin == ".env" ? " (from .env)" : "")}";
            lines.Add($"  {p.Name} ({p.Type}{(p.Hidden ? ", hidden" : "")}): {value}");
        }

        foreach (var target in ImportTargets.All)
        {
            var items = result.Fidelity.Where(f => f.Target == target).ToList();
            lines.Add(items.Count == 0
                ? $"{target}: every key arrives as written"
                : $"{target}: {items.Count(i => i.Effect == FidelityItem.Dropped)} dropped, {items.Count(i => i.Effect == FidelityItem.Changed)} changed");
            foreach (var item in items)
            {
                var where = item.At is null ? "" : item.At + ": ";
                lines.Add($"  {where}{item.Key.TrimEnd('.')} {item.Effect}: {item.Note}");
            }
        }

        return lines;
    }

    private static string Show(ImportedParam p) =>
        p.Default!.GetValueKind() == JsonValueKind.String ? $"\"{p.Default.GetValue<string>()}\"" : p.Default.ToJsonString();
}
