using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Nulecule.Yaml;

/// <summary>Reads a YAML (or JSON) file into located nodes, turning parser errors into diagnostics.</summary>
public static class YamlFile
{
    /// <summary>Parses every document of <paramref name="text"/>; errors carry file:line:column.</summary>
    public static IReadOnlyList<YamlDocument> Parse(string text, string file)
    {
        var stream = new YamlStream();
        try
        {
            // One pass: the depth is checked as the events stream into the (recursive) model builder.
            // The common block forms are read by our own reader (the same events, faster).
            stream.Load(new DepthLimitedParser(Events(text), file));
        }
        catch (YamlException ex)
        {
            throw new NuleculeException(ToDiagnostic(ex, text, file));
        }
        catch (Exception e) when (IsParserFailure(e))
        {
            throw new NuleculeException(Stuck(text, file));
        }

        return [.. stream.Documents];
    }

    /// <summary>
    /// The parsing events of <paramref name="text"/>: from <see cref="BlockYamlReader"/> when it
    /// is sure of the text, else from YamlDotNet's parser (which reports errors).
    /// </summary>
    public static IParser Events(string text) => BlockYamlReader.TryRead(text) ?? new YamlDotNet.Core.Parser(new StringReader(text));

    /// <summary>
    /// What YamlDotNet throws, besides YamlException, on input it cannot read (found by fuzzing:
    /// an unclosed `{` gives InvalidOperationException, a tag such as `!!bin]]` ArgumentException).
    /// </summary>
    public static bool IsParserFailure(Exception e) =>
        e is InvalidOperationException or ArgumentException or IndexOutOfRangeException or FormatException or OverflowException or NullReferenceException;

    /// <summary>
    /// YamlDotNet's scanner throws InvalidOperationException on some broken input (an unclosed
    /// `{` whose plain scalar runs into the next line). Reads the events again to name the last
    /// place it understood.
    /// </summary>
    public static Diagnostic Stuck(string text, string file)
    {
        var parser = new YamlDotNet.Core.Parser(new StringReader(text));
        Mark last = Mark.Empty;
        try
        {
            while (parser.MoveNext())
            {
                last = parser.Current!.End;
            }
        }
        catch (Exception e) when (e is YamlException || IsParserFailure(e))
        {
            // Expected: this is where it stops.
        }

        return Diagnostic.Error("invalid YAML/JSON: the parser cannot read on after this point", new SourceLocation(file, Math.Max(1, (int)last.Line), Math.Max(1, (int)last.Column)),
            "look for an unclosed '{' or '[' here or just after");
    }

    /// <summary>Nesting allowed in a YAML or JSON document: YamlStream and our readers recurse.</summary>
    public const int MaxDepth = 200;

    /// <summary>
    /// Passes the parser's events on (the parser keeps its own stack, no recursion) and refuses
    /// nesting deeper than <see cref="MaxDepth"/> before the recursive model builder sees it.
    /// </summary>
    private sealed class DepthLimitedParser(IParser inner, string file) : IParser
    {
        private int _depth;

        public YamlDotNet.Core.Events.ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            if (!inner.MoveNext())
            {
                return false;
            }

            switch (inner.Current)
            {
                case YamlDotNet.Core.Events.MappingStart or YamlDotNet.Core.Events.SequenceStart:
                    if (++_depth > MaxDepth)
                    {
                        throw new NuleculeException($"the document nests deeper than {MaxDepth} levels", new SourceLocation(file, (int)inner.Current.Start.Line, (int)inner.Current.Start.Column),
                            "flatten the document");
                    }

                    break;
                case YamlDotNet.Core.Events.MappingEnd or YamlDotNet.Core.Events.SequenceEnd:
                    _depth--;
                    break;
            }

            return true;
        }
    }

    public static SourceLocation Locate(this YamlNode node, string file) => new(file, (int)node.Start.Line, (int)node.Start.Column);

    public static Diagnostic ToDiagnostic(YamlException ex, string text, string file)
    {
        var line = (int)ex.Start.Line;
        var column = (int)ex.Start.Column;
        var message = CleanMessage(ex);
        string? hint = null;
        var lines = text.Split('\n');
        var tabLine = Array.FindIndex(lines, l => l.TrimStart(' ').StartsWith('\t'));
        if (tabLine >= 0 && (tabLine + 1 <= line + 1 || message.Contains("tab", StringComparison.OrdinalIgnoreCase)))
        {
            // YAML forbids tabs for indentation; the parser's own message rarely says so.
            line = tabLine + 1;
            column = lines[tabLine].IndexOf('\t', StringComparison.Ordinal) + 1;
            message = "a tab character is used for indentation";
            hint = "YAML indents with spaces only: replace the tab by spaces";
        }
        else if (line <= 0)
        {
            line = 1;
            column = 1;
        }

        return Diagnostic.Error($"invalid YAML/JSON: {message}", new SourceLocation(file, line, column), hint);
    }

    private static string CleanMessage(YamlException ex)
    {
        // YamlDotNet prefixes messages with "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; we print
        // the location ourselves.
        var message = ex.Message;
        var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        if (message.StartsWith("(Line:", StringComparison.Ordinal) && cut > 0)
        {
            message = message[(cut + 3)..];
        }

        return message.TrimEnd('.');
    }
}
