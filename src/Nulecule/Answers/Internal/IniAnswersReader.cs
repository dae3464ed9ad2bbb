using IniParser.Exceptions;

namespace Nulecule.Answers.Internal;

/// <summary>Reads the INI form of an answers file; values are typed by <see cref="PlainScalar"/>.</summary>
internal static class IniAnswersReader
{
    public static IReadOnlyList<AnswerSection> Read(string text, string file)
    {
        var parser = new LocatingIniParser(text, file);
        IniParser.Model.IniData data;
        try
        {
            data = parser.Parse(text);
        }
        catch (ParsingException e)
        {
            // The parser wraps what our overrides throw; anything else is the library's own complaint.
            for (Exception? inner = e; inner is not null; inner = inner.InnerException)
            {
                if (inner is NuleculeException located)
                {
                    throw located;
                }
            }

            throw new NuleculeException($"not a valid INI answers file ({e.Message})", parser.At((int)e.LineNumber));
        }

        var sections = new List<AnswerSection>();
        foreach (var (name, line) in parser.SectionLines.OrderBy(s => s.Value))
        {
            var entries = data.Sections[name]
                .Select(k => (Key: k, Line: parser.KeyLines[(name, k.KeyName)]))
                .OrderBy(k => k.Line)
                .Select(k => new AnswerEntry(k.Key.KeyName, PlainScalar.Parse(k.Key.Value), parser.At(k.Line)))
                .ToList();
            sections.Add(new AnswerSection(name, entries, parser.At(line)));
        }

        return sections;
    }
}
