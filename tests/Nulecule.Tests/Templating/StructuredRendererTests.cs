using System.Text.Json.Nodes;
using Nulecule.Templating;
using static Nulecule.Tests.Templating.Values;

namespace Nulecule.Tests.Templating;

public class StructuredRendererTests
{
    private static JsonNode Render(string text, IReadOnlyDictionary<string, Nulecule.Spec.Scalar>? context = null) =>
        StructuredRenderer.Render("a.yaml", text, context ?? Ctx()).Documents.ShouldHaveSingleItem();

    private static string Json(JsonNode node) => node.ToJsonString();

    [Fact]
    public void Should_give_a_plain_single_reference_the_value_type()
    {
        var context = Ctx(("i", Int("80")), ("b", Bool("True")), ("f", Flt("1.5")), ("n", Nul()), ("s", Str("80")));

        var doc = Render("i: $i\nb: ${b}\nf: $f\nn: $n\ns: $s\n", context);

        Json(doc).ShouldBe("""{"i":80,"b":true,"f":1.5,"n":null,"s":"80"}""");
    }

    [Fact]
    public void Should_keep_quoted_references_strings()
    {
        var context = Ctx(("i", Int("80")), ("b", Bool("True")), ("n", Nul()));

        var doc = Render("a: \"$i\"\nb: '$b'\nc: \"$n\"\nd: |\n  $b\n", context);

        Json(doc).ShouldBe("""{"a":"80","b":"true","c":"","d":"true\n"}""");
    }

    [Theory]
    [InlineData("0x1F", "31")]
    [InlineData("0o17", "15")]
    [InlineData("-12", "-12")]
    [InlineData("+7", "7")]
    [InlineData("007", "7")]
    [InlineData("1.5", "1.5")]
    [InlineData("1.", "1.0")]
    [InlineData(".5", "0.5")]
    [InlineData("1e3", "1e3")]
    [InlineData("true", "true")]
    [InlineData("FALSE", "false")]
    [InlineData("null", "null")]
    [InlineData("~", "null")]
    [InlineData("", "null")]
    [InlineData("yes", "true")]
    [InlineData("On", "true")]
    [InlineData("y", "true")]
    [InlineData("NO", "false")]
    [InlineData("off", "false")]
    [InlineData("0644", "420")]
    [InlineData("0b101", "5")]
    [InlineData("1_000", "1000")]
    [InlineData("09", "9.0")]
    [InlineData("18446744073709551615", "18446744073709551615")]
    [InlineData("3306:3306", "\"3306:3306\"")]
    [InlineData("2020-01-01", "\"2020-01-01\"")]
    [InlineData("0x", "\"0x\"")]
    [InlineData(".inf", "\".inf\"")]
    [InlineData("123456789012345678901234567890", "1.2345678901234568E+29")]
    [InlineData("$HOME", "\"$HOME\"")]
    public void Should_give_untouched_plain_scalars_the_meaning_kubectl_reads_yaml_1_1(string plain, string json)
    {
        var doc = Render("v: " + plain).AsObject();

        doc.ContainsKey("v").ShouldBeTrue();
        (doc["v"]?.ToJsonString() ?? "null").ShouldBe(json);
    }

    [Fact]
    public void Should_make_mixed_text_a_string()
    {
        var doc = Render("a: 8$i\nb: $i$i\nc: $i/tcp\nd: $$i\n", Ctx(("i", Int("0"))));

        Json(doc).ShouldBe("""{"a":"80","b":"00","c":"0/tcp","d":"$i"}""");
    }

    [Fact]
    public void Should_substitute_mapping_keys_as_strings()
    {
        var doc = Render("$k: 1\n${k}x: 2\n", Ctx(("k", Int("80"))));

        Json(doc).ShouldBe("""{"80":1,"80x":2}""");
    }

    [Fact]
    public void Should_reject_keys_that_collide_after_substitution()
    {
        var ex = Should.Throw<NuleculeException>(() => Render("a: 1\n$k: 2\n", Ctx(("k", Str("a")))));

        ex.Message.ShouldBe("a.yaml:2:1: error: duplicate key 'a' in this mapping (after substitution)");
    }

    [Theory]
    [InlineData("a: b\nc: d")]
    [InlineData("x\n  y: z")]
    [InlineData("{\"evil\": 1}")]
    [InlineData("[1, 2]")]
    [InlineData("\"quoted\" # comment")]
    [InlineData("- item")]
    [InlineData("&a *a")]
    public void Should_never_let_a_value_change_the_structure(string value)
    {
        var context = Ctx(("v", Str(value)));

        var doc = Render("plain: $v\nquoted: \"$v\"\nlist: [$v]\nflow: {k: $v}\n", context);

        doc["plain"]!.GetValue<string>().ShouldBe(value);
        doc["quoted"]!.GetValue<string>().ShouldBe(value);
        doc["list"]!.AsArray().ShouldHaveSingleItem()!.GetValue<string>().ShouldBe(value);
        doc["flow"]!["k"]!.GetValue<string>().ShouldBe(value);
        doc.AsObject().Count.ShouldBe(4);
    }

    [Fact]
    public void Should_resolve_anchors_aliases_and_merge_keys()
    {
        var text = "base: &b {image: $img, port: 80}\ncopy: *b\nmerged:\n  <<: *b\n  port: 81\n";

        var doc = Render(text, Ctx(("img", Str("nginx"))));

        Json(doc).ShouldBe("""{"base":{"image":"nginx","port":80},"copy":{"image":"nginx","port":80},"merged":{"port":81,"image":"nginx"}}""");
    }

