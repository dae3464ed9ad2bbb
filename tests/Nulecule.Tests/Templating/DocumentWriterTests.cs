using System.Globalization;
using System.Text.Json.Nodes;
using CsCheck;
using Nulecule.Spec;
using Nulecule.Templating;
using static Nulecule.Tests.Templating.Values;

namespace Nulecule.Tests.Templating;

public class DocumentWriterTests
{
    [Fact]
    public void Should_write_yaml_quoting_strings_that_would_change_type()
    {
        var doc = JsonNode.Parse("""{"a":"true","b":"80","c":80,"d":true,"e":null,"f":"","g":"3306:3306","h":"yes","i":"plain text","j":1.0,"k":[],"l":{},"m":["x",{"n":"0x1F"}],"o":"a: b"}""");

        DocumentWriter.ToYaml(doc).ShouldBe(
            """
            a: "true"
            b: "80"
            c: 80
            d: true
            e: null
            f: ""
            g: "3306:3306"
            h: "yes"
            i: plain text
            j: 1.0
            k: []
            l: {}
            m:
            - x
            - "n": "0x1F"
            o: 'a: b'

            """.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_keep_a_double_a_float()
    {
        DocumentWriter.ToYaml(new JsonObject { ["x"] = 2.0 }).ShouldBe("x: 2.0\n");
    }

    [Fact]
    public void Should_separate_documents()
    {
        DocumentWriter.ToYaml([new JsonObject { ["a"] = 1 }, new JsonObject { ["b"] = 2 }]).ShouldBe("a: 1\n---\nb: 2\n");
    }

    [Fact]
    public void Should_write_indented_json_without_html_escaping()
    {
        DocumentWriter.ToJson(JsonNode.Parse("""{"a":"<é&'>","b":[1]}""")).ShouldBe("{\n  \"a\": \"<é&'>\",\n  \"b\": [\n    1\n  ]\n}\n");
    }

    private static readonly string[] Tricky =
    [
        "", "true", "True", "false", "null", "~", "80", "-1", "0x1F", "0o17", "1e3", ".5", ".inf", "yes", "no", "on", "off",
        "3306:3306", "1_000", "- a", "key: value", "#c", "a #c", "{a: 1}", "[1]", "&a", "*a", "!tag", "|", ">", "'", "\"",
        "%x", "@x", "`x", "? x", "---", "...", " lead", "trail ", "a\nb", "a\n", "\n", "a\r\nb", "tab\tin", "\ttab", "$v", "$$",
    ];

    // Plain text, quotes, YAML indicators, line breaks (including the Unicode ones), controls, non-ASCII.
    private static readonly Gen<string> TextGen = Gen.OneOf(
        Gen.Int[0, Tricky.Length - 1].Select(i => Tricky[i]),
        Gen.Char["abZ09 :#{}[],&*!|>'\"%@`\n\r\t\\-?.$~é\u00a0\u0085\u2028\u0007\ufeff"].Array[0, 12].Select(chars => new string(chars)));

    /// <summary>A value, the JSON it must become when unquoted, and the text it must become when quoted.</summary>
    private static readonly Gen<(Scalar Value, JsonNode? Typed, string Quoted)> ValueGen = Gen.OneOf(
        Gen.Long.Select(l => (Int(l.ToString(CultureInfo.InvariantCulture)), (JsonNode?)JsonValue.Create(l), l.ToString(CultureInfo.InvariantCulture))),
        Gen.Double.Where(double.IsFinite).Select(d =>
        {
            var text = d.ToString("R", CultureInfo.InvariantCulture);
            return (Flt(text), (JsonNode?)JsonValue.Create(d), text);
        }),
        Gen.Bool.Select(b => (Bool(b ? "True" : "false"), (JsonNode?)JsonValue.Create(b), b ? "true" : "false")),
        Gen.Const((Nul(), (JsonNode?)null, "")),
        TextGen.Select(s => (Str(s), (JsonNode?)JsonValue.Create(s), s)));

    [Fact]
    public void Should_round_trip_every_value_through_yaml_and_json_without_changing_structure()
    {
        ValueGen.Sample(
            sample =>
            {
                var (value, typed, quoted) = sample;
                var context = Ctx(("v", value));

                // Unquoted: the value's own type. Quoted: always the string.
                var plain = StructuredRenderer.Render("t.yaml", "key: $v\n", context).Documents.ShouldHaveSingleItem();
                var inQuotes = StructuredRenderer.Render("t.yaml", "key: \"$v\"\n", context).Documents.ShouldHaveSingleItem();
                SameValue(plain["key"], typed).ShouldBeTrue($"unquoted {value.Kind} '{value.Text}' became {plain.ToJsonString()}");
                inQuotes["key"]!.GetValue<string>().ShouldBe(quoted);

                foreach (var doc in new[] { plain, inQuotes })
                {
                    var yaml = DocumentWriter.ToYaml(doc);
                    var back = StructuredRenderer.Render("t.yaml", yaml, null).Documents.ShouldHaveSingleItem();
                    back.AsObject().Count.ShouldBe(1, yaml);
                    JsonNode.DeepEquals(back, doc).ShouldBeTrue($"YAML {yaml} read back as {back.ToJsonString()}, not {doc.ToJsonString()}");

                    var json = DocumentWriter.ToJson(doc);
                    JsonNode.DeepEquals(JsonNode.Parse(json), doc).ShouldBeTrue(json);
                }
            },
            iter: 5000);
    }

    // Documents of nested mappings and lists (empty ones too) holding tricky keys and scalars.
    private static readonly Gen<JsonNode?> LeafGen = Gen.OneOf(
        TextGen.Select(s => (JsonNode?)JsonValue.Create(s)),
        Gen.Long.Select(l => (JsonNode?)JsonValue.Create(l)),
        Gen.Double.Where(double.IsFinite).Select(d => (JsonNode?)JsonValue.Create(d)),
        Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b)),
        Gen.Const(() => (JsonNode?)null),
        Gen.Const(() => (JsonNode?)new JsonObject()),
        Gen.Const(() => (JsonNode?)new JsonArray()));

