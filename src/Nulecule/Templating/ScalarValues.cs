using Nulecule.Yaml;
using System.Text.Json.Nodes;
using Nulecule.Spec;

namespace Nulecule.Templating;

/// <summary>How a typed param value appears in a document: as its own type, or inside text.</summary>
public static class ScalarValues
{
    /// <summary>
    /// The value as YAML would write it inside text: booleans lowercase (`true`, not Python's `True`),
    /// null as the empty string, everything else as written.
    /// </summary>
    public static string TextOf(Scalar value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Kind switch
        {
            ScalarKind.Null => "",
            ScalarKind.Boolean when YamlCoreSchema.TryParseBoolean(value.Text, out var b) => b ? "true" : "false",
            _ => value.Text,
        };
    }

    /// <summary>The value as a JSON node of its own type (Integer -> number, Boolean -> true/false, ...).</summary>
    public static JsonNode? ToNode(Scalar value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return YamlCoreSchema.ToNode(value.Text, value.Kind);
    }
}
