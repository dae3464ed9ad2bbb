using Nulecule.Templating;
using static Nulecule.Tests.Templating.Values;

namespace Nulecule.Tests.Templating;

public class TextRendererTests
{
    [Fact]
    public void Should_substitute_text_that_only_parses_after_substitution()
    {
        // `${port}` in JSON flow context is not YAML until it is replaced.
        var text = "{\n  \"port\": ${port},\n  \"name\": \"$name\"\n}\n";

        var result = TextRenderer.Render("svc.json", text, Ctx(("port", Int("80")), ("name", Str("web"))), ArtifactFormat.Json);

        result.Text.ShouldBe("{\n  \"port\": 80,\n  \"name\": \"web\"\n}\n");
        result.Documents.ShouldHaveSingleItem().ToJsonString().ShouldBe("""{"port":80,"name":"web"}""");
        result.Used.ShouldBe(["port", "name"]);
    }

    [Fact]
    public void Should_name_the_param_whose_value_broke_the_document()
    {
        var text = "{\n  \"port\": ${port},\n  \"pass\": \"$pass\"\n}\n";

        var ex = Should.Throw<NuleculeException>(() =>
            TextRenderer.Render("svc.json", text, Ctx(("port", Int("80")), ("pass", Str("se\"cret"))), ArtifactFormat.Json));

        var diagnostic = ex.Diagnostics.ShouldHaveSingleItem();
        diagnostic.Location.ShouldBe(new SourceLocation("svc.json", 3, 12));
        diagnostic.Message.ShouldStartWith("the rendered artifact is not valid JSON: ");
        diagnostic.Message.ShouldEndWith("the value of param 'pass' most likely broke it");
        ex.Message.ShouldNotContain("cret");
    }

    [Fact]
    public void Should_point_into_the_source_when_no_value_is_to_blame()
    {
        var text = "{\n  \"port\": ${port}\n  \"x\": }\n";

        var ex = Should.Throw<NuleculeException>(() => TextRenderer.Render("svc.json", text, Ctx(), ArtifactFormat.Json));

        var diagnostic = ex.Diagnostics.ShouldHaveSingleItem();
        diagnostic.Location!.File.ShouldBe("svc.json");
        diagnostic.Message.ShouldNotContain("param");
    }

    [Fact]
    public void Should_return_unknown_text_substituted_and_unparsed()
    {
        var result = TextRenderer.Render("run.sh", "echo $greeting {{ $HOME", Ctx(("greeting", Str("hi"))), ArtifactFormat.Text);

        result.Text.ShouldBe("echo hi {{ $HOME");
        result.Documents.ShouldBeEmpty();
        result.Unresolved.ShouldBe(["HOME"]);
    }

    [Theory]
    [InlineData("80, \"evil\": 1")]
    [InlineData("[1, 2]")]
    [InlineData("{\"a\": 1}")]
    public void Should_not_let_a_value_change_the_structure_textually_either(string value)
    {
        var text = "{\"port\": ${port}, \"name\": \"$name\"}";

        var ex = Should.Throw<NuleculeException>(() =>
            TextRenderer.Render("svc.json", text, Ctx(("name", Str("web")), ("port", Str(value))), ArtifactFormat.Json));

        var diagnostic = ex.Diagnostics.ShouldHaveSingleItem();
        diagnostic.Message.ShouldBe("the value of param 'port' changes the structure of the artifact (it adds keys, items or nesting)");
        diagnostic.Location.ShouldBe(new SourceLocation("svc.json", 1, 10));
    }

    [Fact]
    public void Should_refuse_an_artifact_whose_objects_depend_on_a_value_found_by_fuzzing()
    {
        // Found by `scripts/fuzz.sh 600` (seed 7b73wMt-tG61): a key of many references is too long
        // for YAML with the long placeholder, and a reference alone after `...` is a document with
        // a word and no document with an empty value; the empty value dropped a document unnoticed.
        var text = "kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: settings\ndata:\n  k" + string.Concat(Enumerable.Repeat("${x}", 100)) + ": b\n...\n$x\n";

        var ex = Should.Throw<NuleculeException>(() => TextRenderer.Render("cm.yaml", text, Ctx(("x", Str(""))), ArtifactFormat.Yaml));

        var diagnostic = ex.Diagnostics.ShouldHaveSingleItem();
        diagnostic.Message.ShouldBe("the artifact has other objects (documents, kinds, names or namespaces) depending on the values of 'x', so they cannot be checked");
        diagnostic.Location!.File.ShouldBe("cm.yaml");
    }
}
