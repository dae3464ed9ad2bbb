using System.Globalization;
using System.Text;
using CsCheck;
using Nulecule.Tests.TestSupport;
using Nulecule.Yaml;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Nulecule.Tests.Spec;

/// <summary>
/// The Nulecule file's nodes built straight from the text (<see cref="BlockYamlReader.TryReadTree"/>)
/// must be the nodes YamlDotNet's loader gives for the same text, converted; whatever the direct
/// reader refuses goes through YamlDotNet.
/// </summary>
public class YamlTreeTests
{
    [Fact]
    public void Should_build_the_nodes_yamldotnet_loads_or_leave_the_text_to_it()
    {
        var taken = 0;
        var total = 0;
        var duplicates = 0;
        BlockYamlReaderTests.Document.Sample(
            text =>
            {
                total++;
                var fast = BlockYamlReader.TryReadTree(text);
                if (fast is null)
                {
                    if (BlockYamlReader.TryRead(text) is not null)
                    {
                        // The events were readable: only a repeated key makes the nodes refuse, and YamlDotNet's loader refuses it too.
                        duplicates++;
                        Should.Throw<YamlException>(() => new YamlStream().Load(new StringReader(text)), Show(text)).Message.ShouldContain("Duplicate key");
                    }

                    return;
                }

                taken++;
                Dump(fast).ShouldBe(Dump(Loaded(text)), Show(text));
            },
            iter: 20000);

        taken.ShouldBeGreaterThan(total / 4, $"the tree reader took {taken} of {total} texts");
        duplicates.ShouldBeGreaterThan(0, "no generated text repeated a key: the refusal went untested");
    }

    [Fact]
    public void Should_build_text_keys_only_and_share_no_node_when_reading_directly()
    {
        // What lets the loader skip its complex-key walk for the nodes the block reader built.
        var taken = 0;
        BlockYamlReaderTests.Document.Sample(
            text =>
            {
                if (BlockYamlReader.TryReadTree(text) is not { } documents)
                {
                    return;
                }

                taken++;
                var seen = new HashSet<TreeNode>(ReferenceEqualityComparer.Instance);
                var pending = new Stack<TreeNode>(documents);
                while (pending.Count > 0)
                {
                    var node = pending.Pop();
                    seen.Add(node).ShouldBeTrue(Show(text));
                    switch (node)
                    {
                        case TreeMapping map:
                            foreach (var (key, value) in map.Children)
                            {
                                key.ShouldBeOfType<TreeScalar>(Show(text));
                                pending.Push(key);
                                pending.Push(value);
                            }

                            break;
                        case TreeSequence list:
                            list.Children.ForEach(pending.Push);
                            break;
                    }
                }

                YamlTree.Parse(text, "Nulecule", out var direct);
                direct.ShouldBeTrue();
            },
            iter: 5000);

        taken.ShouldBeGreaterThan(1000);
    }

    [Theory]
    [InlineData("a: 1\na: 2\n", 2, 1)]
    [InlineData("a: 1\n\"a\": 2\n", 2, 1)]
    [InlineData("m:\n  k0: 0\n  k1: 1\n  k2: 2\n  k3: 3\n  k4: 4\n  k5: 5\n  k6: 6\n  k7: 7\n  k8: 8\n  k9: 9\n  k3: again\n", 12, 3)]
    [InlineData("- {x: 1, x: 2}\n", 1, 10)]
    public void Should_leave_a_repeated_key_to_yamldotnet_which_locates_it(string text, int line, int column)
    {
        BlockYamlReader.TryReadTree(text).ShouldBeNull();

        var error = Should.Throw<NuleculeException>(() => YamlTree.Parse(text, "Nulecule"));
        error.Diagnostics.Single().Message.ShouldContain("Duplicate key");
        error.Diagnostics.Single().Location.ShouldBe(new SourceLocation("Nulecule", line, column));
    }

    [Fact]
    public void Should_keep_a_large_mapping_in_order_with_its_places()
    {
        var text = string.Concat(Enumerable.Range(0, 40).Select(i => $"k{i}: v{i}\n"));

        var root = BlockYamlReader.TryReadTree(text).ShouldNotBeNull().Single().ShouldBeOfType<TreeMapping>();

        root.Children.Count.ShouldBe(40);
        root.Children[39].Key.ShouldBeOfType<TreeScalar>().Value.ShouldBe("k39");
        root.Children[39].Value.Line.ShouldBe(40);
        root.Children[39].Value.Column.ShouldBe(6);
    }

    [Fact]
    public void Should_keep_nodes_shared_by_aliases_shared_when_converting()
    {
        // Each level doubles the references: copying them would build 2^20 nodes.
        var text = new StringBuilder("a0: &a0 [x]\n");
        for (var i = 1; i <= 20; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]\n");
        }

        var root = YamlTree.Parse(text.ToString(), "Nulecule").Single().ShouldBeOfType<TreeMapping>();

        var last = root.Children[20].Value.ShouldBeOfType<TreeSequence>();
        last.Children[0].ShouldBeSameAs(last.Children[1]);
    }

    [CorpusFact]
    public void Should_agree_with_yamldotnet_on_every_corpus_nulecule_file()
    {
        var taken = 0;
        foreach (var file in Directory.EnumerateDirectories(Corpus.Directory!).Select(app => Path.Combine(app, "Nulecule")).Where(File.Exists))
        {
            var text = File.ReadAllText(file);
            if (BlockYamlReader.TryReadTree(text) is not { } fast)
            {
                continue;
            }

            taken++;
            Dump(fast).ShouldBe(Dump(Loaded(text)), file);
        }

        taken.ShouldBeGreaterThan(10);
    }

    /// <summary>YamlDotNet's own parser and loader, converted.</summary>
    private static IReadOnlyList<TreeNode> Loaded(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new Parser(new StringReader(text)));
        }
        catch (Exception e) when (e is YamlException || YamlFile.IsParserFailure(e))
        {
            throw new ShouldAssertException($"the tree reader took {Show(text)}, but YamlDotNet rejects it: {e.Message}");
        }

        return [.. stream.Documents.Select(d => YamlTree.From(d.RootNode))];
    }

    /// <summary>Every node on a line: kind, place, and a scalar's style and text.</summary>
    private static List<string> Dump(IReadOnlyList<TreeNode> documents)
    {
        var lines = new List<string>();
        foreach (var document in documents)
        {
            lines.Add("---");
            Dump(document, 0, lines);
        }

        return lines;
    }

    private static void Dump(TreeNode node, int depth, List<string> lines)
    {
        var indent = new string(' ', depth * 2);
        var at = string.Create(CultureInfo.InvariantCulture, $"{node.Line}:{node.Column}");
        switch (node)
        {
            case TreeScalar s:
                lines.Add($"{indent}scalar {at} {s.Style} '{s.Value}'");
                break;
            case TreeSequence q:
                lines.Add($"{indent}sequence {at}");
                foreach (var item in q.Children)
                {
                    Dump(item, depth + 1, lines);
                }

                break;
            case TreeMapping m:
                lines.Add($"{indent}mapping {at}");
                foreach (var (key, value) in m.Children)
                {
                    Dump(key, depth + 1, lines);
                    Dump(value, depth + 2, lines);
                }

                break;
        }
    }

    private static string Show(string text) => "'" + text.Replace("\n", "\\n", StringComparison.Ordinal) + "'";
}
