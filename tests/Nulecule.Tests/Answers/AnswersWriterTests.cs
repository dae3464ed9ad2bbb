using Nulecule.Answers;
using Nulecule.Spec;
using static Nulecule.Tests.Answers.TestApps;

namespace Nulecule.Tests.Answers;

public class AnswersWriterTests
{
    [Fact]
    public void Should_write_a_sample_ini_with_every_param_defaults_descriptions_and_empty_required()
    {
        // When
        var text = AnswersWriter.Write(AnswersWriter.Sample(Wordpress()), AnswersFormat.Ini);

        // Then
        text.ShouldBe("""
            [general]

            # The provider (docker, kubernetes)
            provider = kubernetes

            # The namespace to deploy to; empty: the namespace of the kubeconfig context
            namespace =

            # the region
            region = eu

            [db]

            # the db_user
            db_user = admin

            [db:mariadb]

            # the image
            image = mariadb

            # the db_pass. Hidden (a secret)
            db_pass =

            [web]

            # the image
            image = wordpress

            # web port. Allowed: a port number
            port = 8080

            # the db_pass. Hidden (a secret); empty: the default
            db_pass =

            """.Replace("\r\n", "\n", StringComparison.Ordinal), StringCompareShould.IgnoreLineEndings);
    }

    [Fact]
    public void Should_take_the_first_provider_when_the_app_has_no_provider_param()
    {
        var root = Root(App("a", [], Local("web", P("x"))));

        var sample = AnswersWriter.Sample(root);

        sample.Section("general")!.Find("provider")!.Value.ShouldBe(S("docker"));
        sample.Section("web")!.Find("x")!.Value.ShouldBeNull();
    }

    public static TheoryData<AnswersFormat> Formats() => new() { AnswersFormat.Ini, AnswersFormat.Json, AnswersFormat.Yaml };

