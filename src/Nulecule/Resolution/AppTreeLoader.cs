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

        var nested = new Dictionary<string, AppNode>(StringComparer.Ordinal);
        foreach (var component in app.Graph.Where(c => c.IsNested))
        {
            var childScope = scope is null ? component.Name : $"{scope}:{component.Name}";
            var dir = Path.Combine(app.Directory, ExternalDirectory, component.Name);
            if (!File.Exists(Path.Combine(dir, NuleculeLoader.FileName)))
            {
                missing.Add((childScope, component));
                if (requireNested)
                {
                    diagnostics.Add(Diagnostic.Error(
                        $"nested application '{component.Name}' ({component.Source}) has not been fetched: no {NuleculeLoader.DisplayPath(Path.Combine(dir, NuleculeLoader.FileName))}",
                        component.Location,
                        $"run `nulecule fetch {NuleculeLoader.DisplayPath(app.Directory)}` to extract it from its image into {ExternalDirectory}/{component.Name}/"));
                }

                continue;
            }

            if (depth > 16)
            {
                diagnostics.Add(Diagnostic.Error($"nested applications are more than 16 levels deep at '{childScope}'; is an app nesting itself?", component.Location));
                continue;
            }

            if (LoadNode(dir, childScope, diagnostics, missing, requireNested, depth + 1) is { } child)
            {
                nested[component.Name] = child;
            }
        }

        return new AppNode(app, scope, nested);
    }
}
