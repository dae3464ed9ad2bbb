using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Nulecule.Spec;
using Nulecule.Templating;
using static Nulecule.Tests.Templating.Values;

namespace Nulecule.Tests.Templating;

/// <summary>
/// The JSON fast path of <see cref="StructuredRenderer"/> must give exactly what the YAML parser
/// gives (documents, used and unresolved names) whenever it takes a text, and leave every other
/// text to the YAML parser.
/// </summary>
public class JsonFastPathTests
{
    private static readonly IReadOnlyDictionary<string, Scalar> Context = Ctx(
        ("port", Int("8080")), ("name", Str("web")), ("flag", Bool("True")), ("ratio", Flt("0.5")), ("nothing", Nul()),
        ("num_text", Str("80")), ("spaced", Str("a b")));

    // Words YAML reads plain: numbers in many spellings, booleans, null, references known and unknown.
    private static readonly string[] Words =
    [
        "0", "1", "-1", "+1", "007", "1.5", "-0.5", ".5", "1e3", "1E-3", "0x1F", "0o17", "true", "True", "FALSE", "null", "Null",
        "$port", "$name", "$flag", "$ratio", "$nothing", "$num_text", "$spaced", "$unknown", "a$port", "$port$name", "$$", "$",
        "yes", "on", "abc", "a.b", "1.2.3", "1-2", "-", "--x", ".inf", "~", "${port}", "$port:", "a:b", "-x",
    ];

    // Text inside quotes: plain, references, escapes (some the fast path leaves to YAML), edge characters.
    private static readonly string[] Texts =
    [
        "", "a", "web", "$name", "${name}-x", "$port", "$$port", "$unknown", "a b", "80", "true", " lead", "trail ",
        "quote \\\" in", "back\\\\slash", "new\\nline", "tab\\tin", "slash\\/", "uni\\u00e9", "cr\\r", "é✓", "#hash", "a: b", "- x", "{}", "[x]",
    ];

    private static readonly Gen<string> Spacing = Gen.Frequency(
        (10, Gen.Const("")), (10, Gen.Const(" ")), (5, Gen.Const("\n  ")), (2, Gen.Const("  ")), (1, Gen.Const("\t")), (1, Gen.Const("\r\n")));

    private static Gen<string> Value(int depth)
    {
        var leaf = Gen.OneOf(
            Gen.Int[0, Words.Length - 1].Select(i => Words[i]),
            Gen.Int[0, Texts.Length - 1].Select(i => "\"" + Texts[i] + "\""));
        if (depth == 0)
        {
            return leaf;
        }

        var item = Gen.Select(Spacing, Value(depth - 1), Spacing, (a, v, b) => a + v + b);
        var array = item.Array[0, 3].Select(items => "[" + string.Join(",", items) + "]");
        var key = Gen.Frequency((10, Gen.Int[0, Texts.Length - 1].Select(i => "\"" + Texts[i] + "\"")), (1, Gen.Const("plain")));
        var colon = Gen.Frequency((5, Gen.Const(":")), (10, Gen.Const(": ")), (1, Gen.Const(" :")), (1, Gen.Const(":\n ")));
        var member = Gen.Select(Spacing, key, colon, Value(depth - 1), Spacing, (a, k, c, v, b) => a + k + c + v + b);
        var obj = member.Array[0, 3].Select(members => "{" + string.Join(",", members) + "}");
        return Gen.Frequency((2, leaf), (1, array), (2, obj));
    }

    private static readonly Gen<string> Document = Gen.Select(
        Gen.Select(Spacing, Value(3).Where(v => v[0] is '{' or '['), Spacing, (a, v, b) => a + v + b),
        Gen.Frequency((20, Gen.Const("")), (1, Gen.Const("\n# comment")), (1, Gen.Const("\n---\n{}")), (1, Gen.Const(" x"))),
        (doc, tail) => doc + tail);

