using Nulecule.Spec;

namespace Nulecule.Resolution;

/// <summary>
/// An application together with the nested applications of its `source:` components, loaded
/// from `external/&lt;name&gt;/`. <see cref="Scope"/> is the answers section prefix of this app's
/// components: null for the root app, `parent` for an app nested under component `parent`,
/// `a:b` deeper down.
/// </summary>
public sealed record AppNode(Application App, string? Scope, IReadOnlyDictionary<string, AppNode> Nested)
{
    /// <summary>The answers section of one of this app's components: `name` or `scope:name`.</summary>
    public string ScopeOf(Component component) => Scope is null ? component.Name : $"{Scope}:{component.Name}";

    /// <summary>Local components in deployment order: graph order, nested apps in place.</summary>
    public IEnumerable<ComponentRef> Walk()
    {
        foreach (var component in App.Graph)
        {
            if (component.IsNested)
            {
                if (Nested.TryGetValue(component.Name, out var child))
                {
                    foreach (var inner in child.Walk())
                    {
                        yield return inner;
                    }
                }

                continue;
            }

            yield return new ComponentRef(this, component, ScopeOf(component));
        }
    }

    /// <summary>Every app of the tree, this one first, nested ones in graph order.</summary>
    public IEnumerable<AppNode> Apps()
    {
        yield return this;
        foreach (var component in App.Graph)
        {
            if (component.IsNested && Nested.TryGetValue(component.Name, out var child))
            {
                foreach (var app in child.Apps())
                {
                    yield return app;
                }
            }
        }
    }
}

/// <summary>A local component and the app that declares it.</summary>
public sealed record ComponentRef(AppNode Owner, Component Component, string Scope);
