using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Nulecule.Compose;

/// <summary>
/// Checks a compose document against the Compose Specification's JSON schema (compose-go's copy,
/// draft 2020-12, embedded), turning each failure into an error at the file:line:column of the
/// value that fails.
/// </summary>
public static class ComposeSchema
{
    private static readonly Lazy<JsonSchema> Schema = new(Build);

    private static JsonSchema Build()
    {
        using var stream = typeof(ComposeSchema).Assembly.GetManifestResourceStream("Nulecule.Compose.compose-spec.json")
            ?? throw new InvalidOperationException("the compose schema is not embedded");
        using var reader = new StreamReader(stream);
        // Its $id is the relative "compose_spec.json"; give it an absolute base of our own.
        return JsonSchema.FromText(reader.ReadToEnd(), new BuildOptions { SchemaRegistry = new SchemaRegistry() }, new Uri("https://nulecule.invalid/compose_spec.json"));
    }

    /// <summary>Every schema error of <paramref name="document"/>, located; empty when it is valid.</summary>
    public static IReadOnlyList<Diagnostic> Check(JsonObject document, ComposeLocations locations, string file)
    {
        ArgumentNullException.ThrowIfNull(document);
        using var json = JsonDocument.Parse(document.ToJsonString());
        var results = Schema.Value.Evaluate(json.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return [];
        }

        // A failing oneOf reports every branch; keep the errors at the deepest places, one per place.
        var failures = (results.Details ?? [])
            .Where(d => !d.IsValid && d.Errors is { Count: > 0 })
            .Select(d => (Pointer: d.InstanceLocation.ToString(), Keyword: d.Errors!.First().Key, Message: d.Errors!.First().Value))
            .ToList();
        if (failures.Count == 0)
        {
            return [Diagnostic.Error("the compose file does not follow the Compose Specification", new SourceLocation(file, 1, 1))];
        }

        var deepest = failures.Where(f => !failures.Any(g => g.Pointer.Length > f.Pointer.Length && g.Pointer.StartsWith(f.Pointer + "/", StringComparison.Ordinal))).ToList();
        var diagnostics = new List<Diagnostic>();
        foreach (var group in deepest.GroupBy(f => f.Pointer))
        {
            var pointer = group.Key;
            var node = Find(document, pointer, out var parent, out var key);
            var path = ComposePath.FromPointer(pointer);
            var falseSchema = group.Any(f => f.Keyword == "false" || f.Message.Contains("false schema", StringComparison.OrdinalIgnoreCase));

            // An unknown key is shown at the key; a wrong value at the value.
            var at = (falseSchema && parent is not null && key is not null ? locations.OfKey(parent, key) : locations.Of(node)) ?? new SourceLocation(file, 1, 1);
            var message = falseSchema
                ? $"'{path}' is not a Compose key here"
                : $"{(path.Length == 0 ? "the file" : path)}: {string.Join("; ", group.Select(f => f.Message).Distinct(StringComparer.Ordinal))}";
            diagnostics.Add(Diagnostic.Error(message, at, falseSchema ? "check its spelling and indentation against the Compose Specification" : null));
        }

        return diagnostics;
    }

    private static JsonNode? Find(JsonNode root, string pointer, out JsonObject? parent, out string? key)
    {
        parent = null;
        key = null;
        JsonNode? node = root;
        foreach (var raw in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var part = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            switch (node)
            {
                case JsonObject obj when obj.ContainsKey(part):
                    parent = obj;
                    key = part;
                    node = obj[part];
                    break;
                case JsonArray array when int.TryParse(part, out var i) && i < array.Count:
                    parent = null;
                    key = null;
                    node = array[i];
                    break;
                default:
                    return node;
            }
        }

        return node;
    }
}
