using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Nulecule.Compose.Import;

/// <summary>
/// Writes the files `import` generates as block YAML in which every string is double-quoted (so no
/// reader, YAML 1.1 or 1.2, retypes it), except the values made with <see cref="Plain"/>: a
/// Nulecule `$param` reference that must stay unquoted to take its param's type (a replica count,
/// a port).
/// </summary>
public static partial class ImportYaml
{
    private const char PlainMark = '\u0001';

    /// <summary>A string written without quotes (only for a `$param` reference).</summary>
    public static JsonValue Plain(string text) => JsonValue.Create(PlainMark + text);

    public static string Write(JsonNode document, string? comment = null)
    {
        var text = new StringBuilder();
        if (comment is not null)
        {
            foreach (var line in comment.Split('\n'))
            {
                text.Append("# ").Append(line).Append('\n');
            }
        }

        Node(text, document, 0, inList: false);
        return text.ToString();
    }

    /// <summary>Several documents in one stream, separated by `---`.</summary>
    public static string WriteAll(IEnumerable<JsonNode> documents, string? comment = null)
    {
        var text = new StringBuilder();
        var first = true;
        foreach (var document in documents)
        {
            text.Append(first ? Write(document, comment) : "---\n" + Write(document));
            first = false;
        }

        return text.ToString();
    }

    private static void Node(StringBuilder text, JsonNode? node, int indent, bool inList)
    {
        switch (node)
        {
            case JsonObject { Count: > 0 } obj:
                var firstKey = true;
                foreach (var (key, value) in obj)
                {
                    if (!(inList && firstKey))
                    {
                        text.Append(' ', indent);
                    }

                    firstKey = false;
                    text.Append(Key(key)).Append(':');
                    Child(text, value, indent + 2);
                }

                break;
            case JsonArray { Count: > 0 } array:
                foreach (var item in array)
                {
                    if (!(inList && ReferenceEquals(item, array[0])))
                    {
                        text.Append(' ', indent);
                    }

                    text.Append("- ");
                    if (item is JsonObject { Count: > 0 } or JsonArray { Count: > 0 })
                    {
                        Node(text, item, indent + 2, inList: true);
                    }
                    else
                    {
                        text.Append(Scalar(item)).Append('\n');
                    }
                }

                break;
            default:
                text.Append(Scalar(node)).Append('\n');
                break;
        }
    }

    private static void Child(StringBuilder text, JsonNode? value, int indent)
    {
        if (value is JsonObject { Count: > 0 } or JsonArray { Count: > 0 })
        {
            text.Append('\n');
            Node(text, value, indent, inList: false);
        }
        else
        {
            text.Append(' ').Append(Scalar(value)).Append('\n');
        }
    }

    private static string Scalar(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "{}",
        JsonArray => "[]",
        _ when node.GetValueKind() == JsonValueKind.String => node.GetValue<string>() is var s && s.Length > 0 && s[0] == PlainMark ? s[1..] : Quote(s),
        _ => node.ToJsonString(Relaxed),
    };

    private static string Key(string key) => SimpleKey().IsMatch(key) && !Yaml11Words().IsMatch(key) ? key : Quote(key);

    /// <summary>A YAML double-quoted string (JSON's escapes are YAML's).</summary>
    public static string Quote(string text) => JsonValue.Create(text).ToJsonString(Relaxed);

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_./-]*$")]
    private static partial Regex SimpleKey();

    [GeneratedRegex("^(y|Y|n|N|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|true|True|TRUE|false|False|FALSE|null|Null|NULL)$")]
    private static partial Regex Yaml11Words();
}