    private static Gen<JsonNode?> NodeGen(int depth) => depth == 0
        ? LeafGen
        : Gen.Frequency(
            (3, LeafGen),
            (1, NodeGen(depth - 1).Array[1, 4].Select(items => (JsonNode?)new JsonArray(items))),
            (2, Gen.Select(TextGen, NodeGen(depth - 1)).Array[1, 4].Select(entries =>
            {
                var mapping = new JsonObject();
                foreach (var (key, value) in entries)
                {
                    mapping[key] = value;
                }

                return (JsonNode?)mapping;
            })));

    [Fact]
    public void Should_write_yaml_exactly_as_the_yamldotnet_emitter_does()
    {
        var documents = Gen.OneOf(
            NodeGen(3).Where(n => n is JsonObject or JsonArray),
            Gen.Select(TextGen, LeafGen).Select(p => (JsonNode?)new JsonObject { [p.Item1] = p.Item2 })).Array[1, 3];
        var direct = 0;
        documents.Sample(
            docs =>
            {
                var expected = DocumentWriter.ToYamlWithEmitter(docs);
                DocumentWriter.ToYaml(docs).ShouldBe(expected);
                DocumentWriter.ToYamlUtf8(docs).ShouldBe(System.Text.Encoding.UTF8.GetBytes(expected));
                var builder = new System.Text.StringBuilder();
                if (DocumentWriter.TryWriteYaml(docs, builder))
                {
                    direct++;
                    builder.ToString().ShouldBe(expected, "the direct writer differs from the emitter for " + string.Join(" --- ", docs.Select(d => d?.ToJsonString())));
                }
            },
            iter: 20000);

        // The comparison means something only if the direct writer took a fair share of the samples.
        direct.ShouldBeGreaterThan(1000);
    }

    [Fact]
    public void Should_write_json_bytes_as_the_serializer_writes_each_document()
    {
        // The serializer's own indented text of each document, a line break after each.
        var options = new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        NodeGen(3).Array[0, 3].Sample(
            docs =>
            {
                var expected = string.Concat(docs.Select(d => (d?.ToJsonString(options) ?? "null") + "\n"));
                DocumentWriter.ToJsonUtf8(docs).ShouldBe(System.Text.Encoding.UTF8.GetBytes(expected));
                DocumentWriter.ToJson(docs).ShouldBe(expected);
            },
            iter: 5000);
    }

