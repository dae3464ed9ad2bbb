using Nulecule.Answers;
using Nulecule.Spec;
using static Nulecule.Tests.Answers.TestApps;

namespace Nulecule.Tests.Answers;

public class EnvironmentAnswersTests
{
    // The wordpress tree's mariadb needs a db_pass; the tests give it unless they set it themselves.
    private static ResolvedValues Resolve(Dictionary<string, string> environment, out IReadOnlyList<Diagnostic> warnings, Nulecule.Resolution.AppNode? root = null)
    {
        if (root is null)
        {
            environment.TryAdd("NULECULE_PARAM_db__mariadb__db_pass", "pw");
        }

        return ParamResolver.Resolve(root ?? Wordpress(), new AnswerSources { Environment = environment }, out warnings);
    }

    private static Scalar? ValueOf(ResolvedValues values, string scope, string name) =>
        values.Params.Single(p => p.Scope == scope && p.Name == name).Value;

    [Theory]
    [InlineData("general", "region", "NULECULE_PARAM_region")]
    [InlineData("web", "port", "NULECULE_PARAM_web__port")]
    [InlineData("db:mariadb", "db_pass", "NULECULE_PARAM_db__mariadb__db_pass")]
    [InlineData("my-app.v1:x", "y", "NULECULE_PARAM_my_app_v1__x__y")]
    public void Should_name_the_variable_of_a_scope_and_param(string scope, string name, string variable)
    {
        EnvironmentAnswers.VariableFor(scope, name).ShouldBe(variable);
    }

    [Fact]
    public void Should_answer_general_component_and_nested_scopes()
    {
        // Given
        var environment = new Dictionary<string, string>
        {
            ["NULECULE_PARAM_region"] = "us",
            ["NULECULE_PARAM_web__port"] = "9090",
            ["NULECULE_PARAM_db__mariadb__db_pass"] = "s3cret",
            ["HOME"] = "/root",
        };

        // When
        var values = Resolve(environment, out var warnings);

        // Then
        ValueOf(values, "general", "region").ShouldBe(S("us"));
        ValueOf(values, "web", "port").ShouldBe(I(9090));
        ValueOf(values, "db:mariadb", "db_pass").ShouldBe(S("s3cret"));
        var origin = values.Params.Single(p => p.Scope == "web" && p.Name == "port");
        origin.Origin.ShouldBe(ValueOrigin.Environment);
        origin.OriginText.ShouldBe("environment NULECULE_PARAM_web__port");
        warnings.ShouldBeEmpty();
    }

    [Fact]
    public void Should_match_scopes_case_insensitively_with_dash_and_underscore_equal()
    {
        // Given a component named with a dash
        var root = Root(App("a", [], Local("my-web", P("port", I(1)))));
        var environment = new Dictionary<string, string> { ["NULECULE_PARAM_MY_WEB__port"] = "2" };

        // When
        var values = Resolve(environment, out _, root);

        // Then
        ValueOf(values, "my-web", "port").ShouldBe(I(2));
    }

    [Fact]
    public void Should_match_param_names_case_insensitively_when_unambiguous()
    {
        var environment = new Dictionary<string, string> { ["NULECULE_PARAM_WEB__PORT"] = "7" };

        var values = Resolve(environment, out var warnings);

        ValueOf(values, "web", "port").ShouldBe(I(7));
        warnings.ShouldBeEmpty();
    }

    [Fact]
    public void Should_answer_general_settings_from_the_environment()
    {
        var environment = new Dictionary<string, string>
        {
            ["NULECULE_PARAM_PROVIDER_CONFIG"] = "/etc/kube/config",
            ["NULECULE_PARAM_namespace"] = "prod",
        };

        var values = Resolve(environment, out _);

        values.General["provider-config"].ShouldBe("/etc/kube/config");
        values.General["namespace"].ShouldBe("prod");
    }

    [Fact]
    public void Should_apply_a_general_variable_to_every_scope_with_the_param()
    {
        var environment = new Dictionary<string, string> { ["NULECULE_PARAM_image"] = "custom" };

        var values = Resolve(environment, out _);

        ValueOf(values, "web", "image").ShouldBe(S("custom"));
        ValueOf(values, "db:mariadb", "image").ShouldBe(S("custom"));
    }

    [Fact]
    public void Should_warn_about_a_variable_that_names_no_param()
    {
        var environment = new Dictionary<string, string> { ["NULECULE_PARAM_web__prot"] = "1" };

        Resolve(environment, out var warnings);

        warnings.ShouldHaveSingleItem().Message
            .ShouldBe("environment variable NULECULE_PARAM_web__prot: [web] prot matches no param of 'web'; did you mean 'port'?");
    }

    [Fact]
    public void Should_treat_an_empty_variable_as_no_answer()
    {
        var environment = new Dictionary<string, string> { ["NULECULE_PARAM_web__port"] = "" };

        var values = Resolve(environment, out _);

        values.Params.Single(p => p.Scope == "web" && p.Name == "port").Origin.ShouldBe(ValueOrigin.Default);
    }
}
