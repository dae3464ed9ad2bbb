using System.Globalization;
using CsCheck;
using Nulecule.Tests.Templating;
using Nulecule.Yaml;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Nulecule.Tests.Spec;

/// <summary>
/// <see cref="BlockYamlReader"/> must give exactly the events YamlDotNet's parser gives (values,
/// styles, flags, every start and end mark) whenever it takes a text, and leave every other text
/// to YamlDotNet.
/// </summary>
public class BlockYamlReaderTests
{
    // Scalars after `key: ` or `- `: plain and quoted text the reader takes ...
    private static readonly string[] Scalars =
    [
        "x", "web", "a b", "a  b", "8080", "-1", "0644", "1.5", "true", "yes", "~", "null", "None", "$port", "${name}-x", "a#b", "a:b",
        "http://h:80/p", "--flag=$x", "é✓ ü", "x]", "a,b", "x{y}", "<<", "a'b", "a\"b", "x %y", "x @y", "x `y", "x !y", "x &y", "x *y",
        "x #c", "x #", "'q'", "''", "'it''s'", "'a # b'", "\"d\"", "\"\"", "\"d \\\" e\"", "\"esc \\n \\t \\\\\"", "\"a # b\"",
        "'q'  # c",
    ];

    // ... and text it must leave to YamlDotNet (indicators, anchors, tags, block scalars, multi-line and escaped forms, errors).
    private static readonly string[] RoughScalars =
    [
        "x: y", "- x", "-", "?x", "? x", ":x", "%x", "@x", "`x", "*a", "&a x", "!!str 1", "!x y", "|", "|\n  text", ">-\n  folded",
        "x\ty", "x\r", "'multi\n  line'", "\"\\/\"", "\"\\u00e9\"", "\"\\x41\"", "\"\\0\"", "\"\\r\"", "\"\\e\"", "\"multi\n  line\"",
        "\"open", "'open", "\"q\" x", "\"q\"#c", "--- x", "... x", ",x", "[x", "{x", "]x", "}x", "#x", "\"\\", "x:", "x: ", "a b: c",
    ];

    private static readonly string[] Flows =
    [
        "[a, b]", "[]", "{}", "[ ]", "{ }", "{a: b, c: \"d\"}", "[\"--x=$y\", \"--p\", \"$p\"]", "{app: $label, tier: \"t1\"}", "[a, [b, c]]",
        "[{a: b}]", "[a b, c]", "{\"k\": v}", "{'k': 'v'}", "[-1, -x]", "{a: [1, 2]}", "{a: {b: c}}", "[a,b]", "[ a , b ]", "[a] #c",
        "[\"a\", 'b''c']", "{memory: $memory, cpu: $cpu}", "[a, \"b\\nc\"]", "{a: 1,b: 2}",
    ];

    private static readonly string[] RoughFlows =
    [
        "[a, ]", "{a: }", "{a:b}", "[a #c]", "[${x}]", "[a:b]", "[a]x", "[a]#c", "{a: b", "[a,\n  b]", "[- a]", "[*a]", "[!x a]",
        "{a: b: c}", "{? a}", "[é]",
    ];

    private static readonly string[] Keys =
    [
        "a", "name", "app.kubernetes.io/name", "a b", "<<", "\"q k\"", "'s k'", "k:x", "-k", "1", "true", "$key", "~", "\"esc\\\"k\"", "é", "a#b",
    ];

    private static readonly string[] RoughKeys = ["k ", "? k", "&a k", "!t k", "[k]", "{k}", "\"k\" ", "-", "'unclosed", "*x"];

    private static readonly string[] Comments = ["# c", "#", "# a: b", "#- x", "  # indented", "#: x"];

    private static Gen<string> Pick(string[] pool) => Gen.Int[0, pool.Length - 1].Select(i => pool[i]);

    private static readonly Gen<string> Trailing = Gen.Frequency(
        (12, Gen.Const("")), (2, Gen.Const("  ")), (2, Gen.Const(" # note")), (1, Gen.Const("#x")), (1, Gen.Const(" x")));

    private static Gen<string> Inline => Gen.Frequency((30, Pick(Scalars)), (10, Pick(Flows)), (1, Pick(RoughScalars)), (1, Pick(RoughFlows)));

    private static Gen<string> Key => Gen.Frequency((30, Pick(Keys)), (1, Pick(RoughKeys)));

    private static string Spaces(int n) => new(' ', n);

