using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Nulecule.Providers;

namespace Nulecule.Cli;

/// <summary>`--progress`: how the steps of run, upgrade, rollback and stop are shown on stderr.</summary>
internal enum ProgressMode
{
    /// <summary>Live lines at a terminal, plain lines otherwise.</summary>
    Auto,

    /// <summary>One line per component, redrawn in place (cursor moves only; no terminal mode is changed).</summary>
    Tty,

    /// <summary>One line per state change, as a log.</summary>
    Plain,

    /// <summary>One JSON object per line (docs/progress.md), for tools.</summary>
    Json,
}

/// <summary>
/// Shows <see cref="ProgressEvent"/>s and the command's other stderr lines in the chosen
/// <see cref="ProgressMode"/>. At a terminal it keeps one line per component below the log
/// (`✔ web  ready  healthy  3.2s`) and redraws them in place with cursor-up and erase-line: log
/// lines are written above them, the elapsed times tick while something is in progress, and the
/// last frame stays on the screen when the command prints its result.
/// </summary>
internal sealed class ProgressDisplay : IDisposable
{
    /// <summary>The version of the JSON lines' shape (docs/progress.md); raised when a field changes meaning.</summary>
    public const int JsonVersion = 1;

    /// <summary>Only what JSON needs escaped: a line stays readable (`+`, `<`, quotes in words, non-ASCII as is).</summary>
    private static readonly System.Text.Json.JsonSerializerOptions JsonLines = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly string[] Spinner = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

    private readonly TextWriter _err;
    private readonly bool _color;
    private readonly Func<int> _width;
    private readonly Func<DateTimeOffset> _now;
    private readonly TimeSpan _tick;
    private readonly Lock _gate = new();
    private readonly List<Row> _rows = [];
    private Timer? _timer;
    private int _drawn;
    private int _frame;
    private bool _stopped;

    /// <param name="tick">How often the live lines are redrawn while something is in progress (elapsed times, spinner).</param>
    public ProgressDisplay(TextWriter err, ProgressMode mode, bool color, Func<int> width, Func<DateTimeOffset>? now = null, TimeSpan? tick = null)
    {
        _tick = tick ?? TimeSpan.FromMilliseconds(250);
        _err = err;
        Mode = mode;
        _color = color;
        _width = width;
        _now = now ?? (() => DateTimeOffset.UtcNow);
    }

    /// <summary>Tty, plain or json: never <see cref="ProgressMode.Auto"/>.</summary>
    public ProgressMode Mode { get; }

    /// <summary>Auto resolved: live lines only at a terminal that can move its cursor.</summary>
    public static ProgressMode Resolve(ProgressMode asked, TextWriter stderr, IReadOnlyDictionary<string, string> environment) =>
        asked != ProgressMode.Auto ? asked
        : stderr is StandardWriter { IsTerminal: true } && environment.GetValueOrDefault("TERM") is not ("dumb" or "") ? ProgressMode.Tty
        : ProgressMode.Plain;

    /// <summary>A component's step; the text is masked already.</summary>
    public void Show(ProgressEvent progress)
    {
        lock (_gate)
        {
            var row = _rows.FirstOrDefault(r => r.Component == progress.Component);
            var changed = row is null || row.Last.State != progress.State;
            if (row is null)
            {
                row = new Row(progress.Component, progress.Time, progress);
                _rows.Add(row);
            }
            else if (!changed && row.Last.Detail == progress.Detail && row.Last.Object == progress.Object)
            {
                return;
            }

            row.Last = progress;
            switch (Mode)
            {
                case ProgressMode.Json:
                    WriteRaw(Json(progress, row.Started) + "\n");
                    break;
                case ProgressMode.Plain when changed && progress.Message is { } message:
                    WriteRaw(message + (progress.IsFinal ? $" ({Seconds(progress.Time - row.Started)})" : "") + "\n");
                    break;
                case ProgressMode.Tty when !_stopped:
                    Redraw();
                    _timer ??= new Timer(_ => OnTick(), null, _tick, _tick);
                    break;
            }
        }
    }

