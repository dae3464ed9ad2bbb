using System.Text.Json;
using System.Text.Json.Nodes;
using Nulecule.Kubernetes.OpenShift;
using Nulecule.Spec;

namespace Nulecule.Kubernetes.Tests;

public sealed class TemplateProcessorTests
{
    private static JsonObject Template(string parameters, string objects) =>
        JsonNode.Parse($$"""{ "apiVersion": "template.openshift.io/v1", "kind": "Template", "metadata": { "name": "t" }, "parameters": {{parameters}}, "objects": {{objects}} }""")!.AsObject();

    [Fact]
    public void Should_replace_string_references_and_give_typed_references_the_values_type()
    {
        var template = Template(
            """[ { "name": "PORT" }, { "name": "NAME", "value": "web" }, { "name": "DEBUG" }, { "name": "UNSET" } ]""",
            """[ { "kind": "X", "metadata": { "name": "${NAME}-svc" }, "spec": { "port": "${{PORT}}", "text": "port ${PORT} of ${NAME}", "debug": "${{DEBUG}}", "other": "${OTHER}", "unset": "${UNSET}" } } ]""");
        var answers = new Dictionary<string, Scalar> { ["PORT"] = new("8080", ScalarKind.Integer), ["DEBUG"] = new("true", ScalarKind.Boolean) };

        var spec = TemplateProcessor.Process(template, answers, "component c").Single()["spec"]!;

        spec["port"]!.GetValueKind().ShouldBe(JsonValueKind.Number);
        ((int)spec["port"]!).ShouldBe(8080);
        spec["debug"]!.GetValueKind().ShouldBe(JsonValueKind.True);
        ((string?)spec["text"]).ShouldBe("port 8080 of web");
        ((string?)spec["other"]).ShouldBe("${OTHER}");
        ((string?)spec["unset"]).ShouldBe("");
    }

    [Fact]
    public void Should_prefer_the_answer_over_the_templates_value_and_generate_what_is_neither()
    {
        var template = Template(
            """[ { "name": "USER", "value": "admin" }, { "name": "PASS", "generate": "expression", "from": "[a-f0-9]{16}", "value": "" } ]""",
            """[ { "kind": "X", "metadata": { "name": "x" }, "user": "${USER}", "pass": "${PASS}" } ]""");

        var result = TemplateProcessor.Process(template, new Dictionary<string, Scalar> { ["USER"] = Scalar.String("bob") }, "c").Single();

        ((string?)result["user"]).ShouldBe("bob");
        ((string?)result["pass"]).ShouldNotBeNull().ShouldMatch("^[a-f0-9]{16}$");
    }

    [Fact]
    public void Should_name_every_missing_required_parameter()
    {
        var template = Template("""[ { "name": "A", "required": true, "description": "the A" }, { "name": "B", "required": "true" } ]""", "[]");

        var error = Should.Throw<NuleculeException>(() => TemplateProcessor.Process(template, new Dictionary<string, Scalar>(), "component db: t.json"));

        error.Diagnostics.Count.ShouldBe(2);
        error.Message.ShouldContain("component db: t.json: Template t requires parameter A (the A)");
        error.Message.ShouldContain("requires parameter B");
    }

    [Fact]
    public void Should_add_the_templates_labels_to_each_object()
    {
        var template = Template("[]", """[ { "kind": "X", "metadata": { "name": "x", "labels": { "own": "1" } } } ]""");
        template["labels"] = new JsonObject { ["app"] = "shop", ["own"] = "template" };

        var labels = TemplateProcessor.Process(template, new Dictionary<string, Scalar>(), "c").Single()["metadata"]!["labels"]!;

        ((string?)labels["app"]).ShouldBe("shop");
        ((string?)labels["own"]).ShouldBe("1");
    }

    [Theory]
    [InlineData("[a-zA-Z0-9]{12}", "^[a-zA-Z0-9]{12}$")]
    [InlineData("\\d{4}-\\a{2}", "^[0-9]{4}-[a-zA-Z]{2}$")]
    [InlineData("x\\w{3,5}", "^x[a-zA-Z0-9_]{3,5}$")]
    [InlineData("[\\A]{8}", "^[!-/:-@\\[-`{-~]{8}$")]
    public void Should_generate_values_matching_the_expression(string expression, string pattern)
    {
        for (var i = 0; i < 20; i++)
        {
            ExpressionGenerator.Generate(expression).ShouldMatch(pattern);
        }
    }

    [Theory]
    [InlineData("[a-z")]
    [InlineData("[z-a]{3}")]
    [InlineData("a{x}")]
    [InlineData("a{5,2}")]
    public void Should_reject_an_expression_it_cannot_generate(string expression) =>
        Should.Throw<NuleculeException>(() => ExpressionGenerator.Generate(expression)).Message.ShouldContain(expression);
}
