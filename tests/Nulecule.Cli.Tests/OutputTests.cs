using System.Text.Json.Nodes;
using Nulecule.Releases;

namespace Nulecule.Cli.Tests;

/// <summary>Tables that never wrap, colour as no-color.org asks, no terminal mode left behind.</summary>
public class OutputTests
{
    private static readonly string LongPath = "unix:///run/user/1000/podman/" + string.Concat(Enumerable.Repeat("very-long-directory/", 6)) + "docker.sock";

    [Fact]
    public void Should_fit_a_table_into_80_columns_cutting_the_widest_values()
    {
        // Given
        string[] headers = ["RELEASE", "UPDATED", "STATE", "DESCRIPTION", "TARGET"];
        IReadOnlyList<string>[] rows =
        [
            ["shop", "2026-11-24 18:38:13", "deployed", "Upgrade complete: " + new string('x', 120), LongPath],
            ["blog", "2026-11-24 18:40:01", "superseded", "Install complete", "https://127.0.0.1:6443/blog"],
        ];

        // When
        var lines = Tables.Layout(headers, rows, 80);

        // Then
        lines.Count.ShouldBe(3);
        lines.ShouldAllBe(l => Tables.Cells(l) <= 80 && !l.EndsWith(' '));
        lines[1].ShouldContain("2026-11-24 18:38:13");
        lines[1].ShouldContain("…");
        lines[0].ShouldStartWith("RELEASE  UPDATED              STATE       DESCRIPTION");
    }

    [Fact]
    public void Should_not_cut_a_table_without_a_width()
    {
        var lines = Tables.Layout(["NAME", "TARGET"], [["web", LongPath], ["db", "x\ny"]], Tables.Unlimited);

        lines[1].ShouldBe("web   " + LongPath);
        lines[2].ShouldBe("db    x y", "a value with a line break stays on its row");
    }

    [Theory]
    [InlineData("abcdef", 4, "abc…")]
    [InlineData("abc", 3, "abc")]
    [InlineData("日本語テキスト", 5, "日本…")]
    public void Should_cut_by_terminal_cells(string text, int width, string expected) => Tables.Cut(text, width).ShouldBe(expected);

    [Fact]
    public async Task Should_print_a_list_within_80_columns_or_whole_when_piped()
    {
        // Given: a release whose target and description are longer than a terminal line
        using var state = new TempDir();
        await Record(state.Path, "shop", "Upgrade complete: changed web.image to registry.example.com/team/web:" + new string('1', 60));
        var narrow = Environment(state.Path, columns: "80");

        // When
        var list = await Cli.RunAsync(["list"], narrow);
        var piped = await Cli.RunAsync(["list"], Environment(state.Path, columns: null));

        // Then
        list.ExitCode.ShouldBe(0, list.Stderr);
        var lines = list.Stdout.TrimEnd('\n').Split('\n');
        lines.Length.ShouldBe(2, list.Stdout);
        lines.ShouldAllBe(l => Tables.Cells(l) <= 80 && !l.EndsWith(' '));
        lines[1].ShouldContain("2026-11-24 18:38:13");
        lines[1].ShouldContain("…");

        piped.Stdout.ShouldContain(LongPath);
        piped.Stdout.TrimEnd('\n').Split('\n').Length.ShouldBe(2);
    }

    [Theory]
    [InlineData("1", false)]
    [InlineData("", true)]
    [InlineData(null, true)]
    public async Task Should_turn_colour_off_only_for_a_non_empty_NO_COLOR(string? noColor, bool coloured)
    {
        // Given: colour asked for (stderr is no terminal in a test)
        var environment = new Dictionary<string, string> { ["FORCE_COLOR"] = "1" };
        if (noColor is not null)
        {
            environment["NO_COLOR"] = noColor;
        }

        // When: an error is printed
        var result = await Cli.RunAsync(["validate", "/nonexistent/app"], environment);

        // Then
        result.ExitCode.ShouldBe(2);
        result.Stderr.Contains("\u001b[31m", StringComparison.Ordinal).ShouldBe(coloured, result.Stderr);
        Output.ColorWanted(environment, TextWriter.Null).ShouldBe(coloured);
    }