    [Fact]
    public void Should_write_huge_and_deep_documents_as_bytes_equal_to_the_text()
    {
        // An 8 MB scalar (past the thread's kept buffers), non-ASCII (the emitter's path) and
        // 300 levels of nesting: the bytes are the text's, whichever writer took the document.
        var huge = new JsonObject { ["data"] = new JsonObject { ["blob"] = new string('x', 8 * 1024 * 1024) } };
        var accents = new JsonObject { ["note"] = "gr\u00fc\u00dfe \u2603" };
        JsonNode deep = new JsonObject { ["leaf"] = "v" };
        for (var i = 0; i < 300; i++)
        {
            deep = i % 2 == 0 ? new JsonArray(deep) : new JsonObject { ["k"] = deep };
        }

        foreach (var docs in new List<JsonNode?>[] { [huge], [accents], [deep], [huge, accents, deep] })
        {
            DocumentWriter.ToYamlUtf8(docs).ShouldBe(System.Text.Encoding.UTF8.GetBytes(DocumentWriter.ToYaml(docs)));
            DocumentWriter.ToJsonUtf8(docs).ShouldBe(System.Text.Encoding.UTF8.GetBytes(DocumentWriter.ToJson(docs)));
        }

        // And a small document after the huge one is written from a fresh buffer, not the grown one.
        DocumentWriter.ToJsonUtf8([accents]).ShouldBe(System.Text.Encoding.UTF8.GetBytes("{\n  \"note\": \"gr\u00fc\u00dfe \u2603\"\n}\n"));
        DocumentWriter.ToYamlUtf8([]).ShouldBeEmpty();
    }

    [Fact]
    public void Should_write_manifest_shapes_directly()
    {
        // The shapes Kubernetes manifests have: nested mappings, lists of mappings, lists of lists.
        var doc = JsonNode.Parse("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"a":"true"}},"spec":{"containers":[{"name":"c","args":["--port","80",["x",{"k":"v","l":[]}]],"env":[{"name":"A","value":"$x"}]}],"volumes":[]}}""");
        var builder = new System.Text.StringBuilder();
        DocumentWriter.TryWriteYaml([doc], builder).ShouldBeTrue();
        builder.ToString().ShouldBe(DocumentWriter.ToYamlWithEmitter([doc]));
    }

    private static bool SameValue(JsonNode? actual, JsonNode? expected) => (actual, expected) switch
    {
        (null, null) => true,
        (JsonValue a, JsonValue e) when e.TryGetValue<double>(out var d) && !e.TryGetValue<long>(out _) =>
            a.GetValueKind() == System.Text.Json.JsonValueKind.Number && a.GetValue<double>() == d && a.ToJsonString().AsSpan().ContainsAny(".eE"),
        (JsonValue a, JsonValue e) => a.GetValueKind() == e.GetValueKind() && JsonNode.DeepEquals(a, e),
        _ => false,
    };
}

public class RoundTripTests
{
    private const string Original = """
        spec:
          volumes:
          - secret:
              defaultMode: 0644
          enabled: yes
          debug: Off
          mask: 0x1F
          count: 1_000
          ratio: 1.10
          ports: 3306:3306
          date: 2020-01-01
          empty: ~
          port: $port

        """;

    [Fact]
    public void Should_write_untouched_scalars_back_as_written_and_mean_what_kubectl_reads()
    {
        // Given
        var context = new Dictionary<string, Scalar> { ["port"] = new("8080", ScalarKind.Integer) };

        // When
        var documents = StructuredRenderer.Render("a.yaml", Original, context).Documents;

        // Then: the values are YAML 1.1's (kubectl's), the text is the author's
        var spec = documents[0]["spec"]!;
        spec["volumes"]![0]!["secret"]!["defaultMode"]!.GetValue<long>().ShouldBe(420);
        spec["enabled"]!.GetValue<bool>().ShouldBeTrue();
        spec["debug"]!.GetValue<bool>().ShouldBeFalse();
        spec["count"]!.GetValue<long>().ShouldBe(1000);
        DocumentWriter.ToYaml(documents).ShouldBe(Original.Replace("~", "null", StringComparison.Ordinal).Replace("$port", "8080", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_write_the_original_text_through_the_emitter_too_and_when_masking()
    {
        // Given: a string the direct writer leaves to YamlDotNet's emitter, and a secret to mask
        var text = Original.Replace("port: $port", "note: \"é\"\n  secret: $pw", StringComparison.Ordinal);
        var context = new Dictionary<string, Scalar> { ["pw"] = Scalar.String("hunter2") };
        var documents = StructuredRenderer.Render("a.yaml", text, context).Documents;

        // When
        var masked = DocumentWriter.ToYaml(documents.Select(d => Nulecule.Actions.TemplateOutput.Masked(d, new SecretMasker(["hunter2"]))).ToList());

        // Then
        masked.ShouldContain("defaultMode: 0644\n");
        masked.ShouldContain("enabled: yes\n");
        masked.ShouldContain("mask: 0x1F\n");
        masked.ShouldContain("******");
        masked.ShouldNotContain("hunter2");
    }
}
