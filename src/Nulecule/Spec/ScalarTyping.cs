using Nulecule.Yaml;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Nulecule.Spec;

/// <summary>Types plain scalars by the YAML 1.2 core schema, so `80` is an integer and `"80"` a string.</summary>
public static class ScalarTyping
{
    public static Scalar FromNode(YamlScalarNode node)
    {
        var text = node.Value ?? "";
        return node.Style is ScalarStyle.Plain or ScalarStyle.Any ? FromPlain(text) : Scalar.String(text);
    }

    /// <summary>
    /// The type of an unquoted value (also used for INI, `--set` and env values): the YAML 1.2
    /// core schema, plus Python's `None` as null (Atomic App wrote it). Booleans are lower-cased
    /// so `True` renders as `true`.
    /// </summary>
    public static Scalar FromPlain(string text)
    {
        var kind = text == "None" ? ScalarKind.Null : YamlCoreSchema.Classify(text);
        return new Scalar(kind == ScalarKind.Boolean ? text.ToLowerInvariant() : text, kind);
    }
}
