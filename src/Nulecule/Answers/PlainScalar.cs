using Nulecule.Yaml;
using Nulecule.Spec;

namespace Nulecule.Answers;

/// <summary>
/// Types a value written as text (an INI value, a <c>--set</c> value, an environment variable, a
/// prompt answer) by the YAML 1.2 core schema rules for plain scalars, so that <c>80</c> means the
/// same in an INI file as in a YAML one:
/// <list type="bullet">
/// <item>empty, <c>~</c>, <c>null</c>/<c>Null</c>/<c>NULL</c>, and <c>None</c> (Python's, which
/// Atomic App wrote) are null, i.e. unanswered;</item>
/// <item><c>true</c>/<c>True</c>/<c>TRUE</c>/<c>false</c>/... are booleans;</item>
/// <item><c>[-+]?[0-9]+</c>, <c>0o17</c>, <c>0x1F</c> are integers; decimals, exponents,
/// <c>.inf</c>, <c>.nan</c> are floats;</item>
/// <item>anything else is a string. A value wholly inside matching <c>"..."</c> or <c>'...'</c>
/// is a string with the quotes removed (no escapes are processed): <c>""</c> is the empty
/// string, <c>"80"</c> the string 80.</item>
/// </list>
/// The text of a typed scalar is kept as written (<c>True</c> stays <c>True</c>). The kind is
/// <see cref="ScalarTyping"/>'s (the one rule, shared with the Nulecule file) plus the answers
/// convention that <c>None</c> is unanswered; a value for a param is then converted to the
/// param's type by <see cref="ParamTyping"/>, so <c>0123</c> stays the text 0123 for a string param.
/// </summary>
public static class PlainScalar
{
    /// <summary>The typed value of <paramref name="text"/>, or null when it means "no value".</summary>
    public static Scalar? Parse(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var trimmed = text.Trim();
        if (trimmed.Length >= 2 && (trimmed[0] == '"' || trimmed[0] == '\'') && trimmed[^1] == trimmed[0])
        {
            return Scalar.String(trimmed[1..^1]);
        }

        var kind = KindOf(trimmed);
        return kind == ScalarKind.Null ? null : ScalarTyping.FromPlain(trimmed);
    }

    /// <summary>The kind the YAML 1.2 core schema gives an unquoted scalar (<c>None</c> counts as null).</summary>
    public static ScalarKind KindOf(string plain) => plain == "None" ? ScalarKind.Null : ScalarTyping.FromPlain(plain).Kind;

    /// <summary>True when the text, written unquoted, would read back as the same kind of scalar.</summary>
    internal static bool RoundTripsPlain(Scalar value) =>
        value.Text.Trim() == value.Text && KindOf(value.Text) == value.Kind
        && !(value.Text.Length >= 2 && (value.Text[0] == '"' || value.Text[0] == '\'') && value.Text[^1] == value.Text[0]);
}
