using Nulecule.Spec;

namespace Nulecule.Resolution;

/// <summary>
/// Loads an application and, recursively, the nested applications of its `source:` components
/// from `external/&lt;name&gt;/` (where `fetch` puts them).
/// </summary>
public static class AppTreeLoader
{
    public const string ExternalDirectory = "external";

    /// <summary>The loaded tree and every diagnostic of every file.</summary>
    public sealed record Result(AppNode? Root, IReadOnlyList<Diagnostic> Diagnostics, IReadOnlyList<(string Scope, Component Component)> Missing)
    {
        public bool Succeeded => Root is not null && !Diagnostics.Any(d => d.IsError);
    }

    /// <param name="requireNested">When true, a nested app not yet fetched is an error; otherwise it is reported in <see cref="Result.Missing"/>.</param>
    public static Result Load(string path, bool requireNested = true)
    {
        var diagnostics = new List<Diagnostic>();
        var missing = new List<(string, Component)>();
        var root = LoadNode(path, null, diagnostics, missing, requireNested, depth: 0);
        return new Result(diagnostics.Any(d => d.IsError) ? null : root, diagnostics, missing);
    }

    public static AppNode LoadOrThrow(string path, bool requireNested = true)
    {
        var result = Load(path, requireNested);
        return result.Succeeded ? result.Root! : throw new NuleculeException(result.Diagnostics);
    }

    private static AppNode? LoadNode(string path, string? scope, List<Diagnostic> diagnostics, List<(string, Component)> missing, bool requireNested, int depth)
    {
        var loaded = NuleculeLoader.Load(path);
        diagnostics.AddRange(loaded.Diagnostics);
        if (loaded.Application is not { } app)
        {
            return null;
        }

        // Nested apps are independent files: load them side by side, then report in graph order.
        var children = app.Graph.Where(c => c.IsNested).Select(component => new Child(component, scope is null ? component.Name : $"{scope}:{component.Name}")).ToList();
        Parallel.ForEach(children, child => LoadChild(app, child, requireNested, depth));
        var nested = new Dictionary<string, AppNode>(StringComparer.Ordinal);
        foreach (var child in children)
        {
            diagnostics.AddRange(child.Diagnostics);
            missing.AddRange(child.Missing);
            if (child.Node is { } node)
            {
                nested[child.Component.Name] = node;
            }
        }

        return new AppNode(app, scope, nested);
    }

    private static void LoadChild(Application app, Child child, bool requireNested, int depth)
    {
        var component = child.Component;
        string dir;
        try
        {
            // external/ comes from images too: a link there must not lead out of the app.
            dir = SafeFiles.ResolveInside(app.Directory, $"{ExternalDirectory}/{component.Name}");
        }
        catch (UnsafeFileException ex)
        {
            child.Diagnostics.Add(Diagnostic.Error($"nested application '{component.Name}' cannot be loaded safely: {ex.Message}", component.Location,
                "symbolic links in an application must stay inside its directory"));
            return;
        }

        if (!File.Exists(Path.Combine(dir, NuleculeLoader.FileName)))
        {
            child.Missing.Add((child.Scope, component));
            if (requireNested)
            {
                child.Diagnostics.Add(Diagnostic.Error(
                    $"nested application '{component.Name}' ({component.Source}) has not been fetched: no {NuleculeLoader.DisplayPath(Path.Combine(dir, NuleculeLoader.FileName))}",
                    component.Location,
                    $"run `nulecule fetch {NuleculeLoader.DisplayPath(app.Directory)}` to extract it from its image into {ExternalDirectory}/{component.Name}/"));
            }

            return;
        }

        if (depth > 16)
        {
            child.Diagnostics.Add(Diagnostic.Error($"nested applications are more than 16 levels deep at '{child.Scope}'; is an app nesting itself?", component.Location));
            return;
        }

        child.Node = LoadNode(dir, child.Scope, child.Diagnostics, child.Missing, requireNested, depth + 1);
        if (child.Node is { } node)
        {
            child.Diagnostics.AddRange(HostPaths(node.App));
        }
    }

    /// <summary>
    /// An app that came out of an image (a nested app under external/, or `run IMAGE`) may not
    /// name files of the host: its absolute `file:///` artifacts are errors. Only an app the user
    /// keeps on disk may do that on purpose.
    /// </summary>
    public static IEnumerable<Diagnostic> HostPaths(Application app)
    {
        foreach (var component in app.Graph)
        {
            foreach (var entry in component.Artifacts.Values.SelectMany(e => e))
            {
                var reference = entry switch
                {
                    PathArtifact p => p.Reference,
                    PointerArtifact p => p.Resource,
                    _ => null,
                };
                if (reference is not null && IsHostPath(reference))
                {
                    yield return Diagnostic.Error(
                        $"artifact '{reference}' of component '{component.Name}' names a file of this machine, but the application came from an image",
                        entry.Location,
                        "an application shipped as an image may only use files inside it (file://relative/path)");
                }
            }
        }
    }

    private static bool IsHostPath(string reference) =>
        reference.StartsWith("file:///", StringComparison.Ordinal) ||
        (reference.StartsWith("file:/", StringComparison.Ordinal) && !reference.StartsWith("file://", StringComparison.Ordinal)) ||
        reference.StartsWith('/');

    /// <summary>One nested app being loaded, with what its loading found.</summary>
    private sealed class Child(Component component, string scope)
    {
        public Component Component { get; } = component;
        public string Scope { get; } = scope;
        public List<Diagnostic> Diagnostics { get; } = [];
        public List<(string, Component)> Missing { get; } = [];
        public AppNode? Node { get; set; }
    }
}
