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
/// <para>As in Helm, <c>--set-string</c> takes the value as text exactly as written (<c>None</c>
/// and quotes included) and <c>--set-file</c> takes the text of the file the value names; one flag
/// may carry several assignments separated by commas (<see cref="ParseList"/>).</para>
/// </summary>
public sealed partial record SetOverride(string Scope, string Name, Scalar? Value, SetKind Kind = SetKind.Typed)
{
    public const string ExpectedForm = "[SCOPE.]NAME=VALUE (e.g. db_pass=secret, web.port=8080, wordpress:db.user=admin)";

    /// <summary>How the override is named in messages: <c>--set web.port</c> (never the value, which may be secret).</summary>
    public string Origin => Scope == AnswerSection.General ? $"{FlagOf(Kind)} {Name}" : $"{FlagOf(Kind)} {Scope}.{Name}";

    /// <summary>The flag that gives overrides of <paramref name="kind"/>.</summary>
    public static string FlagOf(SetKind kind) => kind switch
    {
        SetKind.String => "--set-string",
        SetKind.File => "--set-file",
        _ => "--set",
    };

    /// <summary>
    /// The assignments of one flag value: <c>a=1,b=2</c> is two. A comma separates assignments only
    /// where the text after it starts a new <c>[SCOPE.]NAME=</c>, so <c>--set tags=a,b</c> keeps its
    /// comma; <c>\,</c> is always a literal comma. For <see cref="SetKind.File"/> each value is a
    /// path, read (bounded, regular files only) by <see cref="SafeFiles.ReadText"/>.
    /// </summary>
    public static IReadOnlyList<SetOverride> ParseList(string text, SetKind kind = SetKind.Typed)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = new List<string>();
        var current = new System.Text.StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] == ',')
            {
                current.Append(',');
                i++;
            }
            else if (text[i] == ',' && current.ToString().Contains('=', StringComparison.Ordinal) && NextAssignment().IsMatch(text.AsSpan(i + 1)))
            {
                parts.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(text[i]);
            }
        }

        parts.Add(current.ToString());
        return parts.Select(part => Parse(part, kind)).ToList();
    }

    public static SetOverride Parse(string text) => Parse(text, SetKind.Typed);

    public static SetOverride Parse(string text, SetKind kind)
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

        var raw = text[(equals + 1)..];
        var value = kind switch
        {
            SetKind.String => Scalar.String(raw),
            SetKind.File => Scalar.String(ReadValueFile(text, raw, kind)),
            _ => PlainScalar.Parse(raw),
        };
        return new SetOverride(scope, name, value, kind);
    }

    private static string ReadValueFile(string text, string path, SetKind kind)
    {
        if (path.Length == 0)
        {
            throw Bad(text, "the file name is missing", kind);
        }

        try
        {
            return SafeFiles.ReadText(path, SafeFiles.MaxAnswersBytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The path is not secret; the file's content never reaches a message.
            throw new NuleculeException($"{FlagOf(kind)} '{text[..(text.IndexOf('=', StringComparison.Ordinal) + 1)]}{path}': {e.Message}",
                hint: "give the path of a readable regular file (relative to the current directory)");
        }
    }

    // The value may be a secret, so a message shows only what comes before '='.
    private static NuleculeException Bad(string text, string why, SetKind kind = SetKind.Typed)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        var shown = equals < 0 || equals == text.Length - 1 ? text : text[..(equals + 1)] + "...";
        return new($"{FlagOf(kind)} '{shown}': {why}", hint: $"expected {ExpectedForm}");
    }

    [GeneratedRegex("^[_A-Za-z][_A-Za-z0-9]*$", RegexOptions.CultureInvariant)]
    internal static partial Regex NamePattern();

    // What starts an assignment after a separating comma: [SCOPE.]NAME= (a setting name may have '-').
    [GeneratedRegex(@"^\s*[_A-Za-z][-_A-Za-z0-9:.]*=", RegexOptions.CultureInvariant)]
    private static partial Regex NextAssignment();
}

/// <summary>How a <c>--set</c>-style flag reads its value.</summary>
public enum SetKind
{
    /// <summary><c>--set</c>: typed like an INI value (<see cref="PlainScalar"/>).</summary>
    Typed,

    /// <summary><c>--set-string</c>: the text exactly as written.</summary>
    String,

    /// <summary><c>--set-file</c>: the text of the named file.</summary>
    File,
}
