using Nulecule.Templating;
using static Nulecule.Tests.Templating.Values;

namespace Nulecule.Tests.Templating;

public class DockerRunParserTests
{
    private static IReadOnlyList<string> Args(string text, IReadOnlyDictionary<string, Nulecule.Spec.Scalar>? context = null) =>
        DockerRunParser.Parse("run", text, context ?? Ctx()).Commands.ShouldHaveSingleItem().Arguments;

    [Fact]
    public void Should_split_words_like_a_shell()
    {
        Args("docker run -d  --name 'a b' \"c \\\"d\\\" \\\\ \\x\" e\\ f g'h'\"i\" '' $image\n", Ctx(("image", Str("nginx"))))
            .ShouldBe(["-d", "--name", "a b", "c \"d\" \\ \\x", "e f", "ghi", "", "nginx"]);
    }

    [Fact]
    public void Should_keep_a_value_with_spaces_and_quotes_one_argument()
    {
        Args("docker run -e PASS=$pass $image", Ctx(("pass", Str("a b'\"; rm -rf /")), ("image", Str("x"))))
            .ShouldBe(["-e", "PASS=a b'\"; rm -rf /", "x"]);
    }

    [CorpusFact]
    public void Should_substitute_inside_single_quotes_like_atomic_app()
    {
        var text = File.ReadAllText(Corpus.File("mariadb-fedora-atomicapp/artifacts/docker/mariadb-app-pod_run"));
        var context = Ctx(("db_user", Str("u")), ("db_pass", Str("p w")), ("db_name", Str("n")), ("image", Str("mariadb")));

        var command = DockerRunParser.Parse("mariadb-app-pod_run", text, context).Commands.ShouldHaveSingleItem();

        command.Arguments.ShouldBe(["-d", "--name", "mariadb-app", "-p", "3306:3306", "-e", "USER=u", "-e", "PASS=p w", "-e", "NAME=n", "mariadb"]);
        command.Location.ShouldBe(new SourceLocation("mariadb-app-pod_run", 1, 1));
    }

    [Fact]
    public void Should_leave_escaped_and_unknown_dollars_alone()
    {
        var result = DockerRunParser.Parse("run", "docker run \\$x \"\\$x\" $$x $x $HOME img", Ctx(("x", Str("V"))));

        result.Commands.ShouldHaveSingleItem().Arguments.ShouldBe(["$x", "$x", "$x", "V", "$HOME", "img"]);
        result.Used.ShouldBe(["x"]);
        result.Unresolved.ShouldBe(["HOME"]);
    }

    [Fact]
    public void Should_read_several_commands_continuations_and_comments()
    {
        var text = "# start both\n\ndocker run -d \\\n  --name a img1\n  # indented comment\ndocker container run img2 # trailing comment\n";

        var commands = DockerRunParser.Parse("run", text, Ctx()).Commands;

        commands.Select(c => string.Join('|', c.Arguments)).ShouldBe(["-d|--name|a|img1", "img2"]);
        commands.Select(c => (c.Location.Line, c.Location.Column)).ShouldBe([(3, 1), (6, 1)]);
    }

    [Theory]
    [InlineData("docker run img | tee", "|", 1, 16)]
    [InlineData("docker run img; rm x", ";", 1, 15)]
    [InlineData("docker run img && x", "&", 1, 16)]
    [InlineData("docker run -e X=$(id) img", "$(", 1, 17)]
    [InlineData("docker run -e \"X=$(id)\" img", "$(", 1, 18)]
    [InlineData("docker run -e X=`id` img", "`", 1, 17)]
    [InlineData("docker run img > out", ">", 1, 16)]
    [InlineData("docker run \\\n  img < in", "<", 2, 7)]
    public void Should_reject_shell_operators_with_their_position(string text, string op, int line, int column)
    {
        var ex = Should.Throw<NuleculeException>(() => DockerRunParser.Parse("run", text, Ctx()));

        var diagnostic = ex.Diagnostics.ShouldHaveSingleItem();
        diagnostic.Message.ShouldBe($"shell syntax '{op}' in a docker artifact: it is never run through a shell");
        diagnostic.Location.ShouldBe(new SourceLocation("run", line, column));
    }

    [Fact]
    public void Should_allow_operators_inside_quotes()
    {
        Args("docker run img sh -c 'a | b; c && d > e'").ShouldBe(["img", "sh", "-c", "a | b; c && d > e"]);
    }

    [Theory]
    [InlineData("\n  podman run img", "a docker artifact holds `docker run ...` commands; this one starts with 'podman run'", 2, 3)]
    [InlineData("docker run", "`docker run` without an image", 1, 1)]
    [InlineData("docker run 'img", "unterminated single quote", 1, 12)]
    [InlineData("docker run \"img", "unterminated double quote", 1, 12)]
    public void Should_reject_what_is_not_a_docker_run_command(string text, string message, int line, int column)
    {
        var diagnostic = Should.Throw<NuleculeException>(() => DockerRunParser.Parse("run", text, Ctx())).Diagnostics.ShouldHaveSingleItem();

        diagnostic.Message.ShouldBe(message);
        diagnostic.Location.ShouldBe(new SourceLocation("run", line, column));
    }

    [Fact]
    public void Should_format_commands_with_shell_quoting()
    {
        var commands = DockerRunParser.Parse("run", "docker run -e 'A=b c' -e \"Q=it's\" img ''", Ctx()).Commands;

        DockerRunParser.Format(commands).ShouldBe("docker run -e 'A=b c' -e 'Q=it'\\''s' img ''\n");
    }

    [CorpusFact]
    public void Should_parse_every_docker_artifact_of_the_corpus()
    {
        var files = Corpus.Artifacts("docker").ToList();
        files.Count.ShouldBeGreaterThan(15);
        foreach (var file in files)
        {
            var result = DockerRunParser.Parse(file, File.ReadAllText(file), Ctx());
            result.Commands.ShouldHaveSingleItem(file).Arguments.ShouldNotBeEmpty();
        }
    }
}
