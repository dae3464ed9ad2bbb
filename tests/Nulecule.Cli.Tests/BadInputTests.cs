namespace Nulecule.Cli.Tests;

/// <summary>
/// Every directory under BadInput/ is one invalid input. Its `args` file holds the command line
/// (default `validate {dir}`); its `expected` file the exit code (`exit N`) and the lines stderr
/// must contain, in order, with `{dir}` standing for the case directory as the command prints it.
/// Set NULECULE_UPDATE_GOLDEN=1 to rewrite `expected` from the current output (then read the diff).
/// An optional `setup` file makes what git cannot hold, one per line: `fifo PATH` (a named pipe)
/// and `sparse PATH BYTES` (a large file that takes no disk); they are ignored by git.
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

        Setup(dir);

        // When
        var run = Cli.RunAsync(args);
        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(60)));
        finished.ShouldBe(run, "the command hung on hostile input (60 s)");
        var result = await run;

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
        actual.ShouldNotContain("   at ", Case.Sensitive, "no stack trace, ever");
        actual.ShouldNotContain("Exception", Case.Sensitive, "no exception type names in messages");
    }

    [Fact]
    public void Should_hold_at_least_120_cases() => Directory.EnumerateDirectories(Root).Count().ShouldBeGreaterThanOrEqualTo(120);

    private static void Setup(string dir)
    {
        var file = Path.Combine(dir, "setup");
        if (!File.Exists(file))
        {
            return;
        }

        foreach (var line in File.ReadAllLines(file).Where(l => l.Length > 0))
        {
            var words = line.Split(' ');
            var path = Path.Combine(dir, words[1]);
            if (Nulecule.SafeFiles.KindOf(path) != Nulecule.FileKind.Missing)
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            switch (words[0])
            {
                case "fifo":
                    using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [path]))
                    {
                        mkfifo.WaitForExit();
                        mkfifo.ExitCode.ShouldBe(0, $"mkfifo {path}");
                    }

                    break;
                case "sparse":
                    using (var stream = File.Create(path))
                    {
                        stream.SetLength(long.Parse(words[2], System.Globalization.CultureInfo.InvariantCulture));
                    }

                    break;
                default:
                    throw new InvalidOperationException($"unknown setup line in {file}: {line}");
            }
        }
    }
}
