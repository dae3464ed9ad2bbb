namespace Nulecule.Spec;

/// <summary>Rules beyond the schema: unique names, inherit targets and cycles, artifact paths that resolve.</summary>
public static class SemanticChecks
{
    /// <summary>Provider keys this tool deploys or renders; others are kept but warned about.</summary>
    public static readonly IReadOnlyList<string> KnownProviders = ["docker", "kubernetes", "openshift", "marathon"];

    /// <summary>Checks <paramref name="app"/>; returns the artifact paths it resolved on disk.</summary>
    internal static ResolvedArtifactPaths Run(Application app, Reader reader)
    {
        // Resolving an artifact path looks at each of its components on disk: for thousands of
        // artifacts, do those on every core first; the checks below report in graph order.
        var paths = app.Graph.Where(c => !c.IsNested)
            .SelectMany(c => c.Artifacts.Values.SelectMany(e => e))
            .Select(e => e switch
            {
                PathArtifact p => (Reference: (string?)p.Reference, p.Location),
                PointerArtifact p => (Reference: (string?)p.Resource, p.Location),
                _ => (Reference: (string?)null, e.Location),
            })
            .Where(p => p.Reference is not null)
            .Distinct()
            .ToArray();
        var failures = new NuleculeException?[paths.Length];
        var locations = new ArtifactLocation?[paths.Length];
        Parallel.For(0, paths.Length, i =>
        {
            try
            {
                locations[i] = ArtifactPath.Resolve(paths[i].Reference!, app.Directory, paths[i].Location);
            }
            catch (NuleculeException ex)
            {
                failures[i] = ex;
            }
        });
        var resolved = new Dictionary<(string?, SourceLocation), NuleculeException?>(paths.Length);
        var found = new Dictionary<(string, SourceLocation), ArtifactLocation>(paths.Length);
        for (var i = 0; i < paths.Length; i++)
        {
            resolved[paths[i]] = failures[i];
            if (locations[i] is { } location)
            {
                found[(paths[i].Reference!, paths[i].Location)] = location;
            }
        }

        var names = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        foreach (var component in app.Graph)
        {
            if (names.TryGetValue(component.Name, out var first))
            {
                reader.Error(component.Location, $"component name '{component.Name}' is used twice in the graph (first at line {first.Line})",
                    "component names are answers sections and object labels: make them unique");
            }
            else
            {
                names[component.Name] = component.Location;
            }

            if (!component.IsNested)
            {
                CheckArtifacts(app, component, reader, resolved);
            }
            else if (component.Artifacts.Count > 0)
            {
                reader.Warn(component.Location, $"component '{component.Name}' has both `source` and `artifacts`; `source` wins and the artifacts are ignored");
            }
        }

        return new ResolvedArtifactPaths(app.Directory, found);
    }

    private static void CheckArtifacts(Application app, Component component, Reader reader, Dictionary<(string?, SourceLocation), NuleculeException?> resolved)
    {
        foreach (var (provider, entries) in component.Artifacts)
        {
            if (!KnownProviders.Contains(provider))
            {
                var near = Suggest.Closest(provider, KnownProviders);
                reader.Warn(entries.FirstOrDefault()?.Location ?? component.Location, $"component '{component.Name}' has artifacts for unknown provider '{provider}'",
                    near is null ? $"known providers: {string.Join(", ", KnownProviders)}" : $"did you mean '{near}'?");
            }

            foreach (var entry in entries)
            {
                switch (entry)
                {
                    case InheritArtifact inherit:
                        CheckInherit(component, provider, inherit, reader);
                        break;
                    case PathArtifact path:
                        CheckPath(resolved[(path.Reference, path.Location)], path.Location, reader);
                        break;
                    case PointerArtifact pointer:
                        CheckPath(resolved[(pointer.Resource, pointer.Location)], pointer.Location, reader);
                        foreach (var name in pointer.Pointers.Keys)
                        {
                            if (component.Params.All(p => p.Name != name) && app.Params.All(p => p.Name != name))
                            {
                                reader.Error(pointer.Location, $"pointer artifact of component '{component.Name}' sets param '{name}', which neither the component nor the app declares");
                            }
                        }

                        break;
                }
            }
        }
    }

    private static void CheckInherit(Component component, string provider, InheritArtifact inherit, Reader reader)
    {
        foreach (var target in inherit.Providers)
        {
            if (!component.Artifacts.ContainsKey(target))
            {
                reader.Error(inherit.Location, $"{provider} artifacts of component '{component.Name}' inherit from '{target}', which the component has no artifacts for",
                    component.Artifacts.Count > 0 ? $"it has: {string.Join(", ", component.Artifacts.Keys)}" : null);
            }
        }

        // Follow the chain from this provider; a path back to it is a cycle.
        var path = new List<string> { provider };
        if (FindCycle(component, provider, path))
        {
            reader.Error(inherit.Location, $"inherit cycle in component '{component.Name}': {string.Join(" -> ", path)}", "remove one of the inherit items");
        }
    }

    private static bool FindCycle(Component component, string current, List<string> path)
    {
        if (!component.Artifacts.TryGetValue(current, out var entries))
        {
            return false;
        }

        foreach (var target in entries.OfType<InheritArtifact>().SelectMany(i => i.Providers))
        {
            if (target == path[0])
            {
                path.Add(target);
                return true;
            }

            if (path.Contains(target))
            {
                continue;
            }

            path.Add(target);
            if (FindCycle(component, target, path))
            {
                return true;
            }

            path.RemoveAt(path.Count - 1);
        }

        return false;
    }

    private static void CheckPath(NuleculeException? failure, SourceLocation at, Reader reader)
    {
        // Whether the file exists is checked where it is read: rendering reads only the chosen
        // provider's artifacts (a missing kubernetes file does not stop `-p docker`), and
        // `validate` reads every provider's.
        foreach (var d in failure?.Diagnostics ?? [])
        {
            reader.Error(d.Location ?? at, d.Message, d.Hint);
        }
    }
}
