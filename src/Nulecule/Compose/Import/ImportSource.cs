using System.Text.Json.Nodes;

namespace Nulecule.Compose.Import;

/// <summary>
/// Compose files read for import: the compose loader's tree reader and schema, `include` and the
/// `-f` merge, but values kept as written (not interpolated), so `${VAR:-x}` is still there to
/// become a param. `env_file` entries are folded into `environment` (as the loader does), and each
/// service remembers the directory its relative paths start from.
/// </summary>
internal sealed class ImportSource
{
    private const int MaxIncludeDepth = 16;

    private readonly Dictionary<JsonNode, string> _directories = new(ReferenceEqualityComparer.Instance);

    private ImportSource()
    {
    }

    public JsonObject Document { get; private set; } = [];

    public ComposeLocations Locations { get; } = new();

    /// <summary>Every value holding `$`, with its references, as read.</summary>
    public List<ComposeRawValue> Values { get; } = [];

    /// <summary>The first file's `.env` (values as written there).</summary>
    public Dictionary<string, string> DotEnv { get; } = new(StringComparer.Ordinal);

    /// <summary>Defaults from the `.env` files of included projects (the including project's win).</summary>
    public Dictionary<string, string> IncludedEnv { get; } = new(StringComparer.Ordinal);

    public SourceLocation? DotEnvAt { get; private set; }

    public List<string> Displays { get; } = [];

    /// <summary>What was changed while reading (include, env_file, version), for the fidelity report.</summary>
    public List<(string Key, string Note, SourceLocation? At)> Notes { get; } = [];

    public static ImportSource Load(IReadOnlyList<string> files)
    {
        if (files.Count == 0)
        {
            throw new NuleculeException("no compose file given", null, "name one or more compose files: nulecule import compose.yaml");
        }

        var source = new ImportSource();
        var first = Path.GetFullPath(files[0]);
        var dotEnv = Path.Combine(Path.GetDirectoryName(first)!, ".env");
        if (SafeFiles.KindOf(dotEnv) == FileKind.Regular)
        {
            source.DotEnvAt = new SourceLocation(dotEnv, 1, 1);
            foreach (var (key, value) in EnvFile.Parse(TextFile.Read(dotEnv), dotEnv, _ => null))
            {
                source.DotEnv[key] = value;
            }
        }

        JsonObject? merged = null;
        foreach (var file in files)
        {
            var full = Path.GetFullPath(file);
            source.Displays.Add(file);
            var document = source.ReadFile(full, file, []);
            merged = merged is null ? document : ComposeMerge.Merge(merged, document, source.Locations);
        }

        source.Document = merged!;
        return source;
    }

    /// <summary>The directory a service's (or a secret's, a config's) relative paths start from.</summary>
    public string DirectoryOf(JsonNode node) => _directories.TryGetValue(node, out var directory) ? directory : Path.GetDirectoryName(Path.GetFullPath(Displays[0]))!;

