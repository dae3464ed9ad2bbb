using System.Text.Json.Nodes;
using Nulecule.Templating;
using static Nulecule.Tests.Templating.Values;

namespace Nulecule.Tests.Templating;

public class PointerSubstitutionTests
{
    private static readonly SourceLocation At = new("Nulecule", 12, 7);

    private static Dictionary<string, IReadOnlyList<string>> Pointers(params (string Param, string[] Paths)[] items) =>
        items.ToDictionary(i => i.Param, i => (IReadOnlyList<string>)i.Paths);

    [Fact]
    public void Should_set_typed_values_at_each_pointer()
    {
        var doc = JsonNode.Parse("""{"spec":{"containers":[{"image":"x","ports":[{"hostPort":1}]}]},"a/b":{"m~n":"old"}}""")!;

        PointerSubstitution.Apply(
            doc,
            Pointers(("image", ["/spec/containers/0/image"]), ("port", ["/spec/containers/0/ports/0/hostPort"]), ("flag", ["/a~1b/m~0n"])),
            Ctx(("image", Str("nginx")), ("port", Int("80")), ("flag", Bool("True"))),
            At);

        doc.ToJsonString().ShouldBe("""{"spec":{"containers":[{"image":"nginx","ports":[{"hostPort":80}]}]},"a/b":{"m~n":true}}""");
    }

    [Theory]
    [InlineData("/spec/missing", "no key 'missing' in the document")]
    [InlineData("/spec/list/-", "'-' (the end of a list) is not allowed")]
    [InlineData("/spec/list/2", "index 2 is past the end of a list of 2")]
    [InlineData("/spec/list/01", "'01' is not a list index")]
    [InlineData("/spec/name/x", "'x' goes below a value that is not a mapping or a list")]
    [InlineData("spec", "a JSON pointer starts with '/'")]
    [InlineData("/sp~2ec", "'~' must be followed by 0 or 1")]
    [InlineData("", "the empty pointer names the whole document")]
    [InlineData("/nope/deeper", "no key 'nope' in the document (at /nope)")]
    public void Should_reject_pointers_that_do_not_exist(string pointer, string reason)
    {
        var doc = JsonNode.Parse("""{"spec":{"name":"n","list":[1,2]}}""")!;

        var ex = Should.Throw<NuleculeException>(() => PointerSubstitution.Apply(doc, Pointers(("p", [pointer])), Ctx(("p", Str("v"))), At));

        var diagnostic = ex.Diagnostics.ShouldHaveSingleItem();
        diagnostic.Location.ShouldBe(At);
        diagnostic.Message.ShouldStartWith($"pointer '{pointer}' for param 'p': ");
        diagnostic.Message.ShouldContain(reason);
    }

    [Fact]
    public void Should_reject_a_param_without_value()
    {
        var ex = Should.Throw<NuleculeException>(() =>
            PointerSubstitution.Apply(new JsonObject { ["a"] = 1 }, Pointers(("ghost", ["/a"])), Ctx(), At));

        ex.Message.ShouldStartWith("Nulecule:12:7: error: param 'ghost' of the pointer form has no value");
    }

    [Fact]
    public void Should_apply_to_whichever_document_holds_the_location()
    {
        var docs = new List<JsonNode> { JsonNode.Parse("""{"kind":"Pod","spec":{"image":"x"}}""")!, JsonNode.Parse("""{"kind":"Service"}""")! };

        PointerSubstitution.Apply(docs, Pointers(("image", ["/spec/image"])), Ctx(("image", Str("redis"))), At);

        docs[0].ToJsonString().ShouldBe("""{"kind":"Pod","spec":{"image":"redis"}}""");
        docs[1].ToJsonString().ShouldBe("""{"kind":"Service"}""");
    }
}