    [Fact]
    public void Should_not_colour_a_pipe_unless_asked() =>
        Output.ColorWanted(new Dictionary<string, string>(), new StringWriter()).ShouldBeFalse();

    [TerminalFact]
    public async Task Should_leave_the_terminal_as_it_found_it()
    {
        // Given: the real binary in a pseudo-terminal (util-linux script) 100 columns wide
        using var state = new TempDir();
        await Record(state.Path, "shop", "Install complete: " + new string('y', 100));

        // When
        var output = await Terminal.RunAsync($"stty cols 100; NULECULE_STATE_DIR={state.Path} HOME={state.Path} {Terminal.Nulecule} list; {Terminal.Nulecule} stauts");

        // Then: no keypad-transmit mode (ESC[?1h ESC=), and the table fits the terminal
        output.ShouldNotContain("\u001b[?1h");
        output.ShouldNotContain("\u001b=");
        var lines = output.Split("\r\n");
        lines[0].ShouldStartWith("RELEASE");
        lines.Take(2).ShouldAllBe(l => Tables.Cells(l) <= 100);
        Tables.Cells(lines[1]).ShouldBeGreaterThan(80, "the terminal's own width, not a default");
        output.ShouldContain("did you mean 'status'?");
    }

    internal static async Task Record(string stateDir, string name, string description)
    {
        using var store = new SqliteReleaseStore(Path.Combine(stateDir, SqliteReleaseStore.FileName));
        var when = new DateTimeOffset(2026, 11, 24, 18, 38, 13, TimeSpan.Zero);
        await store.CreateAsync(new Release
        {
            Name = name, Revision = 1, AppId = "web-shop-with-a-long-application-id", AppVersion = "1.0.0-rc.1+build.20261124",
            Provider = "docker", Target = LongPath, State = ReleaseState.Deployed, Created = when, Updated = when,
            Description = description,
            SealedManifest = ReleaseKey.LoadOrCreate(stateDir).Seal(new ReleaseManifest { AppId = "web-shop-with-a-long-application-id", SpecVersion = "0.0.2", Provider = "docker" }, name, 1),
        });
    }

    private static Dictionary<string, string> Environment(string stateDir, string? columns)
    {
        var environment = new Dictionary<string, string> { ["NO_COLOR"] = "1", ["NULECULE_STATE_DIR"] = stateDir, ["HOME"] = stateDir };
        if (columns is not null)
        {
            environment["COLUMNS"] = columns;
        }

        return environment;
    }
}

internal sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("nulecule-cli-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>The built `nulecule` run in a pseudo-terminal by util-linux `script`.</summary>
internal static class Terminal
{
    public static string Nulecule { get; } = Repo.Path("src", "Nulecule.Cli", "bin", Configuration(), "net10.0", "nulecule");

    public static string? Unavailable =>
        !File.Exists("/usr/bin/script") ? "util-linux `script` (a pseudo-terminal) is not installed"
        : !File.Exists(Nulecule) ? $"the nulecule binary is not built at {Nulecule}"
        : null;

    public static async Task<string> RunAsync(string shellLine)
    {
        var start = new System.Diagnostics.ProcessStartInfo("/usr/bin/script", ["-qec", shellLine, "/dev/null"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["TERM"] = "xterm-256color";
        start.Environment["NO_COLOR"] = "1";
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output;
    }

    private static string Configuration() =>
        AppContext.BaseDirectory.Contains($"{System.IO.Path.DirectorySeparatorChar}Release{System.IO.Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
}

public sealed class TerminalFactAttribute : FactAttribute
{
    public TerminalFactAttribute() => Skip = Terminal.Unavailable;
}
