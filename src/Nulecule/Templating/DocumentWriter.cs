using Nulecule.Yaml;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Nulecule.Templating;

/// <summary>
/// Writes rendered documents back as YAML or JSON text. YAML output quotes every string a reader
/// would otherwise type as something else (`"true"`, `"80"`, `"3306:3306"`), so re-reading it
/// gives back exactly the same values.
/// </summary>
public static class DocumentWriter
{
    public static string ToYaml(JsonNode? document) => ToYaml([document]);

    /// <summary>Several documents in one stream, separated by `---`.</summary>
    public static string ToYaml(IReadOnlyList<JsonNode?> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        if (documents.Count == 0)
        {
            return "";
        }

        using var writer = new StringWriter();
        writer.NewLine = "\n";

        // No line folding: long values stay on one line, which reads better in a diff.
        var emitter = new Emitter(writer, 2, int.MaxValue);
        emitter.Emit(new StreamStart());
        for (var i = 0; i < documents.Count; i++)
        {
            emitter.Emit(new DocumentStart(null, null, isImplicit: i == 0));
            Emit(emitter, documents[i]);
            emitter.Emit(new DocumentEnd(isImplicit: true));
        }

        emitter.Emit(new StreamEnd());
        return writer.ToString();
    }

    /// <summary>Indented JSON; several documents are written one after another.</summary>
    public static string ToJson(IReadOnlyList<JsonNode?> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        return string.Concat(documents.Select(ToJson));
    }

    public static string ToJson(JsonNode? document)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions
        {
            Indented = true,

            // Artifacts are not embedded in HTML; keep `<`, `&`, `'` and non-ASCII readable.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }))
        {
            if (document is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                document.WriteTo(writer);
            }
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void Emit(IEmitter emitter, JsonNode? node)
    {
        switch (node)
        {
            case null:
                emitter.Emit(Plain("null"));
                break;

            case JsonObject mapping:
                emitter.Emit(new MappingStart(null, null, true, mapping.Count == 0 ? MappingStyle.Flow : MappingStyle.Block));
                foreach (var (key, value) in mapping)
                {
                    emitter.Emit(StringScalar(key));
                    Emit(emitter, value);
                }

                emitter.Emit(new MappingEnd());
                break;

            case JsonArray sequence:
                emitter.Emit(new SequenceStart(null, null, true, sequence.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block));
                foreach (var item in sequence)
                {
                    Emit(emitter, item);
                }

                emitter.Emit(new SequenceEnd());
                break;

            case JsonValue value:
                emitter.Emit(ValueScalar(value));
                break;

            default:
                throw new ArgumentException($"unsupported JSON node {node.GetType().Name}", nameof(node));
        }
    }

    private static Scalar ValueScalar(JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.True:
                return Plain("true");
            case JsonValueKind.False:
                return Plain("false");
            case JsonValueKind.Null:
                return Plain("null");
            case JsonValueKind.Number:
                {
                    var raw = value.ToJsonString();

                    // Keep a float a float when read back (a double 1.0 serializes as `1`).
                    if (value.TryGetValue<double>(out _) && !value.TryGetValue<long>(out _) && !raw.AsSpan().ContainsAny(".eE"))
                    {
                        raw += ".0";
                    }

                    return Plain(raw);
                }

            default:
                return StringScalar(StringOf(value));
        }
    }

    private static string StringOf(JsonValue value)
    {
        if (value.TryGetValue<string>(out var text))
        {
            return text;
        }

        // Values made from other CLR types (Guid, DateTime, char) serialize as JSON strings.
        using var parsed = JsonDocument.Parse(value.ToJsonString());
        return parsed.RootElement.GetString() ?? "";
    }

    private static Scalar StringScalar(string text) =>
        YamlCoreSchema.IsAmbiguousAsPlain(text) || NeedsEscapes(text)
            ? new Scalar(AnchorName.Empty, TagName.Empty, text, ScalarStyle.DoubleQuoted, false, true)
            : new Scalar(AnchorName.Empty, TagName.Empty, text, ScalarStyle.Any, true, true);

    // Only double quotes keep `\r`, tabs, the Unicode line breaks, a BOM, control characters and
    // edge whitespace exactly: the other styles normalize them, and the emitter writes a leading tab plain.
    private static bool NeedsEscapes(string text) =>
        text.AsSpan().IndexOfAny(SpecialCharacters) >= 0
        || text.Any(c => char.IsControl(c) && c != '\n')
        || (text.Length > 0 && (char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1])));

    private static readonly System.Buffers.SearchValues<char> SpecialCharacters =
        System.Buffers.SearchValues.Create("\r\t\u0085\u2028\u2029\ufeff");

    private static Scalar Plain(string text) => new(AnchorName.Empty, TagName.Empty, text, ScalarStyle.Plain, true, false);
}
