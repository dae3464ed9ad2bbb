using Nulecule.Answers.Internal;
using Nulecule.Resolution;
using Nulecule.Spec;

namespace Nulecule.Answers;

/// <summary>
/// Gives every param of an app tree its value for one deployment.
/// <para>Precedence, highest first: the command line (flags, then <c>--set</c>), the environment
/// (<see cref="EnvironmentAnswers"/>), the answers file, the param's default, a prompt. Within
/// one source the most specific section wins: <c>[a:b]</c>, then <c>[a]</c>, then
/// <c>[general]</c>; an unanswered entry (<c>None</c>, empty) is skipped, while <c>0</c>,
/// <c>false</c> and <c>""</c> are answers.</para>
/// <para>Scopes: the root app's globals are <c>general</c>; a nested app's globals take the scope of
/// the component that nests it; its components are <c>parent:child</c>.</para>
/// <para>Every value from every source, defaults included, is checked against the param's
/// constraints. Problems are collected and thrown together as one <see cref="NuleculeException"/>:
/// a missing required value, a value that is not of the param's type (see <see cref="ParamTyping"/>)
/// or breaks a constraint, a <c>--set</c> scope naming no component. Keys naming no param and
/// answers sections naming no component are warnings.</para>
/// </summary>
public static class ParamResolver
{
    /// <summary>Resolves the tree's params; warnings are dropped (use the other overload to show them).</summary>
    public static ResolvedValues Resolve(AppNode root, AnswerSources sources) => Resolve(root, sources, out _);

    /// <summary>Resolves the tree's params and returns the warnings (unknown keys, ignored variables).</summary>
    public static ResolvedValues Resolve(AppNode root, AnswerSources sources, out IReadOnlyList<Diagnostic> warnings)
    {
        var tree = new ScopeTree(root);
        var errors = new List<Diagnostic>();
        var warned = new List<Diagnostic>();
        warnings = warned;

        // Highest precedence first.
        var layers = new[]
        {
            CommandLineLayer(sources, tree, errors, warned),
            EnvironmentLayer(sources.Environment, tree, warned),
            FileLayer(sources.File, tree, errors, warned),
        };

        var resolved = new List<ResolvedParam>();
        foreach (var (scope, param) in tree.Params)
        {
            var candidate = Lookup(layers, tree.ChainOf(scope), param.Name) ?? DefaultOf(param) ?? Prompted(sources.Prompt, scope, param);
            if (candidate is null)
            {
                switch (sources.Missing)
                {
                    case MissingValues.Placeholder:
                        resolved.Add(new ResolvedParam(scope, param.Name, Placeholder(param), ValueOrigin.Default, null, param.Hidden, param.Description));
                        continue;
                    case MissingValues.Error:
                        errors.Add(Missing(scope, param));
                        break;
                }

                resolved.Add(new ResolvedParam(scope, param.Name, null, ValueOrigin.Default, null, param.Hidden, param.Description));
                continue;
            }

            if (candidate.Origin != ValueOrigin.Default)
            {
                var type = ParamTyping.TypeOf(param);
                if (!ParamTyping.TryConvert(candidate.Value!, type, out var typed))
                {
                    errors.Add(Mistyped(scope, param, candidate, type));
                    resolved.Add(new ResolvedParam(scope, param.Name, null, candidate.Origin, candidate.From, param.Hidden, param.Description));
                    continue;
                }

                candidate = candidate with { Value = typed };
            }

            foreach (var constraint in param.Constraints.Where(c => !c.Allows(candidate.Value!.Text)))
            {
                errors.Add(Broken(scope, param, candidate, constraint));
            }

            resolved.Add(new ResolvedParam(scope, param.Name, candidate.Value, candidate.Origin, candidate.From, param.Hidden, param.Description));
        }

        if (errors.Count > 0)
        {
            throw new NuleculeException([.. errors, .. warned]);
        }

        return new ResolvedValues(resolved, GeneralOf(layers, resolved), ContextsOf(layers, tree, resolved));
    }

    /// <summary>How a param of a scope can be answered, for messages.</summary>
    public static string HowToSupply(string scope, string name) =>
        $"give it in the answers file as `[{scope}] {name} = ...`, on the command line as `--set {(scope == AnswerSection.General ? name : $"{scope}.{name}")}=...`, " +
        $"or in the environment as {EnvironmentAnswers.VariableFor(scope, name)}";

    private sealed record Candidate(Scalar? Value, ValueOrigin Origin, SourceLocation? From, string? Source)
    {
        /// <summary>Where the value comes from, for messages (a default's is worked out only when a message needs it).</summary>
        public string Described => Source ?? (From is { Line: > 0 } at ? $"the default at {at}" : "the default");
    }

