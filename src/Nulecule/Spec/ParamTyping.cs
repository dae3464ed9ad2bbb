using System.Globalization;
using System.Numerics;
using Nulecule.Yaml;

namespace Nulecule.Spec;

/// <summary>
/// A param's type is the type of its default (`default: 80` an integer, `default: true` a
/// boolean, `default: "80"` or `default: abc` a string); a param without default is a string.
/// A value given as text (answers file, environment, <c>--set</c>, prompt) is converted to that
/// type, never re-typed by its look: <c>0123</c> stays the text 0123 for a string param and is
/// the integer 123 for an integer param; <c>true</c> for an integer param is refused.
/// </summary>
public static class ParamTyping
{
    public static ScalarKind TypeOf(Param param)
    {
        ArgumentNullException.ThrowIfNull(param);
        return param.Default is { IsNull: false } d ? d.Kind : ScalarKind.String;
    }

    /// <summary>`a string`, `an integer`, ... for messages.</summary>
    public static string Describe(ScalarKind kind) => kind switch
    {
        ScalarKind.Integer => "an integer",
        ScalarKind.Float => "a number",
        ScalarKind.Boolean => "a boolean (true or false)",
        ScalarKind.Null => "null",
        _ => "a string",
    };

    /// <summary>
    /// Converts <paramref name="value"/> (read from text) to <paramref name="type"/>: any text is a
    /// string; `80`, `+80`, `007`, `0x1F`, `0o17` are integers (written back in decimal); integers
    /// and decimals are numbers; true/false/yes/no/on/off in any case are booleans.
    /// </summary>
    public static bool TryConvert(Scalar value, ScalarKind type, out Scalar converted)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = value.Text;
        switch (type)
        {
            case ScalarKind.Integer when TryParseInteger(text.Trim(), out var integer):
                converted = new Scalar(integer.ToString(CultureInfo.InvariantCulture), ScalarKind.Integer);
                return true;
            case ScalarKind.Float when YamlCoreSchema.TryParseFloatJson(text, out _):
                converted = new Scalar(text.Trim(), ScalarKind.Float);
                return true;
            case ScalarKind.Float when TryParseInteger(text.Trim(), out var whole):
                converted = new Scalar(whole.ToString(CultureInfo.InvariantCulture), ScalarKind.Float);
                return true;
            case ScalarKind.Boolean when YamlCoreSchema.TryParseBoolean(text, out var b):
                converted = new Scalar(b ? "true" : "false", ScalarKind.Boolean);
                return true;
            case ScalarKind.String or ScalarKind.Null:
                converted = Scalar.String(text);
                return true;
            default:
                converted = value;
                return false;
        }
    }

    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");
    private static readonly System.Buffers.SearchValues<char> OctalDigits = System.Buffers.SearchValues.Create("01234567");
    private static readonly System.Buffers.SearchValues<char> DecimalDigits = System.Buffers.SearchValues.Create("0123456789");

    // Decimal with optional sign and leading zeros (007 is 7: a person typing a number), 0x hex, 0o octal.
    private static bool TryParseInteger(string text, out BigInteger value)
    {
        var sign = 1;
        var digits = text;
        if (digits.Length > 0 && digits[0] is '+' or '-')
        {
            sign = digits[0] == '-' ? -1 : 1;
            digits = digits[1..];
        }

        value = BigInteger.Zero;
        if (digits.Length > 2 && digits[0] == '0' && digits[1] is 'x' or 'X')
        {
            if (!digits.AsSpan(2).ContainsAnyExcept(HexDigits)
                && BigInteger.TryParse("0" + digits[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value))
            {
                value *= sign;
                return true;
            }

            return false;
        }

        if (digits.Length > 2 && digits[0] == '0' && digits[1] is 'o' or 'O')
        {
            if (digits.AsSpan(2).ContainsAnyExcept(OctalDigits))
            {
                return false;
            }

            foreach (var c in digits.AsSpan(2))
            {
                value = (value * 8) + (c - '0');
            }

            value *= sign;
            return true;
        }

        if (digits.Length == 0 || digits.AsSpan().ContainsAnyExcept(DecimalDigits))
        {
            return false;
        }

        value = sign * BigInteger.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        return true;
    }
}
