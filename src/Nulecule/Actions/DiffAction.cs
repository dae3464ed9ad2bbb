using System.Text.Json.Nodes;
using Nulecule.Actions.Internal;
using Nulecule.Providers;
using Nulecule.Releases;
using Nulecule.Templating;

namespace Nulecule.Actions;

public enum ObjectChangeKind
{
    Added,
    Removed,
    Changed,

    /// <summary>Unchanged in the manifest, but missing or not running on the engine: the next run re-creates it.</summary>
    Drifted,
}

/// <summary>One object (component + kind + name) that differs.</summary>
public sealed record ObjectChange(string Component, string Kind, string Name, ObjectChangeKind Change)
{
    /// <summary>
    /// For a changed compose service, network, volume, secret or config: the keys whose values
    /// differ (`image`, `ports`, `environment.NAME`...), never the values; empty for other objects.
    /// </summary>
    public IReadOnlyList<string> Fields { get; init; } = Array.Empty<string>();
}

/// <summary>
/// The difference between what runs and what would run: <see cref="Lines"/> is unified-diff-like
/// text with hidden values masked (a changed secret shows as a changed line of stars).
/// </summary>
public sealed record DiffResult(int? AgainstRevision, IReadOnlyList<ObjectChange> Changes, IReadOnlyList<string> Lines)
{
    /// <summary>The CLI exits 1 when true, 0 when false.</summary>
    public bool HasChanges => Changes.Count > 0;
}

/// <summary>
/// `nulecule diff`: compares the stored manifest of the latest deployed revision with a newly
/// rendered app, object by object, and, given the <see cref="Engine"/>, the deployed revision's
/// objects with what the engine has (drift: an object deleted or stopped behind the tool's back,
/// which the next run would re-create). Changes nothing and takes no lock.
/// </summary>
public sealed class DiffAction(IReleaseStore store, ReleaseKey key)
{
    public required string Release { get; init; }

    /// <summary>The release's provider, to look for drift; null compares manifests only.</summary>
    public Nulecule.Providers.IProvider? Engine { get; init; }

    /// <summary>The release's history when the caller has just read it (under the release's lock): not read again.</summary>
    public IReadOnlyList<Release>? History { get; init; }

