using System.Buffers;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using TagDirective = YamlDotNet.Core.Tokens.TagDirective;

namespace Nulecule.Yaml;

/// <summary>
/// A reader for the YAML most manifests and Nulecule files are written in: block mappings and
/// sequences, plain and single-line quoted scalars, comments, one-line flow collections of simple
/// scalars, and `---` between documents. It produces the parsing events YamlDotNet's parser
/// produces for the same text (values, styles, flags and every mark), so what reads the events
/// cannot tell the two apart; it is several times faster and allocates less, because it reads the
/// string directly instead of through YamlDotNet's character buffer and token queue.
/// <para>
/// It accepts only text whose reading it is sure of. Anything else (anchors, aliases, tags, block
/// scalars, multi-line scalars, flow collections over several lines, directives, tabs, `\r`,
/// unusual escapes or characters, empty documents, errors of any kind) makes
/// <see cref="TryRead"/> answer null, and the caller hands the text to YamlDotNet, which reads it
/// with its own located errors. Tests compare the two parsers' events on generated documents and
/// on every corpus file.
/// </para>
/// </summary>
internal sealed class BlockYamlReader
{
    // Deeper text is left to YamlDotNet (and the callers' own limits and messages).
    private const int MaxDepth = 64;

    // YamlDotNet refuses implicit keys of 1024 characters and more.
    private const int MaxKeyLength = 1000;

    // Characters the reader leaves to YamlDotNet wherever they occur: tabs, `\r`, other controls,
    // YAML's extra line breaks, byte-order marks, surrogates (marks count them differently).
    private static readonly SearchValues<char> Unsure = SearchValues.Create(UnsureChars());

    private static readonly Mark Origin = new(0, 1, 1);

    private readonly string _text;
    private readonly EventSink _sink;
    private readonly Mark _end;
    private readonly Mark _tail;
    private readonly int _tailColumn;
    private int _pos;
    private int _line = 1;
    private int _lineStart;
    private int _depth;

    private BlockYamlReader(string text, EventSink sink)
    {
        _text = text;
        _sink = sink;

        // YamlDotNet ends the stream on a fresh line: after the last line break, or one line below
        // a last line without one.
        var breaks = text.AsSpan().Count('\n');
        _end = new Mark(text.Length, text.EndsWith('\n') ? breaks + 1 : breaks + 2, 1);

        // Before that, it closes the collections indented deeper than where the text stops on its
        // last line (after a comment or spaces without a line break) at that place.
        _tailColumn = text.Length - (text.LastIndexOf('\n') + 1);
        _tail = new Mark(text.Length, breaks + 1, _tailColumn + 1);
    }

    /// <summary>The events of <paramref name="text"/> as YamlDotNet's parser gives them, or null when unsure.</summary>
    public static IParser? TryRead(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0 || text.AsSpan().IndexOfAny(Unsure) >= 0)
        {
            return null;
        }

