using Nulecule.Resolution;
using Nulecule.Spec;

namespace Nulecule.Answers.Internal;

/// <summary>A param together with the answers scope it belongs to.</summary>
internal sealed record ScopedParam(string Scope, Param Param);

/// <summary>
/// The scopes and params of an app tree, flattened: the root app's globals are <c>general</c>, a
/// nested app's globals (and the params its <c>source:</c> component declares in the parent) take
/// the nesting component's scope, components take <c>name</c> or <c>parent:name</c>.
/// </summary>
internal sealed class ScopeTree
{
    private readonly List<ScopedParam> _params = [];
    private readonly List<string> _scopes = [AnswerSection.General];

    public ScopeTree(AppNode root)
    {
        Add(root, AnswerSection.General, []);
        var keys = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var scope in _scopes)
        {
            keys[scope] = new HashSet<string>(StringComparer.Ordinal);
        }

        keys[AnswerSection.General].UnionWith(GeneralSettings.All);
        foreach (var param in _params)
        {
            foreach (var section in Chain(param.Scope))
            {
                keys[section].Add(param.Param.Name);
            }
        }

        KeysOf = keys;
    }

    /// <summary>Every param in declaration order: globals first, then graph order, nested apps in place.</summary>
    public IReadOnlyList<ScopedParam> Params => _params;

    /// <summary><c>general</c>, then every component and nested-app scope in graph order.</summary>
    public IReadOnlyList<string> Scopes => _scopes;

    /// <summary>The keys an answers section may hold: the params it can answer (and, in general, the settings).</summary>
    public IReadOnlyDictionary<string, HashSet<string>> KeysOf { get; }

    public bool IsScope(string section) => KeysOf.ContainsKey(section);

    private readonly Dictionary<string, IReadOnlyList<string>> _chains = new(StringComparer.Ordinal);

    /// <summary><see cref="Chain"/> of <paramref name="scope"/>, worked out once per scope of this tree (a scope has many params).</summary>
    public IReadOnlyList<string> ChainOf(string scope)
    {
        if (!_chains.TryGetValue(scope, out var chain))
        {
            chain = Chain(scope);
            _chains[scope] = chain;
        }

        return chain;
    }

    /// <summary>The sections that can answer a param of <paramref name="scope"/>, most specific first.</summary>
    public static IReadOnlyList<string> Chain(string scope)
    {
        var chain = new List<string>();
        if (scope != AnswerSection.General)
        {
            for (var s = scope; ; s = s[..s.LastIndexOf(':')])
            {
                chain.Add(s);
                if (!s.Contains(':', StringComparison.Ordinal))
                {
                    break;
                }
            }
        }

        chain.Add(AnswerSection.General);
        return chain;
    }

    private void Add(AppNode node, string globalScope, IReadOnlyList<Param> fromParent)
    {
        AddParams(globalScope, Merge(fromParent, node.App.Params));
        foreach (var component in node.App.Graph)
        {
            var scope = node.ScopeOf(component);
            _scopes.Add(scope);
            if (component.IsNested && node.Nested.TryGetValue(component.Name, out var child))
            {
                Add(child, scope, component.Params);
            }
            else
            {
                AddParams(scope, component.Params);
            }
        }
    }

    private readonly HashSet<(string Scope, string Name)> _declared = [];

    private void AddParams(string scope, IEnumerable<Param> parameters)
    {
        foreach (var param in parameters)
        {
            // A name declared twice in one scope is the spec validator's to report; the first one counts here.
            if (_declared.Add((scope, param.Name)))
            {
                _params.Add(new ScopedParam(scope, param));
            }
        }
    }

    // The parent's declaration on a `source:` component customises the nested app's global of the same name.
    private static List<Param> Merge(IReadOnlyList<Param> outer, IReadOnlyList<Param> inner)
    {
        var merged = new List<Param>();
        foreach (var param in outer)
        {
            var same = inner.FirstOrDefault(p => p.Name == param.Name);
            merged.Add(same is null ? param : param with
            {
                Default = param.Default ?? same.Default,
                Description = param.Description ?? same.Description,
                Hidden = param.Hidden || same.Hidden,
                Constraints = [.. param.Constraints, .. same.Constraints],
            });
        }

        merged.AddRange(inner.Where(p => !outer.Any(o => o.Name == p.Name)));
        return merged;
    }
}
