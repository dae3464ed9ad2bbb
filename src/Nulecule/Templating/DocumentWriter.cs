using Nulecule.Yaml;
using System.Buffers;
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

        // Most documents hold only keys and values that are written plain or in plain double quotes;
        // those are written directly. A document with anything else (line breaks, escapes, quotes,
        // non-ASCII, long keys, a scalar root) goes through YamlDotNet's emitter, whose choices the
        // direct writer reproduces byte for byte (DocumentWriterTests compares the two).
        var builder = RentBuilder();
        var written = TryWriteYaml(documents, builder) ? builder.ToString() : null;
        ReturnBuilder(builder);
        return written ?? ToYamlWithEmitter(documents);
    }

    /// <summary>
    /// <see cref="ToYaml(IReadOnlyList{JsonNode})"/>'s text as UTF-8. The direct writer writes
    /// printable ASCII only, so its builder's characters become bytes one for one, without a
    /// string in between.
    /// </summary>
    public static byte[] ToYamlUtf8(IReadOnlyList<JsonNode?> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        if (documents.Count == 0)
        {
            return [];
        }

        var builder = RentBuilder();
        var written = TryWriteYaml(documents, builder) ? AsciiBytes(builder) ?? Encoding.UTF8.GetBytes(builder.ToString()) : null;
        ReturnBuilder(builder);
        return written ?? Encoding.UTF8.GetBytes(ToYamlWithEmitter(documents));
    }

    // The builder's text as bytes when it is all ASCII (then UTF-8 is the same bytes); else null.
    private static byte[]? AsciiBytes(StringBuilder builder)
    {
        var bytes = GC.AllocateUninitializedArray<byte>(builder.Length);
        var at = 0;
        foreach (var chunk in builder.GetChunks())
        {
            if (Ascii.FromUtf16(chunk.Span, bytes.AsSpan(at), out var written) != OperationStatus.Done)
            {
                return null;
            }

            at += written;
        }

        return bytes;
    }

    /// <summary>The YAML text as YamlDotNet's emitter writes it: the reference for the direct writer.</summary>
    internal static string ToYamlWithEmitter(IReadOnlyList<JsonNode?> documents)
    {
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

    /// <summary>
    /// Writes block-style YAML for documents whose every key and string is simple (see
    /// <see cref="TryAppendString"/>); false, with <paramref name="builder"/> in an unspecified
    /// state, when one is not.
    /// </summary>
    internal static bool TryWriteYaml(IReadOnlyList<JsonNode?> documents, StringBuilder builder)
    {
        for (var i = 0; i < documents.Count; i++)
        {
            if (i > 0)
            {
                builder.Append("---\n");
            }

            switch (documents[i])
            {
                case JsonObject { Count: > 0 } mapping:
                    if (!TryWriteMapping(mapping, 0, firstInline: false, builder))
                    {
                        return false;
                    }

                    break;
                case JsonArray { Count: > 0 } sequence:
                    if (!TryWriteSequence(sequence, 0, firstInline: false, builder))
                    {
                        return false;
                    }

                    break;
                default:
                    return false; // scalars and empty collections at the root: rare, left to the emitter
            }
        }

        return true;
    }

    // A block mapping at `indent`; when `firstInline`, its first key follows a `- ` already written.
    private static bool TryWriteMapping(JsonObject mapping, int indent, bool firstInline, StringBuilder builder)
    {
        // By index: JsonObject's enumerator is an allocated object, one per mapping written.
        for (var i = 0; i < mapping.Count; i++)
        {
            var (key, value) = mapping.GetAt(i);
            if (!(i == 0 && firstInline))
            {
                builder.Append(' ', indent);
            }

            // YAML keys longer than this are written as complex (`? key`) keys by the emitter.
            if (key.Length > MaxSimpleKeyLength || !TryAppendString(key, builder))
            {
                return false;
            }

            builder.Append(':');
            switch (value)
            {
                case JsonObject { Count: > 0 } nested:
                    builder.Append('\n');
                    if (!TryWriteMapping(nested, indent + 2, firstInline: false, builder))
                    {
                        return false;
                    }

                    break;
                case JsonArray { Count: > 0 } items:
                    // Sequences in a mapping are not indented further, as kubectl writes them.
                    builder.Append('\n');
                    if (!TryWriteSequence(items, indent, firstInline: false, builder))
                    {
                        return false;
                    }

                    break;
                default:
                    builder.Append(' ');
                    if (!TryAppendLeaf(value, builder))
                    {
                        return false;
                    }

                    builder.Append('\n');
                    break;
            }
        }

        return true;
    }

    // A block sequence at `indent`; when `firstInline`, its first `- ` follows a `- ` already written.
    private static bool TryWriteSequence(JsonArray sequence, int indent, bool firstInline, StringBuilder builder)
    {
        for (var i = 0; i < sequence.Count; i++)
        {
            var item = sequence[i];
            if (!(i == 0 && firstInline))
            {
                builder.Append(' ', indent);
            }

            builder.Append("- ");
            switch (item)
            {
                case JsonObject { Count: > 0 } nested:
                    if (!TryWriteMapping(nested, indent + 2, firstInline: true, builder))
                    {
                        return false;
                    }

                    break;
                case JsonArray { Count: > 0 } items:
                    if (!TryWriteSequence(items, indent + 2, firstInline: true, builder))
                    {
                        return false;
                    }

                    break;
                default:
                    if (!TryAppendLeaf(item, builder))
                    {
                        return false;
                    }

                    builder.Append('\n');
                    break;
            }
        }

        return true;
    }

    private static bool TryAppendLeaf(JsonNode? node, StringBuilder builder)
    {
        switch (node)
        {
            case null:
                builder.Append("null");
                return true;
            case JsonObject:
                builder.Append("{}");
                return true;
            case JsonArray:
                builder.Append("[]");
                return true;
            case JsonValue value when OriginalText.TryGet(value, out var original):
                // Written back as it was written in the artifact (plain), when that is simple.
                if (original.AsSpan().ContainsAnyExceptInRange(' ', '~') || !IsPlainInBlock(original))
                {
                    return false;
                }

                builder.Append(original);
                return true;
            case JsonValue value:
                var kind = value.GetValueKind();
                if (kind == JsonValueKind.String && value.TryGetValue<string>(out var text))
                {
                    return TryAppendString(text, builder);
                }

                var scalar = ValueScalar(value);
                if (scalar.Style == ScalarStyle.Plain)
                {
                    builder.Append(scalar.Value); // true, false, null, numbers: always plain
                    return true;
                }

                return TryAppendString(scalar.Value, builder);
            default:
                return false;
        }
    }

    private const int MaxSimpleKeyLength = 100;

    /// <summary>
    /// Appends a string the way the emitter would, when that is one of two simple forms: plain, or
    /// in double quotes without escapes (for strings a reader would otherwise type, like `"80"`).
    /// Only printable ASCII qualifies; anything that needs single quotes or escapes answers false.
    /// </summary>
    private static bool TryAppendString(string text, StringBuilder builder)
    {
        foreach (var c in text)
        {
            if (c is < ' ' or > '~')
            {
                return false;
            }
        }

        if (YamlCoreSchema.IsAmbiguousAsPlain(text))
        {
            if (text.AsSpan().IndexOfAny('"', '\\') >= 0 || text.StartsWith(' ') || text.EndsWith(' '))
            {
                return false;
            }

            builder.Append('"').Append(text).Append('"');
            return true;
        }

        if (!IsPlainInBlock(text))
        {
            return false;
        }

        builder.Append(text);
        return true;
    }

    // The emitter's rule for a plain scalar in block context, for printable ASCII text: no leading
    // indicator, no `: ` or ` #` inside, no edge spaces, not starting like a document marker.
    private static bool IsPlainInBlock(string text)
    {
        if (text.Length == 0 || text[0] == ' ' || text[^1] == ' '
            || text.StartsWith("---", StringComparison.Ordinal) || text.StartsWith("...", StringComparison.Ordinal)
            || LeadingIndicators.Contains(text[0]))
        {
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var followedBySpace = i + 1 >= text.Length || text[i + 1] == ' ';
            if (i == 0 && c is '?' or ':' or '-' && followedBySpace)
            {
                return false;
            }

            if (i > 0 && ((c == ':' && followedBySpace) || (c == '#' && text[i - 1] == ' ')))
            {
                return false;
            }
        }

        return true;
    }

    private static readonly System.Buffers.SearchValues<char> LeadingIndicators =
        System.Buffers.SearchValues.Create("#,[]{}&*!|>'\"%@`");

    /// <summary>Indented JSON; several documents are written one after another.</summary>
    public static string ToJson(IReadOnlyList<JsonNode?> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        return WithJson(documents, static utf8 => Encoding.UTF8.GetString(utf8));
    }

    /// <summary>One document as indented JSON, ending in a line break.</summary>
    public static string ToJson(JsonNode? document) => WithJson([document], static utf8 => Encoding.UTF8.GetString(utf8));

    /// <summary>
    /// <see cref="ToJson(IReadOnlyList{JsonNode})"/>'s text as UTF-8, copied once out of the
    /// thread's buffer (what `template` keeps and prints: half the size of the string, and no
    /// decoding and encoding again on the way out).
    /// </summary>
    public static byte[] ToJsonUtf8(IReadOnlyList<JsonNode?> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        return WithJson(documents, static utf8 => utf8.ToArray());
    }

    private delegate T Utf8Reader<T>(ReadOnlySpan<byte> utf8);

    // Writes every document, each followed by a line break, into the thread's buffer and gives
    // the bytes to `read` (they are only valid during the call).
    private static T WithJson<T>(IReadOnlyList<JsonNode?> documents, Utf8Reader<T> read)
    {
        // The buffer and writer are the thread's own, reused from artifact to artifact.
        var buffer = JsonBuffer ??= new ArrayBufferWriter<byte>(16 * 1024);
        var writer = JsonWriter ??= new Utf8JsonWriter(buffer, JsonOptions);
        buffer.ResetWrittenCount();
        for (var i = 0; i < documents.Count; i++)
        {
            writer.Reset(buffer);
            if (documents[i] is { } document)
            {
                document.WriteTo(writer);
            }
            else
            {
                writer.WriteNullValue();
            }

            writer.Flush();
            buffer.Write("\n"u8);
        }

        var result = read(buffer.WrittenSpan);

        // A buffer grown by one huge document is not kept for the rest of the run.
        if (buffer.Capacity > 1024 * 1024)
        {
            JsonBuffer = null;
            JsonWriter = null;
        }

        return result;
    }

    private static readonly JsonWriterOptions JsonOptions = new()
    {
        Indented = true,

        // Artifacts are not embedded in HTML; keep `<`, `&`, `'` and non-ASCII readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? JsonBuffer;

    [ThreadStatic]
    private static Utf8JsonWriter? JsonWriter;

    [ThreadStatic]
    private static StringBuilder? YamlBuilder;

    // The thread's builder for YAML text, cleared; one that grew past 1 MiB is not kept.
    private static StringBuilder RentBuilder()
    {
        var builder = YamlBuilder ?? new StringBuilder(16 * 1024);
        YamlBuilder = null;
        return builder.Clear();
    }

    private static void ReturnBuilder(StringBuilder builder)
    {
        if (builder.Capacity <= 1024 * 1024)
        {
            YamlBuilder = builder.Clear();
        }
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
                emitter.Emit(OriginalText.TryGet(value, out var original) ? Plain(original) : ValueScalar(value));
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
