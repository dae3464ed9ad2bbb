using System.Text.Json.Nodes;
using Nulecule.Answers;
using Nulecule.Resolution;
using Nulecule.Spec;
using Nulecule.Templating;

namespace Nulecule.Releases;

/// <summary>
/// Everything needed to deploy a revision again without the app directory: the rendered
/// artifacts (documents as JSON text, docker commands as argument lists), the app tree's ids,
/// the volumes and the resolved values (hidden ones included). It therefore contains secrets and
/// is only ever stored sealed (<see cref="ReleaseKey"/>).
/// </summary>
public sealed record ReleaseManifest
{
    public const int CurrentFormat = 1;

    public int Format { get; init; } = CurrentFormat;
    public required string AppId { get; init; }
    public string? AppName { get; init; }
    public string? AppVersion { get; init; }
    public required string SpecVersion { get; init; }
    public required string Provider { get; init; }

    /// <summary>The apps of the tree, root first (its <see cref="ManifestApp.Scope"/> is null).</summary>
    public IReadOnlyList<ManifestApp> Apps { get; init; } = [];

    /// <summary>Components in deployment order.</summary>
    public IReadOnlyList<ManifestComponent> Components { get; init; } = [];
    public IReadOnlyList<ManifestVolume> Volumes { get; init; } = [];
    public IReadOnlyList<ManifestParam> Params { get; init; } = [];
    public IReadOnlyDictionary<string, string> General { get; init; } = new Dictionary<string, string>();

    /// <summary>The substitution context of each component scope and of `general`.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, Scalar>> Contexts { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, Scalar>>();

    /// <summary>The hidden values of this manifest, to build a <see cref="SecretMasker"/> from.</summary>
    public IEnumerable<string> HiddenValues => Params.Where(p => p.Hidden && p.Value is not null).Select(p => p.Value!);

    public static ReleaseManifest From(RenderedApp app)
    {
        var root = app.Root;
        var apps = new List<ManifestApp>();
        Collect(root, null, apps);
        var scopes = app.Components.Select(c => c.Scope).Prepend(AnswerSection.General).Distinct(StringComparer.Ordinal);
        return new ReleaseManifest
        {
            AppId = root.App.Id,
            AppName = root.App.Metadata.Name,
            AppVersion = root.App.Metadata.AppVersion,
            SpecVersion = root.App.SpecVersion,
            Provider = app.Provider,
            Apps = apps,
            Components = app.Components.Select(c => new ManifestComponent(
                c.Scope,
                c.Name,
                c.Owner.Scope,
                c.Artifacts.Select(a => new ManifestArtifact(
                    a.Source,
                    a.Format,
                    a.Documents.Select(d => d.ToJsonString()).ToList(),
                    a.Commands.Select(cmd => (IReadOnlyList<string>)cmd.Arguments.ToList()).ToList(),
                    a.Text)
                {
                    Inputs = a.Commands.Any(cmd => cmd.Inputs is not null) ? a.Commands.Select(cmd => cmd.Inputs).ToList() : null,
                }).ToList())).ToList(),
            Volumes = app.Volumes.Select(v => new ManifestVolume(v.Name, v.AccessMode, v.Size)).ToList(),
            Params = app.Values.Params.Select(p => new ManifestParam(p.Scope, p.Name, p.Value?.Text, p.Value?.Kind ?? ScalarKind.Null, p.Hidden, p.Origin, p.Description)).ToList(),
            General = new Dictionary<string, string>(app.Values.General, StringComparer.Ordinal),
            Contexts = scopes.ToDictionary(
                s => s,
                s => (IReadOnlyDictionary<string, Scalar>)new Dictionary<string, Scalar>(app.Values.ContextFor(s), StringComparer.Ordinal),
                StringComparer.Ordinal),
        };
    }

    /// <summary>
    /// Rebuilds what a provider needs from a stored manifest: a minimal app tree (ids, graph,
    /// directories as they were), the rendered components, and values with the hidden ones so the
    /// masker hides them again.
    /// </summary>
    public RenderedApp ToRenderedApp()
    {
        var location = new SourceLocation($"stored release of {AppId}", 0, 0);
        var rootApp = Apps.FirstOrDefault(a => a.Scope is null) ?? new ManifestApp(null, AppId, AppName, AppVersion, null, "");
        var graphs = new Dictionary<string, List<Component>>(StringComparer.Ordinal) { [""] = [] };
        foreach (var component in Components)
        {
            EnsureScope(component.OwnerScope, graphs);
            var graph = graphs[component.OwnerScope ?? ""];
            if (!graph.Any(c => c.Name == component.Name))
            {
                graph.Add(new Component
                {
                    Name = component.Name,
                    Location = location,
                    Artifacts = new Dictionary<string, IReadOnlyList<ArtifactEntry>>
                    {
                        [Provider] = component.Artifacts.Select(a => (ArtifactEntry)new PathArtifact("file://" + a.Source, location)).ToList(),
                    },
                });
            }
        }

        var volumes = Volumes.Select(v => new PersistentVolumeRequirement(v.Name, v.AccessMode, v.Size, location)).ToList();
        var nodes = new Dictionary<string, AppNode>(StringComparer.Ordinal);
        var root = BuildNode(null, rootApp, graphs, nodes, volumes, location);

        var components = Components.Select(c => new RenderedComponent(
            c.Scope,
            c.Name,
            nodes.GetValueOrDefault(c.OwnerScope ?? "") ?? root,
            c.Artifacts.Select(a => new RenderedArtifact
            {
                Component = c.Scope,
                Provider = Provider,
                Source = a.Source,
                Format = a.Format,
                Documents = a.Documents.Select(d => JsonNode.Parse(d) ?? throw new FormatException($"stored document of {c.Scope} is null")).ToList(),
                Commands = a.Commands.Select((args, i) => new DockerRunCommand(args.ToList(), new SourceLocation(a.Source, 0, 0))
                {
                    Inputs = a.Inputs is { } inputs && i < inputs.Count ? inputs[i] : null,
                }).ToList(),
                Text = a.Text,
            }).ToList())).ToList();

        var parameters = Params.Select(p => new ResolvedParam(
            p.Scope,
            p.Name,
            p.Value is null ? null : new Scalar(p.Value, p.Kind),
            p.Origin,
            null,
            p.Hidden,
            p.Description)).ToList();
        var contexts = Contexts.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        var values = new ResolvedValues(parameters, new Dictionary<string, string>(General, StringComparer.Ordinal), contexts);
        return new RenderedApp(root, Provider, components, volumes, values);
    }

