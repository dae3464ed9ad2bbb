using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Nulecule.Compose;

/// <summary>One compose file to load: its display path, its text, and the directory its relative paths start from (null: none allowed).</summary>
public sealed record ComposeSource(string Display, string Text, string? Directory);

public sealed record ComposeLoadOptions
{
    /// <summary>The interpolation variables (Nulecule params): a value, or null when unset. They outrank `.env`.</summary>
    public Func<string, string?> Variables { get; init; } = _ => null;

    /// <summary>The active profiles; null takes them from the variable COMPOSE_PROFILES (comma-separated).</summary>
    public IReadOnlyCollection<string>? Profiles { get; init; }

    /// <summary>Hides secret values in error messages.</summary>
    public SecretMasker Masker { get; init; } = SecretMasker.None;

    /// <summary>The directory no file the compose files name may leave (the app's); null: each file's own directory.</summary>
    public string? Root { get; init; }

    /// <summary>Reads a file by absolute path (bounded, regular files only by default).</summary>
    public Func<string, string> ReadFile { get; init; } = path => TextFile.Read(path);
}

/// <summary>A loaded compose project: the resolved document (self-contained: includes, env files, `.env` and secret files read in), its typed model, and what was noticed.</summary>
public sealed record ComposeLoadResult(
    JsonObject Document, ComposeProject Project, IReadOnlyList<Diagnostic> Warnings, IReadOnlyCollection<string> Used, IReadOnlyCollection<string> Unset)
{
    /// <summary>The services left out because none of their profiles is active.</summary>
    public IReadOnlyCollection<string> Inactive { get; init; } = [];
}

/// <summary>
/// Loads compose files as Compose does (Compose Specification; compose-go's loader): each file is
/// read, interpolated with the variables (values only), cast, checked against the schema, its
/// `include`s loaded as projects of their own and copied in, its `env_file`s and relative paths
/// resolved; several files merge in order (a later file overrides); then services outside the
/// active profiles are dropped and the result is mapped onto <see cref="ComposeProject"/>, where
/// every key Nulecule does not deploy is a located error.
/// </summary>
public static partial class ComposeLoader
{
    private const int MaxIncludeDepth = 16;

    /// <summary>The artifact keys whose files may be compose files (the docker provider's, and the swarm provider's).</summary>
    public static readonly IReadOnlySet<string> ArtifactKeys = new HashSet<string>(StringComparer.Ordinal) { "docker", "swarm", "compose" };

    /// <summary>Whether an artifact's text is a compose document (a YAML mapping with a top-level `services:`), cheaply.</summary>
    public static bool LooksLikeCompose(string text) => ServicesKey().IsMatch(text) && !KubernetesKind().IsMatch(text);

    public static ComposeLoadResult Load(IReadOnlyList<ComposeSource> files, ComposeLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(options);
        if (files.Count == 0)
        {
            throw new ArgumentException("no compose file given", nameof(files));
        }

        var locations = new ComposeLocations();
        var warnings = new List<Diagnostic>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        var unset = new HashSet<string>(StringComparer.Ordinal);

        // The project's `.env` is the first file's; the variables outrank it.
        var dotEnv = ReadDotEnv(files[0].Directory, options);
        string? Lookup(string name) => options.Variables(name) ?? (dotEnv.TryGetValue(name, out var v) ? v : null);

        JsonObject? merged = null;
        foreach (var file in files)
        {
            var document = LoadFile(file, Lookup, options, locations, warnings, used, unset, []);
            merged = merged is null ? document : ComposeMerge.Merge(merged, document, locations);
        }

        var inactive = ApplyProfiles(merged!, Lookup, options, locations, files[0].Display);
        var project = ComposeModel.Build(merged!, locations, files[0].Display, options.Masker);
        foreach (var name in unset.Order(StringComparer.Ordinal))
        {
            warnings.Add(Diagnostic.Warning($"the variable {name} is not set: it was replaced by an empty string", new SourceLocation(files[0].Display, 0, 0),
                $"give the app a param {name}, or write ${{{name}:-default}}"));
        }

        return new ComposeLoadResult(merged!, project, warnings, used, unset) { Inactive = inactive };
    }

