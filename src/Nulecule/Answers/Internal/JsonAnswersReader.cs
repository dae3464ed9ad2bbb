using System.Text;
using System.Text.Json;
using Nulecule.Spec;

namespace Nulecule.Answers.Internal;

/// <summary>
/// Reads the JSON form of an answers file with <see cref="Utf8JsonReader"/> (strict JSON, AOT-clean)
/// and turns its byte offsets into line:column. A JSON string is a string answer, a number an
/// integer or a float, <c>true</c>/<c>false</c> a boolean, <c>null</c> unanswered.
/// </summary>
internal static class JsonAnswersReader
{
    public static IReadOnlyList<AnswerSection> Read(string text, string file)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        var lines = new LineMap(bytes, file);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        try
        {
            if (!reader.Read())
            {
                return [];
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new NuleculeException("an answers file must be a JSON object of sections", lines.At(reader.TokenStartIndex),
                    "write {\"general\": {...}, \"component\": {...}}");
            }

            var sections = new List<AnswerSection>();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                var at = lines.At(reader.TokenStartIndex);
                if (sections.FirstOrDefault(s => s.Name == name) is { } first)
                {
                    throw new NuleculeException($"section '{name}' appears twice (first at line {first.Location!.Line})", at,
                        "merge the two sections into one");
                }

                reader.Read();
                sections.Add(new AnswerSection(name, ReadSection(ref reader, lines, name), at));
            }

            // Reading to the end makes the reader reject trailing garbage.
            while (reader.Read())
            {
            }

            return sections;
        }
        catch (JsonException e)
        {
            var at = new SourceLocation(file, (int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1);
            throw new NuleculeException($"not valid JSON: {Describe(e)}", at);
        }
    }

    private static List<AnswerEntry> ReadSection(ref Utf8JsonReader reader, LineMap lines, string section)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return [];
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new NuleculeException($"section '{section}' must be an object of \"key\": value", lines.At(reader.TokenStartIndex));
        }

        var entries = new List<AnswerEntry>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            var at = lines.At(reader.TokenStartIndex);
            if (entries.FirstOrDefault(e => e.Key == key) is { } first)
            {
                throw new NuleculeException($"'{key}' appears twice in section '{section}' (first at line {first.Location!.Line})", at,
                    "keep one of them");
            }

            reader.Read();
            Scalar? value = reader.TokenType switch
            {
                JsonTokenType.String => Scalar.String(reader.GetString()!),
                JsonTokenType.Number => NumberOf(Encoding.UTF8.GetString(reader.ValueSpan)),
                JsonTokenType.True => new Scalar("true", ScalarKind.Boolean),
                JsonTokenType.False => new Scalar("false", ScalarKind.Boolean),
                JsonTokenType.Null => null,
                _ => throw new NuleculeException($"the answer '{section}.{key}' must be a single value, not an array or object",
                    lines.At(reader.TokenStartIndex), "write a string, a number or a boolean"),
            };
            entries.Add(new AnswerEntry(key, value, at));
        }

        return entries;
    }

    private static Scalar NumberOf(string text) =>
        new(text, text.AsSpan().IndexOfAny(".eE") >= 0 ? ScalarKind.Float : ScalarKind.Integer);

    // System.Text.Json appends " LineNumber: 2 | BytePositionInLine: 5." and a path; we print the location ourselves.
    private static string Describe(JsonException e)
    {
        var cut = e.Message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return cut >= 0 ? e.Message[..cut] : e.Message;
    }

    private sealed class LineMap
    {
        private readonly byte[] _bytes;
        private readonly string _file;
        private readonly List<int> _starts = [0];

        public LineMap(byte[] bytes, string file)
        {
            _bytes = bytes;
            _file = file;
            for (var i = 0; i < bytes.Length; i++)
            {
                if (bytes[i] == (byte)'\n')
                {
                    _starts.Add(i + 1);
                }
            }
        }

        public SourceLocation At(long offset)
        {
            var index = _starts.BinarySearch((int)offset);
            var line = index >= 0 ? index : ~index - 1;
            var column = Encoding.UTF8.GetCharCount(_bytes, _starts[line], (int)offset - _starts[line]) + 1;
            return new SourceLocation(_file, line + 1, column);
        }
    }
}
