using System.Text.Json.Nodes;

namespace Nulecule.Compose;

/// <summary>
/// Merges a later compose file into an earlier one (Compose's `-f a -f b`, `13-merge.md`): mappings
/// merge key by key, scalars are replaced, `command`, `entrypoint` and `healthcheck.test` are
/// replaced whole, `volumes` merge by target, `ports` and other sequences are appended without
/// repeating an equal item.
/// </summary>
public static class ComposeMerge
{
    private static readonly HashSet<string> Replaced = new(StringComparer.Ordinal) { "command", "entrypoint", "test", "profiles" };

    public static JsonObject Merge(JsonObject earlier, JsonObject later, ComposeLocations locations)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        ArgumentNullException.ThrowIfNull(later);
        MergeObject(earlier, later, locations);
        return earlier;
    }

    private static void MergeObject(JsonObject into, JsonObject from, ComposeLocations locations)
    {
        foreach (var key in from.Select(p => p.Key).ToList())
        {
            var value = from[key];
            var keyAt = locations.OfKey(from, key);
            from.Remove(key);
            if (into[key] is JsonObject target && value is JsonObject source)
            {
                MergeObject(target, source, locations);
                continue;
            }

            if (into[key] is JsonArray list && value is JsonArray items && !Replaced.Contains(key))
            {
                foreach (var item in items.ToList())
                {
                    items.Remove(item);
                    if (key == "volumes" && Target(item) is { } target2 && list.FirstOrDefault(existing => Target(existing) == target2) is { } same)
                    {
                        list[list.IndexOf(same)] = item;
                    }
                    else if (!list.Any(existing => JsonNode.DeepEquals(existing, item)))
                    {
                        list.Add(item);
                    }
                }

                continue;
            }

            into[key] = value;
            if (keyAt is not null)
            {
                locations.SetKey(into, key, keyAt);
            }
        }
    }

    /// <summary>The container path of a volume entry, short (`src:/target[:mode]`) or long.</summary>
    private static string? Target(JsonNode? volume) => volume switch
    {
        JsonObject o => o["target"]?.GetValue<string>(),
        JsonValue v when v.GetValue<string>().Split(':') is { Length: >= 2 } parts => parts[1],
        JsonValue v => v.GetValue<string>(),
        _ => null,
    };
}
