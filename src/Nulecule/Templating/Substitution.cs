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

        var collector = new Collector();
        var output = new StringBuilder(template.Length + 16);
        Write(template, context, output, collector);
        return new SubstitutionResult(output.ToString(), collector.Used, collector.Unresolved, collector.Spans, collector.Escapes);
    }

    /// <summary>What <see cref="Write"/> met on the way, besides the text.</summary>
    internal interface ISink
    {
        /// <summary>`$name` with a value, written at <paramref name="outputStart"/> as <paramref name="text"/>.</summary>
        void Replaced(string name, int sourceStart, int sourceLength, int outputStart, string text);

        /// <summary>`$name` with no value, left as written.</summary>
        void Unresolved(string name);

        /// <summary>`$$` written as `$`.</summary>
        void Escaped();
    }

    /// <summary>
    /// Appends the substituted <paramref name="template"/> to <paramref name="output"/> (which may
    /// hold text already) and tells <paramref name="sink"/> each reference and escape.
    /// </summary>
    internal static void Write(string template, IReadOnlyDictionary<string, Scalar> context, StringBuilder output, ISink sink)
    {
        var i = 0;
        while (i < template.Length)
        {
            if (template[i] != '$')
            {
                var next = template.IndexOf('$', i);
                var end = next < 0 ? template.Length : next;
                output.Append(template, i, end - i);
                i = end;
                continue;
            }

            if (TryReadReference(template, i, out var name, out var length))
            {
                if (context.TryGetValue(name, out var value))
                {
                    var text = ScalarValues.TextOf(value);
                    sink.Replaced(name, i, length, output.Length, text);
                    output.Append(text);
                }
                else
                {
                    output.Append(template, i, length);
                    sink.Unresolved(name);
                }

                i += length;
            }
            else if (i + 1 < template.Length && template[i + 1] == '$')
            {
                output.Append('$');
                sink.Escaped();
                i += 2;
            }
            else
            {
                // A lone `$` or an unterminated `${`: safe_substitute leaves it alone.
                output.Append('$');
                i++;
            }
        }
    }

    /// <summary>Names distinct in order of first use, every span, the escapes: <see cref="SubstitutionResult"/>'s parts.</summary>
    private sealed class Collector : ISink
    {
        public List<string> Used { get; } = [];

        public List<string> Unresolved { get; } = [];

        public List<SubstitutionSpan> Spans { get; } = [];

        public int Escapes { get; private set; }

        public void Replaced(string name, int sourceStart, int sourceLength, int outputStart, string text)
        {
            Spans.Add(new SubstitutionSpan(name, sourceStart, sourceLength, outputStart, text.Length));
            AddOnce(Used, name);
        }

        void ISink.Unresolved(string name) => AddOnce(Unresolved, name);

        public void Escaped() => Escapes++;
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

    internal static void AddOnce(List<string> names, string name)
    {
        if (!names.Contains(name, StringComparer.Ordinal))
        {
            names.Add(name);
        }
    }
}
