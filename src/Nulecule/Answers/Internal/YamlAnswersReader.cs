using Nulecule.Spec;
using YamlScalar = YamlDotNet.Core.Events.Scalar;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Nulecule.Answers.Internal;

/// <summary>
/// Reads the YAML form of an answers file (a mapping of section to a mapping of key to scalar)
/// with YamlDotNet's event parser, so every entry keeps its line:column. A plain scalar is typed
/// by the core schema (<c>80</c> an integer); a quoted one is a string.
/// </summary>
internal static class YamlAnswersReader
{
    public static IReadOnlyList<AnswerSection> Read(string text, string file)
    {
        var parser = new Parser(new StringReader(text));
        try
        {
            parser.Consume<StreamStart>();
            if (parser.TryConsume<StreamEnd>(out _))
            {
                return [];
            }

            parser.Consume<DocumentStart>();
            var sections = ReadRoot(parser, file);
            parser.Consume<DocumentEnd>();
            if (parser.Accept<DocumentStart>(out var second))
            {
                throw new NuleculeException("an answers file holds one YAML document, this one has more", At(file, second.Start),
                    "remove the second `---` and what follows it, or merge the documents");
            }

            return sections;
        }
        catch (YamlException e)
        {
            throw new NuleculeException($"not valid YAML: {Describe(e)}", At(file, e.Start));
        }
        catch (Exception e) when (Nulecule.Yaml.YamlFile.IsParserFailure(e))
        {
            throw new NuleculeException(Nulecule.Yaml.YamlFile.Stuck(text, file));
        }
    }

    private static List<AnswerSection> ReadRoot(Parser parser, string file)
    {
        if (parser.TryConsume<YamlScalar>(out var empty) && empty.Value.Length == 0 && empty.Style == ScalarStyle.Plain)
        {
            return []; // A document holding only comments.
        }

        if (!parser.TryConsume<MappingStart>(out _))
        {
            throw new NuleculeException("an answers file must be a mapping of sections (general:, component:)", At(file, parser.Current!.Start),
                "write `general:` and one `component:` mapping per component, each holding `key: value` lines");
        }

        var sections = new List<AnswerSection>();
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            var name = KeyOf(parser, file, "a section name");
            if (sections.FirstOrDefault(s => s.Name == name.Value) is { } first)
            {
                throw new NuleculeException($"section '{name.Value}' appears twice (first at line {first.Location!.Line})", At(file, name.Start),
                    "merge the two sections into one");
            }

            sections.Add(new AnswerSection(name.Value, ReadSection(parser, file, name.Value), At(file, name.Start)));
        }

        return sections;
    }

    private static List<AnswerEntry> ReadSection(Parser parser, string file, string section)
    {
        if (parser.Accept<YamlScalar>(out var nothing) && IsNull(nothing))
        {
            parser.MoveNext();
            return []; // `general:` with nothing under it.
        }

        if (!parser.TryConsume<MappingStart>(out _))
        {
            throw new NuleculeException($"section '{section}' must be a mapping of key: value", At(file, parser.Current!.Start),
                $"write the answers of '{section}' as `key: value` lines indented under it");
        }

        var entries = new List<AnswerEntry>();
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            var key = KeyOf(parser, file, $"a key of section '{section}'");
            if (entries.FirstOrDefault(e => e.Key == key.Value) is { } first)
            {
                throw new NuleculeException($"'{key.Value}' appears twice in section '{section}' (first at line {first.Location!.Line})",
                    At(file, key.Start), "keep one of them");
            }

            if (!parser.TryConsume<YamlScalar>(out var value))
            {
                throw new NuleculeException($"the answer '{section}.{key.Value}' must be a single value, not a list or mapping",
                    At(file, parser.Current!.Start), "write a string, a number or a boolean");
            }

            entries.Add(new AnswerEntry(key.Value, Typed(value), At(file, key.Start)));
        }

        return entries;
    }

    private static YamlScalar KeyOf(Parser parser, string file, string what)
    {
        if (parser.Accept<AnchorAlias>(out var alias))
        {
            throw new NuleculeException("aliases (*name) are not supported in answers files", At(file, alias.Start));
        }

        if (!parser.TryConsume<YamlScalar>(out var key) || key.Value.Length == 0)
        {
            throw new NuleculeException($"expected {what}", At(file, parser.Current!.Start));
        }

        return key;
    }

    private static Spec.Scalar? Typed(YamlScalar value)
    {
        if (value.Style != ScalarStyle.Plain || (!value.Tag.IsEmpty && !value.Tag.IsNonSpecific && value.Tag.Value == "tag:yaml.org,2002:str"))
        {
            return Spec.Scalar.String(value.Value);
        }

        var kind = PlainScalar.KindOf(value.Value);
        return kind == ScalarKind.Null ? null : new Spec.Scalar(value.Value, kind);
    }

    private static bool IsNull(YamlScalar scalar) =>
        scalar.Style == ScalarStyle.Plain && PlainScalar.KindOf(scalar.Value) == ScalarKind.Null;

    private static SourceLocation At(string file, Mark mark) => new(file, (int)mark.Line, (int)mark.Column);

    // YamlDotNet prefixes its messages with "(Line: 1, Col: 2, Idx: 3) - (...): "; we print the location ourselves.
    private static string Describe(YamlException e)
    {
        var message = e.Message;
        var cut = message.IndexOf("): ", StringComparison.Ordinal);
        return cut >= 0 && message.StartsWith('(') ? message[(cut + 3)..] : message;
    }
}