    private static Dictionary<string, string> ReadDotEnv(string? directory, ComposeLoadOptions options)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (directory is null)
        {
            return values;
        }

        var path = Path.Combine(directory, ".env");
        if (SafeFiles.KindOf(path) != FileKind.Regular)
        {
            return values;
        }

        foreach (var (key, value) in EnvFile.Parse(options.ReadFile(path), path, options.Variables))
        {
            values[key] = value;
        }

        return values;
    }

    private static JsonObject LoadFile(
        ComposeSource file, Func<string, string?> lookup, ComposeLoadOptions options, ComposeLocations locations,
        List<Diagnostic> warnings, HashSet<string> used, HashSet<string> unset, List<string> including)
    {
        var reader = new ComposeTreeReader(file.Display, lookup, locations, options.Masker);
        var document = reader.Read(file.Text);
        used.UnionWith(reader.Used);
        unset.UnionWith(reader.Unset);
        var errors = ComposeSchema.Check(document, locations, file.Display);
        if (errors.Count > 0)
        {
            throw new NuleculeException(errors.Select(d => d with { Message = options.Masker.Mask(d.Message) }).ToList());
        }

        if (document.ContainsKey("version"))
        {
            warnings.Add(Diagnostic.Warning("'version' is obsolete and ignored", locations.OfKey(document, "version"), "remove it"));
            document.Remove("version");
        }

        ComposeNormalizer.Normalize(document, file, lookup, options, locations);
        if (document["include"] is JsonArray includes)
        {
            document.Remove("include");
            foreach (var entry in includes)
            {
                Include(document, entry!, file, lookup, options, locations, warnings, used, unset, including);
            }
        }

        return document;
    }

    private static void Include(
        JsonObject into, JsonNode entry, ComposeSource parent, Func<string, string?> lookup, ComposeLoadOptions options, ComposeLocations locations,
        List<Diagnostic> warnings, HashSet<string> used, HashSet<string> unset, List<string> including)
    {
        var at = locations.Of(entry);
        if (parent.Directory is null)
        {
            throw new NuleculeException("include needs a compose file on disk (relative paths start at its directory)", at);
        }

        var paths = entry switch
        {
            JsonValue v => [v.GetValue<string>()],
            JsonObject o when o["path"] is JsonArray list => list.Select(p => p!.GetValue<string>()).ToList(),
            JsonObject o => [o["path"]!.GetValue<string>()],
            _ => throw new NuleculeException("an include entry is a path or {path: ...}", at),
        };
        if (entry is JsonObject extra && extra.Select(p => p.Key).FirstOrDefault(k => k is not ("path" or "project_directory" or "env_file")) is { } unknown)
        {
            throw new NuleculeException($"include.{unknown} is not supported", locations.OfKey(extra, unknown));
        }

        var resolved = paths.Select(p => ResolvePath(parent.Directory, p, options, at)).ToList();
        var directory = entry is JsonObject { } withDir && withDir["project_directory"] is JsonValue pd
            ? ResolvePath(parent.Directory, pd.GetValue<string>(), options, at)
            : Path.GetDirectoryName(resolved[0])!;
        if (including.Count >= MaxIncludeDepth || resolved.Any(including.Contains))
        {
            throw new NuleculeException($"include of {paths[0]} loops back or nests deeper than {MaxIncludeDepth}", at, "remove the include that leads back");
        }

        // Its own `.env` (or env_file) gives defaults; the including project's variables outrank them.
        var envFiles = entry is JsonObject { } withEnv && withEnv["env_file"] is { } ef
            ? (ef is JsonArray a ? a.Select(x => x!.GetValue<string>()) : [ef.GetValue<string>()]).Select(p => ResolvePath(parent.Directory, p, options, at)).ToList()
            : [Path.Combine(directory, ".env")];
        var defaults = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var envFile in envFiles.Where(f => SafeFiles.KindOf(f) == FileKind.Regular))
        {
            foreach (var (key, value) in EnvFile.Parse(options.ReadFile(envFile), envFile, lookup))
            {
                defaults[key] = value;
            }
        }

        string? Lookup(string name) => lookup(name) ?? (defaults.TryGetValue(name, out var v) ? v : null);
        JsonObject? loaded = null;
        foreach (var path in resolved)
        {
            var source = new ComposeSource(path, options.ReadFile(path), directory);
            var document = LoadFile(source, Lookup, options, locations, warnings, used, unset, [.. including, path]);
            loaded = loaded is null ? document : ComposeMerge.Merge(loaded, document, locations);
        }

        foreach (var section in new[] { "services", "networks", "volumes", "secrets", "configs" })
        {
            if (loaded![section] is not JsonObject items)
            {
                continue;
            }

            if (into[section] is not JsonObject target)
            {
                into[section] = target = new JsonObject();
            }

            foreach (var name in items.Select(p => p.Key).ToList())
            {
                var item = items[name];
                if (target.ContainsKey(name))
                {
                    throw new NuleculeException($"{section}.{name} is defined both here and in the included {paths[0]}", locations.OfKey(target, name) ?? at,
                        "rename one of them: included resources are copied, not merged");
                }

                var keyAt = locations.OfKey(items, name);
                items.Remove(name);
                target[name] = item;
                if (keyAt is not null)
                {
                    locations.SetKey(target, name, keyAt);
                }
            }
        }
    }

    /// <summary>A path a compose file names, relative to its directory, which may not leave <see cref="ComposeLoadOptions.Root"/>.</summary>
    internal static string ResolvePath(string directory, string path, ComposeLoadOptions options, SourceLocation? at)
    {
        var root = options.Root ?? directory;
        var full = Path.GetFullPath(Path.Combine(directory, path));
        try
        {
            return SafeFiles.ResolveInside(root, Path.GetRelativePath(Path.GetFullPath(root), full));
        }
        catch (UnsafeFileException e)
        {
            throw new NuleculeException($"{path}: {e.Message}", at, "name a file inside the app's directory");
        }
    }

    /// <summary>Removes the services outside the active profiles; returns their names.</summary>
    private static HashSet<string> ApplyProfiles(JsonObject document, Func<string, string?> lookup, ComposeLoadOptions options, ComposeLocations locations, string file)
    {
        if (document["services"] is not JsonObject services)
        {
            return [];
        }

        var active = options.Profiles?.ToHashSet(StringComparer.Ordinal)
            ?? (lookup("COMPOSE_PROFILES") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        bool Enabled(JsonNode? service) =>
            service?["profiles"] is not JsonArray { Count: > 0 } profiles || active.Contains("*") || profiles.Any(p => active.Contains(p!.GetValue<string>()));

        var off = services.Where(s => !Enabled(s.Value)).Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, service) in services)
        {
            if (off.Contains(name) || service?["depends_on"] is not JsonObject dependsOn)
            {
                continue;
            }

            foreach (var (dependency, spec) in dependsOn)
            {
                if (off.Contains(dependency) && spec?["required"]?.GetValue<bool>() != false)
                {
                    throw new NuleculeException($"services.{name} depends on {dependency}, which is only in profiles that are not active", locations.OfKey(dependsOn, dependency),
                        $"activate one of its profiles (param COMPOSE_PROFILES), or mark the dependency required: false");
                }
            }
        }

        foreach (var name in off)
        {
            services.Remove(name);
        }

        return off;
    }

    [GeneratedRegex(@"^services\s*:|^\s*\{?\s*""services""\s*:", RegexOptions.Multiline)]
    private static partial Regex ServicesKey();

    [GeneratedRegex(@"^(apiVersion|kind)\s*:", RegexOptions.Multiline)]
    private static partial Regex KubernetesKind();
}
