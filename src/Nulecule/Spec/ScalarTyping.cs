using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Nulecule.Spec;

/// <summary>Types plain scalars by the YAML 1.2 core schema, so `80` is an integer and `"80"` a string.</summary>
public static partial class ScalarTyping
{
    public static Scalar FromNode(YamlScalarNode node)
    {
        var text = node.Value ?? "";
        return node.Style is ScalarStyle.Plain or ScalarStyle.Any ? FromPlain(text) : Scalar.String(text);
    }

    /// <summary>The core-schema type of an unquoted scalar (also used for INI, `--set` and env values).</summary>
    public static Scalar FromPlain(string text)
    {
        if (text is "" or "~" or "null" or "Null" or "NULL" or "None")
        {
            return new Scalar(text, ScalarKind.Null);
        }

        if (text is "true" or "True" or "TRUE")
        {
            return new Scalar("true", ScalarKind.Boolean);
        }

        if (text is "false" or "False" or "FALSE")
        {
            return new Scalar("false", ScalarKind.Boolean);
        }

        if (IntegerPattern().IsMatch(text))
        {
            return new Scalar(text, ScalarKind.Integer);
        }

        if (FloatPattern().IsMatch(text) || text is ".inf" or "-.inf" or "+.inf" or ".nan" or ".NaN" or ".Inf" or "-.Inf")
        {
            return new Scalar(text, ScalarKind.Float);
        }

        return Scalar.String(text);
    }

    public static bool TryParseLong(string text, out long value)
    {
        if (text.StartsWith("0x", StringComparison.Ordinal))
        {
            return long.TryParse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out value);
        }

        if (text.StartsWith("0o", StringComparison.Ordinal))
        {
            try
            {
                value = Convert.ToInt64(text[2..], 8);
                return true;
            }
            catch (FormatException)
            {
                value = 0;
                return false;
            }
        }

        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    [GeneratedRegex("^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
