using System.Text.Json.Nodes;

namespace Nulecule.Compose;

/// <summary>
/// Brings one loaded compose file to the one form the rest reads: `environment` and `labels` as
/// maps (env files folded in, `environment` winning), `depends_on` and `networks` as maps, bind
/// sources and secret/config files resolved against the file's directory, secret and config
/// contents read in (so the document replays without the app directory).
/// </summary>
internal static class ComposeNormalizer
{
    public static void Normalize(JsonObject document, ComposeSource file, Func<string, string?> lookup, ComposeLoadOptions options, ComposeLocations locations)
    {
        if (document["services"] is JsonObject services)
        {
            foreach (var (_, node) in services)
            {
                if (node is JsonObject service)
                {
                    Service(service, file, lookup, options, locations);
                }
            }
        }

        foreach (var section in new[] { "secrets", "configs" })
        {
            if (document[section] is not JsonObject items)
            {
                continue;
            }

            foreach (var (name, node) in items)
            {
                if (node is not JsonObject item || item["external"]?.GetValue<bool>() == true)
                {
                    continue;
                }

                if (item["file"] is JsonValue path)
                {
                    var at = locations.Of(path);
                    var full = ComposeLoader.ResolvePath(Directory(file, at), path.GetValue<string>(), options, at);
                    item["content"] = Read(full, options, at);
                    item.Remove("file");
                }
                else if (item["environment"] is JsonValue variable)
                {
                    var at = locations.Of(variable);
                    item["content"] = lookup(variable.GetValue<string>()) ?? throw new NuleculeException(
                        $"{section}.{name}: the variable {variable.GetValue<string>()} is not set", at, $"give the app a param {variable.GetValue<string>()}");
                    item.Remove("environment");
                }
            }
        }
    }

    private static void Service(JsonObject service, ComposeSource file, Func<string, string?> lookup, ComposeLoadOptions options, ComposeLocations locations)
    {
        var environment = ToMap(service, "environment", lookup, locations);
        if (service["env_file"] is { } envFiles)
        {
            var entries = envFiles is JsonArray list ? list.ToList() : [envFiles];
            var fromFiles = new JsonObject();
            foreach (var entry in entries)
            {
                var at = locations.Of(entry);
                var (path, required) = entry is JsonObject o
                    ? (o["path"]!.GetValue<string>(), o["required"]?.GetValue<bool>() ?? true)
                    : (entry!.GetValue<string>(), true);
                if (entry is JsonObject { } withFormat && withFormat["format"] is JsonValue format)
                {
                    throw new NuleculeException($"env_file format '{format}' is not supported", locations.Of(format), "remove format: Compose's own format is read");
                }

                var full = ComposeLoader.ResolvePath(Directory(file, at), path, options, at);
                if (!required && SafeFiles.KindOf(full) == FileKind.Missing)
                {
                    continue;
                }

                foreach (var (key, value) in EnvFile.Parse(Read(full, options, at), full, lookup))
                {
                    fromFiles[key] = value;
                }
            }

            foreach (var (key, value) in fromFiles)
            {
                if (!environment.ContainsKey(key))
                {
                    environment[key] = value?.DeepClone();
                }
            }

            service.Remove("env_file");
        }

        if (environment.Count > 0)
        {
            service["environment"] = environment;
        }

        var labels = ToMap(service, "labels", _ => null, locations);
        if (labels.Count > 0)
        {
            service["labels"] = labels;
        }

        if (service["depends_on"] is JsonArray dependsOnList)
        {
            var map = new JsonObject();
            foreach (var item in dependsOnList)
            {
                map[item!.GetValue<string>()] = new JsonObject { ["condition"] = "service_started" };
                locations.SetKey(map, item.GetValue<string>(), locations.Of(item)!);
            }

            locations.Set(map, locations.Of(dependsOnList)!);
            service["depends_on"] = map;
        }

        if (service["networks"] is JsonArray networkList)
        {
            var map = new JsonObject();
            foreach (var item in networkList)
            {
                map[item!.GetValue<string>()] = null;
                locations.SetKey(map, item.GetValue<string>(), locations.Of(item)!);
            }

            locations.Set(map, locations.Of(networkList)!);
            service["networks"] = map;
        }

        if (service["volumes"] is JsonArray volumes)
        {
            for (var i = 0; i < volumes.Count; i++)
            {
                var at = locations.Of(volumes[i]);
                if (volumes[i] is JsonValue shortForm)
                {
                    var text = shortForm.GetValue<string>();
                    var colon = text.IndexOf(':', StringComparison.Ordinal);
                    if (colon > 0 && IsRelativeBind(text[..colon]))
                    {
                        var replaced = JsonValue.Create(ComposeLoader.ResolvePath(Directory(file, at), text[..colon], options, at) + text[colon..]);
                        volumes[i] = replaced;
                        locations.Set(replaced, at!);
                    }
                }
                else if (volumes[i] is JsonObject { } longForm && longForm["type"]?.GetValue<string>() == "bind" && longForm["source"] is JsonValue source
                    && IsRelativeBind(source.GetValue<string>()))
                {
                    longForm["source"] = ComposeLoader.ResolvePath(Directory(file, at), source.GetValue<string>(), options, at);
                }
            }
        }
    }

    private static bool IsRelativeBind(string source) => source.StartsWith('.') || source.StartsWith('~');

    private static string Directory(ComposeSource file, SourceLocation? at) =>
        file.Directory ?? throw new NuleculeException("this compose file names a relative path, and it is not on disk", at);

    private static string Read(string path, ComposeLoadOptions options, SourceLocation? at)
    {
        try
        {
            return options.ReadFile(path);
        }
        catch (IOException e)
        {
            throw new NuleculeException($"cannot read {path}: {e.Message}", at);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new NuleculeException($"cannot read {path}: {e.Message}", at);
        }
    }

    /// <summary>`- KEY=VALUE` lists and `KEY: value` maps as one map of strings; a bare `KEY` takes the variable's value, or is left out.</summary>
    private static JsonObject ToMap(JsonObject service, string key, Func<string, string?> lookup, ComposeLocations locations)
    {
        var map = new JsonObject();
        switch (service[key])
        {
            case JsonArray list:
                foreach (var item in list)
                {
                    var text = item!.GetValue<string>();
                    var eq = text.IndexOf('=', StringComparison.Ordinal);
                    var name = eq < 0 ? text : text[..eq];
                    var value = eq < 0 ? lookup(name) : text[(eq + 1)..];
                    if (value is not null)
                    {
                        map[name] = value;
                        locations.Set(map[name], locations.Of(item)!);
                        locations.SetKey(map, name, locations.Of(item)!);
                    }
                }

                break;
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    var text = value is null ? lookup(name) : value.GetValueKind() switch
                    {
                        System.Text.Json.JsonValueKind.String => value.GetValue<string>(),
                        System.Text.Json.JsonValueKind.True => "true",
                        System.Text.Json.JsonValueKind.False => "false",
                        _ => value.ToJsonString(),
                    };
                    if (text is not null)
                    {
                        map[name] = text;
                        var at = locations.OfKey(obj, name);
                        if (at is not null)
                        {
                            locations.Set(map[name], at);
                            locations.SetKey(map, name, at);
                        }
                    }
                }

                break;
        }

        return map;
    }
}
