using System.Text.Json;
using Nulecule.Providers;

namespace Nulecule.Cli.Tests;

/// <summary>The three ways <see cref="ProgressDisplay"/> shows a run: live lines, plain lines, JSON lines.</summary>
public sealed class ProgressDisplayTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private DateTimeOffset _now = Start;

    private ProgressDisplay Display(StringWriter err, ProgressMode mode, int width = 80) => new(err, mode, color: false, () => width, () => _now, tick: Timeout.InfiniteTimeSpan);

    private static ProgressEvent At(double seconds, string component, ProgressState state, string? detail = null, string? message = null) =>
        new(component, state) { Time = Start.AddSeconds(seconds), Detail = detail, Message = message };

    [Fact]
    public void Should_print_one_plain_line_per_state_change_with_the_elapsed_time_when_done()
    {
        // Given
        var err = new StringWriter();
        using var display = Display(err, ProgressMode.Plain);

        // When: a detail changes twice while waiting, then the component is ready
        display.Show(At(0, "web", ProgressState.Creating, "nginx", "creating web-1 (nginx)"));
        display.Show(At(0.5, "web", ProgressState.Waiting, message: "waiting for web"));
        display.Show(At(1, "web", ProgressState.Waiting, "health starting: 0/1 checks passed"));
        display.Show(At(2, "web", ProgressState.Waiting, "health starting: 1/2 checks passed"));
        display.Show(At(3.2, "web", ProgressState.Ready, "running, healthy", "web ready"));

        // Then
        err.ToString().ShouldBe("creating web-1 (nginx)\nwaiting for web\nweb ready (3.2s)\n");
    }

    [Fact]
    public void Should_write_every_change_as_one_JSON_object_a_line_with_the_documented_fields()
    {
        // Given
        var err = new StringWriter();
        using var display = Display(err, ProgressMode.Json);

        // When
        display.Show(At(0, "web", ProgressState.Creating, "nginx", "creating web-1 (nginx)") with { Object = "container web-1" });
        display.Show(At(1.5, "web", ProgressState.Waiting, "1/2 pods ready"));
        display.Show(At(1.6, "web", ProgressState.Waiting, "1/2 pods ready")); // no change: not repeated
        display.WriteLine("warning", "warning: careful <now>", "careful <now>");

        // Then
        var lines = err.ToString().TrimEnd('\n').Split('\n');
        lines.Length.ShouldBe(3);
        using var first = JsonDocument.Parse(lines[0]);
        var e = first.RootElement;
        e.GetProperty("version").GetInt32().ShouldBe(ProgressDisplay.JsonVersion);
        e.GetProperty("type").GetString().ShouldBe("progress");
        e.GetProperty("time").GetString().ShouldBe("2026-11-30T12:00:00.000Z");
        e.GetProperty("component").GetString().ShouldBe("web");
        e.GetProperty("state").GetString().ShouldBe("creating");
        e.GetProperty("object").GetString().ShouldBe("container web-1");
        e.GetProperty("detail").GetString().ShouldBe("nginx");
        e.GetProperty("message").GetString().ShouldBe("creating web-1 (nginx)");
        using var second = JsonDocument.Parse(lines[1]);
        second.RootElement.GetProperty("elapsed").GetDouble().ShouldBe(1.5);
        second.RootElement.GetProperty("message").ValueKind.ShouldBe(JsonValueKind.Null);
        lines[2].ShouldContain("\"message\":\"careful <now>\"", Case.Sensitive, "not escaped as \\u003C");
        using var log = JsonDocument.Parse(lines[2]);
        log.RootElement.GetProperty("type").GetString().ShouldBe("log");
        log.RootElement.GetProperty("level").GetString().ShouldBe("warning");
    }

    [Fact]
    public void Should_redraw_the_live_lines_in_place_and_write_log_lines_above_them()
    {
        // Given
        var err = new StringWriter();
        using var display = Display(err, ProgressMode.Tty, width: 60);

        // When: two components, a log line, a change of the first
        display.Show(At(0, "web", ProgressState.Creating, "nginx"));
        display.Show(At(0, "database", ProgressState.Pulling, "mariadb:11"));
        display.WriteLine("info", "creating network n", "creating network n");
        _now = Start.AddSeconds(2);
        display.Show(At(2, "web", ProgressState.Ready, "running"));
        display.Stop();
        var text = err.ToString();

        // Then: the cursor went up over both lines (no other control than cursor-up and erase)
        text.ShouldContain("\r\u001b[2A");
        text.ShouldContain("\u001b[2K");
        text.ShouldNotContain("\u001b[?");
        var screen = Screen.Render(text);
        screen.ShouldBe([
            "creating network n",
            "✔ web      ready     running                           2.0s",
            "⠋ database pulling   mariadb:11                        2.0s",
        ]);
        screen.Skip(1).ShouldAllBe(l => l.Length == 59, "one column short of the terminal");
    }

    [Fact]
    public void Should_cut_a_long_detail_to_the_terminal_width()
    {
        var err = new StringWriter();
        using var display = Display(err, ProgressMode.Tty, width: 40);

        display.Show(At(0, "web", ProgressState.Waiting, new string('x', 200)));
        display.Stop();

        var line = Screen.Render(err.ToString()).Single();
        line.Length.ShouldBe(39);
        line.ShouldContain("…");
        line.ShouldEndWith("0.0s");
    }

    [Fact]
    public void Should_choose_plain_lines_when_stderr_is_no_terminal()
    {
        var environment = new Dictionary<string, string> { ["TERM"] = "xterm" };
        ProgressDisplay.Resolve(ProgressMode.Auto, new StringWriter(), environment).ShouldBe(ProgressMode.Plain);
        ProgressDisplay.Resolve(ProgressMode.Tty, new StringWriter(), environment).ShouldBe(ProgressMode.Tty);
        ProgressDisplay.Resolve(ProgressMode.Json, new StringWriter(), environment).ShouldBe(ProgressMode.Json);
    }
}

/// <summary>
/// The screen a terminal shows for the text the display writes: the few controls it uses
/// (CR, LF, cursor up, erase line, erase below) applied, colours dropped.
/// </summary>
internal static class Screen
{
    public static List<string> Render(string text)
    {
        var lines = new List<System.Text.StringBuilder> { new() };
        int row = 0, column = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\u001b' && i + 1 < text.Length && text[i + 1] == '[')
            {
                var end = i + 2;
                while (end < text.Length && !char.IsLetter(text[end]))
                {
                    end++;
                }

                var argument = text[(i + 2)..end];
                switch (text[end])
                {
                    case 'A':
                        row = Math.Max(0, row - (argument.Length == 0 ? 1 : int.Parse(argument, System.Globalization.CultureInfo.InvariantCulture)));
                        break;
                    case 'K':
                        lines[row].Clear();
                        break;
                    case 'J':
                        lines[row].Length = Math.Min(lines[row].Length, column);
                        lines.RemoveRange(row + 1, lines.Count - row - 1);
                        break;
                }

                i = end;
                continue;
            }

            switch (c)
            {
                case '\r':
                    column = 0;
                    break;
                case '\n':
                    row++;
                    column = 0;
                    if (row == lines.Count)
                    {
                        lines.Add(new());
                    }

                    break;
                default:
                    var line = lines[row];
                    if (column < line.Length)
                    {
                        line[column] = c;
                    }
                    else
                    {
                        line.Append(c);
                    }

                    column++;
                    break;
            }
        }

        return lines.Select(l => l.ToString().TrimEnd()).Where((l, i) => i < lines.Count - 1 || l.Length > 0).ToList();
    }
}