    /// <summary>A block mapping whose keys sit at <paramref name="indent"/>.</summary>
    private static Gen<string> Mapping(int indent, int depth)
    {
        var ind = Spaces(indent);
        var step = Gen.OneOf(Gen.Const(1), Gen.Const(2), Gen.Const(4));
        var entry = Gen.Select(Key, Gen.Int[0, depth == 0 ? 2 : 6], step, Inline, Trailing, (key, kind, s, value, tail) => (key, kind, s, value, tail))
            .SelectMany(e => e.kind switch
            {
                0 or 1 => Gen.Const($"{ind}{e.key}: {e.value}{e.tail}\n"),
                2 => Gen.Const($"{ind}{e.key}:{e.tail}\n"),
                3 => Mapping(indent + e.s, depth - 1).Select(m => $"{ind}{e.key}:{e.tail}\n{m}"),
                4 => Sequence(indent + e.s, depth - 1).Select(m => $"{ind}{e.key}:\n{m}"),
                5 => Sequence(indent, depth - 1).Select(m => $"{ind}{e.key}:{e.tail}\n{m}"),
                _ => Gen.Const($"{ind}{e.key}: {e.value}\n"),
            });
        return entry.Array[1, 3].Select(string.Concat);
    }

    /// <summary>A block sequence whose dashes sit at <paramref name="indent"/>.</summary>
    private static Gen<string> Sequence(int indent, int depth)
    {
        var ind = Spaces(indent);
        var gap = Gen.Frequency((6, Gen.Const(1)), (1, Gen.Const(3)));
        var entry = Gen.Select(Gen.Int[0, depth == 0 ? 2 : 5], gap, Inline, Trailing, (kind, g, value, tail) => (kind, g, value, tail))
            .SelectMany(e => e.kind switch
            {
                0 or 1 => Gen.Const($"{ind}- {e.value}{e.tail}\n"),
                2 => Gen.Const($"{ind}-{e.tail}\n"),
                // A compact mapping: its first key on the dash's line.
                3 => Mapping(indent + 1 + e.g, depth - 1).Select(m => ind + "-" + m[(indent + 1)..]),
                4 => Mapping(indent + 2, depth - 1).Select(m => $"{ind}-{e.tail}\n{m}"),
                _ => Sequence(indent + 2, depth - 1).Select(m => $"{ind}-\n{m}"),
            });
        return entry.Array[1, 3].Select(string.Concat);
    }

    private static readonly Gen<string> Root = Gen.Frequency((4, Mapping(0, 3)), (1, Sequence(0, 3)), (1, Mapping(2, 2)));

    /// <summary>Whole documents, then lines shuffled about: comments and blanks put in, indentation nudged.</summary>
    internal static readonly Gen<string> Document = Gen.Select(
        Gen.Frequency((6, Gen.Const("")), (1, Gen.Const("# head\n")), (2, Gen.Const("---\n")), (1, Gen.Const("\n\n")), (1, Gen.Const("--- # c\n")), (1, Gen.Const("%YAML 1.1\n---\n"))),
        Root,
        Gen.Frequency((6, Gen.Const("")), (2, Root.Select(r => "---\n" + r)), (1, Gen.Const("---\n")), (1, Gen.Const("...\n"))),
        Gen.Frequency((6, Gen.Const("")), (1, Gen.Const("# end\n")), (1, Gen.Const("\n")), (1, Gen.Const("#"))),
        Gen.Bool,
        Gen.Select(Gen.Int[0, 40], Gen.Int[0, 12], Pick(Comments)).Array[0, 3],
        (head, root, second, tail, chopLastBreak, edits) =>
        {
            var lines = (head + root + second + tail).Split('\n').ToList();
            foreach (var (line, kind, comment) in edits)
            {
                var at = line % lines.Count;
                switch (kind)
                {
                    case 0 or 1: lines.Insert(at, comment); break;
                    case 2: lines.Insert(at, ""); break;
                    case 3: lines[at] = " " + lines[at]; break;
                    case 4: lines[at] = lines[at].StartsWith(' ') ? lines[at][1..] : lines[at]; break;
                    case 5: lines[at] += "   "; break;
                    default: break;
                }
            }

            var text = string.Join('\n', lines);
            return chopLastBreak && text.EndsWith('\n') ? text[..^1] : text;
        });

