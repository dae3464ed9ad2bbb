using Nulecule.Yaml;
using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Nulecule.Spec;

namespace Nulecule.Yaml;

/// <summary>
/// How a plain (unquoted) YAML scalar is typed under the YAML 1.2 core schema, and how each type
/// becomes a JSON node. Also knows which strings a YAML 1.1 reader (Kubernetes' go-yaml) would
/// mistype, so the writer can quote them.
/// </summary>
public static partial class YamlCoreSchema
{
    public static ScalarKind Classify(string plain)
    {
        ArgumentNullException.ThrowIfNull(plain);
        if (plain.Length > 0 && char.IsAsciiLetter(plain[0]) && "tTfFnN".IndexOf(plain[0], StringComparison.Ordinal) < 0)
        {
            return ScalarKind.String; // most scalars: no null, boolean or number starts with another letter
        }

        if (plain.AsSpan().ContainsAnyExcept(TypedChars))
        {
            return ScalarKind.String; // a character no null, boolean or number spelling holds: skip the patterns
        }
        if (NullPattern().IsMatch(plain))
        {
            return ScalarKind.Null;
        }

        if (plain is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            return ScalarKind.Boolean;
        }

        if (DecimalPattern().IsMatch(plain) || OctalPattern().IsMatch(plain) || HexPattern().IsMatch(plain))
        {
            return ScalarKind.Integer;
        }

        if (FloatPattern().IsMatch(plain) || InfinityPattern().IsMatch(plain) || NanPattern().IsMatch(plain))
        {
            return ScalarKind.Float;
        }

        return ScalarKind.String;
    }

    /// <summary>The JSON node of a plain scalar.</summary>
    public static JsonNode? ToNode(string plain) => ToNode(plain, Classify(plain));

    /// <summary>
    /// The JSON node of <paramref name="text"/> read as <paramref name="kind"/>; text that does not
    /// fit the kind, and floats JSON cannot hold (`.inf`, `.nan`), stay strings.
    /// </summary>
    public static JsonNode? ToNode(string text, ScalarKind kind)
    {
        ArgumentNullException.ThrowIfNull(text);
        return kind switch
        {
            ScalarKind.Null => null,
            ScalarKind.Boolean when TryParseBoolean(text, out var b) => JsonValue.Create(b),
            ScalarKind.Integer when TryParseInteger(text, out var i) => IntegerNode(i),
            ScalarKind.Float when TryParseFloatJson(text, out var json) => JsonNode.Parse(json),
            _ => JsonValue.Create(text),
        };
    }

    /// <summary>true/false in any case; yes/no/on/off too, as answers files and YAML 1.1 write them.</summary>
    public static bool TryParseBoolean(string text, out bool value)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "true" or "yes" or "on" or "y":
                value = true;
                return true;
            case "false" or "no" or "off" or "n":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    /// <summary>Decimal (with sign), `0x` hex, `0o` octal.</summary>
    public static bool TryParseInteger(string text, out BigInteger value)
    {
        var t = text.Trim();
        if (HexPattern().IsMatch(t))
        {
            // A leading 0 keeps BigInteger from reading the top bit as a sign.
            return BigInteger.TryParse("0" + t[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        }

        if (OctalPattern().IsMatch(t))
        {
            value = BigInteger.Zero;
            foreach (var c in t.AsSpan(2))
            {
                value = (value * 8) + (c - '0');
            }

            return true;
        }

        if (DecimalPattern().IsMatch(t))
        {
            return BigInteger.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
        }

        value = BigInteger.Zero;
        return false;
    }

    /// <summary>
    /// A finite YAML float as JSON number text that still reads as a float (keeps a `.` or an
    /// exponent, so `1.0` does not come back as the integer `1`).
    /// </summary>
    public static bool TryParseFloatJson(string text, out string json)
    {
        var t = text.Trim();
        json = "";
        if (!FloatPattern().IsMatch(t) && !DecimalPattern().IsMatch(t))
        {
            return false;
        }

        if (t.StartsWith('+'))
        {
            t = t[1..];
        }

        if (JsonNumberPattern().IsMatch(t) && t.AsSpan().IndexOfAny('.', 'e', 'E') >= 0)
        {
            json = t;
            return true;
        }

        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d))
        {
            return false;
        }

        json = d.ToString("R", CultureInfo.InvariantCulture);
        if (json.AsSpan().IndexOfAny('.', 'E', 'e') < 0)
        {
            json += ".0";
        }

        return true;
    }

    /// <summary>
    /// True when a string written plain would be read back as something else: by a YAML 1.2 reader
    /// (`80`, `true`, `null`, ``), or by a YAML 1.1 one such as Kubernetes' (`yes`, `off`, `0b1`,
    /// `1_000`, `3306:3306` as base 60). Such strings must be quoted.
    /// </summary>
    public static bool IsAmbiguousAsPlain(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > 0 && char.IsAsciiLetter(text[0]) && "tTfFnNyYoO".IndexOf(text[0], StringComparison.Ordinal) < 0)
        {
            return false; // no typed or YAML 1.1 word starts with another letter
        }

        if (text.AsSpan().ContainsAnyExcept(AmbiguousChars))
        {
            return false; // a character none of the patterns below can match
        }

        return Classify(text) != ScalarKind.String
            || Yaml11Words().IsMatch(text)
            || NumberLike().IsMatch(text);
    }

    internal static JsonNode IntegerNode(BigInteger value) =>
        value >= long.MinValue && value <= long.MaxValue
            ? JsonValue.Create((long)value)
            : JsonNode.Parse(value.ToString(CultureInfo.InvariantCulture))!;

    // Every character the typed spellings below use (null, booleans, integers, floats, .inf, .nan):
    // text with any other character is a string without running a pattern.
    private static readonly SearchValues<char> TypedChars = SearchValues.Create("0123456789abcdefABCDEFxXoOnNiItTrRuUlLsS+-.~");

    // The same, plus the YAML 1.1 words and number-like forms IsAmbiguousAsPlain also looks for.
    private static readonly SearchValues<char> AmbiguousChars = SearchValues.Create("0123456789abcdefABCDEFxXoOnNiItTrRuUlLsS+-.~yYbB_:=<");

    [GeneratedRegex("^(null|Null|NULL|~|)$")]
    private static partial Regex NullPattern();

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex DecimalPattern();

    [GeneratedRegex("^0o[0-7]+$")]
    private static partial Regex OctalPattern();

    [GeneratedRegex("^0x[0-9a-fA-F]+$")]
    private static partial Regex HexPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();

    [GeneratedRegex(@"^[-+]?\.(inf|Inf|INF)$")]
    private static partial Regex InfinityPattern();

    [GeneratedRegex(@"^\.(nan|NaN|NAN)$")]
    private static partial Regex NanPattern();

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$")]
    private static partial Regex JsonNumberPattern();

    [GeneratedRegex("^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|=|<<)$")]
    private static partial Regex Yaml11Words();

    // Anything that starts like a number and holds only number-ish characters: YAML 1.1 reads
    // `0b101`, `1_000`, `0777`, `190:20:30` as numbers. Quoting a few extra strings costs nothing.
    [GeneratedRegex(@"^[-+]?\.?[0-9][0-9a-fA-FxXoObB_.:eE+-]*$")]
    private static partial Regex NumberLike();
}
