namespace Nulecule.Answers;

/// <summary>
/// Answers for the params of an app: sections of <c>key = value</c> entries, each remembering
/// where it was written. Read one with <see cref="Load"/> or <see cref="Parse"/>; write one with
/// <see cref="AnswersWriter"/>.
/// </summary>
public sealed class AnswersFile
{
    public AnswersFile(IReadOnlyList<AnswerSection> sections, string? path = null, AnswersFormat? format = null)
    {
        Sections = sections;
        Path = path;
        Format = format;
    }

    /// <summary>Sections in file order; a section name appears once.</summary>
    public IReadOnlyList<AnswerSection> Sections { get; }

    /// <summary>The file this was read from, as given (null when built in code).</summary>
    public string? Path { get; }

    /// <summary>The syntax it was read from (null when built in code).</summary>
    public AnswersFormat? Format { get; }

    public static AnswersFile Empty { get; } = new([]);

    public AnswerSection? Section(string name) => Sections.FirstOrDefault(s => s.Name == name);

    /// <summary>
    /// Reads an answers file. The format comes from the extension (<c>.ini</c>, <c>.conf</c>,
    /// <c>.cfg</c>; <c>.json</c>; <c>.yaml</c>, <c>.yml</c>), else from <paramref name="format"/>,
    /// else it is sniffed from the content. A broken file is a <see cref="NuleculeException"/>
    /// located at file:line:column.
    /// </summary>
    public static AnswersFile Load(string path, AnswersFormat? format = null)
    {
        string text;
        try
        {
            text = TextFile.Read(path, SafeFiles.MaxAnswersBytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NuleculeException($"cannot read the answers file: {e.Message}", new SourceLocation(path, 0, 0),
                $"give --answers a regular text file of at most {SafeFiles.Limit(SafeFiles.MaxAnswersBytes)}");
        }

        return Parse(text, path, FormatOfPath(path) ?? format);
    }

    /// <summary>Reads answers from text; <paramref name="path"/> only names the source in locations.</summary>
    public static AnswersFile Parse(string text, string path, AnswersFormat? format = null)
    {
        var actual = format ?? Sniff(text);
        var sections = actual switch
        {
            AnswersFormat.Ini => Internal.IniAnswersReader.Read(text, path),
            AnswersFormat.Json => Internal.JsonAnswersReader.Read(text, path),
            _ => Internal.YamlAnswersReader.Read(text, path),
        };
        return new AnswersFile(sections, path, actual);
    }

    /// <summary>The format an extension names, or null when it names none.</summary>
    public static AnswersFormat? FormatOfPath(string path) =>
        System.IO.Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".ini" or ".conf" or ".cfg" => AnswersFormat.Ini,
            ".json" => AnswersFormat.Json,
            ".yaml" or ".yml" => AnswersFormat.Yaml,
            _ => null,
        };

    /// <summary>
    /// Guesses the format from content: <c>{</c> first is JSON; a <c>[section]</c> line before
    /// any <c>key: value</c> line is INI; anything else is YAML.
    /// </summary>
    public static AnswersFormat Sniff(string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#' || line[0] == ';' || line == "---")
            {
                continue;
            }

            if (line[0] == '{')
            {
                return AnswersFormat.Json;
            }

            if (line[0] == '[' && line[^1] == ']' && !line.Contains(',', StringComparison.Ordinal))
            {
                return AnswersFormat.Ini;
            }

            return line.Contains('=', StringComparison.Ordinal) && !line.Contains(':', StringComparison.Ordinal)
                ? AnswersFormat.Ini
                : AnswersFormat.Yaml;
        }

        return AnswersFormat.Ini;
    }
}
