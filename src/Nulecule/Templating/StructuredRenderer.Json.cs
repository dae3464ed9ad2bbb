using System.Text;
using System.Text.Json.Nodes;

namespace Nulecule.Templating;

public static partial class StructuredRenderer
{
    /// <summary>
    /// A fast path for the JSON artifacts most apps ship (`{"port": $port, "name": "$name"}`):
    /// reads one JSON object or array, where a bare word may stand for a value, straight into nodes,
    /// without YAML's scanner. It accepts only text whose YAML reading it knows to be the same, and
    /// gives the same nodes through the same <see cref="Builder"/>; anything else (comments, tabs,
    /// `\r`, unusual escapes, `${x}` or other unusual bare words, duplicate keys, a second value)
    /// answers null and the YAML parser reads the text, with its located errors. Tests compare the
    /// two readers on generated documents.
    /// </summary>
    private ref struct JsonReader
    {
        private readonly string _text;
        private readonly Builder _builder;
        private int _pos;
        private int _depth;

        private JsonReader(string text, Builder builder)
        {
            _text = text;
            _builder = builder;
        }

        // Deeper documents are left to the YAML parser (and its limits).
        private const int MaxDepth = 64;

        public static JsonNode? TryRead(string text, Builder builder)
        {
            var reader = new JsonReader(text, builder);
            reader.SkipSpace();
            if (reader._pos >= text.Length || text[reader._pos] is not ('{' or '['))
            {
                return null;
            }

            var root = reader.ReadValue(out var ok);
            if (!ok)
            {
                return null;
            }

            reader.SkipSpace();
            return reader._pos == text.Length ? root : null;
        }

        private void SkipSpace()
        {
            while (_pos < _text.Length && _text[_pos] is ' ' or '\n')
            {
                _pos++;
            }
        }

        private JsonNode? ReadValue(out bool ok)
        {
            ok = false;
            if (_pos >= _text.Length)
            {
                return null;
            }

            switch (_text[_pos])
            {
                case '{':
                    return ReadObject(out ok);
                case '[':
                    return ReadArray(out ok);
                case '"':
                    var quoted = ReadString(out ok);
                    return ok ? _builder.QuotedNode(quoted!) : null;
                default:
                    var word = ReadWord();
                    if (word is null)
                    {
                        return null;
                    }

                    ok = true;
                    return _builder.PlainNode(word);
            }
        }

        private JsonObject? ReadObject(out bool ok)
        {
            ok = false;
            if (++_depth > MaxDepth)
            {
                return null;
            }

            _pos++; // {
            var result = new JsonObject();
            SkipSpace();
            if (Peek() == '}')
            {
                _pos++;
                _depth--;
                ok = true;
                return result;
            }

            while (true)
            {
                SkipSpace();
                if (Peek() != '"')
                {
                    return null;
                }

                var rawKey = ReadString(out var keyOk);
                SkipSpace();

                // YAML reads `"key":value` and `"key": value` alike, but not `"key" :`, and an
                // implicit key must be shorter than 1024 characters.
                if (!keyOk || Peek() != ':' || _text[_pos - 1] != '"' || rawKey!.Length > 1000)
                {
                    return null;
                }

                _pos++; // :
                SkipSpace();
                var key = _builder.Substitute(rawKey!);
                var value = ReadValue(out var valueOk);
                if (!valueOk || result.ContainsKey(key))
                {
                    return null; // duplicate keys get the YAML reader's located error
                }

                result[key] = value;
                SkipSpace();
                var next = Peek();
                _pos++;
                if (next == '}')
                {
                    _depth--;
                    ok = true;
                    return result;
                }

                if (next != ',')
                {
                    return null;
                }
            }
        }

        private JsonArray? ReadArray(out bool ok)
        {
            ok = false;
            if (++_depth > MaxDepth)
            {
                return null;
            }

            _pos++; // [
            var result = new JsonArray();
            SkipSpace();
            if (Peek() == ']')
            {
                _pos++;
                _depth--;
                ok = true;
                return result;
            }

            while (true)
            {
                SkipSpace();
                var item = ReadValue(out var itemOk);
                if (!itemOk)
                {
                    return null;
                }

                result.Add(item);
                SkipSpace();
                var next = Peek();
                _pos++;
                if (next == ']')
                {
                    _depth--;
                    ok = true;
                    return result;
                }

                if (next != ',')
                {
                    return null;
                }
            }
        }

        private readonly char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

        /// <summary>A double-quoted string with JSON's common escapes; null for anything YAML might read otherwise.</summary>
        private string? ReadString(out bool ok)
        {
            ok = false;
            var start = ++_pos;
            StringBuilder? escaped = null;
            var runStart = start;
            while (_pos < _text.Length)
            {
                var c = _text[_pos];
                if (c == '"')
                {
                    var value = escaped is null
                        ? _text[start.._pos]
                        : escaped.Append(_text, runStart, _pos - runStart).ToString();
                    _pos++;
                    ok = true;
                    return value;
                }

                // Raw line breaks fold inside YAML quotes; controls, BOMs and the Unicode breaks
                // are read differently by the two grammars.
                if (c < ' ' || c is '\u0085' or '\u2028' or '\u2029' or '\ufeff' || char.IsSurrogate(c))
                {
                    return null;
                }

                if (c != '\\')
                {
                    _pos++;
                    continue;
                }

                if (_pos + 1 >= _text.Length)
                {
                    return null;
                }

                escaped ??= new StringBuilder();
                escaped.Append(_text, runStart, _pos - runStart);
                char unescaped;
                switch (_text[_pos + 1])
                {
                    case '"': unescaped = '"'; break;
                    case '\\': unescaped = '\\'; break;
                    case 'n': unescaped = '\n'; break;
                    case 't': unescaped = '\t'; break;
                    default: return null; // \/, \u, \r, \b, \f: left to the YAML reader
                }

                escaped.Append(unescaped);
                _pos += 2;
                runStart = _pos;
            }

            return null;
        }

        /// <summary>A bare word: a number, true/false/null, or `$name`; null for anything else.</summary>
        private string? ReadWord()
        {
            var start = _pos;
            while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] is '$' or '_' or '.' or '-' or '+'))
            {
                _pos++;
            }

            if (_pos == start || (_pos < _text.Length && _text[_pos] is not (' ' or '\n' or ',' or ']' or '}')))
            {
                return null;
            }

            var word = _text[start.._pos];

            // A leading `-` followed by a space would be a YAML list marker; `-`, `.`, `+` alone are odd.
            return word[0] is '-' or '.' or '+' && (word.Length == 1 || !char.IsAsciiDigit(word[1]) && word[1] != '.') ? null : word;
        }
    }
}