    [Fact]
    public void Should_honour_standard_tags()
    {
        var doc = Render("a: !!str 80\nb: !!int \"$p\"\nc: ! 12\nd: !!float 1\n", Ctx(("p", Str("81"))));

        Json(doc).ShouldBe("""{"a":"80","b":81,"c":"12","d":1.0}""");
    }

    [Fact]
    public void Should_reject_a_value_that_does_not_fit_its_tag()
    {
        var ex = Should.Throw<NuleculeException>(() => Render("b: !!int $p\n", Ctx(("p", Str("http")))));

        ex.Message.ShouldBe("a.yaml:1:4: error: 'http' is not a valid int (the tag tag:yaml.org,2002:int demands one)");
    }

    [Fact]
    public void Should_read_several_documents_and_skip_empty_ones()
    {
        var result = StructuredRenderer.Render("a.yaml", "---\na: $x\n---\n---\nb: 2\n...\n", Ctx(("x", Int("1")), ("unused", Int("2"))));

        result.Documents.Select(Json).ShouldBe(["""{"a":1}""", """{"b":2}"""]);
        result.Used.ShouldBe(["x"]);
    }

    [Fact]
    public void Should_report_unresolved_references()
    {
        var result = StructuredRenderer.Render("a.yaml", "a: $x\nb: \"${y} $x\"\nc: $$z\n", Ctx());

        result.Unresolved.ShouldBe(["x", "y"]);
        Json(result.Documents[0]).ShouldBe("""{"a":"$x","b":"${y} $x","c":"$z"}""");
    }

    [Fact]
    public void Should_locate_parse_errors()
    {
        var ex = Should.Throw<NuleculeException>(() => StructuredRenderer.Render("app/pod.yaml", "a: b\n  c: [d\n", Ctx()));

        var at = ex.Diagnostics.ShouldHaveSingleItem().Location!;
        at.File.ShouldBe("app/pod.yaml");
        (at.Line, at.Column).ShouldBe((2, 4));
        ex.Message.ShouldStartWith("app/pod.yaml:2:4: error: not valid YAML or JSON: ");
    }

    [Fact]
    public void Should_reject_a_recursive_alias()
    {
        Should.Throw<NuleculeException>(() => Render("a: &x [*x]\n")).Message.ShouldContain("alias *x refers to no anchor defined before it");
    }

    [Fact]
    public void Should_stop_alias_bombs()
    {
        var lines = new List<string> { "a0: &a0 [x, x, x, x, x, x, x, x, x, x]" };
        for (var i = 1; i < 9; i++)
        {
            lines.Add($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]");
        }

        Should.Throw<NuleculeException>(() => Render(string.Join("\n", lines))).Message.ShouldContain("more than 1000000 nodes");
    }

    [CorpusFact]
    public void Should_type_hostport_in_helloapache_as_an_integer()
    {
        var text = File.ReadAllText(Corpus.File("helloapache/artifacts/kubernetes/hello-apache-pod.json"));

        var doc = StructuredRenderer.Render("hello-apache-pod.json", text, Ctx(("hostport", Int("80")), ("image", Str("centos/httpd")))).Documents.ShouldHaveSingleItem();

        var container = doc["spec"]!["containers"]![0]!;
        Json(container["ports"]![0]!).ShouldBe("""{"containerPort":80,"hostPort":80,"protocol":"TCP"}""");
        container["image"]!.GetValue<string>().ShouldBe("centos/httpd");
    }

    [CorpusFact]
    public void Should_keep_mongodb_quoted_boolean_a_lowercase_string()
    {
        var text = File.ReadAllText(Corpus.File("mongodb-centos7-atomicapp/artifacts/kubernetes/pod.json"));

        var doc = StructuredRenderer.Render("pod.json", text, Ctx(("mongodb_noprealloc", Bool("True")))).Documents.ShouldHaveSingleItem();

        var env = doc["spec"]!["containers"]![0]!["env"]!.AsArray();
        Json(env.Single(e => e!["name"]!.GetValue<string>() == "MONGODB_NOPREALLOC")!).ShouldBe("""{"name":"MONGODB_NOPREALLOC","value":"true"}""");
    }

    [CorpusFact]
    public void Should_keep_etherpad_single_quoted_port_a_string()
    {
        var text = File.ReadAllText(Corpus.File("etherpad-centos7-atomicapp/artifacts/kubernetes/etherpad-rc.yaml"));

        var doc = StructuredRenderer.Render("etherpad-rc.yaml", text, Ctx(("db_port", Int("3306")), ("hostport", Int("9001")))).Documents.ShouldHaveSingleItem();

        var container = doc["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Json(container["env"]!.AsArray().Single(e => e!["name"]!.GetValue<string>() == "DB_PORT")!).ShouldBe("""{"name":"DB_PORT","value":"3306"}""");
        Json(container["ports"]![0]!).ShouldBe("""{"name":"etherpad-server","containerPort":9001}""");
    }

    [CorpusFact]
    public void Should_parse_every_structured_corpus_artifact()
    {
        var files = Corpus.Artifacts("kubernetes", "openshift", "marathon").ToList();
        files.Count.ShouldBeGreaterThan(40);
        var failures = new List<string>();
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            var name = Path.GetRelativePath(Corpus.Directory!, file);
            try
            {
                var rendered = ArtifactRenderer.Render("c", "kubernetes", name, text, Ctx(("hostport", Int("80"))), null);
                if (Path.GetExtension(file) is ".json" or ".yaml")
                {
                    rendered.Documents.ShouldNotBeEmpty(name);
                    rendered.Documents.ShouldAllBe(d => d is JsonObject, name);
                }
                else
                {
                    rendered.Format.ShouldBe(ArtifactFormat.Text, name);
                }
            }
            catch (NuleculeException ex)
            {
                failures.Add(ex.Message);
            }
        }

        failures.ShouldBeEmpty();
    }
}