    public async Task<DiffResult> RunAsync(RenderedApp app, CancellationToken cancellationToken = default)
    {
        var history = History ?? await store.HistoryAsync(Release, cancellationToken);
        var deployed = history.LastOrDefault(r => r.State == ReleaseState.Deployed);
        var after = ReleaseManifest.From(Engine?.CaptureInputs(app) ?? app);
        var before = deployed is null ? null : key.Open(deployed);
        var masker = new SecretMasker(after.HiddenValues.Concat(before?.HiddenValues ?? []));
        var lines = new List<string>();
        if (before is null)
        {
            lines.Add($"release '{Release}' has no deployed revision: every object would be created");
        }
        else if (before.Provider != after.Provider)
        {
            lines.Add($"provider changes: {before.Provider} -> {after.Provider}");
        }

        var oldObjects = before is null ? [] : Objects(before, key.Digests);
        var newObjects = Objects(after, key.Digests);
        var changes = new List<ObjectChange>();
        var label = deployed is null ? "(none)" : $"(revision {deployed.Revision})";
        var byKey = new Dictionary<string, DiffObject>(StringComparer.Ordinal);
        foreach (var n in newObjects)
        {
            byKey.TryAdd(n.Key, n);
        }

        foreach (var old in oldObjects)
        {
            var current = byKey.GetValueOrDefault(old.Key);
            if (current?.Text is not null && current.Text == old.Text)
            {
                continue; // the same document text makes the same lines: nothing to show
            }

            var hunks = LineDiff.Unified(old.Lines, current?.Lines ?? [], masker.Mask);
            if (hunks.Count == 0)
            {
                continue;
            }

            changes.Add(new ObjectChange(old.Component, old.Kind, old.Name, current is null ? ObjectChangeKind.Removed : ObjectChangeKind.Changed)
            {
                Fields = current is null ? Array.Empty<string>() : ChangedFields(old.Node, current.Node),
            });
            lines.Add($"--- {masker.Mask(old.Key)} {label}");
            lines.Add($"+++ {masker.Mask(old.Key)} {(current is null ? "(removed)" : "(new)")}");
            lines.AddRange(hunks);
        }

        var oldKeys = oldObjects.Select(o => o.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var added in newObjects.Where(n => !oldKeys.Contains(n.Key)))
        {
            changes.Add(new ObjectChange(added.Component, added.Kind, added.Name, ObjectChangeKind.Added));
            lines.Add($"--- {masker.Mask(added.Key)} (absent)");
            lines.Add($"+++ {masker.Mask(added.Key)} (new)");
            lines.AddRange(LineDiff.Unified([], added.Lines, masker.Mask));
        }

        if (Engine is not null && deployed is not null)
        {
            var health = await new StatusAction(Engine, store) { Release = Release, History = history }.RunAsync(cancellationToken);
            foreach (var component in health.Components)
            {
                foreach (var o in component.Objects.Where(Drifted))
                {
                    var change = changes.FirstOrDefault(c => c.Component == component.Component && string.Equals(c.Kind, o.Kind, StringComparison.OrdinalIgnoreCase));
                    if (change is not null)
                    {
                        continue;
                    }

                    changes.Add(new ObjectChange(component.Component, o.Kind, o.Name, ObjectChangeKind.Drifted));
                    lines.Add(masker.Mask($"!!! {component.Component} {o.Kind}/{o.Name} is {o.State} on the engine (revision {deployed.Revision} wants it running): the next run re-creates it"));
                }
            }
        }

        return new DiffResult(deployed?.Revision, changes, lines);
    }

    /// <summary>
    /// Gone, or a container that is not running (and did not complete): what the next run would
    /// re-create. Not-yet-ready objects (a health check still starting, pods rolling) are not drift.
    /// </summary>
    private static bool Drifted(Nulecule.Providers.ObjectStatus o) =>
        o.State == StatusAction.Missing
        || o.Kind == "container" && o.State is not ("running" or "restarting") && !ReleaseHealth.Completed(o);

    /// <summary>One object's lines, made only when they are compared (YAML for 200 objects is most of an unchanged diff).</summary>
    private sealed class DiffObject(string component, string kind, string name, Func<IReadOnlyList<string>> lines)
    {
        private IReadOnlyList<string>? _lines;

        public DiffObject(string component, string kind, string name, IReadOnlyList<string> lines)
            : this(component, kind, name, () => lines)
        {
        }

        public string Component => component;

        public string Kind => kind;

        public string Name => name;

        public string Key { get; } = $"{component} {kind}/{name}";

        public IReadOnlyList<string> Lines => _lines ??= lines();

        /// <summary>The stored JSON the lines are made from, when there is one: equal texts give equal lines.</summary>
        public string? Text { get; init; }

        /// <summary>The object as a node, when it is one part of a compose file (for <see cref="ObjectChange.Fields"/>).</summary>
        public JsonObject? Node { get; init; }
    }

    /// <summary>The compose file's parts, each an object of its own: services, then networks, volumes, secrets and configs; what else is at the top (`name`) as one more.</summary>
    private static readonly (string Section, string Kind)[] ComposeParts = [("services", "service"), ("networks", "network"), ("volumes", "volume"), ("secrets", "secret"), ("configs", "config")];

