using Nulecule.Spec;

namespace Nulecule.Answers;

/// <summary>Where a param's value came from, lowest precedence first.</summary>
public enum ValueOrigin
{
    Default,
    AnswersFile,
    Environment,
    CommandLine,
}

/// <summary>
/// One param of one scope with the value it resolved to. <see cref="Scope"/> is `general` for the
/// root app's global params, the component's answers section (`name`, `parent:name`) otherwise;
/// a nested app's global params have the scope of the component that nests it.
/// </summary>
public sealed record ResolvedParam(
    string Scope,
    string Name,
    Scalar? Value,
    ValueOrigin Origin,
    SourceLocation? From,
    bool Hidden,
    string? Description)
{
    /// <summary>The value as it may be shown to a person: hidden values masked.</summary>
    public string Display => Value is null ? "" : Hidden ? SecretMasker.Stars : Value.Text;

    /// <summary>`default`, `answers.conf:12`, `environment NULECULE_PARAM_X`, `command line`.</summary>
    public string OriginText => Origin switch
    {
        ValueOrigin.Default => "default",
        ValueOrigin.AnswersFile => From is null ? "answers file" : $"{From.File}:{From.Line}",
        ValueOrigin.Environment => From is null ? "environment" : $"environment {From.File}",
        ValueOrigin.CommandLine => "command line",
        _ => Origin.ToString(),
    };
}

/// <summary>The values of every param of an app tree for one deployment.</summary>
public sealed class ResolvedValues
{
    private readonly Dictionary<string, IReadOnlyDictionary<string, Scalar>> _contexts;

    public ResolvedValues(
        IReadOnlyList<ResolvedParam> parameters,
        IReadOnlyDictionary<string, string> general,
        Dictionary<string, IReadOnlyDictionary<string, Scalar>> contexts)
    {
        Params = parameters;
        General = general;
        _contexts = contexts;
        Masker = new SecretMasker(parameters.Where(p => p.Hidden && p.Value is not null).Select(p => p.Value!.Text));
    }

    /// <summary>Every param of every scope, in declaration order (globals first, graph order after).</summary>
    public IReadOnlyList<ResolvedParam> Params { get; }

    /// <summary>The `[general]` section after precedence (provider, namespace, provider-config ...).</summary>
    public IReadOnlyDictionary<string, string> General { get; }

    /// <summary>Hides the hidden values of this deployment in any text.</summary>
    public SecretMasker Masker { get; }

    /// <summary>
    /// The substitution context of a component: `[general]` values and global params, then the
    /// component's own params (which win).
    /// </summary>
    public IReadOnlyDictionary<string, Scalar> ContextFor(string scope) =>
        _contexts.TryGetValue(scope, out var context) ? context : new Dictionary<string, Scalar>();

    public string? GeneralValue(string key) => General.TryGetValue(key, out var value) ? value : null;
}