    /// <summary>A line of the log (info, warning, error): above the live lines at a terminal, a JSON object in json mode.</summary>
    public void WriteLine(string level, string text, string plain)
    {
        lock (_gate)
        {
            if (Mode == ProgressMode.Json)
            {
                var line = new JsonObject { ["version"] = JsonVersion, ["type"] = "log", ["time"] = Time(_now()), ["level"] = level, ["message"] = plain };
                WriteRaw(line.ToJsonString(JsonLines) + "\n");
                return;
            }

            if (_drawn > 0)
            {
                // Up to the first live line, erase it and everything below, log, then the live lines again.
                WriteRaw($"\r\u001b[{_drawn}A\u001b[J{text}\n");
                _drawn = 0;
                Redraw();
                return;
            }

            WriteRaw(text + "\n");
        }
    }

    /// <summary>Draws the last frame and stops redrawing: what follows (results, errors) goes below it.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            _timer?.Dispose();
            _timer = null;
            if (Mode == ProgressMode.Tty && _rows.Count > 0)
            {
                Redraw();
            }

            _stopped = true;
            _drawn = 0;
        }
    }

    public void Dispose() => Stop();

    /// <summary>One live line: symbol, component, state, detail, elapsed; cut to the terminal's width so it never wraps.</summary>
    internal string Line(Row row, int nameWidth, DateTimeOffset now)
    {
        var last = row.Last;
        var elapsed = (last.IsFinal ? last.Time : now) - row.Started;
        var (symbol, colour) = last.State switch
        {
            ProgressState.Failed => ("✘", "31"),
            ProgressState.Unchanged => ("✔", "90"),
            _ when last.IsFinal => ("✔", "32"),
            _ => (Spinner[_frame % Spinner.Length], "36"),
        };
        var name = (row.Component.Length == 0 ? "(release)" : row.Component).PadRight(nameWidth);
        var detail = last.Detail ?? last.Object ?? "";
        var time = Seconds(elapsed);
        // One column short of the terminal (a full line would wrap on some terminals and throw the
        // cursor-up count off); no wider than 100, so the time stays near the text on a wide screen.
        var width = Math.Clamp(_width() - 1, 20, 100);
        var head = $"{symbol} {name} {last.StateName,-9} ";
        var room = width - head.Length - time.Length - 1;
        if (detail.Length > room)
        {
            detail = room > 1 ? detail[..(room - 1)] + "…" : "";
        }

        var text = head + detail.PadRight(Math.Max(0, room)) + " " + time;
        if (text.Length > width)
        {
            text = text[..width];
        }

        return _color ? $"\u001b[{colour}m{symbol}\u001b[0m{text[symbol.Length..]}" : text;
    }

    private void OnTick()
    {
        lock (_gate)
        {
            if (_stopped || _rows.All(r => r.Last.IsFinal))
            {
                return;
            }

            _frame++;
            Redraw();
        }
    }

    /// <summary>Back up over the lines drawn before and draw every row again, each line erased first.</summary>
    private void Redraw()
    {
        var now = _now();
        var nameWidth = Math.Min(24, _rows.Max(r => Math.Max(r.Component.Length, r.Component.Length == 0 ? 9 : 0)));
        var frame = new StringBuilder();
        if (_drawn > 0)
        {
            frame.Append(CultureInfo.InvariantCulture, $"\r\u001b[{_drawn}A");
        }

        foreach (var row in _rows)
        {
            frame.Append("\u001b[2K").Append(Line(row, nameWidth, now)).Append('\n');
        }

        WriteRaw(frame.ToString());
        _drawn = _rows.Count;
    }

    private void WriteRaw(string text)
    {
        _err.Write(text);
        _err.Flush();
    }

    private static string Json(ProgressEvent progress, DateTimeOffset started)
    {
        var line = new JsonObject
        {
            ["version"] = JsonVersion,
            ["type"] = "progress",
            ["time"] = Time(progress.Time),
            ["component"] = progress.Component,
            ["state"] = progress.StateName,
            ["object"] = progress.Object,
            ["detail"] = progress.Detail,
            ["message"] = progress.Message,
            ["elapsed"] = Math.Round((progress.Time - started).TotalSeconds, 3),
        };
        return line.ToJsonString(JsonLines);
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan elapsed) => elapsed < TimeSpan.Zero
        ? "0.0s"
        : elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s";

    internal sealed class Row(string component, DateTimeOffset started, ProgressEvent last)
    {
        public string Component { get; } = component;

        public DateTimeOffset Started { get; } = started;

        public ProgressEvent Last { get; set; } = last;
    }
}
