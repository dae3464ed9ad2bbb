using Nulecule.Answers;
using Nulecule.Spec;
using static Nulecule.Tests.Answers.TestApps;

namespace Nulecule.Tests.Answers;

public class ParamTypingTests
{
    private static readonly Scalar True = new("true", ScalarKind.Boolean);

    // web: text (no default: a string), name (default "abc": a string), port (default 80: an integer),
    // ratio (default 1.5: a number), debug (default true: a boolean).
    private static Nulecule.Resolution.AppNode TypedApp() => Root(App("a", [], Local("web",
        P("text"), P("name", S("abc")), P("port", I(80)), P("ratio", new Scalar("1.5", ScalarKind.Float)), P("debug", True))));

    // `text` is required; a prompt (the lowest source) answers it when the case is about another param.
    private static Scalar Resolved(string name, AnswerSources sources) =>
        ParamResolver.Resolve(TypedApp(), sources with { Prompt = _ => "prompted" }).Params.Single(p => p.Name == name).Value!;

    [Theory]
    [InlineData("0123")]
    [InlineData("0x1F")]
    [InlineData("007")]
    [InlineData("true")]
    [InlineData("True")]
    [InlineData("80")]
    [InlineData("1.50")]
    [InlineData("None-ish")]
    public void Should_give_a_string_param_the_exact_text_from_every_source(string text)
    {
        foreach (var name in new[] { "text", "name" })
        {
            Resolved(name, new AnswerSources { File = Ini($"[web]\n{name} = {text}\n") }).ShouldBe(S(text));
            Resolved(name, new AnswerSources { Overrides = [SetOverride.Parse($"web.{name}={text}")] }).ShouldBe(S(text));
            Resolved(name, new AnswerSources { Environment = new Dictionary<string, string> { [$"NULECULE_PARAM_web__{name}"] = text } }).ShouldBe(S(text));
        }
    }

    [Theory]
    [InlineData("0123", "123")]
    [InlineData("0x1F", "31")]
    [InlineData("007", "7")]
    [InlineData("80", "80")]
    [InlineData("-4", "-4")]
    [InlineData("0o17", "15")]
    public void Should_give_an_integer_param_an_integer(string text, string expected)
    {
        Resolved("port", new AnswerSources { File = Ini($"[web]\nport = {text}\n") }).ShouldBe(new Scalar(expected, ScalarKind.Integer));
        Resolved("port", new AnswerSources { Overrides = [SetOverride.Parse($"web.port={text}")] }).ShouldBe(new Scalar(expected, ScalarKind.Integer));
    }

    [Theory]
    [InlineData("true")]
    [InlineData("1.5")]
    [InlineData("eighty")]
    [InlineData("0x")]
    public void Should_refuse_a_value_that_is_not_an_integer_for_an_integer_param_at_its_location(string text)
    {
        var error = Should.Throw<NuleculeException>(() => Resolved("port", new AnswerSources { File = Ini($"[web]\nport = {text}\n") }));

        var diagnostic = error.Diagnostics.ShouldHaveSingleItem();
        diagnostic.Message.ShouldBe($"[web] port = '{text}' from answers.conf:2:1 is not an integer, the type of its default 80");
        diagnostic.Location.ShouldBe(new SourceLocation("answers.conf", 2, 1));
    }

    [Theory]
    [InlineData("True", "true")]
    [InlineData("no", "false")]
    [InlineData("OFF", "false")]
    public void Should_give_a_boolean_param_a_boolean(string text, string expected) =>
        Resolved("debug", new AnswerSources { Overrides = [SetOverride.Parse($"web.debug={text}")] }).ShouldBe(new Scalar(expected, ScalarKind.Boolean));

    [Fact]
    public void Should_refuse_a_non_boolean_for_a_boolean_param()
    {
        var error = Should.Throw<NuleculeException>(() => Resolved("debug", new AnswerSources { Overrides = [SetOverride.Parse("web.debug=80")] }));

        error.Diagnostics.ShouldHaveSingleItem().Message.ShouldBe("[web] debug = '80' from --set web.debug is not a boolean (true or false), the type of its default true");
    }

    [Theory]
    [InlineData("2", "2")]
    [InlineData("2.25", "2.25")]
    public void Should_give_a_number_param_a_number(string text, string expected) =>
        Resolved("ratio", new AnswerSources { File = Ini($"[web]\nratio = {text}\n") }).ShouldBe(new Scalar(expected, ScalarKind.Float));

    [Fact]
    public void Should_type_True_the_same_in_the_Nulecule_file_and_in_answers()
    {
        // One rule: `True` is a boolean written as written, wherever it is read.
        ScalarTyping.FromPlain("True").ShouldBe(new Scalar("True", ScalarKind.Boolean));
        PlainScalar.Parse("True").ShouldBe(ScalarTyping.FromPlain("True"));
    }

    [Fact]
    public void Should_keep_a_value_from_a_typed_answers_file_as_text_for_a_string_param()
    {
        var yaml = AnswersFile.Parse("web:\n  text: 0123\n  name: true\n", "answers.yaml", AnswersFormat.Yaml);

        Resolved("text", new AnswerSources { File = yaml }).ShouldBe(S("0123"));
        Resolved("name", new AnswerSources { File = yaml }).ShouldBe(S("true"));
    }
}
