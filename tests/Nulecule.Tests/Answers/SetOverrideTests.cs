using Nulecule.Answers;
using Nulecule.Spec;

namespace Nulecule.Tests.Answers;

public class SetOverrideTests
{
    [Theory]
    [InlineData("db_pass=secret", "general", "db_pass", "secret", ScalarKind.String)]
    [InlineData("web.port=8080", "web", "port", "8080", ScalarKind.Integer)]
    [InlineData("wordpress:db.user=admin", "wordpress:db", "user", "admin", ScalarKind.String)]
    [InlineData("my-app.v1.debug=true", "my-app.v1", "debug", "true", ScalarKind.Boolean)]
    [InlineData("web.url=http://x/?a=b", "web", "url", "http://x/?a=b", ScalarKind.String)]
    [InlineData("web.count=0", "web", "count", "0", ScalarKind.Integer)]
    [InlineData("web.name=\"\"", "web", "name", "", ScalarKind.String)]
    [InlineData("web.port='80'", "web", "port", "80", ScalarKind.String)]
    [InlineData("provider-config=/etc/kube", "general", "provider-config", "/etc/kube", ScalarKind.String)]
    [InlineData("_x1=a", "general", "_x1", "a", ScalarKind.String)]
    public void Should_parse_scope_name_and_typed_value(string text, string scope, string name, string value, ScalarKind kind)
    {
        var set = SetOverride.Parse(text);

        set.ShouldBe(new SetOverride(scope, name, new Scalar(value, kind)));
    }

    [Theory]
    [InlineData("web.port=")]
    [InlineData("web.port=None")]
    public void Should_read_an_empty_or_none_value_as_no_value(string text)
    {
        SetOverride.Parse(text).Value.ShouldBeNull();
    }

    [Theory]
    [InlineData("web.port", "--set 'web.port': there is no '='")]
    [InlineData("=5", "--set '=...': the param name is missing")]
    [InlineData("web.=5", "--set 'web.=...': the param name is missing")]
    [InlineData("web.1port=5", "--set 'web.1port=...': '1port' is not a param name (letters, digits and _, not starting with a digit)")]
    [InlineData("db-pass=hunter2", "--set 'db-pass=...': 'db-pass' is not a param name (letters, digits and _, not starting with a digit)")]
    [InlineData(".port=5", "--set '.port=...': '' is not a scope (a component name, or parent:child)")]
    [InlineData("a::b.port=5", "--set 'a::b.port=...': 'a::b' is not a scope (a component name, or parent:child)")]
    [InlineData("web.provider-config=x", "--set 'web.provider-config=...': 'provider-config' is not a param name (letters, digits and _, not starting with a digit)")]
    public void Should_reject_a_bad_form_naming_it_and_the_expected_form(string text, string message)
    {
        var error = Should.Throw<NuleculeException>(() => SetOverride.Parse(text));

        var diagnostic = error.Diagnostics.ShouldHaveSingleItem();
        diagnostic.Message.ShouldBe(message);
        diagnostic.Hint.ShouldBe("expected " + SetOverride.ExpectedForm);
    }

    [Fact]
    public void Should_never_show_the_value_of_a_bad_override()
    {
        var error = Should.Throw<NuleculeException>(() => SetOverride.Parse("db-pass=hunter2"));

        error.Message.ShouldNotContain("hunter2");
    }

    [Fact]
    public void Should_name_its_origin_without_the_value()
    {
        SetOverride.Parse("web.port=80").Origin.ShouldBe("--set web.port");
        SetOverride.Parse("port=80").Origin.ShouldBe("--set port");
    }

    [Theory]
    [InlineData("a=1,b=2", new[] { "a=1", "b=2" })]
    [InlineData("web.port=80, db.user=wp", new[] { "web.port=80", "db.user=wp" })]
    [InlineData("tags=a,b,c", new[] { "tags=a,b,c" })]
    [InlineData("tags=a,b=c", new[] { "tags=a", "b=c" })]
    [InlineData(@"tags=a\,b=c", new[] { "tags=a,b=c" })]
    [InlineData("url=http://x/?a=b,c", new[] { "url=http://x/?a=b,c" })]
    [InlineData("a=1,provider-config=/k", new[] { "a=1", "provider-config=/k" })]
    [InlineData("a=,b=", new[] { "a=", "b=" })]
    public void Should_split_a_list_only_where_a_new_assignment_starts(string text, string[] expected)
    {
        var sets = SetOverride.ParseList(text);

        sets.Select(s => s.Scope == AnswerSection.General ? $"{s.Name}={s.Value?.Text}" : $"{s.Scope}.{s.Name}={s.Value?.Text}")
            .ShouldBe(expected.Select(e => e.Replace(", ", ",", StringComparison.Ordinal).TrimStart()));
    }

    [Theory]
    [InlineData("x=None", "None")]
    [InlineData("x=0123", "0123")]
    [InlineData("x=\"quoted\"", "\"quoted\"")]
    [InlineData("x=", "")]
    [InlineData("x=true", "true")]
    public void Should_take_a_set_string_value_as_written(string text, string value)
    {
        var set = SetOverride.ParseList(text, SetKind.String).ShouldHaveSingleItem();

        set.Value.ShouldBe(Scalar.String(value));
        set.Origin.ShouldBe("--set-string x");
    }

    [Fact]
    public void Should_read_a_set_file_value_from_the_file()
    {
        // Given
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "-----BEGIN CERT-----\nabc\n");

            // When
            var set = SetOverride.ParseList($"web.cert={path}", SetKind.File).ShouldHaveSingleItem();

            // Then
            set.Value.ShouldBe(Scalar.String("-----BEGIN CERT-----\nabc\n"));
            set.Origin.ShouldBe("--set-file web.cert");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("/nonexistent/cert.pem", "no such file")]
    [InlineData("/dev/zero", "not a regular file")]
    [InlineData("/tmp", "not a regular file")]
    [InlineData("", "the file name is missing")]
    public void Should_refuse_a_set_file_that_is_no_readable_regular_file(string path, string why)
    {
        var error = Should.Throw<NuleculeException>(() => SetOverride.ParseList($"cert={path}", SetKind.File));

        var message = error.Diagnostics.ShouldHaveSingleItem().Message;
        message.ShouldStartWith("--set-file 'cert=");
        message.ShouldContain(why);
    }
}
