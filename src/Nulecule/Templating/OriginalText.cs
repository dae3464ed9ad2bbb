using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Nulecule.Yaml;

namespace Nulecule.Templating;

/// <summary>
/// The text an untouched plain scalar had in its artifact, kept beside its value so `template`
/// writes it back as written (`defaultMode: 0644` stays `0644`, `yes` stays `yes`) while the
/// value itself carries the meaning kubectl gives that text (420, true). Only scalars whose value
/// would otherwise be written differently are remembered.
/// </summary>
public static class OriginalText
{
    private static readonly ConditionalWeakTable<JsonNode, string> Texts = [];

    /// <summary>The value of an untouched plain scalar, remembering its text when it matters.</summary>
    public static JsonNode? Read(string plain)
    {
        var node = Yaml11Schema.ToNode(plain);
        if (node is JsonValue value && WrittenDifferently(plain, value))
        {
            Texts.AddOrUpdate(value, plain);
        }

        return node;
    }

    public static bool TryGet(JsonNode? node, out string text)
    {
        if (node is JsonValue && Texts.TryGetValue(node, out var found))
        {
            text = found;
            return true;
        }

        text = "";
        return false;
    }

    /// <summary>A deep copy that keeps the remembered texts of its scalars.</summary>
    public static JsonNode? Clone(JsonNode? node)
    {
        var copy = node?.DeepClone();
        CopyTexts(node, copy);
        return copy;
    }

    private static void CopyTexts(JsonNode? from, JsonNode? to)
    {
        switch (from)
        {
            case JsonObject o when to is JsonObject c:
                foreach (var (key, value) in o)
                {
                    CopyTexts(value, c[key]);
                }

                break;
            case JsonArray a when to is JsonArray c:
                for (var i = 0; i < a.Count; i++)
                {
                    CopyTexts(a[i], c[i]);
                }

                break;
            case JsonValue when to is not null && Texts.TryGetValue(from, out var text):
                Texts.AddOrUpdate(to, text);
                break;
        }
    }

    private static bool WrittenDifferently(string plain, JsonValue value) => value.GetValueKind() switch
    {
        System.Text.Json.JsonValueKind.String => YamlCoreSchema.IsAmbiguousAsPlain(plain),
        System.Text.Json.JsonValueKind.True => plain != "true",
        System.Text.Json.JsonValueKind.False => plain != "false",
        _ => plain != value.ToJsonString(),
    };
}
