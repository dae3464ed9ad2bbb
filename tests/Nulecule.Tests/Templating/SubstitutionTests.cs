using static Nulecule.Tests.Templating.Values;
using Nulecule.Templating;

namespace Nulecule.Tests.Templating;

public class SubstitutionTests
{
    [Theory]
    [InlineData("$name", "World")]
    [InlineData("${name}", "World")]
    [InlineData("Hello $name!", "Hello World!")]
    [InlineData("${name}s", "Worlds")]
    [InlineData("$names", "$names")]
    [InlineData("$$name", "$name")]
    [InlineData("$$$name", "$World")]
    [InlineData("cost: 5$", "cost: 5$")]
    [InlineData("$ 5", "$ 5")]
    [InlineData("$1", "$1")]
    [InlineData("${name", "${name")]
    [InlineData("${ name}", "${ name}")]
    [InlineData("$HOME/bin", "$HOME/bin")]
    [InlineData("${HOME}", "${HOME}")]
    [InlineData("$_x-$name", "under-World")]
    [InlineData("$é", "$é")]
    [InlineData("", "")]
    public void Should_follow_safe_substitute(string template, string expected)
    {
        // Given
        var context = Ctx(("name", Str("World")), ("_x", Str("under")));

        // When
        var result = Substitution.Apply(template, context);

        // Then
        result.Text.ShouldBe(expected);
    }

    [Fact]
    public void Should_report_used_and_unresolved_names_once_in_order()
    {
        var result = Substitution.Apply("$b $a ${b} $HOME $x $HOME $$y", Ctx(("a", Str("1")), ("b", Str("2"))));

        result.Text.ShouldBe("2 1 2 $HOME $x $HOME $y");
        result.Used.ShouldBe(["b", "a"]);
        result.Unresolved.ShouldBe(["HOME", "x"]);
        result.Escapes.ShouldBe(1);
        result.Spans.Select(s => (s.Name, s.SourceStart, s.SourceLength, s.OutputStart, s.OutputLength))
            .ShouldBe([("b", 0, 2, 0, 1), ("a", 3, 2, 2, 1), ("b", 6, 4, 4, 1)]);
    }

    [Fact]
    public void Should_not_substitute_inside_values()
    {
        var result = Substitution.Apply("$a", Ctx(("a", Str("$b")), ("b", Str("no"))));

        result.Text.ShouldBe("$b");
    }

    [Theory]
    [InlineData("True", "true")]
    [InlineData("false", "false")]
    [InlineData("yes", "true")]
    public void Should_write_booleans_the_way_yaml_does(string text, string expected)
    {
        Substitution.Apply("v=$b", Ctx(("b", Bool(text)))).Text.ShouldBe("v=" + expected);
    }

    [Fact]
    public void Should_write_null_as_empty_and_numbers_as_written()
    {
        Substitution.Apply("[$n][$i][$f]", Ctx(("n", Nul()), ("i", Int("80")), ("f", Flt("1.50")))).Text.ShouldBe("[][80][1.50]");
    }

    [Theory]
    [InlineData("$port", true, "port")]
    [InlineData("${port}", true, "port")]
    [InlineData("$port ", false, "")]
    [InlineData("${port}x", false, "")]
    [InlineData("$$port", false, "")]
    [InlineData("$", false, "")]
    public void Should_recognise_a_single_reference(string text, bool expected, string name)
    {
        Substitution.TryGetSingleReference(text, out var found).ShouldBe(expected);
        found.ShouldBe(name);
    }
}
