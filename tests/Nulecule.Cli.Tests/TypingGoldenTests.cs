namespace Nulecule.Cli.Tests;

/// <summary>
/// Values given as text take their param's type, whatever they look like: `0123`, `0x1F`, `007`,
/// `true` and `80` reach a string param as those exact strings and an integer param as integers,
/// from the answers file, the command line and the environment alike (Typing/expected.yaml).
/// </summary>
public class TypingGoldenTests
{
    private static readonly string Dir = Repo.Path("tests", "Nulecule.Cli.Tests", "Typing");
    private static readonly string App = Path.Combine(Dir, "app");

    private static readonly (string Name, string Text)[] Answers =
    [
        ("s_octal", "0123"), ("s_hex", "0x1F"), ("s_zeros", "007"), ("s_bool", "true"), ("s_int", "80"),
        ("i_octal", "0123"), ("i_hex", "0x1F"), ("i_zeros", "007"), ("i_int", "80"), ("b_true", "true"),
    ];

    [Fact]
    public async Task Should_type_answers_file_values_by_their_param()
    {
        var result = await Cli.RunAsync("template", App, "-a", Path.Combine(Dir, "answers.conf"));

        result.ExitCode.ShouldBe(0, result.Stderr);
        await ShouldMatchGolden(result.Stdout);
    }

    [Fact]
    public async Task Should_type_set_values_by_their_param()
    {
        var args = new List<string> { "template", App };
        foreach (var (name, text) in Answers)
        {
            args.AddRange(["--set", $"web.{name}={text}"]);
        }

        var result = await Cli.RunAsync(args);

        result.ExitCode.ShouldBe(0, result.Stderr);
        await ShouldMatchGolden(result.Stdout);
    }

    [Fact]
    public async Task Should_type_environment_values_by_their_param()
    {
        var env = Answers.ToDictionary(a => $"NULECULE_PARAM_web__{a.Name}", a => a.Text);
        env["NO_COLOR"] = "1";

        var result = await Cli.RunAsync(["template", App], env);

        result.ExitCode.ShouldBe(0, result.Stderr);
        await ShouldMatchGolden(result.Stdout);
    }

    [Fact]
    public async Task Should_refuse_a_value_that_is_not_of_its_params_type_at_its_location()
    {
        // Given: `true` for an integer param
        var answers = Path.Combine(Path.GetTempPath(), $"typing-{Guid.NewGuid():N}.conf");
        await File.WriteAllTextAsync(answers, (await File.ReadAllTextAsync(Path.Combine(Dir, "answers.conf"))).Replace("i_int = 80", "i_int = true", StringComparison.Ordinal));
        try
        {
            // When
            var result = await Cli.RunAsync("template", App, "-a", answers);

            // Then
            result.ExitCode.ShouldBe(2);
            result.Stderr.ShouldContain($"{answers}:10:1: error: [web] i_int = 'true' from {answers}:10:1 is not an integer, the type of its default 1");
        }
        finally
        {
            File.Delete(answers);
        }
    }

    private static async Task ShouldMatchGolden(string stdout)
    {
        var body = stdout.Replace(Nulecule.Spec.NuleculeLoader.DisplayPath(App), "{app}", StringComparison.Ordinal);
        var expectedFile = Path.Combine(Dir, "expected.yaml");
        if (Environment.GetEnvironmentVariable("NULECULE_UPDATE_GOLDEN") == "1")
        {
            await File.WriteAllTextAsync(expectedFile, body);
        }

        body.ShouldBe(await File.ReadAllTextAsync(expectedFile));
    }
}
