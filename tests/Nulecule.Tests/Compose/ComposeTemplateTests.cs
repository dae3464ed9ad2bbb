using Nulecule.Compose;

namespace Nulecule.Tests.Compose;

/// <summary>
/// Compose's interpolation rules, case by case. The behaviours are those compose-go's template
/// tests pin down (escapes, invalid braces, soft and hard defaults, alternates, mandatory
/// variables, nesting, which operator wins), written here as our own table with our own values.
/// </summary>
public class ComposeTemplateTests
{
    // ALPHA is set, EMPTY is set to "", NOPE is not set.
    private static readonly Dictionary<string, string> Vars = new(StringComparer.Ordinal)
    {
        ["ALPHA"] = "one",
        ["EMPTY"] = "",
        ["DOC"] = """{"k":7}""",
        ["lower"] = "small",
    };

    private static string Run(string template, ICollection<string>? unset = null) =>
        ComposeTemplate.Substitute(template, n => Vars.TryGetValue(n, out var v) ? v : null, unset);

    [Theory]
    // escapes and text without references
    [InlineData("$${ALPHA}", "${ALPHA}")]
    [InlineData("$$ALPHA", "$ALPHA")]
    [InlineData("plain text", "plain text")]
    [InlineData("cost: 5 $", "cost: 5 $")]
    [InlineData("^end$", "^end$")]
    [InlineData("$}", "$}")]
    [InlineData("$", "$")]
    [InlineData("$1 and $-", "$1 and $-")]
    // plain references
    [InlineData("$ALPHA-tail", "one-tail")]
    [InlineData("x ${ALPHA} y", "x one y")]
    [InlineData("x $ALPHA y", "x one y")]
    [InlineData("$lower", "small")]
    [InlineData("[${NOPE}]", "[]")]
    [InlineData("[${EMPTY}]", "[]")]
    // defaults: `:-` when unset or empty, `-` when unset
    [InlineData("${NOPE:-dflt}", "dflt")]
    [InlineData("${NOPE-dflt}", "dflt")]
    [InlineData("${EMPTY:-dflt}", "dflt")]
    [InlineData("${EMPTY-dflt}", "")]
    [InlineData("${ALPHA:-dflt}", "one")]
    [InlineData("${ALPHA-dflt}", "one")]
    [InlineData("${EMPTY:-/a:-b}", "/a:-b")]
    // alternates: `:+` when set and not empty, `+` when set
    [InlineData("${NOPE:+alt}", "")]
    [InlineData("${NOPE+alt}", "")]
    [InlineData("${ALPHA:+alt}", "alt")]
    [InlineData("${ALPHA+alt}", "alt")]
    [InlineData("${EMPTY+alt}", "alt")]
    [InlineData("${EMPTY:+alt}", "")]
    [InlineData("${NOPE:+${NOPE},}B", "B")]
    // mandatory values that are there
    [InlineData("${ALPHA:?why}", "one")]
    [InlineData("${ALPHA?why}", "one")]
    [InlineData("${EMPTY?why}", "")]
    // operators in the surrounding text do not matter
    [InlineData("-x ${EMPTY:-d}", "-x d")]
    [InlineData("+x ${NOPE:-${EMPTY-d}}", "+x ")]
    [InlineData(":-x ${NOPE-d}", ":-x d")]
    [InlineData(":?x ${EMPTY-d}", ":?x ")]
    [InlineData(":+x ${EMPTY:-d}", ":+x d")]
    [InlineData("?x ${EMPTY:-d}", "?x d")]
    // nested references in defaults and alternates
    [InlineData("${NOPE-$ALPHA}", "one")]
    [InlineData("${NOPE-${ALPHA}}", "one")]
    [InlineData("${NOPE-${ALPHA} ${ALPHA}}", "one one")]
    [InlineData("${EMPTY:-$ALPHA}", "one")]
    [InlineData("${EMPTY:-${ALPHA} ${ALPHA}}", "one one")]
    [InlineData("${EMPTY+$ALPHA}", "one")]
    [InlineData("${EMPTY+$ALPHA ${ALPHA:+two}}", "one two")]
    [InlineData("${NOPE:-${NOPE2:-deep}}", "deep")]
    // the first operator after the name wins
    [InlineData("${NOPE-dflt?no}", "dflt?no")]
    [InlineData("${ALPHA?x-y}", "one")]
    [InlineData("${EMPTY:-for-empty}", "for-empty")]
    // braces inside defaults
    [InlineData("""x ${NOPE:-{"k":1}}""", """x {"k":1}""")]
    [InlineData("""x ${NOPE-{"k":1}}""", """x {"k":1}""")]
    [InlineData("""x ${DOC:-{"k":1}}""", """x {"k":7}""")]
    // two references after a default
    [InlineData("${NOPE:-a}.${ALPHA:?}", "a.one")]
    [InlineData("${NOPE:-a} and ${ALPHA}", "a and one")]
    public void Should_substitute_as_compose_does(string template, string expected)
    {
        Run(template).ShouldBe(expected);
    }

    [Theory]
    [InlineData("${")]
    [InlineData("${}")]
    [InlineData("${ }")]
    [InlineData("${ a}")]
    [InlineData("${a }")]
    [InlineData("${a!}")]
    [InlineData("${a:-x")]
    [InlineData("${a/x/y}")]
    public void Should_refuse_an_invalid_template(string template)
    {
        var error = Should.Throw<ComposeTemplateException>(() => Run(template));

        error.Message.ShouldStartWith("invalid interpolation format");
        error.Variable.ShouldBeNull();
    }

    [Theory]
    [InlineData("x ${NOPE:?must be set}", "NOPE", "required variable NOPE is missing a value: must be set")]
    [InlineData("x ${EMPTY:?is empty}", "EMPTY", "required variable EMPTY is missing a value: is empty")]
    [InlineData("x ${NOPE:?}", "NOPE", "required variable NOPE is missing a value")]
    [InlineData("x ${NOPE?unset}", "NOPE", "required variable NOPE is missing a value: unset")]
    [InlineData("x ${NOPE?}", "NOPE", "required variable NOPE is missing a value")]
    [InlineData("x ${NOPE:?about ${ALPHA}}", "NOPE", "required variable NOPE is missing a value: about one")]
    [InlineData("x ${NOPE?about ${ALPHA}}", "NOPE", "required variable NOPE is missing a value: about one")]
    [InlineData("${NOPE?a-b}", "NOPE", "required variable NOPE is missing a value: a-b")]
    public void Should_refuse_a_missing_mandatory_variable(string template, string variable, string message)
    {
        var error = Should.Throw<ComposeTemplateException>(() => Run(template));

        error.Variable.ShouldBe(variable);
        error.Message.ShouldBe(message);
    }

    [Fact]
    public void Should_report_unset_variables_only_when_their_value_is_used()
    {
        var unset = new List<string>();

        Run("${ALPHA?${NOPE}} ${NOPE:+${NOPE2}} ${NOPE3:-${NOPE4}}", unset);

        unset.ShouldBe(["NOPE4"]);
    }

    [Fact]
    public void Should_list_every_variable_a_template_names()
    {
        ComposeTemplate.Variables("${A:-${B}} $C $$D ${E:?x}").ShouldBe(["A", "B", "C", "E"], ignoreOrder: true);
    }
}