    private static IEnumerable<DiffObject> ComposeObjects(string component, string source, JsonObject document)
    {
        foreach (var (section, kind) in ComposeParts)
        {
            foreach (var (name, node) in document[section] as JsonObject ?? [])
            {
                var part = node as JsonObject ?? new JsonObject();
                yield return new DiffObject(component, kind, name, SplitLines(DocumentWriter.ToYaml(part))) { Node = part };
            }
        }

        var rest = new JsonObject(document.Where(p => ComposeParts.All(c => c.Section != p.Key)).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
        if (rest.Count > 0)
        {
            yield return new DiffObject(component, "compose", source, SplitLines(DocumentWriter.ToYaml(rest))) { Node = rest };
        }
    }

    /// <summary>The keys whose values differ; within `environment` and `labels`, which names.</summary>
    private static IReadOnlyList<string> ChangedFields(JsonObject? before, JsonObject? after)
    {
        if (before is null || after is null)
        {
            return Array.Empty<string>(); // the same instance as ObjectChange's default: equal changes stay equal
        }

        var fields = new List<string>();
        foreach (var key in before.Select(p => p.Key).Union(after.Select(p => p.Key)).Order(StringComparer.Ordinal))
        {
            var (old, now) = (before[key], after[key]);
            if (JsonNode.DeepEquals(old, now))
            {
                continue;
            }

            if (key is "environment" or "labels" && old is JsonObject o && now is JsonObject n)
            {
                fields.AddRange(ChangedFields(o, n).Select(name => $"{key}.{name}"));
            }
            else
            {
                fields.Add(key);
            }
        }

        return fields;
    }

    private static List<DiffObject> Objects(ReleaseManifest manifest, ValueDigest digest)
    {
        var objects = new List<DiffObject>();

        // A docker-run command is a container on Docker and a service on a swarm.
        var commandKind = manifest.Provider == "swarm" ? "service" : "container";
        foreach (var component in manifest.Components)
        {
            foreach (var artifact in component.Artifacts)
            {
                if (artifact.Format == ArtifactFormat.Compose && artifact.Documents.Count == 1 && JsonNode.Parse(artifact.Documents[0]) is JsonObject compose)
                {
                    objects.AddRange(ComposeObjects(component.Scope, artifact.Source, compose));
                    continue;
                }

                for (var i = 0; i < artifact.Documents.Count; i++)
                {
                    var node = JsonNode.Parse(artifact.Documents[i]);
                    var kind = (node as JsonObject)?["kind"]?.ToString() ?? "document";
                    var name = ((node as JsonObject)?["metadata"] as JsonObject)?["name"]?.ToString() ?? $"{artifact.Source}#{i + 1}";
                    objects.Add(new DiffObject(component.Scope, kind, name, () => SplitLines(DocumentWriter.ToYaml(node))) { Text = artifact.Documents[i] });
                }

                for (var i = 0; i < artifact.Commands.Count; i++)
                {
                    var args = artifact.Commands[i];
                    var name = NameOf(args) ?? $"{artifact.Source}#{i + 1}";
                    objects.Add(new DiffObject(component.Scope, commandKind, name, [.. args, .. InputLines(artifact.Inputs?.ElementAtOrDefault(i), digest)]));
                }

                if (artifact.Documents.Count == 0 && artifact.Commands.Count == 0)
                {
                    objects.Add(new DiffObject(component.Scope, "file", artifact.Source, SplitLines(artifact.Text)));
                }
            }
        }

        return objects;
    }

    /// <summary>
    /// A command's captured inputs (env files, shell variables) as lines that change when they
    /// change, showing a keyed digest instead of the value (<see cref="ValueDigest"/>): an env file may
    /// hold secrets no param hides, and a plain hash of a short one could be searched for.
    /// </summary>
    private static IEnumerable<string> InputLines(IReadOnlyDictionary<string, string?>? inputs, ValueDigest digest) =>
        (inputs ?? new Dictionary<string, string?>())
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => $"# reads {kv.Key} " + (kv.Value is null ? "(unset)" : "digest:" + digest.Of("nulecule-diff-input", kv.Value, 12)));

    private static string? NameOf(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--name" && i + 1 < args.Count)
            {
                return args[i + 1];
            }

            if (args[i].StartsWith("--name=", StringComparison.Ordinal))
            {
                return args[i]["--name=".Length..];
            }
        }

        return null;
    }

    private static List<string> SplitLines(string text) =>
        text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n').ToList();
}
