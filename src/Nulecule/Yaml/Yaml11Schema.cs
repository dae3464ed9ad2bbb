using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;

namespace Nulecule.Yaml;

/// <summary>
/// What kubectl and oc make of an unquoted scalar: they read YAML 1.1 (go-yaml v2 through
/// sigs.k8s.io/yaml), where `yes`/`on`/`y` are true, `0644` is octal 420, `0b101` is 5 and
/// `1_000` is 1000. Untouched scalars of an artifact get this meaning, so the objects sent to an
/// API server are the ones the engine's own client would send for the same file.
/// Timestamps stay text (go-yaml v2 keeps them strings when decoding into untyped values), and
/// so do `.inf`/`.nan`, which JSON cannot hold.
/// </summary>
public static class Yaml11Schema
{
    public static JsonNode? ToNode(string plain)
    {
        ArgumentNullException.ThrowIfNull(plain);
        if (plain.Length == 0)
        {
            return null;
        }

        var first = plain[0];
        if (char.IsAsciiDigit(first) || first is '+' or '-')
        {
            return Number(plain) ?? JsonValue.Create(plain);
        }

        if (first == '.')
        {
            return plain.Length > 1 && char.IsAsciiDigit(plain[1]) && FloatNode(plain) is { } f ? f : JsonValue.Create(plain);
        }

        if ("yYnNtTfFoO~".Contains(first, StringComparison.Ordinal))
        {
            switch (plain)
            {
                case "~" or "null" or "Null" or "NULL":
                    return null;
                case "y" or "Y" or "yes" or "Yes" or "YES" or "true" or "True" or "TRUE" or "on" or "On" or "ON":
                    return JsonValue.Create(true);
                case "n" or "N" or "no" or "No" or "NO" or "false" or "False" or "FALSE" or "off" or "Off" or "OFF":
                    return JsonValue.Create(false);
            }
        }

        return JsonValue.Create(plain);
    }

    // go-yaml v2: drop `_`, then strconv.ParseInt(s, 0, 64), ParseUint(s, 0, 64), then a float.
    private static JsonNode? Number(string plain)
    {
        var text = plain.Replace("_", "", StringComparison.Ordinal);
        if (TryParseGoInteger(text, out var integer) && integer >= long.MinValue && integer <= ulong.MaxValue)
        {
            return YamlCoreSchema.IntegerNode(integer);
        }

        return FloatPattern(text) ? FloatNode(text) : null;
    }

    private static JsonNode? FloatNode(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
        && YamlCoreSchema.TryParseFloatJson(text.StartsWith('.') ? "0" + text : text.StartsWith("-.", StringComparison.Ordinal) ? "-0" + text[1..] : text.StartsWith("+.", StringComparison.Ordinal) ? "0" + text[1..] : text, out var json)
            ? JsonNode.Parse(json)
            : null;

    // `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`, go-yaml v2's float.
    private static bool FloatPattern(string t)
    {
        var i = 0;
        if (i < t.Length && t[i] is '+' or '-')
        {
            i++;
        }

        var digits = 0;
        while (i < t.Length && char.IsAsciiDigit(t[i]))
        {
            i++;
            digits++;
        }

        if (i < t.Length && t[i] == '.')
        {
            i++;
            var fraction = 0;
            while (i < t.Length && char.IsAsciiDigit(t[i]))
            {
                i++;
                fraction++;
            }

            if (digits == 0 && fraction == 0)
            {
                return false;
            }
        }
        else if (digits == 0)
        {
            return false;
        }

        if (i < t.Length && t[i] is 'e' or 'E')
        {
            i++;
            if (i < t.Length && t[i] is '+' or '-')
            {
                i++;
            }

            var exponent = 0;
            while (i < t.Length && char.IsAsciiDigit(t[i]))
            {
                i++;
                exponent++;
            }

            if (exponent == 0)
            {
                return false;
            }
        }

        return i == t.Length;
    }

    // Go's strconv.ParseInt/ParseUint with base 0: a sign, then 0x/0b/0o prefixes, a leading 0 for octal.
    private static bool TryParseGoInteger(string text, out BigInteger value)
    {
        value = BigInteger.Zero;
        var negative = false;
        var s = text.AsSpan();
        if (s.Length > 0 && s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s.Length == 0)
        {
            return false;
        }

        var radix = 10;
        if (s.Length >= 2 && s[0] == '0')
        {
            switch (s[1])
            {
                case 'x' or 'X':
                    radix = 16;
                    s = s[2..];
                    break;
                case 'b' or 'B':
                    radix = 2;
                    s = s[2..];
                    break;
                case 'o' or 'O':
                    radix = 8;
                    s = s[2..];
                    break;
                default:
                    radix = 8;
                    s = s[1..];
                    break;
            }

            if (s.Length == 0)
            {
                return false;
            }
        }

        foreach (var c in s)
        {
            var digit = char.IsAsciiDigit(c) ? c - '0' : char.IsAsciiLetterLower(c) ? c - 'a' + 10 : char.IsAsciiLetterUpper(c) ? c - 'A' + 10 : 99;
            if (digit >= radix)
            {
                return false;
            }

            value = (value * radix) + digit;
        }

        if (negative)
        {
            value = -value;
        }

        // ParseUint takes no sign; ParseInt's range is int64.
        return negative ? value >= long.MinValue : value <= ulong.MaxValue;
    }
}
