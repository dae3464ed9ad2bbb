namespace Nulecule.Cli.Tests;

/// <summary>
/// Every directory under BadInput/ is one invalid input. Its `args` file holds the command line
/// (default `validate {dir}`); its `expected` file the exit code (`exit N`) and the lines stderr
/// must contain, in order, with `{dir}` standing for the case directory as the command prints it.
/// Set NULECULE_UPDATE_GOLDEN=1 to rewrite `expected` from the current output (then read the diff).
/// </summary>
public class BadInputTests
{
    private static readonly string Root = Repo.Path("tests", "Nulecule.Cli.Tests", "BadInput");

    public static TheoryData<string> Cases() => new(Directory.EnumerateDirectories(Root).Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Should_reject_bad_input_with_a_located_message(string name)
    {
        // Given
        var dir = Path.Combine(Root, name);
        var display = Nulecule.Spec.NuleculeLoader.DisplayPath(dir);
        var argsFile = Path.Combine(dir, "args");
        var args = (File.Exists(argsFile) ? File.ReadAllText(argsFile).Trim() : "validate {dir}")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(a => a.Replace("{dir}", dir, StringComparison.Ordinal))
            .ToArray();

        // When
        var result = await Cli.RunAsync(args);

        // Then
        var actual = result.Stderr.Replace(display, "{dir}", StringComparison.Ordinal).Replace(dir, "{dir}", StringComparison.Ordinal);
        var expectedFile = Path.Combine(dir, "expected");
        if (Environment.GetEnvironmentVariable("NULECULE_UPDATE_GOLDEN") == "1")
        {
            var lines = actual.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains("error", StringComparison.Ordinal));
            File.WriteAllText(expectedFile, $"exit {result.ExitCode}\n" + string.Join("\n", lines) + "\n");
        }

        var expected = File.ReadAllLines(expectedFile);
        result.ExitCode.ShouldBe(int.Parse(expected[0]["exit ".Length..], System.Globalization.CultureInfo.InvariantCulture), actual);
        var position = 0;
        foreach (var line in expected.Skip(1).Where(l => l.Length > 0))
        {
            var found = actual.IndexOf(line, position, StringComparison.Ordinal);
            found.ShouldBeGreaterThanOrEqualTo(0, $"expected line not found (in order):\n  {line}\nin stderr:\n{actual}");
            position = found + line.Length;
        }

        expected.Length.ShouldBeGreaterThan(1, "every bad input names at least one error");
    }
}