        var events = new EventList(text.Length);
        return new BlockYamlReader(text, events).ReadStream() ? new Replay(events.Events) : null;
    }

    /// <summary>
    /// The documents of <paramref name="text"/> as located nodes, built as the text is read (no
    /// events, no YamlDotNet nodes), or null when unsure, including a key given twice in one
    /// mapping (YamlDotNet's loader reports it). The same nodes as <see cref="YamlTree.From"/>
    /// gives for YamlDotNet's documents of the same text.
    /// </summary>
    public static IReadOnlyList<TreeNode>? TryReadTree(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0 || text.AsSpan().IndexOfAny(Unsure) >= 0)
        {
            return null;
        }

        var tree = new TreeBuilder();
        return new BlockYamlReader(text, tree).ReadStream() && !tree.Refused ? tree.Documents : null;
    }

    /// <summary>
    /// Reads <paramref name="text"/> into <paramref name="sink"/> as it goes; false when unsure,
    /// and then what the sink was given is to be dropped (the reader may stop anywhere).
    /// </summary>
    public static bool TryReadInto(string text, EventSink sink)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(sink);
        return text.Length > 0 && text.AsSpan().IndexOfAny(Unsure) < 0 && new BlockYamlReader(text, sink).ReadStream();
    }

    private static string UnsureChars()
    {
        var chars = new List<char>();
        for (var c = '\0'; c < ' '; c++)
        {
            if (c != '\n')
            {
                chars.Add(c);
            }
        }

        for (var c = '\u007f'; c <= '\u009f'; c++)
        {
            chars.Add(c);
        }

        for (var c = '\ud800'; c <= '\udfff'; c++)
        {
            chars.Add(c);
        }

        chars.AddRange(['\u2028', '\u2029', '\ufeff', '\ufffe', '\uffff']);
        return new string([.. chars]);
    }

    private bool AtEnd => _pos >= _text.Length;

    private char At(int index) => index < _text.Length ? _text[index] : '\0';

    private Mark MarkAt(int index) => new(index, _line, index - _lineStart + 1);

    /// <summary>Where the next token starts: here, or the stream's end.</summary>
    private Mark Here() => AtEnd ? _end : MarkAt(_pos);

    /// <summary>Where a block collection at <paramref name="column"/> ends: the next token, or at the stream's end as YamlDotNet closes it.</summary>
    private Mark EndOf(int column) => !AtEnd ? MarkAt(_pos) : column > _tailColumn ? _tail : _end;

    private bool ReadStream()
    {
        _sink.StreamStart(Origin);
        if (!NextContent() || AtEnd)
        {
            return false; // no document: YamlDotNet's business
        }

        var first = true;
        while (true)
        {
            if (IsSeparator())
            {
                var start = MarkAt(_pos);
                _pos += 3;
                _sink.DocumentStart(false, start, MarkAt(_pos));
                if (!NextContent() || Level() < 0)
                {
                    return false; // an empty document
                }
            }
            else if (first)
            {
                _sink.DocumentStart(true, MarkAt(_pos), MarkAt(_pos));
            }
            else
            {
                return false;
            }

            first = false;
            if (!ReadBlockNode() || Level() >= 0)
            {
                return false;
            }

            var end = Here();
            _sink.DocumentEnd(end);
            if (AtEnd)
            {
                break;
            }
        }

        _sink.StreamEnd(_end);
        return true;
    }

    /// <summary>`---` alone on a line, at the start of the line.</summary>
    private bool IsSeparator() =>
        _pos == _lineStart && string.CompareOrdinal(_text, _pos, "---", 0, 3) == 0 && At(_pos + 3) is '\n' or '\0';

    /// <summary>The column (0-based) of the content the reader is at; -1 at the end of the stream or of a document.</summary>
    private int Level() => AtEnd || IsSeparator() ? -1 : _pos - _lineStart;

    /// <summary>
    /// From just after a token, skips the rest of its line (spaces, a comment) and every blank or
    /// comment line after it, to the next content or the end. False when the line holds more.
    /// </summary>
    private bool NextContent()
    {
        // At the stream's start the reader is on a fresh line; after a token, not until a line break.
        var fresh = _pos == _lineStart;
        while (true)
        {
            SkipSpaces();
            if (At(_pos) == '#')
            {
                if (_pos != _lineStart && _text[_pos - 1] != ' ')
                {
                    return false; // `x#y` after a token is not a comment
                }

                var newline = _text.IndexOf('\n', _pos);
                _pos = newline < 0 ? _text.Length : newline;
            }

            if (AtEnd)
            {
                return true;
            }

            if (_text[_pos] != '\n')
            {
                if (!fresh)
                {
                    return false; // more after a token on its line
                }

                // Document markers other than a lone `---` are left to YamlDotNet.
                var rest = _text.AsSpan(_pos);
                return _pos != _lineStart || !(rest.StartsWith("---") || rest.StartsWith("...")) || IsSeparator();
            }

            _pos++;
            _line++;
            _lineStart = _pos;
            fresh = true;
        }
    }

    private void SkipSpaces()
    {
        while (_pos < _text.Length && _text[_pos] == ' ')
        {
            _pos++;
        }
    }

    private bool IsDashEntry() => At(_pos) == '-' && At(_pos + 1) is ' ' or '\n' or '\0';

    /// <summary>At the start of a content line: a block sequence or mapping starting here.</summary>
    private bool ReadBlockNode()
    {
        if (IsDashEntry())
        {
            return ReadSequence(_pos - _lineStart, indentless: false);
        }

        return KeyEnd() >= 0 && ReadMapping(_pos - _lineStart);
    }

    private bool ReadMapping(int column)
    {
        if (++_depth > MaxDepth)
        {
            return false;
        }

        var start = MarkAt(_pos);
        _sink.MappingStart(MappingStyle.Block, start);
        while (true)
        {
            var keyEnd = KeyEnd();
            if (keyEnd < 0 || !ReadKey(keyEnd))
            {
                return false;
            }

            _pos++; // ':'
            var afterColon = MarkAt(_pos);
            SkipSpaces();
            if (AtLineEnd())
            {
                if (!NextContent())
                {
                    return false;
                }

                var level = Level();
                if (level > column)
                {
                    if (!ReadBlockNode())
                    {
                        return false;
                    }
                }
                else if (level == column && IsDashEntry())
                {
                    if (!ReadSequence(column, indentless: true))
                    {
                        return false;
                    }
                }
                else
                {
                    _sink.Scalar(string.Empty, ScalarStyle.Plain, afterColon, afterColon, isKey: false);
                }
            }
            else if (!ReadInlineValue() || !NextContent())
            {
                return false;
            }

            var next = Level();
            if (next > column || (next == column && IsDashEntry()))
            {
                return false; // a continuation line, or an entry where a key belongs: YamlDotNet says what it is
            }

            if (next < column)
            {
                var end = EndOf(column);
                _sink.MappingEnd(end);
                _depth--;
                return true;
            }
        }
    }

    private bool ReadSequence(int column, bool indentless)
    {
        if (++_depth > MaxDepth)
        {
            return false;
        }

        var start = MarkAt(_pos);
        _sink.SequenceStart(SequenceStyle.Block, start, indentless ? MarkAt(_pos + 1) : start);
        while (true)
        {
            _pos++; // '-'
            var afterDash = MarkAt(_pos);
            SkipSpaces();
            if (AtLineEnd())
            {
                if (!NextContent())
                {
                    return false;
                }

                if (Level() > column)
                {
                    if (!ReadBlockNode())
                    {
                        return false;
                    }
                }
                else
                {
                    _sink.Scalar(string.Empty, ScalarStyle.Plain, afterDash, afterDash, isKey: false);
                }
            }
            else if (IsDashEntry())
            {
                return false; // `- - x`
            }
            else if (KeyEnd() >= 0)
            {
                if (!ReadMapping(_pos - _lineStart))
                {
                    return false;
                }
            }
            else if (!ReadInlineValue() || !NextContent())
            {
                return false;
            }

            var next = Level();
            if (next == column && IsDashEntry())
            {
                continue;
            }

            if (next > column || (next == column && !indentless))
            {
                return false;
            }

            var end = EndOf(column);
            _sink.SequenceEnd(end);
            _depth--;
            return true;
        }
    }

    /// <summary>At the end of the line, or at a comment (after a space: the caller skipped at least one).</summary>
    private bool AtLineEnd() => AtEnd || _text[_pos] == '\n' || (_text[_pos] == '#' && _text[_pos - 1] == ' ');

    /// <summary>
    /// Where the `:` of a block mapping key starting here is (followed by a space or the line's
    /// end), or -1 when the line does not start with a key this reader reads.
    /// </summary>
    private int KeyEnd()
    {
        var c = At(_pos);
        int end;
        if (c is '"' or '\'')
        {
            end = QuotedEnd(_pos);
            if (end < 0)
            {
                return -1;
            }
        }
        else
        {
            if (!PlainStart(_pos))
            {
                return -1;
            }

            end = _pos + 1;
            while (true)
            {
                var d = At(end);
                if (d is '\n' or '\0' || (d == '#' && _text[end - 1] == ' '))
                {
                    return -1; // a scalar, not a key
                }

                if (d == ':' && At(end + 1) is ' ' or '\n' or '\0')
                {
                    break;
                }

                end++;
            }

            if (_text[end - 1] == ' ')
            {
                return -1; // `key :`
            }
        }

        return end - _pos <= MaxKeyLength && At(end) == ':' && At(end + 1) is ' ' or '\n' or '\0' ? end : -1;
    }

    private bool ReadKey(int colon)
    {
        var start = MarkAt(_pos);
        if (At(_pos) is '"' or '\'')
        {
            return ReadQuoted(isKey: true) && _pos == colon;
        }

        _sink.Scalar(Key(_text.AsSpan(_pos, colon - _pos)), ScalarStyle.Plain, start, MarkAt(colon), isKey: true);
        _pos = colon;
        return true;
    }

    // Keys repeat (apiVersion, metadata, name ... in every file): one string per distinct short key
    // and thread, instead of one per occurrence.
    [ThreadStatic]
    private static Dictionary<string, string>? ThreadKeys;

    private static string Key(ReadOnlySpan<char> text)
    {
        if (text.Length > 40)
        {
            return text.ToString();
        }

        var keys = ThreadKeys ??= new Dictionary<string, string>(StringComparer.Ordinal);
        var lookup = keys.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(text, out var known))
        {
            return known;
        }

        var key = text.ToString();
        if (keys.Count < 4096)
        {
            keys[key] = key;
        }

        return key;
    }

    /// <summary>A plain scalar may start here: not an indicator (YAML's or one this reader leaves to YamlDotNet).</summary>
    private bool PlainStart(int index)
    {
        var c = At(index);
        return c switch
        {
            '-' => At(index + 1) is not (' ' or '\n' or '\0'),
            ' ' or '\n' or '\0' or '?' or ':' or ',' or '[' or ']' or '{' or '}' or '#' or '&' or '*' or '!' or '|' or '>' or '\'' or '"' or '%' or '@' or '`' => false,
            _ => true,
        };
    }

    /// <summary>A value after `key: ` or `- `: a plain or quoted scalar, or a one-line flow collection.</summary>
    private bool ReadInlineValue()
    {
        switch (At(_pos))
        {
            case '"' or '\'':
                return ReadQuoted(isKey: false);
            case '[' or '{':
                return ReadFlow();
        }

        if (!PlainStart(_pos))
        {
            return false;
        }

        var start = _pos;
        var end = _pos;
        var scan = _pos;
        while (true)
        {
            var c = At(scan);
            if (c is '\n' or '\0' || (c == '#' && _text[scan - 1] == ' '))
            {
                break;
            }

            if (c == ':' && At(scan + 1) is ' ' or '\n' or '\0')
            {
                return false; // `a: b: c` is an error YamlDotNet reports
            }

            scan++;
            if (c != ' ')
            {
                end = scan;
            }
        }

        _sink.Scalar(_text[start..end], ScalarStyle.Plain, MarkAt(start), MarkAt(end), isKey: false);
        _pos = end;
        return true;
    }

    /// <summary>Index just after the closing quote of a one-line quoted scalar starting at <paramref name="open"/>; -1 if none.</summary>
    private int QuotedEnd(int open)
    {
        var quote = _text[open];
        for (var i = open + 1; i < _text.Length; i++)
        {
            var c = _text[i];
            if (c == '\n')
            {
                return -1;
            }

            if (quote == '"' && c == '\\')
            {
                i++;
                continue;
            }

            if (c == quote)
            {
                if (quote == '\'' && At(i + 1) == '\'')
                {
                    i++;
                    continue;
                }

                return i + 1;
            }
        }

        return -1;
    }

    /// <summary>A quoted scalar on one line, with the common escapes; false for anything else.</summary>
    private bool ReadQuoted(bool isKey)
    {
        var open = _pos;
        var close = QuotedEnd(open);
        if (close < 0)
        {
            return false;
        }

        var quote = _text[open];
        var body = _text.AsSpan(open + 1, close - open - 2);
        string value;
        if (quote == '\'')
        {
            value = body.Contains('\'') ? body.ToString().Replace("''", "'", StringComparison.Ordinal) : body.ToString();
        }
        else if (!body.Contains('\\'))
        {
            value = body.ToString();
        }
        else
        {
            var builder = new System.Text.StringBuilder(body.Length);
            for (var i = 0; i < body.Length; i++)
            {
                if (body[i] != '\\')
                {
                    builder.Append(body[i]);
                    continue;
                }

                switch (body[++i])
                {
                    case '"': builder.Append('"'); break;
                    case '\\': builder.Append('\\'); break;
                    case 'n': builder.Append('\n'); break;
                    case 't': builder.Append('\t'); break;
                    default: return false; // left to YamlDotNet's full escape table
                }
            }

            value = builder.ToString();
        }

        var style = quote == '"' ? ScalarStyle.DoubleQuoted : ScalarStyle.SingleQuoted;
        _sink.Scalar(value, style, MarkAt(open), MarkAt(close), isKey);
        _pos = close;
        return true;
    }

    /// <summary>`[a, "b"]` or `{k: v, ...}` closed on the line it opens on.</summary>
    private bool ReadFlow()
    {
        if (++_depth > MaxDepth)
        {
            return false;
        }

        var sequence = _text[_pos] == '[';
        var close = sequence ? ']' : '}';
        var start = MarkAt(_pos);
        if (sequence)
        {
            _sink.SequenceStart(SequenceStyle.Flow, start, start);
        }
        else
        {
            _sink.MappingStart(MappingStyle.Flow, start);
        }

        _pos++;
        SkipSpaces();
        if (At(_pos) != close)
        {
            while (true)
            {
                if (!sequence)
                {
                    if (!ReadFlowNode(isKey: true) || At(_pos) != ':' || At(_pos + 1) != ' ')
                    {
                        return false;
                    }

                    _pos++;
                    SkipSpaces();
                }

                if (!ReadFlowNode(isKey: false))
                {
                    return false;
                }

                SkipSpaces();
                if (At(_pos) == close)
                {
                    break;
                }

                if (At(_pos) != ',')
                {
                    return false;
                }

                _pos++;
                SkipSpaces();
                if (At(_pos) is ']' or '}')
                {
                    return false; // a trailing comma
                }
            }
        }

        var end = MarkAt(_pos);
        if (sequence)
        {
            _sink.SequenceEnd(end);
        }
        else
        {
            _sink.MappingEnd(end);
        }

        _pos++;
        _depth--;
        return true;
    }

    private bool ReadFlowNode(bool isKey)
    {
        switch (At(_pos))
        {
            case '"' or '\'':
                return ReadQuoted(isKey);
            case '[' or '{':
                return !isKey && ReadFlow();
        }

        // Plain text inside a flow collection: a conservative set of characters, one line.
        var first = At(_pos);
        if (!(char.IsAsciiLetterOrDigit(first) || first is '$' or '.' or '_' or '/' or '~' or '+' or '=' or '(' or '<' or '\\'
            || (first == '-' && At(_pos + 1) is not (' ' or ',' or ']' or '}' or '\n' or '\0'))))
        {
            return false;
        }

        var start = _pos;
        var end = _pos;
        var scan = _pos;
        while (true)
        {
            var c = At(scan);
            if (c is ',' or ']' or '}' || (c == ':' && isKey && At(scan + 1) == ' '))
            {
                break;
            }

            if (!(char.IsAsciiLetterOrDigit(c) || c is ' ' or '$' or '.' or '_' or '/' or '=' or '+' or '-' or '~' or '(' or ')' or '<' or '>' or '@' or '%' or '^' or '&' or '*' or '!' or '|' or '\\'))
            {
                return false;
            }

            scan++;
            if (c != ' ')
            {
                end = scan;
            }
        }

        _sink.Scalar(isKey ? Key(_text.AsSpan(start, end - start)) : _text[start..end], ScalarStyle.Plain, MarkAt(start), MarkAt(end), isKey);
        _pos = end;
        return true;
    }

    /// <summary>Where the reader puts what it reads: YamlDotNet's events, or nodes.</summary>
    internal abstract class EventSink
    {
        // Sinks that build nodes have nothing to do at the stream's and documents' edges.
        public virtual void StreamStart(Mark at)
        {
        }

        public virtual void DocumentStart(bool isImplicit, Mark start, Mark end)
        {
        }

        public virtual void DocumentEnd(Mark at)
        {
        }

        public virtual void StreamEnd(Mark at)
        {
        }

        public abstract void MappingStart(MappingStyle style, Mark start);

        public abstract void MappingEnd(Mark at);

        public abstract void SequenceStart(SequenceStyle style, Mark start, Mark end);

        public abstract void SequenceEnd(Mark at);

        /// <summary>A plain scalar is plain-implicit, a quoted one quoted-implicit (the reader takes no tags).</summary>
        public abstract void Scalar(string value, ScalarStyle style, Mark start, Mark end, bool isKey);
    }

    /// <summary>The events YamlDotNet's parser gives, kept until the whole text is known to be readable.</summary>
    private sealed class EventList(int textLength) : EventSink
    {
        public List<ParsingEvent> Events { get; } = new(Math.Max(16, textLength / 8));

        public override void StreamStart(Mark at) => Events.Add(new StreamStart(at, at));

        public override void DocumentStart(bool isImplicit, Mark start, Mark end) =>
            Events.Add(new DocumentStart(null, [new TagDirective("!", "!"), new TagDirective("!!", "tag:yaml.org,2002:")], isImplicit, start, end));

        public override void DocumentEnd(Mark at) => Events.Add(new DocumentEnd(true, at, at));

        public override void StreamEnd(Mark at) => Events.Add(new StreamEnd(at, at));

        public override void MappingStart(MappingStyle style, Mark start) =>
            Events.Add(new MappingStart(AnchorName.Empty, TagName.Empty, true, style, start, start));

        public override void MappingEnd(Mark at) => Events.Add(new MappingEnd(at, at));

        public override void SequenceStart(SequenceStyle style, Mark start, Mark end) =>
            Events.Add(new SequenceStart(AnchorName.Empty, TagName.Empty, true, style, start, end));

        public override void SequenceEnd(Mark at) => Events.Add(new SequenceEnd(at, at));

        public override void Scalar(string value, ScalarStyle style, Mark start, Mark end, bool isKey)
        {
            var plain = style == ScalarStyle.Plain;
            Events.Add(new Scalar(AnchorName.Empty, TagName.Empty, value, style, plain, !plain, start, end, isKey));
        }
    }

    /// <summary>
    /// Builds the nodes as the events come: a collection is placed in its parent when it opens,
    /// so only the innermost open collection can be waiting for a key's value.
    /// </summary>
    private sealed class TreeBuilder : EventSink
    {
        private readonly Stack<TreeNode> _open = new();
        private TreeScalar? _key;

        public List<TreeNode> Documents { get; } = [];

        /// <summary>A mapping repeats a key: YamlDotNet's loader refuses it, with its own message.</summary>
        public bool Refused { get; private set; }

        public override void MappingStart(MappingStyle style, Mark start)
        {
            var mapping = new TreeMapping(Line(start), Column(start));
            Place(mapping);
            _open.Push(mapping);
        }

        public override void MappingEnd(Mark at) => _open.Pop();

        public override void SequenceStart(SequenceStyle style, Mark start, Mark end)
        {
            var sequence = new TreeSequence(Line(start), Column(start));
            Place(sequence);
            _open.Push(sequence);
        }

        public override void SequenceEnd(Mark at) => _open.Pop();

        public override void Scalar(string value, ScalarStyle style, Mark start, Mark end, bool isKey) =>
            Place(new TreeScalar(value, style, Line(start), Column(start)));

        private void Place(TreeNode node)
        {
            if (!_open.TryPeek(out var parent))
            {
                Documents.Add(node);
            }
            else if (parent is TreeSequence sequence)
            {
                sequence.Children.Add(node);
            }
            else if (_key is null)
            {
                // The reader's keys are scalars; a key's value always follows it.
                _key = (TreeScalar)node;
                Refused |= !((TreeMapping)parent).TryAddKey(_key.Value!);
            }
            else
            {
                ((TreeMapping)parent).Children.Add(new(_key, node));
                _key = null;
            }
        }

        private static int Line(Mark mark) => (int)mark.Line;

        private static int Column(Mark mark) => (int)mark.Column;
    }

    /// <summary>Hands the events out as YamlDotNet's parser would.</summary>
    private sealed class Replay(List<ParsingEvent> events) : IParser
    {
        private int _index = -1;

        public ParsingEvent? Current => _index >= 0 && _index < events.Count ? events[_index] : null;

        public bool MoveNext()
        {
            if (_index < events.Count)
            {
                _index++;
            }

            return _index < events.Count;
        }
    }
}