    private static void Collect(AppNode node, string? source, List<ManifestApp> into)
    {
        into.Add(new ManifestApp(node.Scope, node.App.Id, node.App.Metadata.Name, node.App.Metadata.AppVersion, source, node.App.Directory));
        foreach (var component in node.App.Graph.Where(c => c.IsNested))
        {
            if (node.Nested.TryGetValue(component.Name, out var child))
            {
                Collect(child, component.Source, into);
            }
        }
    }

    // A nested scope `a:b` hangs under component `b` of the app of scope `a`; make sure every
    // ancestor's graph has the nesting component, in first-seen order (which is deployment order).
    private void EnsureScope(string? scope, Dictionary<string, List<Component>> graphs)
    {
        if (scope is null || graphs.ContainsKey(scope))
        {
            return;
        }

        var cut = scope.LastIndexOf(':');
        var parent = cut < 0 ? null : scope[..cut];
        var name = cut < 0 ? scope : scope[(cut + 1)..];
        EnsureScope(parent, graphs);
        graphs[scope] = [];
        var source = Apps.FirstOrDefault(a => a.Scope == scope)?.Source ?? "docker://" + name;
        graphs[parent ?? ""].Add(new Component { Name = name, Source = source, Location = new SourceLocation($"stored release of {AppId}", 0, 0) });
    }

    private AppNode BuildNode(
        string? scope,
        ManifestApp app,
        Dictionary<string, List<Component>> graphs,
        Dictionary<string, AppNode> nodes,
        IReadOnlyList<PersistentVolumeRequirement> volumes,
        SourceLocation location)
    {
        var graph = graphs.GetValueOrDefault(scope ?? "") ?? [];
        var nested = new Dictionary<string, AppNode>(StringComparer.Ordinal);
        foreach (var component in graph.Where(c => c.IsNested))
        {
            var childScope = scope is null ? component.Name : $"{scope}:{component.Name}";
            var childApp = Apps.FirstOrDefault(a => a.Scope == childScope) ?? new ManifestApp(childScope, component.Name, null, null, component.Source, app.Directory);
            nested[component.Name] = BuildNode(childScope, childApp, graphs, nodes, [], location);
        }

        var node = new AppNode(
            new Application
            {
                Id = app.Id,
                SpecVersion = SpecVersion,
                Metadata = new Metadata { Name = app.Name, AppVersion = app.AppVersion },
                Graph = graph,
                Requirements = volumes.Cast<Requirement>().ToList(),
                Directory = app.Directory,
                File = app.Directory.Length == 0 ? "" : Path.Combine(app.Directory, "Nulecule"),
                Location = location,
            },
            scope,
            nested);
        nodes[scope ?? ""] = node;
        return node;
    }
}

/// <summary>One app of the tree. <see cref="Source"/> is the `source:` of the component that nests it.</summary>
public sealed record ManifestApp(string? Scope, string Id, string? Name, string? AppVersion, string? Source, string Directory);

public sealed record ManifestComponent(string Scope, string Name, string? OwnerScope, IReadOnlyList<ManifestArtifact> Artifacts);

/// <summary>A rendered artifact: <see cref="Documents"/> as JSON text, <see cref="Commands"/> as argument lists.</summary>
public sealed record ManifestArtifact(
    string Source,
    ArtifactFormat Format,
    IReadOnlyList<string> Documents,
    IReadOnlyList<IReadOnlyList<string>> Commands,
    string Text)
{
    /// <summary>Per command, its captured inputs (<see cref="DockerRunCommand.Inputs"/>); null in records older than capture.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string?>?>? Inputs { get; init; }
}

public sealed record ManifestVolume(string Name, string AccessMode, string Size);

public sealed record ManifestParam(string Scope, string Name, string? Value, ScalarKind Kind, bool Hidden, ValueOrigin Origin, string? Description);
