using System.Text.Json.Nodes;

namespace Nulecule.Testing;

/// <summary>
/// A container's `docker inspect` cut to what the engine runs, for oracle tests that compare the
/// container nulecule made with the one the docker CLI or docker-compose made from the same input.
/// Names, labels, networks and hostnames are each tool's own. Spellings the engine reads alike are
/// made alike: an empty list or map, a null and an absent field; restart policy "" and "no";
/// capabilities with and without `CAP_` (the CLI adds it); environment in any order (the docker CLI 28
/// passes `-e` values through a map, so their order changes between two creates); a bind with and
/// without an explicit `:rw`; mounts in any order.
/// </summary>
public static class ContainerComparison
{
    /// <summary>
    /// With <paramref name="volumePrefix"/> (compose comparisons), the tool's prefix of a named volume
    /// (`release-data`, `project_data`) becomes `app:`, and an image volume that a bind or mount covers
    /// is dropped: Compose declares every mount target as one, which changes nothing in the container.
    /// </summary>
    public static JsonObject Comparable(JsonObject container, string? volumePrefix = null)
    {
        var config = container["Config"]!.DeepClone().AsObject();
        foreach (var key in new[] { "Hostname", "Labels", "AttachStdin", "AttachStdout", "AttachStderr", "StdinOnce" })
        {
            config.Remove(key);
        }

        if (config["Env"] is JsonArray env)
        {
            config["Env"] = Strings(env.Select(e => e!.GetValue<string>()).Order(StringComparer.Ordinal));
        }

        var host = container["HostConfig"]!.DeepClone().AsObject();
        host.Remove("NetworkMode");
        if (host["RestartPolicy"]?["Name"]?.GetValue<string>() == "")
        {
            host["RestartPolicy"]!["Name"] = "no";
        }

        foreach (var key in new[] { "CapAdd", "CapDrop" })
        {
            if (host[key] is JsonArray caps)
            {
                host[key] = Strings(caps.Select(c => c!.GetValue<string>()).Select(c => c.StartsWith("CAP_", StringComparison.Ordinal) ? c : "CAP_" + c));
            }
        }

        if (volumePrefix is not null && config["Volumes"] is JsonObject declared)
        {
            var covered = (host["Binds"] as JsonArray ?? []).Select(b => b!.GetValue<string>().Split(':')[1])
                .Concat((host["Mounts"] as JsonArray ?? []).Select(m => m!["Target"]!.GetValue<string>()))
                .ToHashSet(StringComparer.Ordinal);
            foreach (var path in declared.Select(v => v.Key).Where(covered.Contains).ToList())
            {
                declared.Remove(path);
            }
        }

        if (host["Binds"] is JsonArray binds)
        {
            host["Binds"] = Strings(binds.Select(b => b!.GetValue<string>()).Select(b => Unprefixed(b, volumePrefix))
                .Select(b => b.EndsWith(":rw", StringComparison.Ordinal) ? b[..^3] : b).Order(StringComparer.Ordinal));
        }

        if (host["Mounts"] is JsonArray mounts)
        {
            var sorted = new JsonArray([.. mounts.OrderBy(m => m!["Target"]!.GetValue<string>(), StringComparer.Ordinal).Select(m => m!.DeepClone())]);
            foreach (var mount in sorted.OfType<JsonObject>())
            {
                if (mount["Type"]?.GetValue<string>() == "volume" && mount["Source"]?.GetValue<string>() is { } source)
                {
                    mount["Source"] = Unprefixed(source, volumePrefix);
                }
            }

            host["Mounts"] = sorted;
        }

        return new JsonObject { ["Config"] = Normalized(config), ["HostConfig"] = Normalized(host) };
    }

    /// <summary>The first container of a `docker inspect` array.</summary>
    public static JsonObject Comparable(string inspect, string? volumePrefix = null) =>
        Comparable(JsonNode.Parse(inspect)!.AsArray()[0]!.AsObject(), volumePrefix);

    private static string Unprefixed(string source, string? prefix) =>
        prefix is not null && source.StartsWith(prefix, StringComparison.Ordinal) ? "app:" + source[prefix.Length..] : source;

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);

    /// <summary>Empty maps and lists, and null fields, removed (the engine reads them as absent).</summary>
    public static JsonNode? Normalized(JsonNode? node) => node switch
    {
        JsonObject { Count: 0 } or JsonArray { Count: 0 } => null,
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Normalized(p.Value))).Where(p => p.Value is not null)),
        JsonArray a => new JsonArray([.. a.Select(Normalized)]),
        _ => node?.DeepClone(),
    };
}
