using System.Text;

namespace Nulecule.Compose;

/// <summary>Why a compose value could not be interpolated.</summary>
public sealed class ComposeTemplateException(string message, string? variable) : Exception(message)
{
    /// <summary>The variable a `${VAR:?err}` asked for; null for a malformed template.</summary>
    public string? Variable { get; } = variable;
}

/// <summary>One `$VAR` or `${VAR...}` in a compose value: the operator (`""`, `-`, `:-`, `?`, `:?`, `+`, `:+`) and its argument as written.</summary>
public sealed record ComposeReference(string Name, string Operator, string Argument);

/// <summary>
/// Compose's variable interpolation, with the rules of compose-go's template package: `$VAR`,
/// `${VAR}`, `${VAR:-default}` (unset or empty), `${VAR-default}` (unset), `${VAR:?err}`,
/// `${VAR?err}`, `${VAR:+alt}`, `${VAR+alt}`, `$$` for a literal `$`; defaults, alternates and
/// error texts are themselves interpolated, and only when used. Names are
/// `[_a-zA-Z][_a-zA-Z0-9]*`. A `$` followed by anything else stays as it is; `${` that does not
/// form one of the shapes above is an invalid template.
/// </summary>
public static class ComposeTemplate
{
    /// <summary>Substitutes every reference in <paramref name="template"/>.</summary>
    /// <param name="template">A compose value.</param>
    /// <param name="lookup">A variable's value, or null when it is not set (set-but-empty is "").</param>
    /// <param name="unset">Collects variables used without a value or default (Compose warns and uses "").</param>
    /// <param name="used">Collects every variable whose value was looked up.</param>
    public static string Substitute(string template, Func<string, string?> lookup, ICollection<string>? unset = null, ICollection<string>? used = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(lookup);
        if (!template.Contains('$', StringComparison.Ordinal))
        {
            return template;
        }

        var state = new State(lookup, unset, used, template);
        return state.Run(template);
    }

    /// <summary>Every variable a template refers to (also inside defaults), without looking anything up.</summary>
    public static IReadOnlyList<string> Variables(string template)
    {
        var names = new List<string>();
        try
        {
            Substitute(template, _ => "x", used: names);
            Substitute(template, _ => null, used: names);
        }
        catch (ComposeTemplateException)
        {
            // A template that fails names what it reached.
        }

        return names.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Every reference in <paramref name="template"/> (also those inside defaults, alternates and
    /// messages), in order, without looking anything up; a malformed template is a <see cref="ComposeTemplateException"/>.
    /// </summary>
    public static IReadOnlyList<ComposeReference> References(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var found = new List<ComposeReference>();
        new State(_ => null, null, null, template) { Found = found }.Run(template);
        return found;
    }

    private static bool IsNameStart(char c) => c is '_' or (>= 'a' and <= 'z') or (>= 'A' and <= 'Z');

    private static bool IsNameChar(char c) => IsNameStart(c) || c is >= '0' and <= '9';

    private sealed class State(Func<string, string?> lookup, ICollection<string>? unset, ICollection<string>? used, string whole)
    {
        /// <summary>When set, references are collected instead of substituted, and every argument is scanned.</summary>
        public List<ComposeReference>? Found { get; init; }

        public string Run(string text)
        {
            var result = new StringBuilder(text.Length);
            var i = 0;
            while (i < text.Length)
            {
                var c = text[i];
                if (c != '$' || i + 1 >= text.Length)
                {
                    result.Append(c);
                    i++;
                    continue;
                }

                var next = text[i + 1];
                if (next == '$')
                {
                    result.Append('$');
                    i += 2;
                }
                else if (IsNameStart(next))
                {
                    var end = i + 1;
                    while (end < text.Length && IsNameChar(text[end]))
                    {
                        end++;
                    }

                    result.Append(Plain(text[(i + 1)..end]));
                    i = end;
                }
                else if (next == '{')
                {
                    i = Braced(text, i, result);
                }
                else
                {
                    result.Append(c);
                    i++;
                }
            }

            return result.ToString();
        }

        private string Plain(string name)
        {
            Found?.Add(new ComposeReference(name, "", ""));
            used?.Add(name);
            var value = lookup(name);
            if (value is null)
            {
                unset?.Add(name);
            }

            return value ?? "";
        }

        /// <summary>Handles the `${...}` starting at <paramref name="start"/>; returns the index after it.</summary>
        private int Braced(string text, int start, StringBuilder result)
        {
            // The name, then `}` or an operator; with an operator the reference runs (as compose-go's
            // greedy pattern does) to the last `}` on the line, and is then cut at the brace that
            // balances the opening one, the remainder being interpolated on its own.
            var p = start + 2;
            if (p >= text.Length || !IsNameStart(text[p]))
            {
                throw Invalid();
            }

            while (p < text.Length && IsNameChar(text[p]))
            {
                p++;
            }

            var name = text[(start + 2)..p];
            if (p < text.Length && text[p] == '}')
            {
                result.Append(Plain(name));
                return p + 1;
            }

            var opStart = p;
            if (p < text.Length && text[p] == ':')
            {
                p++;
            }

            if (p >= text.Length || text[p] is not ('-' or '+' or '?'))
            {
                throw Invalid();
            }

            var lineEnd = text.IndexOf('\n', p);
            var end = text.LastIndexOf('}', lineEnd < 0 ? text.Length - 1 : lineEnd);
            if (end <= p)
            {
                throw Invalid();
            }

            var matched = text[start..(end + 1)];
            var rest = "";
            var closing = ClosingBrace(matched);
            if (closing > -1)
            {
                rest = matched[(closing + 1)..];
                matched = matched[..(closing + 1)];
            }

            var op = text[opStart..(p + 1)];
            var argument = matched[(p + 1 - start)..^1];
            result.Append(Apply(name, op, argument));
            result.Append(Run(rest));
            return end + 1;
        }

        private string Apply(string name, string op, string argument)
        {
            if (Found is not null)
            {
                Found.Add(new ComposeReference(name, op, argument));
                Run(argument);
                return "";
            }

            used?.Add(name);
            var value = lookup(name);
            var colon = op.Length == 2;
            switch (op[^1])
            {
                case '-':
                    return value is null || (colon && value.Length == 0) ? Run(argument) : value;
                case '+':
                    return value is not null && (!colon || value.Length > 0) ? Run(argument) : value ?? "";
                default:
                    if (value is null || (colon && value.Length == 0))
                    {
                        var reason = Run(argument);
                        throw new ComposeTemplateException(
                            reason.Length > 0 ? $"required variable {name} is missing a value: {reason}" : $"required variable {name} is missing a value", name);
                    }

                    return value;
            }
        }

        /// <summary>compose-go's brace counter: a `{` counts and skips the character after it.</summary>
        private static int ClosingBrace(string s)
        {
            var open = 0;
            for (var i = 0; i < s.Length; i++)
            {
                if (s[i] == '}')
                {
                    open--;
                    if (open == 0)
                    {
                        return i;
                    }
                }

                if (s[i] == '{')
                {
                    open++;
                    i++;
                }
            }

            return -1;
        }

        private ComposeTemplateException Invalid() => new($"invalid interpolation format: \"{whole}\"", null);
    }
}
