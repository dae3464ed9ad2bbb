using System.Text.RegularExpressions;
using Nulecule.Spec;

namespace Nulecule.Answers;

/// <summary>
/// One <c>--set [SCOPE.]NAME=VALUE</c> of the command line. Without a scope the value goes to
/// <c>[general]</c> (so, like a <c>[general]</c> answer, it reaches every scope that has the
/// param); SCOPE is a component (<c>web</c>) or a nested app's component (<c>wordpress:db</c>).
/// NAME is a param name (<c>[_A-Za-z][_A-Za-z0-9]*</c>) or, in <c>[general]</c>, one of
/// <see cref="GeneralSettings.All"/> (<c>--set provider-config=/path</c>). The scope ends at the
/// last dot before <c>=</c>, since a param name has no dot; the value is everything after the
/// first <c>=</c>, typed by <see cref="PlainScalar"/> (<c>80</c> is an integer, <c>""</c> the
/// empty string, an empty value or <c>None</c> gives no value).
/// </summary>
public sealed partial record SetOverride(string Scope, string Name, Scalar? Value)
{
    public const string ExpectedForm = "[SCOPE.]NAME=VALUE (e.g. db_pass=secret, web.port=8080, wordpress:db.user=admin)";

    /// <summary>How the override is named in messages: <c>--set web.port</c> (never the value, which may be secret).</summary>
    public string Origin => Scope == AnswerSection.General ? $"--set {Name}" : $"--set {Scope}.{Name}";

    public static SetOverride Parse(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals < 0)
        {
            throw Bad(text, "there is no '='");
        }

        var target = text[..equals].Trim();
        var dot = target.LastIndexOf('.');
        var scope = dot < 0 ? AnswerSection.General : target[..dot];
        var name = dot < 0 ? target : target[(dot + 1)..];

        if (name.Length == 0)
        {
            throw Bad(text, "the param name is missing");
        }

        if (!NamePattern().IsMatch(name) && !(scope == AnswerSection.General && GeneralSettings.IsSetting(name)))
        {
            throw Bad(text, $"'{name}' is not a param name (letters, digits and _, not starting with a digit)");
        }

        if (scope.Length == 0 || scope.Split(':').Any(part => part.Length == 0 || part.Any(char.IsWhiteSpace) || part.Contains('=')))
        {
            throw Bad(text, $"'{scope}' is not a scope (a component name, or parent:child)");
        }

        return new SetOverride(scope, name, PlainScalar.Parse(text[(equals + 1)..]));
    }

    // The value may be a secret, so a message shows only what comes before '='.
    private static NuleculeException Bad(string text, string why)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        var shown = equals < 0 || equals == text.Length - 1 ? text : text[..(equals + 1)] + "...";
        return new($"--set '{shown}': {why}", hint: $"expected {ExpectedForm}");
    }

    [GeneratedRegex("^[_A-Za-z][_A-Za-z0-9]*$", RegexOptions.CultureInvariant)]
    internal static partial Regex NamePattern();
}
