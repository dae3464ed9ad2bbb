using Nulecule.Answers;
using Nulecule.Spec;

namespace Nulecule.Tests.Answers;

public class AnswersFileTests
{
    private const string IniText = """
        # a comment
        [general]
        provider = docker
        ; another comment
        namespace=prod

        [web]
          port = 80
        enabled = false
        count = 0
        empty = ""
        unset =
        none = None
        pass = a#b;c
        quoted = "80"

        [db:mariadb]
        image = mariadb:10
        """;

    [Fact]
    public void Should_read_ini_sections_entries_and_types()
    {
        // When
        var answers = TestApps.Ini(IniText);

        // Then
        answers.Format.ShouldBe(AnswersFormat.Ini);
        answers.Sections.Select(s => s.Name).ShouldBe(["general", "web", "db:mariadb"]);
        var web = answers.Section("web")!;
        web.Find("port")!.Value.ShouldBe(new Scalar("80", ScalarKind.Integer));
        web.Find("enabled")!.Value.ShouldBe(new Scalar("false", ScalarKind.Boolean));
        web.Find("count")!.Value.ShouldBe(new Scalar("0", ScalarKind.Integer));
        web.Find("empty")!.Value.ShouldBe(Scalar.String(""));
        web.Find("unset")!.Value.ShouldBeNull();
        web.Find("none")!.Value.ShouldBeNull();
        web.Find("pass")!.Value.ShouldBe(Scalar.String("a#b;c"));
        web.Find("quoted")!.Value.ShouldBe(Scalar.String("80"));
        answers.Section("general")!.Find("namespace")!.Value.ShouldBe(Scalar.String("prod"));
        answers.Section("db:mariadb")!.Find("image")!.Value.ShouldBe(Scalar.String("mariadb:10"));
    }

    [Fact]
    public void Should_locate_every_ini_section_and_entry()
    {
        var answers = TestApps.Ini(IniText);

        answers.Section("general")!.Location.ShouldBe(new SourceLocation("answers.conf", 2, 1));
        answers.Section("general")!.Find("namespace")!.Location.ShouldBe(new SourceLocation("answers.conf", 5, 1));
        answers.Section("web")!.Find("port")!.Location.ShouldBe(new SourceLocation("answers.conf", 8, 3));
        answers.Section("db:mariadb")!.Find("image")!.Location.ShouldBe(new SourceLocation("answers.conf", 18, 1));
    }

    [Fact]
    public void Should_locate_ini_entries_with_crlf_line_ends()
    {
        var answers = TestApps.Ini("[general]\r\n\r\nprovider = docker\r\n");

        answers.Section("general")!.Find("provider")!.Location.ShouldBe(new SourceLocation("answers.conf", 3, 1));
        answers.Section("general")!.Find("provider")!.Value.ShouldBe(Scalar.String("docker"));
    }

