using Nulecule.Answers;
using Nulecule.Resolution;
using Nulecule.Spec;
using static Nulecule.Tests.Answers.TestApps;

namespace Nulecule.Tests.Answers;

public class ParamResolverTests
{
    // mariadb's db_pass is required; most tests are about something else and answer it here.
    private const string DbPass = "[db:mariadb]\ndb_pass = pw\n";

    private static ResolvedValues Resolve(AnswerSources sources, AppNode? root = null) =>
        ParamResolver.Resolve(root ?? Wordpress(), sources);

    private static ResolvedParam Param(ResolvedValues values, string scope, string name) =>
        values.Params.Single(p => p.Scope == scope && p.Name == name);

    public static TheoryData<bool, bool, bool, string, ValueOrigin> PrecedenceMatrix()
    {
        var data = new TheoryData<bool, bool, bool, string, ValueOrigin>();
        foreach (var cli in new[] { false, true })
        {
            foreach (var env in new[] { false, true })
            {
                foreach (var file in new[] { false, true })
                {
                    var (value, origin) = cli ? ("1", ValueOrigin.CommandLine)
                        : env ? ("2", ValueOrigin.Environment)
                        : file ? ("3", ValueOrigin.AnswersFile)
                        : ("8080", ValueOrigin.Default);
                    data.Add(cli, env, file, value, origin);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PrecedenceMatrix))]
    public void Should_take_command_line_then_environment_then_file_then_default(bool cli, bool env, bool file, string value, ValueOrigin origin)
    {
        // Given
        var sources = new AnswerSources
        {
            Overrides = cli ? [SetOverride.Parse("web.port=1")] : [],
            Environment = env ? new Dictionary<string, string> { ["NULECULE_PARAM_web__port"] = "2" } : new Dictionary<string, string>(),
            File = Ini(DbPass + (file ? "[web]\nport = 3\n" : "")),
        };

        // When
        var port = Param(Resolve(sources), "web", "port");

        // Then
        port.Value.ShouldBe(new Scalar(value, ScalarKind.Integer));
        port.Origin.ShouldBe(origin);
    }

    [Fact]
    public void Should_let_a_less_specific_scope_of_a_higher_source_beat_a_specific_scope_of_a_lower_one()
    {
        var sources = new AnswerSources
        {
            Overrides = [SetOverride.Parse("image=from-cli")],
            File = Ini(DbPass + "[web]\nimage = from-file\n"),
        };

        Param(Resolve(sources), "web", "image").Value.ShouldBe(S("from-cli"));
    }

    [Theory]
    [InlineData("[general]\nimage = g\n[db]\nimage = d\n[db:mariadb]\nimage = m\ndb_pass = pw\n", "m")]
    [InlineData("[general]\nimage = g\n[db]\nimage = d\n", "d")]
    [InlineData("[general]\nimage = g\n", "g")]
    [InlineData("[general]\nimage = g\n[db]\nimage = None\n[db:mariadb]\nimage =\ndb_pass = pw\n", "g")]
    [InlineData("", "mariadb")]
    public void Should_take_the_most_specific_scope_inside_one_source(string answers, string expected)
    {
        var values = Resolve(new AnswerSources { File = Ini(answers.Contains("db_pass", StringComparison.Ordinal) ? answers : DbPass + answers) });

        Param(values, "db:mariadb", "image").Value.ShouldBe(S(expected));
    }

    [Fact]
    public void Should_let_a_component_answer_beat_a_general_answer_and_a_global_default()
    {
        // Atomic App let the global default outrank the component's answer.
        var values = Resolve(new AnswerSources { File = Ini(DbPass + "[general]\nport = 1\n[web]\nport = 2\n") });

        Param(values, "web", "port").Value.ShouldBe(I(2));
    }

    [Theory]
    [InlineData("port = 0", "0", ScalarKind.Integer)]
    [InlineData("debug = false", "false", ScalarKind.Boolean)]
    [InlineData("image = \"\"", "", ScalarKind.String)]
    public void Should_take_zero_false_and_empty_string_as_real_answers(string line, string text, ScalarKind kind)
    {
        // Given
        var root = Root(App("a", [], Local("web", P("port", I(8080)), P("image", S("wordpress")), P("debug", new Scalar("true", ScalarKind.Boolean)))));
        var key = line.Split(' ')[0];

        // When
        var values = Resolve(new AnswerSources { File = Ini("[web]\n" + line + "\n") }, root);

        // Then
        var param = Param(values, "web", key);
        param.Value.ShouldBe(new Scalar(text, kind));
        param.Origin.ShouldBe(ValueOrigin.AnswersFile);
    }

    [Fact]
    public void Should_fall_through_an_unanswered_none_to_the_next_source()
    {
        var sources = new AnswerSources
        {
            Overrides = [SetOverride.Parse("web.image=None")],
            Environment = new Dictionary<string, string> { ["NULECULE_PARAM_web__image"] = "null" },
            File = Ini(DbPass + "[web]\nimage = from-file\n"),
        };

        Param(Resolve(sources), "web", "image").Value.ShouldBe(S("from-file"));
    }

    [Fact]
    public void Should_give_nested_globals_the_scope_of_the_nesting_component()
    {
        // Given
        var values = Resolve(new AnswerSources { File = Ini(DbPass + "[db]\ndb_user = root\n") });

        // Then
        var user = Param(values, "db", "db_user");
        user.Value.ShouldBe(S("root"));
        values.Params.Select(p => $"{p.Scope}.{p.Name}").ShouldBe(
        [
            "general.provider", "general.region", "db.db_user", "db:mariadb.image", "db:mariadb.db_pass",
            "web.image", "web.port", "web.db_pass",
        ]);
    }

    [Fact]
    public void Should_answer_a_nested_global_from_general_once_for_everybody()
    {
        var values = Resolve(new AnswerSources { File = Ini(DbPass + "[general]\ndb_user = shared\n") });

        Param(values, "db", "db_user").Value.ShouldBe(S("shared"));
    }

    [Fact]
    public void Should_build_each_component_context_from_general_globals_nested_globals_then_own()
    {
        // Given
        var file = Ini("[general]\nnamespace = prod\nextra = x\nimage = general-image\n[db:mariadb]\ndb_pass = pw\n");

        // When
        var values = Resolve(new AnswerSources { File = file });

        // Then
        var mariadb = values.ContextFor("db:mariadb");
        mariadb["namespace"].ShouldBe(S("prod"));
        mariadb["extra"].ShouldBe(S("x"));
        mariadb["region"].ShouldBe(S("eu"));
        mariadb["provider"].ShouldBe(S("kubernetes"));
        mariadb["db_user"].ShouldBe(S("admin"));
        mariadb["image"].ShouldBe(S("general-image"));
        mariadb["db_pass"].ShouldBe(S("pw"));
        var web = values.ContextFor("web");
        web.ContainsKey("db_user").ShouldBeFalse();
        web["db_pass"].ShouldBe(S("changeme"));
        web["port"].ShouldBe(I(8080));
    }

    [Fact]
    public void Should_let_a_component_param_win_over_a_global_of_the_same_name_in_its_context()
    {
        var root = Root(App("a", [P("image", S("global"))], Local("web", P("image", S("own")))));

        var values = Resolve(new AnswerSources(), root);

        values.ContextFor("web")["image"].ShouldBe(S("own"));
        values.ContextFor("general")["image"].ShouldBe(S("global"));
    }

    [Fact]
    public void Should_merge_params_declared_on_a_source_component_into_the_nested_globals()
    {
        // Given: the parent overrides the nested app's default for db_user
        var db = App("db", [P("db_user", S("admin"))], Local("mariadb", P("image", S("mariadb"))));
        var root = Root(App("wp", [], Nested("db", P("db_user", S("wp")))), ("db", db));

        // When
        var values = Resolve(new AnswerSources(), root);

        // Then
        Param(values, "db", "db_user").Value.ShouldBe(S("wp"));
        values.Params.Count(p => p.Name == "db_user").ShouldBe(1);
    }

    [Fact]
    public void Should_resolve_general_settings_with_the_same_precedence()
    {
        // Given
        var sources = new AnswerSources
        {
            Settings = new Dictionary<string, string?> { ["namespace"] = "from-flag", ["provider-api"] = null },
            Environment = new Dictionary<string, string> { ["NULECULE_PARAM_namespace"] = "from-env", ["NULECULE_PARAM_provider_api"] = "https://env" },
            File = Ini(DbPass + "[general]\nprovider = docker\nnamespace = from-file\nprovider-tlsverify = false\n"),
        };

        // When
        var values = Resolve(sources);

        // Then
        values.General["provider"].ShouldBe("docker");
        values.General["namespace"].ShouldBe("from-flag");
        values.General["provider-api"].ShouldBe("https://env");
        values.General["provider-tlsverify"].ShouldBe("false");
        values.General.ContainsKey("provider-config").ShouldBeFalse();
        Param(values, "general", "provider").Value.ShouldBe(S("docker"));
    }

    [Fact]
    public void Should_take_the_provider_from_the_root_param_default_when_nothing_sets_it()
    {
        Resolve(new AnswerSources { File = Ini(DbPass) }).GeneralValue("provider").ShouldBe("kubernetes");
    }

    [Fact]
    public void Should_let_a_provider_flag_outrank_set()
    {
        var sources = new AnswerSources
        {
            Overrides = [SetOverride.Parse("provider=openshift")],
            Settings = new Dictionary<string, string?> { ["provider"] = "docker" },
            File = Ini(DbPass),
        };

        Resolve(sources).General["provider"].ShouldBe("docker");
    }

    [Fact]
    public void Should_report_a_missing_required_value_naming_scope_param_description_and_how_to_supply_it()
    {
        var error = Should.Throw<NuleculeException>(() => Resolve(new AnswerSources()));

        var diagnostic = error.Diagnostics.ShouldHaveSingleItem();
        diagnostic.Message.ShouldBe("[db:mariadb] db_pass (the db_pass) has no value and no default");
        diagnostic.Hint.ShouldBe("give it in the answers file as `[db:mariadb] db_pass = ...`, on the command line as " +
            "`--set db:mariadb.db_pass=...`, or in the environment as NULECULE_PARAM_db__mariadb__db_pass");
    }

    [Fact]
    public void Should_check_constraints_of_a_file_value_at_its_location()
    {
        var error = Should.Throw<NuleculeException>(() => Resolve(new AnswerSources { File = Ini(DbPass + "[web]\nport = 123456\n") }));

        var diagnostic = error.Diagnostics.ShouldHaveSingleItem();
        diagnostic.Message.ShouldBe("[web] port = '123456' from answers.conf:4:1 does not satisfy \"a port number\" (pattern [0-9]{1,5})");
        diagnostic.Location.ShouldBe(new SourceLocation("answers.conf", 4, 1));
    }

    [Fact]
    public void Should_check_constraints_of_environment_and_command_line_values()
    {
        var fromEnv = Should.Throw<NuleculeException>(() => Resolve(new AnswerSources
        {
            File = Ini(DbPass),
            Environment = new Dictionary<string, string> { ["NULECULE_PARAM_web__port"] = "999999" },
        }));
        var fromCli = Should.Throw<NuleculeException>(() => Resolve(new AnswerSources
        {
            File = Ini(DbPass),
            Overrides = [SetOverride.Parse("web.port=123456")],
        }));

        fromEnv.Diagnostics.ShouldHaveSingleItem().Message
            .ShouldBe("[web] port = '999999' from environment variable NULECULE_PARAM_web__port does not satisfy \"a port number\" (pattern [0-9]{1,5})");
        fromCli.Diagnostics.ShouldHaveSingleItem().Message
            .ShouldBe("[web] port = '123456' from --set web.port does not satisfy \"a port number\" (pattern [0-9]{1,5})");
    }

    [Fact]
    public void Should_check_constraints_of_defaults()
    {
        var root = Root(App("a", [], Local("web", P("port", S("eighty"), "port", false, C("[0-9]+")))));

        var error = Should.Throw<NuleculeException>(() => Resolve(new AnswerSources(), root));

        error.Diagnostics.ShouldHaveSingleItem().Message
            .ShouldBe("[web] port = 'eighty' from the default at /apps/x/Nulecule:3:5 does not satisfy the pattern [0-9]+");
    }

    [Fact]
    public void Should_mask_a_hidden_value_in_a_constraint_error()
    {
        var root = Root(App("a", [], Local("web", P("password", null, "pw", true, C("[a-z]{8,}", "at least 8 letters")))));

        var error = Should.Throw<NuleculeException>(() => Resolve(new AnswerSources { Overrides = [SetOverride.Parse("web.password=hunter2")] }, root));

        error.Message.ShouldNotContain("hunter2");
        error.Diagnostics.ShouldHaveSingleItem().Message
            .ShouldBe("[web] password = ****** from --set web.password does not satisfy \"at least 8 letters\" (pattern [a-z]{8,})");
    }

    [Fact]
    public void Should_mask_hidden_values_in_display_and_masker()
    {
        var values = Resolve(new AnswerSources { File = Ini("[db:mariadb]\ndb_pass = topsecret\n") });

        var pass = Param(values, "db:mariadb", "db_pass");
        pass.Hidden.ShouldBeTrue();
        pass.Display.ShouldBe(SecretMasker.Stars);
        values.Masker.Mask("password is topsecret").ShouldBe("password is ******");
    }

    [Fact]
    public void Should_warn_about_an_unknown_section_at_its_location_with_a_suggestion_and_use_the_rest()
    {
        // Given: a stale section beside the values that answer every param
        var file = Ini(DbPass + "\n[wbe]\nport = 1\n");

        // When
        var values = ParamResolver.Resolve(Wordpress(), new AnswerSources { File = file }, out var warnings);

        // Then
        Param(values, "db:mariadb", "db_pass").Value.ShouldBe(S("pw"));
        Param(values, "web", "port").Value.ShouldBe(I(8080));
        var diagnostic = warnings.ShouldHaveSingleItem();
        diagnostic.Severity.ShouldBe(Severity.Warning);
        diagnostic.Message.ShouldBe("answers section [wbe] names no component of this app, so its values are ignored; did you mean 'web'?");
        diagnostic.Location.ShouldBe(new SourceLocation("answers.conf", 4, 1));
        diagnostic.Hint.ShouldBe("sections are [general], [db], [db:mariadb], [web]");
    }

    [Fact]
    public void Should_suggest_the_nested_scope_for_a_bare_nested_component_name()
    {
        ParamResolver.Resolve(Wordpress(), new AnswerSources { File = Ini(DbPass + "[mariadb]\nimage = x\n") }, out var warnings);

        warnings.ShouldHaveSingleItem().Message.ShouldEndWith("did you mean 'db:mariadb'?");
    }

    [Fact]
    public void Should_report_an_unknown_set_scope()
    {
        var error = Should.Throw<NuleculeException>(() => Resolve(new AnswerSources { File = Ini(DbPass), Overrides = [SetOverride.Parse("webb.port=1")] }));

        error.Diagnostics.ShouldHaveSingleItem().Message.ShouldBe("--set webb.port: 'webb' is no component of this app; did you mean 'web'?");
    }

    [Fact]
    public void Should_refuse_an_unknown_set_name_when_deploying_and_suggest_the_param()
    {
        var error = Should.Throw<NuleculeException>(() => Resolve(new AnswerSources
        {
            File = Ini(DbPass),
            Overrides = [SetOverride.Parse("web.prot=1")],
            UnknownOverrides = UnknownNames.Error,
        }));

        var diagnostic = error.Diagnostics.ShouldHaveSingleItem();
        diagnostic.Message.ShouldBe("--set web.prot: [web] prot matches no param of 'web'; did you mean 'port'?");
        diagnostic.Hint.ShouldNotBeNull().ShouldContain("--allow-unknown");
    }

    [Fact]
    public void Should_only_warn_about_an_unknown_set_name_by_default()
    {
        var values = ParamResolver.Resolve(Wordpress(), new AnswerSources { File = Ini(DbPass), Overrides = [SetOverride.Parse("web.prot=1")] }, out var warnings);

        values.ShouldNotBeNull();
        warnings.ShouldHaveSingleItem().Message.ShouldStartWith("--set web.prot: [web] prot matches no param");
    }

    [Fact]
    public void Should_warn_about_unknown_keys_in_known_sections()
    {
        // When
        ParamResolver.Resolve(Wordpress(), new AnswerSources { File = Ini(DbPass + "[web]\nprot = 1\n[general]\nfoo = 2\n") }, out var warnings);

        // Then
        warnings.Count.ShouldBe(2);
        warnings[0].Message.ShouldBe("[web] prot matches no param of 'web'; did you mean 'port'?");
        warnings[0].Location.ShouldBe(new SourceLocation("answers.conf", 4, 1));
        warnings[1].Message.ShouldBe("[general] foo matches no param or setting of this app (templates can still use it as $foo)");
        warnings.ShouldAllBe(w => w.Severity == Severity.Warning);
    }

    [Fact]
    public void Should_accept_in_a_section_the_params_of_the_scopes_below_it()
    {
        ParamResolver.Resolve(Wordpress(), new AnswerSources { File = Ini("[db]\ndb_pass = pw\nimage = x\n[general]\nport = 1\nnamespace = n\n") }, out var warnings);

        warnings.ShouldBeEmpty();
    }

    [Fact]
    public void Should_collect_every_error_before_throwing()
    {
        // Given: an unknown section (a warning), a value of the wrong type, a constraint broken, and a required value missing
        var file = Ini("[nope]\nx = 1\n[web]\nport = abc\n");
        var root = Wordpress();

        // When
        var error = Should.Throw<NuleculeException>(() => Resolve(new AnswerSources { File = file }, root));

        // Then
        error.Diagnostics.Where(d => d.IsError).Select(d => d.Message).ShouldBe(
        [
            "[db:mariadb] db_pass (the db_pass) has no value and no default",
            "[web] port = 'abc' from answers.conf:4:1 is not an integer, the type of its default 8080",
        ]);
        error.Diagnostics.Where(d => !d.IsError).Select(d => d.Message).ShouldContain(m => m.StartsWith("answers section [nope]", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_ask_the_prompt_hook_for_a_required_value_and_check_it()
    {
        // Given
        var asked = new List<PromptRequest>();
        var sources = new AnswerSources { Prompt = request => { asked.Add(request); return "typed"; } };

        // When
        var values = Resolve(sources);

        // Then
        var request = asked.ShouldHaveSingleItem();
        request.ShouldBe(new PromptRequest("db:mariadb", "db_pass", "the db_pass", true, []));
        var pass = Param(values, "db:mariadb", "db_pass");
        pass.Value.ShouldBe(S("typed"));
        pass.Origin.ShouldBe(ValueOrigin.CommandLine);
    }

    [Fact]
    public void Should_report_missing_when_the_prompt_gives_up_and_check_prompted_values()
    {
        var root = Root(App("a", [], Local("web", P("port", null, "port", false, C("[0-9]+")))));

        var gaveUp = Should.Throw<NuleculeException>(() => Resolve(new AnswerSources { Prompt = _ => null }, root));
        var badAnswer = Should.Throw<NuleculeException>(() => Resolve(new AnswerSources { Prompt = _ => "abc" }, root));

        gaveUp.Diagnostics.ShouldHaveSingleItem().Message.ShouldBe("[web] port (port) has no value and no default");
        badAnswer.Diagnostics.ShouldHaveSingleItem().Message.ShouldBe("[web] port = 'abc' from the prompt does not satisfy the pattern [0-9]+");
    }

    [Fact]
    public void Should_resolve_an_app_with_a_nested_component_whose_app_is_not_loaded()
    {
        var root = Root(App("a", [], Nested("db", P("db_user", S("u")))));

        var values = Resolve(new AnswerSources { File = Ini("[db]\ndb_user = v\n") }, root);

        Param(values, "db", "db_user").Value.ShouldBe(S("v"));
    }
}