    [Fact]
    public void Should_give_yamldotnets_events_exactly_or_leave_the_text_to_it()
    {
        var taken = 0;
        var total = 0;
        Document.Sample(
            text =>
            {
                total++;
                var fast = BlockYamlReader.TryRead(text);
                if (fast is null)
                {
                    return;
                }

                taken++;
                var ours = Events(fast);
                List<string> theirs;
                try
                {
                    theirs = Events(new Parser(new StringReader(text)));
                }
                catch (Exception e) when (e is YamlException || YamlFile.IsParserFailure(e))
                {
                    throw new ShouldAssertException($"the reader took {Show(text)}, but YamlDotNet rejects it: {e.Message}");
                }

                ours.ShouldBe(theirs, Show(text));
            },
            iter: 20000);

        // Meaningful only if the reader took a fair share of the (deliberately rough) texts.
        taken.ShouldBeGreaterThan(total / 3, $"the reader took {taken} of {total} texts");
    }

    [Theory]
    [InlineData("a: 1\n")]
    [InlineData("a: 1")]
    [InlineData("# c\n---\na:\n  b: \"x y\"   # tail\n  c: 'it''s'\ne:\n- f\n-   g: h\n    i: j\nk:\n  - 1\n  - \n\nl: {m: n, o: \"p\"}\nq: [r, \"s\"]\n")]
    [InlineData("- a\n- b: c\n  d:\n  - e\n---\nf: g\n")]
    [InlineData("  indented: root\n  second: 2\n")]
    public void Should_take_the_common_block_forms(string text)
    {
        var fast = BlockYamlReader.TryRead(text).ShouldNotBeNull();

        Events(fast).ShouldBe(Events(new Parser(new StringReader(text))));
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    [InlineData("a: &x 1\nb: *x\n")]
    [InlineData("a: !!str 1\n")]
    [InlineData("a: |\n  text\n")]
    [InlineData("a: b\n  c\n")]
    [InlineData("a: [b,\n  c]\n")]
    [InlineData("a:\tb\n")]
    [InlineData("a: b\r\n")]
    [InlineData("a: \"\\u00e9\"\n")]
    [InlineData("a: b: c\n")]
    [InlineData("a: 1\n---\n")]
    [InlineData("{\"a\": 1}")]
    [InlineData("plain scalar\n")]
    [InlineData("a:\n  text on the next line\n")]
    public void Should_leave_to_yamldotnet_what_it_is_not_sure_of(string text)
    {
        BlockYamlReader.TryRead(text).ShouldBeNull();
    }

    [CorpusFact]
    public void Should_agree_with_yamldotnet_on_every_corpus_file()
    {
        var taken = 0;
        var files = Directory.EnumerateDirectories(Corpus.Directory!)
            .Select(app => Path.Combine(app, "Nulecule"))
            .Where(File.Exists)
            .Concat(Corpus.Artifacts("kubernetes", "openshift", "marathon", "docker"));
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            if (BlockYamlReader.TryRead(text) is not { } fast)
            {
                continue;
            }

            taken++;
            Events(fast).ShouldBe(Events(new Parser(new StringReader(text))), file);
        }

        taken.ShouldBeGreaterThan(10);
    }

    /// <summary>Each event as one line of text holding everything a reader of events can see.</summary>
    private static List<string> Events(IParser parser)
    {
        var events = new List<string>();
        while (parser.MoveNext())
        {
            var e = parser.Current!;
            var detail = e switch
            {
                Scalar s => string.Create(CultureInfo.InvariantCulture,
                    $"'{s.Value}' {s.Style} plain={s.IsPlainImplicit} quoted={s.IsQuotedImplicit} key={s.IsKey} anchor={s.Anchor} tag={s.Tag}"),
                MappingStart m => $"{m.Style} implicit={m.IsImplicit} anchor={m.Anchor} tag={m.Tag}",
                SequenceStart q => $"{q.Style} implicit={q.IsImplicit} anchor={q.Anchor} tag={q.Tag}",
                DocumentStart d => $"implicit={d.IsImplicit} version={d.Version?.Version} tags={string.Join(",", d.Tags?.Select(t => t.Handle + "=" + t.Prefix) ?? [])}",
                DocumentEnd d => $"implicit={d.IsImplicit}",
                AnchorAlias a => $"*{a.Value}",
                _ => "",
            };
            events.Add($"{e.GetType().Name} {Show(e.Start)}-{Show(e.End)} {detail}");
        }

        return events;
    }

    private static string Show(Mark m) => string.Create(CultureInfo.InvariantCulture, $"{m.Line}:{m.Column}@{m.Index}");

    private static string Show(string text) =>
        "'" + text.Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal) + "'";
}
