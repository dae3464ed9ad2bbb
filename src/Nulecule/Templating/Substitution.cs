using System.Text;
using Nulecule.Spec;

namespace Nulecule.Templating;

/// <summary>
/// `$name` / `${name}` substitution with the semantics of Python's `string.Template.safe_substitute`,
/// which is what Atomic App used: `$$` is a literal `$`; an unknown name, a malformed `${`, or a lone
/// `$` stays exactly as written (so shell snippets such as `$HOME` survive).
/// </summary>
public static class Substitution
{
    public static SubstitutionResult Apply(string template, IReadOnlyDictionary<string, Scalar> context)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(context);

        if (template.IndexOf('$', StringComparison.Ordinal) < 0)
        {
            return new SubstitutionResult(template, [], [], [], 0);
        }

        var output = new StringBuilder(template.Length + 16);
        var used = new List<string>();
        var unresolved = new List<string>();
        var spans = new List<SubstitutionSpan>();
        var escapes = 0;
        var i = 0;
        while (i < template.Length)
        {
            var c = template[i];
            if (c != '$')
            {
                output.Append(c);
                i++;
                continue;
            }

            if (TryReadReference(template, i, out var name, out var length))
            {
                if (context.TryGetValue(name, out var value))
                {
                    var text = ScalarValues.TextOf(value);
                    spans.Add(new SubstitutionSpan(name, i, length, output.Length, text.Length));
                    output.Append(text);
                    AddOnce(used, name);
                }
                else
                {
                    output.Append(template, i, length);
                    AddOnce(unresolved, name);
                }

                i += length;
            }
            else if (i + 1 < template.Length && template[i + 1] == '$')
            {
                output.Append('$');
                escapes++;
                i += 2;
            }
            else
            {
                // A lone `$` or an unterminated `${`: safe_substitute leaves it alone.
                output.Append('$');
                i++;
            }
        }

        return new SubstitutionResult(output.ToString(), used, unresolved, spans, escapes);
    }

    /// <summary>True when <paramref name="text"/> is exactly one reference (`$name` or `${name}`).</summary>
    public static bool TryGetSingleReference(string text, out string name)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > 1 && text[0] == '$' && TryReadReference(text, 0, out name, out var length) && length == text.Length)
        {
            return true;
        }

        name = "";
        return false;
    }

    /// <summary>Reads `$name` or `${name}` at <paramref name="start"/> (which holds a `$`).</summary>
    internal static bool TryReadReference(string text, int start, out string name, out int length)
    {
        name = "";
        length = 0;
        var i = start + 1;
        if (i >= text.Length)
        {
            return false;
        }

        var braced = text[i] == '{';
        if (braced)
        {
            i++;
        }

        if (i >= text.Length || !IsNameStart(text[i]))
        {
            return false;
        }

        var nameStart = i;
        while (i < text.Length && IsNamePart(text[i]))
        {
            i++;
        }

        var nameEnd = i;
        if (braced)
        {
            if (i >= text.Length || text[i] != '}')
            {
                return false;
            }

            i++;
        }

        name = text[nameStart..nameEnd];
        length = i - start;
        return true;
    }

    // ASCII only, as Python's Template idpattern is `(?a:[_a-z][_a-z0-9]*)` with IGNORECASE.
    internal static bool IsNameStart(char c) => c == '_' || char.IsAsciiLetter(c);

    internal static bool IsNamePart(char c) => c == '_' || char.IsAsciiLetterOrDigit(c);

    private static void AddOnce(List<string> names, string name)
    {
        if (!names.Contains(name, StringComparer.Ordinal))
        {
            names.Add(name);
        }
    }
}