    private sealed class Layer : Dictionary<(string Section, string Key), Candidate>;

    private static Candidate? Lookup(Layer[] layers, IReadOnlyList<string> chain, string name)
    {
        foreach (var layer in layers)
        {
            for (var i = 0; i < chain.Count; i++)
            {
                if (layer.TryGetValue((chain[i], name), out var candidate) && candidate.Value is not null)
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static readonly string[] GeneralChain = [AnswerSection.General];

    private static Candidate? DefaultOf(Param param) =>
        param.Default is null or { IsNull: true }
            ? null
            : new Candidate(param.Default, ValueOrigin.Default, param.Location, null);

    private static Candidate? Prompted(Func<PromptRequest, string?>? prompt, string scope, Param param)
    {
        var typed = prompt?.Invoke(new PromptRequest(scope, param.Name, param.Description, param.Hidden, param.Constraints));
        var value = PlainScalar.Parse(typed);
        return value is null ? null : new Candidate(value, ValueOrigin.CommandLine, new SourceLocation("prompt", 0, 0), "the prompt");
    }

    private static Layer CommandLineLayer(AnswerSources sources, ScopeTree tree, List<Diagnostic> errors, List<Diagnostic> warnings)
    {
        var layer = new Layer();
        foreach (var set in sources.Overrides)
        {
            if (!tree.IsScope(set.Scope))
            {
                errors.Add(Diagnostic.Error(
                    $"{set.Origin}: '{set.Scope}' is no component of this app{Suggest.DidYouMean(set.Scope, tree.Scopes)}",
                    hint: $"scopes are {string.Join(", ", tree.Scopes)}"));
                continue;
            }

            if (Unknown(tree, set.Scope, set.Name, null, set.Origin) is { } unknown)
            {
                if (sources.UnknownOverrides == UnknownNames.Error)
                {
                    // A typo must not deploy the default in its place.
                    errors.Add(Diagnostic.Error(unknown.Message, hint: "check the name (`nulecule params` lists them), or pass --allow-unknown to give it anyway"));
                    continue;
                }

                warnings.Add(unknown);
            }

            layer[(set.Scope, set.Name)] = new Candidate(set.Value, ValueOrigin.CommandLine, new SourceLocation(set.Origin, 0, 0), set.Origin);
        }

        foreach (var (key, value) in sources.Settings)
        {
            if (value is not null)
            {
                layer[(AnswerSection.General, key)] = new Candidate(Scalar.String(value), ValueOrigin.CommandLine,
                    new SourceLocation($"--{key}", 0, 0), $"--{key}");
            }
        }

        return layer;
    }

    private static Layer EnvironmentLayer(IReadOnlyDictionary<string, string> environment, ScopeTree tree, List<Diagnostic> warnings)
    {
        var layer = new Layer();
        foreach (var (section, key, variable, value) in EnvironmentAnswers.Map(environment, tree, warnings))
        {
            WarnIfUnknown(tree, section, key, null, $"environment variable {variable}", warnings);
            layer[(section, key)] = new Candidate(PlainScalar.Parse(value), ValueOrigin.Environment,
                new SourceLocation(variable, 0, 0), $"environment variable {variable}");
        }

        return layer;
    }

    private static Layer FileLayer(AnswersFile? file, ScopeTree tree, List<Diagnostic> errors, List<Diagnostic> warnings)
    {
        var layer = new Layer();
        foreach (var section in file?.Sections ?? [])
        {
            if (!tree.IsScope(section.Name))
            {
                // Real apps ship answers files with stale sections: warn, and use the rest.
                warnings.Add(Diagnostic.Warning(
                    $"answers section [{section.Name}] names no component of this app, so its values are ignored{Suggest.DidYouMean(section.Name, tree.Scopes)}",
                    section.Location,
                    $"sections are {string.Join(", ", tree.Scopes.Select(s => $"[{s}]"))}"));
                continue;
            }

            foreach (var entry in section.Entries)
            {
                WarnIfUnknown(tree, section.Name, entry.Key, entry.Location, null, warnings);
                var described = entry.Location?.ToString() ?? file!.Path ?? "the answers file";
                layer[(section.Name, entry.Key)] = new Candidate(entry.Value, ValueOrigin.AnswersFile, entry.Location, described);
            }
        }

        return layer;
    }

    private static void WarnIfUnknown(ScopeTree tree, string section, string key, SourceLocation? at, string? origin, List<Diagnostic> warnings)
    {
        if (Unknown(tree, section, key, at, origin) is { } unknown)
        {
            warnings.Add(unknown);
        }
    }

    /// <summary>A warning when <paramref name="key"/> names no param (or setting) of <paramref name="section"/>, else null.</summary>
    private static Diagnostic? Unknown(ScopeTree tree, string section, string key, SourceLocation? at, string? origin)
    {
        var known = tree.KeysOf[section];
        if (known.Contains(key))
        {
            return null;
        }

        var prefix = origin is null ? "" : origin + ": ";
        var what = section == AnswerSection.General
            ? $"{prefix}[general] {key} matches no param or setting of this app{Suggest.DidYouMean(key, known)} (templates can still use it as ${key})"
            : $"{prefix}[{section}] {key} matches no param of '{section}'{Suggest.DidYouMean(key, known)}";
        return Diagnostic.Warning(what, at);
    }

    private static Diagnostic Missing(string scope, Param param)
    {
        var description = string.IsNullOrWhiteSpace(param.Description) ? "" : $" ({param.Description.Trim()})";
        return Diagnostic.Error($"[{scope}] {param.Name}{description} has no value and no default", hint: HowToSupply(scope, param.Name));
    }

    // A param without default is a string; the stand-in is a word no reader types otherwise.
    private static Scalar Placeholder(Param param) => ParamTyping.TypeOf(param) switch
    {
        ScalarKind.Integer => new Scalar("1", ScalarKind.Integer),
        ScalarKind.Float => new Scalar("1.0", ScalarKind.Float),
        ScalarKind.Boolean => new Scalar("true", ScalarKind.Boolean),
        _ => Scalar.String($"placeholder-{param.Name}"),
    };

    private static Diagnostic Mistyped(string scope, Param param, Candidate candidate, ScalarKind type)
    {
        var shown = param.Hidden ? SecretMasker.Stars : $"'{candidate.Value!.Text}'";
        var at = candidate.Origin == ValueOrigin.AnswersFile ? candidate.From : null;
        return Diagnostic.Error(
            $"[{scope}] {param.Name} = {shown} from {candidate.Described} is not {ParamTyping.Describe(type)}, the type of its default {param.Default!.Text}",
            at,
            $"give {ParamTyping.Describe(type)}; {HowToSupply(scope, param.Name)}");
    }

    private static Diagnostic Broken(string scope, Param param, Candidate candidate, Constraint constraint)
    {
        var shown = param.Hidden ? SecretMasker.Stars : $"'{candidate.Value!.Text}'";
        var rule = string.IsNullOrWhiteSpace(constraint.Description)
            ? $"the pattern {constraint.AllowedPattern}"
            : $"\"{constraint.Description.Trim()}\" (pattern {constraint.AllowedPattern})";
        var at = candidate.Origin == ValueOrigin.AnswersFile ? candidate.From : null;
        return Diagnostic.Error($"[{scope}] {param.Name} = {shown} from {candidate.Described} does not satisfy {rule}", at,
            $"give a value that matches; {HowToSupply(scope, param.Name)}");
    }

    private static Dictionary<string, string> GeneralOf(Layer[] layers, List<ResolvedParam> resolved)
    {
        var general = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in GeneralSettings.All)
        {
            var global = resolved.FirstOrDefault(p => p.Scope == AnswerSection.General && p.Name == key);
            var value = global is not null ? global.Value : Lookup(layers, GeneralChain, key)?.Value;
            if (value is not null)
            {
                general[key] = value.Text;
            }
        }

        return general;
    }

    private static Dictionary<string, IReadOnlyDictionary<string, Scalar>> ContextsOf(Layer[] layers, ScopeTree tree, List<ResolvedParam> resolved)
    {
        // [general] answers of every source (lowest precedence first, so higher ones overwrite).
        var general = new Dictionary<string, Scalar>(StringComparer.Ordinal);
        foreach (var layer in layers.Reverse())
        {
            foreach (var ((section, key), candidate) in layer)
            {
                if (section == AnswerSection.General && candidate.Value is not null)
                {
                    // A key no param of the scope defines has no type: it is text (a param's own
                    // value, converted to its type, replaces it below).
                    general[key] = Scalar.String(candidate.Value.Text);
                }
            }
        }

        var contexts = new Dictionary<string, IReadOnlyDictionary<string, Scalar>>(StringComparer.Ordinal);
        var byScope = resolved.Where(p => p.Value is not null).ToLookup(p => p.Scope, StringComparer.Ordinal);
        foreach (var scope in tree.Scopes)
        {
            var context = new Dictionary<string, Scalar>(general, StringComparer.Ordinal);
            foreach (var section in tree.ChainOf(scope).Reverse())
            {
                foreach (var param in byScope[section])
                {
                    context[param.Name] = param.Value!;
                }
            }

            contexts[scope] = context;
        }

        return contexts;
    }
}
