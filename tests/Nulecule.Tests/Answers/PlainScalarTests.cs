using Nulecule.Answers;
using Nulecule.Spec;

namespace Nulecule.Tests.Answers;

public class PlainScalarTests
{
    [Theory]
    [InlineData("80", ScalarKind.Integer)]
    [InlineData("-3", ScalarKind.Integer)]
    [InlineData("0", ScalarKind.Integer)]
    [InlineData("0x1F", ScalarKind.Integer)]
    [InlineData("0o17", ScalarKind.Integer)]
    [InlineData("1.5", ScalarKind.Float)]
    [InlineData("1e3", ScalarKind.Float)]
    [InlineData(".inf", ScalarKind.Float)]
    [InlineData("true", ScalarKind.Boolean)]
    [InlineData("False", ScalarKind.Boolean)]
    [InlineData("yes", ScalarKind.String)]
    [InlineData("wordpress", ScalarKind.String)]
    [InlineData("8080a", ScalarKind.String)]
    public void Should_type_plain_text_by_the_yaml_core_schema(string text, ScalarKind kind)
    {
        var value = PlainScalar.Parse(text);

        value.ShouldBe(new Scalar(text, kind));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("None")]
    [InlineData("null")]
    [InlineData("~")]
    [InlineData(null)]
    public void Should_read_no_value_as_unanswered(string? text)
    {
        PlainScalar.Parse(text).ShouldBeNull();
    }

    [Theory]
    [InlineData("\"\"", "")]
    [InlineData("''", "")]
    [InlineData("\"80\"", "80")]
    [InlineData("'None'", "None")]
    [InlineData("\"a#b\"", "a#b")]
    public void Should_read_quoted_text_as_a_string_without_its_quotes(string text, string expected)
    {
        PlainScalar.Parse(text).ShouldBe(Scalar.String(expected));
    }

    [Fact]
    public void Should_keep_false_and_zero_as_answers()
    {
        PlainScalar.Parse("false").ShouldBe(new Scalar("false", ScalarKind.Boolean));
        PlainScalar.Parse("0").ShouldBe(new Scalar("0", ScalarKind.Integer));
    }
}
