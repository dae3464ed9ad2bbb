using IniParser.Model;
using IniParser.Model.Configuration;
using IniParser.Parser;

namespace Nulecule.Answers.Internal;

/// <summary>
/// ini-parser's parser, taught three things the answers file needs: where each section and key
/// was written (the library keeps no positions), that both <c>#</c> and <c>;</c> start a
/// comment line (a <c>#</c> inside a value is part of the value: passwords contain them), and
/// error messages that say what to write instead.
/// </summary>
internal sealed class LocatingIniParser : IniDataParser
{
    private readonly string[] _lines;
    private readonly string _file;
    private readonly Dictionary<string, int> _sectionLines = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Section, string Key), int> _keyLines = [];
    private int _cursor = -1;
    private string? _section;

    public LocatingIniParser(string text, string file)
        : base(new IniParserConfiguration
        {
            AllowDuplicateKeys = false,
            AllowDuplicateSections = false,
            AllowKeysWithoutSection = false,
            ThrowExceptionsOnError = true,
            SkipInvalidLines = false,
            CaseInsensitive = false,
        })
    {
        // The library splits on "\n" and "\r\n" and skips blank lines; mirror that to know the line.
        _lines = text.Split(["\n", "\r\n"], StringSplitOptions.None);
        _file = file;
    }

    /// <summary>Section name to its 1-based line.</summary>
    public IReadOnlyDictionary<string, int> SectionLines => _sectionLines;

    /// <summary>(section, key) to its 1-based line.</summary>
    public IReadOnlyDictionary<(string Section, string Key), int> KeyLines => _keyLines;

    public SourceLocation At(int line) => new(_file, line, ColumnOf(line));

    protected override void ProcessLine(string currentLine, IniData currentIniData)
    {
        var wanted = currentLine.Trim();
        do
        {
            _cursor++;
        }
        while (_cursor < _lines.Length - 1 && _lines[_cursor].Trim() != wanted);

        if (wanted.StartsWith('#') || wanted.StartsWith(';'))
        {
            return;
        }

        if (LineMatchesASection(wanted))
        {
            ProcessSection(wanted, currentIniData);
            return;
        }

        if (wanted.StartsWith('[') && !wanted.Contains('=', StringComparison.Ordinal))
        {
            throw Error($"'{wanted}' is not a valid section header", "write a section as [name] or [parent:child] on a line of its own");
        }

        if (!wanted.Contains('=', StringComparison.Ordinal))
        {
            throw Error($"'{wanted}' is neither a [section] nor a key = value line", "write `key = value`, or start a comment line with # or ;");
        }

        if (wanted.StartsWith('='))
        {
            throw Error("a key name is missing before '='", "write `key = value`");
        }

        ProcessKeyValuePair(wanted, currentIniData);
    }

    protected override void ProcessSection(string line, IniData currentIniData)
    {
        var name = line.Trim()[1..^1].Trim();
        if (_sectionLines.TryGetValue(name, out var first))
        {
            throw Error($"section [{name}] appears twice (first at line {first})", "merge the two sections into one");
        }

        _sectionLines[name] = CurrentLine;
        _section = name;
        base.ProcessSection(line, currentIniData);
    }

    protected override void ProcessKeyValuePair(string line, IniData currentIniData)
    {
        var key = ExtractKey(line);
        if (_section is null)
        {
            throw Error($"'{key}' comes before any section", "put it under a section such as [general] or [component]");
        }

        if (_keyLines.TryGetValue((_section, key), out var first))
        {
            throw Error($"'{key}' appears twice in section [{_section}] (first at line {first})", "keep one of them");
        }

        _keyLines[(_section, key)] = CurrentLine;
        base.ProcessKeyValuePair(line, currentIniData);
    }

    private int CurrentLine => _cursor + 1;

    private int ColumnOf(int line)
    {
        var text = line >= 1 && line <= _lines.Length ? _lines[line - 1] : "";
        return text.Length - text.TrimStart().Length + 1;
    }

    private NuleculeException Error(string message, string hint) =>
        new(message, At(CurrentLine), hint);
}