    private JsonObject ReadFile(string full, string display, List<string> including)
    {
        string text;
        try
        {
            text = TextFile.Read(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or UnsafeFileException)
        {
            throw new NuleculeException($"cannot read {display}: {e.Message}", null, "name a compose file that exists");
        }

        var reader = new ComposeTreeReader(display, _ => null, Locations, SecretMasker.None) { Uninterpolated = Values };
        var document = reader.Read(text);
        var errors = ComposeSchema.Check(document, Locations, display);
        if (errors.Count > 0)
        {
            throw new NuleculeException(errors);
        }

        var directory = Path.GetDirectoryName(full)!;
        if (document.ContainsKey("version"))
        {
            Notes.Add(("version", "obsolete (compose ignores it too)", Locations.OfKey(document, "version")));
            document.Remove("version");
        }

        foreach (var section in new[] { "services", "secrets", "configs" })
        {
            foreach (var (_, node) in document[section] as JsonObject ?? [])
            {
                if (node is not null)
                {
                    _directories[node] = directory;
                }
            }
        }

        foreach (var (_, node) in document["services"] as JsonObject ?? [])
        {
            if (node is JsonObject service)
            {
                FoldEnvFiles(service, directory);
            }
        }

        if (document["include"] is JsonArray includes)
        {
            Notes.Add(("include", "the included files' services are imported as components of their own (their paths start at their own directory)", Locations.OfKey(document, "include")));
            document.Remove("include");
            foreach (var entry in includes)
            {
                Include(document, entry!, directory, display, [.. including, full]);
            }
        }

        return document;
    }

    private void Include(JsonObject into, JsonNode entry, string directory, string display, List<string> including)
    {
        var at = Locations.Of(entry);
        var paths = entry switch
        {
            JsonValue v => [v.GetValue<string>()],
            JsonObject o when o["path"] is JsonArray list => list.Select(p => p!.GetValue<string>()).ToList(),
            JsonObject o => [o["path"]!.GetValue<string>()],
            _ => throw new NuleculeException("an include entry is a path or {path: ...}", at),
        };
        if (paths.Any(p => p.Contains('$', StringComparison.Ordinal)))
        {
            throw new NuleculeException("include: a path with variables cannot be imported", at, "write the path itself");
        }

        var resolved = paths.Select(p => Path.GetFullPath(Path.Combine(directory, p))).ToList();
        if (including.Count >= MaxIncludeDepth || resolved.Any(including.Contains))
        {
            throw new NuleculeException($"include of {paths[0]} loops back or nests deeper than {MaxIncludeDepth}", at, "remove the include that leads back");
        }

        var envFiles = entry is JsonObject { } withEnv && withEnv["env_file"] is { } ef
            ? (ef is JsonArray a ? a.Select(x => x!.GetValue<string>()) : [ef.GetValue<string>()]).Select(p => Path.GetFullPath(Path.Combine(directory, p))).ToList()
            : [Path.Combine(Path.GetDirectoryName(resolved[0])!, ".env")];
        foreach (var envFile in envFiles.Where(f => SafeFiles.KindOf(f) == FileKind.Regular))
        {
            foreach (var (key, value) in EnvFile.Parse(TextFile.Read(envFile), envFile, _ => null))
            {
                IncludedEnv.TryAdd(key, value);
            }
        }

        JsonObject? loaded = null;
        foreach (var (path, i) in resolved.Select((p, i) => (p, i)))
        {
            // Named as the including file is, from its directory: docs/app/compose.yaml includes docs/app/db/compose.yaml.
            var shown = Path.IsPathRooted(paths[i]) ? paths[i] : Path.Combine(Path.GetDirectoryName(display) ?? "", paths[i]);
            var document = ReadFile(path, shown, including);
            loaded = loaded is null ? document : ComposeMerge.Merge(loaded, document, Locations);
        }

        foreach (var section in new[] { "services", "networks", "volumes", "secrets", "configs" })
        {
            if (loaded![section] is not JsonObject items)
            {
                continue;
            }

            if (into[section] is not JsonObject target)
            {
                into[section] = target = [];
            }

            foreach (var name in items.Select(p => p.Key).ToList())
            {
                if (target.ContainsKey(name))
                {
                    throw new NuleculeException($"{section}.{name} is defined both here and in the included {paths[0]}", Locations.OfKey(target, name) ?? at,
                        "rename one of them: included resources are copied, not merged");
                }

                var keyAt = Locations.OfKey(items, name);
                var item = items[name];
                items.Remove(name);
                target[name] = item;
                if (keyAt is not null)
                {
                    Locations.SetKey(target, name, keyAt);
                }
            }
        }
    }

    /// <summary>`env_file` entries become `environment` entries (`environment` wins), their `$` kept literal.</summary>
    private void FoldEnvFiles(JsonObject service, string directory)
    {
        var environment = EnvironmentMap(service);
        foreach (var (key, value) in environment.ToList())
        {
            if (value is null)
            {
                // A bare KEY takes its value from the environment: here, from the param KEY.
                var keyAt = Locations.OfKey(environment, key) ?? Locations.OfKey(service, "environment")!;
                var text = "${" + key + "}";
                environment[key] = text;
                Values.Add(new ComposeRawValue(text, ["services", ServiceName(service), "environment", key], [new ComposeReference(key, "", "")], keyAt));
                Notes.Add(($"environment.{key}", "a bare name (value from the shell) becomes the param " + key, keyAt));
            }
        }

        if (environment.Count > 0)
        {
            service["environment"] = environment;
        }

        if (service["env_file"] is not { } envFiles)
        {
            return;
        }

        var at = Locations.OfKey(service, "env_file");
        foreach (var entry in envFiles is JsonArray list ? list.ToList() : [envFiles])
        {
            var (path, required) = entry is JsonObject o ? (o["path"]!.GetValue<string>(), o["required"]?.GetValue<bool>() ?? true) : (entry!.GetValue<string>(), true);
            var full = Path.GetFullPath(Path.Combine(directory, path));
            if (SafeFiles.KindOf(full) != FileKind.Regular)
            {
                if (required)
                {
                    throw new NuleculeException($"env_file {path} is missing", Locations.Of(entry), "create it, or mark it required: false");
                }

                continue;
            }

            foreach (var (key, value) in EnvFile.Parse(TextFile.Read(full), full, _ => null))
            {
                if (!environment.ContainsKey(key))
                {
                    environment[key] = value.Replace("$", "$$", StringComparison.Ordinal);
                    if (at is not null)
                    {
                        Locations.SetKey(environment, key, at);
                    }

                }
            }
        }

        service.Remove("env_file");
        service["environment"] = environment;
        if (at is not null)
        {
            Locations.SetKey(service, "environment", at);
        }

        Notes.Add(("env_file", "its variables are written into environment", at));
    }

    private static string ServiceName(JsonObject service) => service.Parent is JsonObject services ? services.First(p => ReferenceEquals(p.Value, service)).Key : "?";

    /// <summary>`environment` (or `labels`) as a map of strings; a bare `KEY` (take it from the shell) keeps a null value.</summary>
    public JsonObject EnvironmentMap(JsonObject service, string key = "environment")
    {
        var map = new JsonObject();
        switch (service[key])
        {
            case JsonArray items:
                foreach (var item in items)
                {
                    var text = item!.GetValue<string>();
                    var eq = text.IndexOf('=', StringComparison.Ordinal);
                    map[eq < 0 ? text : text[..eq]] = eq < 0 ? null : text[(eq + 1)..];
                    if (Locations.Of(item) is { } at)
                    {
                        Locations.SetKey(map, eq < 0 ? text : text[..eq], at);
                    }
                }

                break;
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    map[name] = value is null ? null : value.GetValueKind() == System.Text.Json.JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
                    if (Locations.OfKey(obj, name) is { } at)
                    {
                        Locations.SetKey(map, name, at);
                    }
                }

                break;
        }

        return map;
    }
}