    [Theory]
    [MemberData(nameof(Formats))]
    public void Should_round_trip_values_and_their_types(AnswersFormat format)
    {
        // Given: values that a careless writer would turn into other types or values
        var original = new AnswersFile(
        [
            new AnswerSection("general", [new AnswerEntry("provider", S("docker"))]),
            new AnswerSection("db:mariadb",
            [
                new AnswerEntry("port", I(80)),
                new AnswerEntry("quoted_port", S("80")),
                new AnswerEntry("ratio", new Scalar("1.5", ScalarKind.Float)),
                new AnswerEntry("enabled", new Scalar("false", ScalarKind.Boolean)),
                new AnswerEntry("zero", I(0)),
                new AnswerEntry("empty", S("")),
                new AnswerEntry("unset", null),
                new AnswerEntry("none_text", S("None")),
                new AnswerEntry("true_text", S("true")),
                new AnswerEntry("hash", S("a#b;c")),
                new AnswerEntry("colon", S("a: b")),
                new AnswerEntry("spaces", S(" padded ")),
                new AnswerEntry("quotes", S("\"x\"")),
                new AnswerEntry("unicode", S("héllo wörld")),
            ], Comment: "a section comment"),
        ]);

        // When
        var text = AnswersWriter.Write(original, format);
        var back = AnswersFile.Parse(text, "answers", format);

        // Then
        back.Sections.Select(s => s.Name).ShouldBe(["general", "db:mariadb"]);
        foreach (var section in original.Sections)
        {
            back.Section(section.Name)!.Entries.Select(e => (e.Key, e.Value))
                .ShouldBe(section.Entries.Select(e => (e.Key, e.Value)), $"written as:\n{text}");
        }

        AnswersFile.Sniff(text).ShouldBe(format);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Should_round_trip_a_sample_to_the_same_resolved_values(AnswersFormat format)
    {
        // Given
        var root = Wordpress();
        var text = AnswersWriter.Write(AnswersWriter.Sample(root), format);

        // When: the sample is read back, with the one required value supplied
        var values = ParamResolver.Resolve(root, new AnswerSources
        {
            File = AnswersFile.Parse(text, "answers", format),
            Overrides = [SetOverride.Parse("db:mariadb.db_pass=pw")],
        }, out var warnings);

        // Then
        warnings.ShouldBeEmpty();
        values.Params.Single(p => p.Scope == "web" && p.Name == "port").Value.ShouldBe(I(8080));
        values.Params.Single(p => p.Scope == "web" && p.Name == "db_pass").Value.ShouldBe(S("changeme"));
        values.General.ContainsKey("namespace").ShouldBeFalse();
        values.General["provider"].ShouldBe("kubernetes");
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Should_never_write_a_hidden_value(AnswersFormat format)
    {
        // Given
        var values = ParamResolver.Resolve(Wordpress(), new AnswerSources
        {
            Overrides = [SetOverride.Parse("db:mariadb.db_pass=topsecret"), SetOverride.Parse("web.db_pass=alsosecret"), SetOverride.Parse("web.port=81")],
            Settings = new Dictionary<string, string?> { ["provider-auth"] = "tokentoken", ["namespace"] = "prod" },
        });

        // When
        var text = AnswersWriter.Write(AnswersWriter.FromResolved(values), format);

        // Then
        text.ShouldNotContain("topsecret");
        text.ShouldNotContain("alsosecret");
        text.ShouldNotContain("tokentoken");
        var back = AnswersFile.Parse(text, "answers", format);
        back.Section("db:mariadb")!.Find("db_pass")!.Value.ShouldBeNull();
        back.Section("web")!.Find("port")!.Value.ShouldBe(I(81));
        back.Section("general")!.Find("namespace")!.Value.ShouldBe(S("prod"));
        back.Section("general")!.Find("provider-auth")!.Value.ShouldBeNull();
    }

    [Fact]
    public void Should_say_in_ini_how_to_supply_a_hidden_value_again()
    {
        var values = ParamResolver.Resolve(Wordpress(), new AnswerSources { Overrides = [SetOverride.Parse("db:mariadb.db_pass=topsecret")] });

        var text = AnswersWriter.Write(AnswersWriter.FromResolved(values), AnswersFormat.Ini);

        text.ShouldContain("""

            # the db_pass. Hidden value, not written: supply it again (give it in the answers file as `[db:mariadb] db_pass = ...`, on the command line as `--set db:mariadb.db_pass=...`, or in the environment as NULECULE_PARAM_db__mariadb__db_pass)
            db_pass =
            """, Case.Sensitive);
    }

    [Fact]
    public void Should_write_comments_in_yaml()
    {
        var text = AnswersWriter.Write(AnswersWriter.Sample(Wordpress()), AnswersFormat.Yaml);

        text.ShouldContain("web:\n  # the image\n  image: wordpress\n  # web port. Allowed: a port number\n  port: 8080\n", Case.Sensitive);
        text.ShouldContain("  db_pass: null\n", Case.Sensitive);
    }

    [Fact]
    public void Should_refuse_a_multi_line_value_in_ini()
    {
        var answers = new AnswersFile([new AnswerSection("web", [new AnswerEntry("cert", S("a\nb"))])]);

        var error = Should.Throw<NuleculeException>(() => AnswersWriter.Write(answers, AnswersFormat.Ini));

        error.Diagnostics.ShouldHaveSingleItem().Message.ShouldBe("the value of [web] cert spans several lines, which INI cannot hold");
        AnswersFile.Parse(AnswersWriter.Write(answers, AnswersFormat.Yaml), "a", AnswersFormat.Yaml).Section("web")!.Find("cert")!.Value.ShouldBe(S("a\nb"));
    }

    [Fact]
    public void Should_write_a_file_in_the_format_of_its_extension()
    {
        var dir = Directory.CreateTempSubdirectory("answers-");
        try
        {
            var path = Path.Combine(dir.FullName, "answers.json");
            AnswersWriter.WriteFile(AnswersWriter.Sample(Wordpress()), path);

            var back = AnswersFile.Load(path);

            back.Format.ShouldBe(AnswersFormat.Json);
            back.Section("web")!.Find("port")!.Value.ShouldBe(I(8080));
            dir.GetFiles().Select(f => f.Name).ShouldBe(["answers.json"]);
        }
        finally
        {
            dir.Delete(true);
        }
    }
}