    [Fact]
    public void Should_read_json_exactly_as_the_yaml_parser_does_or_leave_it_to_the_parser()
    {
        var taken = 0;
        var total = 0;
        Document.Sample(
            text =>
            {
                total++;
                var fast = StructuredRenderer.TryRenderJson("t.json", text, Context);
                if (fast is null)
                {
                    return;
                }

                taken++;
                StructuredResult yaml;
                try
                {
                    yaml = StructuredRenderer.RenderYaml("t.json", text, Context);
                }
                catch (NuleculeException ex)
                {
                    throw new ShouldAssertException($"the fast path read {Show(text)} as {fast.Documents[0].ToJsonString()}, but YAML rejects it: {ex.Message}");
                }

                yaml.Documents.Count.ShouldBe(1, Show(text));
                JsonNode.DeepEquals(fast.Documents[0], yaml.Documents[0]).ShouldBeTrue(
                    $"{Show(text)}: fast {fast.Documents[0].ToJsonString()}, YAML {yaml.Documents[0].ToJsonString()}");
                fast.Used.ShouldBe(yaml.Used, Show(text));
                fast.Unresolved.ShouldBe(yaml.Unresolved, Show(text));
            },
            iter: 20000);

        // Meaningful only if the fast path took a fair share (it declines tabs, `\r`, odd words ...).
        taken.ShouldBeGreaterThan(total / 10, $"the fast path took {taken} of {total} texts");
    }

    [Theory]
    [InlineData("{\"a\": 1, \"a\": 2}")] // duplicate key: the YAML reader's located error
    [InlineData("{\"a\": 1} # note")]
    [InlineData("{\"a\":\t1}")]
    [InlineData("{\"a\": \"x\\/y\"}")]
    [InlineData("{\"a\": ${port}}")]
    [InlineData("{\"a\": 1}\n---\n{}")]
    [InlineData("a: 1")]
    [InlineData("")]
    public void Should_leave_to_the_yaml_parser_what_it_is_not_sure_of(string text)
    {
        StructuredRenderer.TryRenderJson("t.json", text, Context).ShouldBeNull();
    }

    [Fact]
    public void Should_take_a_typical_kubernetes_json_artifact()
    {
        const string Text = """
            {
              "apiVersion": "v1",
              "kind": "Service",
              "metadata": {"name": "$name", "labels": {"app": "$name"}},
              "spec": {
                "ports": [{"port": $port, "targetPort": $port, "protocol": "TCP"}],
                "selector": {"app": "$name"},
                "clusterIP": null,
                "publishNotReadyAddresses": $flag
              }
            }
            """;

        var fast = StructuredRenderer.TryRenderJson("svc.json", Text, Context).ShouldNotBeNull();

        fast.Documents[0]["spec"]!["ports"]![0]!["port"]!.GetValue<long>().ShouldBe(8080);
        fast.Documents[0]["metadata"]!["name"]!.GetValue<string>().ShouldBe("web");
        fast.Used.ShouldBe(["name", "port", "flag"]);
        JsonNode.DeepEquals(fast.Documents[0], StructuredRenderer.RenderYaml("svc.json", Text, Context).Documents[0]).ShouldBeTrue();
    }

    [CorpusFact]
    public void Should_agree_with_the_yaml_parser_on_every_corpus_artifact()
    {
        var taken = 0;
        foreach (var file in Corpus.Artifacts("kubernetes", "openshift", "marathon"))
        {
            var text = File.ReadAllText(file);
            var fast = StructuredRenderer.TryRenderJson(file, text, Context);
            if (fast is null)
            {
                continue;
            }

            taken++;
            var yaml = StructuredRenderer.RenderYaml(file, text, Context);
            JsonNode.DeepEquals(fast.Documents.Single(), yaml.Documents.Single()).ShouldBeTrue(file);
            fast.Used.ShouldBe(yaml.Used, file);
            fast.Unresolved.ShouldBe(yaml.Unresolved, file);
        }

        taken.ShouldBeGreaterThan(10);
    }

    private static string Show(string text) =>
        "'" + text.Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal) + "'";
}