    [Theory]
    [InlineData("[general]\nprovider docker\n", 2, "'provider docker' is neither a [section] nor a key = value line")]
    [InlineData("provider = docker\n", 1, "'provider' comes before any section")]
    [InlineData("[general]\n\na = 1\na = 2\n", 4, "'a' appears twice in section [general] (first at line 3)")]
    [InlineData("[web]\n[general]\n[web]\n", 3, "section [web] appears twice (first at line 1)")]
    [InlineData("[general\nx = 1\n", 1, "'[general' is not a valid section header")]
    [InlineData("[web]\n= 1\n", 2, "a key name is missing before '='")]
    public void Should_report_a_broken_ini_file_at_its_line(string text, int line, string message)
    {
        var error = Should.Throw<NuleculeException>(() => TestApps.Ini(text));

        var diagnostic = error.Diagnostics.ShouldHaveSingleItem();
        diagnostic.Message.ShouldBe(message);
        diagnostic.Location.ShouldBe(new SourceLocation("answers.conf", line, 1));
        diagnostic.Hint.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public void Should_read_json_with_types_and_locations()
    {
        var text = """
            {
              "general": {"provider": "docker"},
              "web": {
                "port": 80,
                "ratio": 1.5,
                "enabled": false,
                "name": "",
                "quoted": "80",
                "unset": null
              },
              "empty": null
            }
            """;

        var answers = AnswersFile.Parse(text, "a.json", AnswersFormat.Json);

        var web = answers.Section("web")!;
        web.Find("port")!.Value.ShouldBe(new Scalar("80", ScalarKind.Integer));
        web.Find("port")!.Location.ShouldBe(new SourceLocation("a.json", 4, 5));
        web.Find("ratio")!.Value.ShouldBe(new Scalar("1.5", ScalarKind.Float));
        web.Find("enabled")!.Value.ShouldBe(new Scalar("false", ScalarKind.Boolean));
        web.Find("name")!.Value.ShouldBe(Scalar.String(""));
        web.Find("quoted")!.Value.ShouldBe(Scalar.String("80"));
        web.Find("unset")!.Value.ShouldBeNull();
        answers.Section("general")!.Location.ShouldBe(new SourceLocation("a.json", 2, 3));
        answers.Section("general")!.Find("provider")!.Location.ShouldBe(new SourceLocation("a.json", 2, 15));
        answers.Section("empty")!.Entries.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("{\n  \"web\": {\"port\": 80,}\n}", 2, 22, "not valid JSON")]
    [InlineData("{\n  \"web\": {\"port\": [1, 2]}\n}", 2, 19, "the answer 'web.port' must be a single value, not an array or object")]
    [InlineData("{\n  \"web\": 3\n}", 2, 10, "section 'web' must be an object of \"key\": value")]
    [InlineData("{\"web\": {\"a\": 1,\n \"a\": 2}}", 2, 2, "'a' appears twice in section 'web' (first at line 1)")]
    [InlineData("[1]", 1, 1, "an answers file must be a JSON object of sections")]
    public void Should_report_a_broken_json_file_at_its_line_and_column(string text, int line, int column, string message)
    {
        var error = Should.Throw<NuleculeException>(() => AnswersFile.Parse(text, "a.json", AnswersFormat.Json));

        var diagnostic = error.Diagnostics.ShouldHaveSingleItem();
        diagnostic.Message.ShouldStartWith(message);
        diagnostic.Location.ShouldBe(new SourceLocation("a.json", line, column));
    }

    [Fact]
    public void Should_read_yaml_with_types_and_locations()
    {
        var text = """
            general:
              provider: docker
            web:
              port: 80
              enabled: false
              empty: ""
              quoted: '80'
              unset:
              none: None
            db:mariadb:
              image: mariadb
            nothing:
            """;

        var answers = AnswersFile.Parse(text, "a.yaml", AnswersFormat.Yaml);

        var web = answers.Section("web")!;
        web.Find("port")!.Value.ShouldBe(new Scalar("80", ScalarKind.Integer));
        web.Find("port")!.Location.ShouldBe(new SourceLocation("a.yaml", 4, 3));
        web.Find("enabled")!.Value.ShouldBe(new Scalar("false", ScalarKind.Boolean));
        web.Find("empty")!.Value.ShouldBe(Scalar.String(""));
        web.Find("quoted")!.Value.ShouldBe(Scalar.String("80"));
        web.Find("unset")!.Value.ShouldBeNull();
        web.Find("none")!.Value.ShouldBeNull();
        answers.Section("db:mariadb")!.Location.ShouldBe(new SourceLocation("a.yaml", 10, 1));
        answers.Section("nothing")!.Entries.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("web:\n  port: [1, 2]\n", 2, 9, "the answer 'web.port' must be a single value, not a list or mapping")]
    [InlineData("web: 3\n", 1, 6, "section 'web' must be a mapping of key: value")]
    [InlineData("- a\n- b\n", 1, 1, "an answers file must be a mapping of sections (general:, component:)")]
    [InlineData("web:\n  a: 1\n  a: 2\n", 3, 3, "'a' appears twice in section 'web' (first at line 2)")]
    [InlineData("web:\n  a: 1\nweb:\n  b: 2\n", 3, 1, "section 'web' appears twice (first at line 1)")]
    [InlineData("web:\n  a: 'open\n", 2, 6, "not valid YAML")]
    [InlineData("web:\n  a: 1\n---\nx:\n  b: 2\n", 3, 1, "an answers file holds one YAML document")]
    public void Should_report_a_broken_yaml_file_at_its_line_and_column(string text, int line, int column, string message)
    {
        var error = Should.Throw<NuleculeException>(() => AnswersFile.Parse(text, "a.yaml", AnswersFormat.Yaml));

        var diagnostic = error.Diagnostics.ShouldHaveSingleItem();
        diagnostic.Message.ShouldStartWith(message);
        diagnostic.Location.ShouldBe(new SourceLocation("a.yaml", line, column));
    }

    [Fact]
    public void Should_read_an_empty_file_as_no_answers()
    {
        AnswersFile.Parse("", "a.yaml", AnswersFormat.Yaml).Sections.ShouldBeEmpty();
        AnswersFile.Parse("# nothing\n", "a.yaml", AnswersFormat.Yaml).Sections.ShouldBeEmpty();
        AnswersFile.Parse("", "a.json", AnswersFormat.Json).Sections.ShouldBeEmpty();
        TestApps.Ini("# nothing\n").Sections.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("{\"general\": {}}", AnswersFormat.Json)]
    [InlineData("# comment\n[general]\nprovider = docker\n", AnswersFormat.Ini)]
    [InlineData("general:\n  provider: docker\n", AnswersFormat.Yaml)]
    [InlineData("---\ngeneral: {provider: docker}\n", AnswersFormat.Yaml)]
    public void Should_sniff_the_format_from_content(string text, AnswersFormat format)
    {
        AnswersFile.Sniff(text).ShouldBe(format);
        AnswersFile.Parse(text, "answers").Format.ShouldBe(format);
    }

    [Theory]
    [InlineData("answers.conf", AnswersFormat.Ini)]
    [InlineData("answers.INI", AnswersFormat.Ini)]
    [InlineData("answers.cfg", AnswersFormat.Ini)]
    [InlineData("answers.json", AnswersFormat.Json)]
    [InlineData("answers.yml", AnswersFormat.Yaml)]
    [InlineData("answers.yaml", AnswersFormat.Yaml)]
    public void Should_take_the_format_from_the_extension(string name, AnswersFormat format)
    {
        AnswersFile.FormatOfPath(name).ShouldBe(format);
    }

    [Fact]
    public void Should_load_a_file_by_extension_and_sniff_one_without()
    {
        // Given
        var dir = Directory.CreateTempSubdirectory("answers-");
        try
        {
            var json = Path.Combine(dir.FullName, "a.json");
            File.WriteAllText(json, "{\"general\": {\"provider\": \"docker\"}}");
            var bare = Path.Combine(dir.FullName, "answers");
            File.WriteAllText(bare, "[general]\nprovider = docker\n");

            // When
            var fromJson = AnswersFile.Load(json);
            var fromBare = AnswersFile.Load(bare);

            // Then
            fromJson.Format.ShouldBe(AnswersFormat.Json);
            fromJson.Path.ShouldBe(json);
            fromBare.Format.ShouldBe(AnswersFormat.Ini);
            fromBare.Section("general")!.Find("provider")!.Location.ShouldBe(new SourceLocation(bare, 2, 1));
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void Should_report_a_missing_file_as_invalid_input()
    {
        var error = Should.Throw<NuleculeException>(() => AnswersFile.Load("/nonexistent/answers.conf"));

        error.Message.ShouldStartWith("/nonexistent/answers.conf: error: cannot read the answers file");
    }
}
