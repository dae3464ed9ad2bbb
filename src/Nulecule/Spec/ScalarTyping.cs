using Nulecule.Yaml;
using YamlDotNet.Core;

namespace Nulecule.Spec;

/// <summary>
/// The one rule for typing a scalar written without quotes, in the Nulecule file and anywhere a
/// value arrives as text: the YAML 1.2 core schema (`80` an integer, `true`/`True` a boolean,
/// `null`/`~`/empty null, anything else a string, `None` included). The text is kept as written
/// (`True` stays `True`; <c>ScalarValues</c> writes booleans lower-case).
/// Values given for a param are then converted to the param's type (<see cref="ParamTyping"/>),
/// so this guess only decides the type of a default.
/// </summary>
public static class ScalarTyping
{
    internal static Scalar FromNode(TreeScalar node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var text = node.Value ?? "";
        return node.Style is ScalarStyle.Plain or ScalarStyle.Any ? FromPlain(text) : Scalar.String(text);
    }

    /// <summary>The typed value of an unquoted scalar.</summary>
    public static Scalar FromPlain(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new Scalar(text, YamlCoreSchema.Classify(text));
    }

    /// <summary>
    /// The default of a param: null for a YAML null (`null`, `~`, nothing). `None` is not YAML's
    /// null: Atomic App read it as the text `None`, and apps rely on that.
    /// </summary>
    internal static Scalar? DefaultOf(TreeScalar node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var value = FromNode(node);
        return value.IsNull ? null : value;
    }
}
