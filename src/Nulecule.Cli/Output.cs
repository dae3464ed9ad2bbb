using Nulecule.Providers;
using Spectre.Console;

namespace Nulecule.Cli;

/// <summary>
/// Everything the command prints goes through here: results to stdout, progress and diagnostics
/// to stderr (drawn as `--progress` says, <see cref="ProgressDisplay"/>). Honours `--quiet`,
/// `--verbose` and NO_COLOR, masks secrets in every line, and prints every table the same way
/// (<see cref="Tables"/>).
/// </summary>
internal sealed class Output : IReporter, IDisposable
{
    private readonly bool _color;
    private readonly ProgressDisplay _progress;

    public Output(TextWriter stdout, TextWriter stderr, bool quiet, bool verbose, bool color, int tableWidth = Tables.Unlimited, ProgressDisplay? progress = null)
    {
        Out = stdout;
        _color = color;
        Quiet = quiet;
        Verbose = verbose;
        _progress = progress ?? new ProgressDisplay(stderr, ProgressMode.Plain, color, () => 80);
        // Everything about the terminal is decided here, not detected by Spectre.Console (which
        // would ask System.Console and so switch the terminal's keypad mode; see StandardWriter).
        Stdout = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = color && stdout is StandardWriter { IsTerminal: true } ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = color ? ColorSystemSupport.Standard : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Enrichment = new ProfileEnrichment { UseDefaultEnrichers = false },
        });
        Stdout.Profile.Width = tableWidth;
        Stdout.Profile.Height = 24;
        Stdout.Pipeline.Attach(new Tables.Hook());
    }

    /// <summary>
    /// Colour on stderr, as no-color.org asks: a non-empty NO_COLOR turns it off (an empty one
    /// does not); else FORCE_COLOR (non-empty, not 0) turns it on; else colour when stderr is a
    /// terminal that is not TERM=dumb.
    /// </summary>
    public static bool ColorWanted(IReadOnlyDictionary<string, string> environment, TextWriter stderr)
    {
        if (!string.IsNullOrEmpty(environment.GetValueOrDefault("NO_COLOR")))
        {
            return false;
        }

        if (environment.GetValueOrDefault("FORCE_COLOR") is { Length: > 0 } force && force != "0")
        {
            return true;
        }

        return stderr is StandardWriter { IsTerminal: true } && environment.GetValueOrDefault("TERM") != "dumb";
    }

    /// <summary>
    /// The width tables are fitted to: COLUMNS when set, else the terminal's; piped output is not
    /// cut (tools and `grep` see whole values).
    /// </summary>
    public static int TableWidth(IReadOnlyDictionary<string, string> environment, TextWriter stdout)
    {
        if (int.TryParse(environment.GetValueOrDefault("COLUMNS"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var columns) && columns > 0)
        {
            return columns;
        }

        return stdout is StandardWriter { IsTerminal: true } terminal ? terminal.Columns ?? 80 : Tables.Unlimited;
    }

    public TextWriter Out { get; }

    /// <summary>For tables on stdout.</summary>
    public IAnsiConsole Stdout { get; }

    public bool Quiet { get; }

    public bool Verbose { get; }

    public SecretMasker Masker { get; set; } = SecretMasker.None;

    /// <summary>A result on stdout; live progress lines stop first, so the result follows their last frame.</summary>
    public void Result(string text)
    {
        _progress.Stop();
        Out.WriteLine(Masker.Mask(text));
    }

    /// <summary>Colour wanted on stdout (<see cref="ColorWanted"/> asked of stdout): set by the command context.</summary>
    public bool ResultColor { get; init; }

    /// <summary>A result line in an SGR colour (`32` green, `1` bold) when <see cref="ResultColor"/>; masked first.</summary>
    public void Result(string text, string? sgr)
    {
        var masked = Masker.Mask(text);
        _progress.Stop();
        Out.WriteLine(ResultColor && sgr is not null ? $"\u001b[{sgr}m{masked}\u001b[0m" : masked);
    }

    /// <summary>The live progress lines stop (last frame drawn) before a table or other output follows.</summary>
    public void EndProgress() => _progress.Stop();

    public void Info(string message)
    {
        if (!Quiet)
        {
            Line("info", Masker.Mask(message));
        }
    }

    public void Detail(string message)
    {
        if (Verbose && !Quiet)
        {
            var masked = Masker.Mask(message);
            _progress.WriteLine("debug", Paint("90", masked), masked);
        }
    }

    public void Warn(string message)
    {
        if (!Quiet)
        {
            var masked = Masker.Mask(message);
            _progress.WriteLine("warning", Paint("33", "warning: ") + masked, masked);
        }
    }

    public void Error(string message)
    {
        _progress.Stop();
        var masked = Masker.Mask(message);
        _progress.WriteLine("error", Paint("31", "error: ") + masked, masked);
    }

    /// <summary>A component's step (<see cref="ProgressEvent"/>), shown as `--progress` says; nothing when quiet.</summary>
    public void Progress(ProgressEvent progress)
    {
        if (!Quiet)
        {
            _progress.Show(progress with
            {
                Object = progress.Object is null ? null : Masker.Mask(progress.Object),
                Detail = progress.Detail is null ? null : Masker.Mask(progress.Detail),
                Message = progress.Message is null ? null : Masker.Mask(progress.Message),
            });
        }
    }

    /// <summary>Prints diagnostics to stderr: errors always, warnings unless quiet.</summary>
    public void Diagnostics(IEnumerable<Diagnostic> diagnostics)
    {
        foreach (var d in diagnostics)
        {
            if (d.IsError || !Quiet)
            {
                var masked = Masker.Mask(d.ToString());
                _progress.WriteLine(d.IsError ? "error" : "warning", Paint(d.IsError ? "31" : "33", masked), masked);
            }
        }
    }

    public void Dispose() => _progress.Stop();

    private void Line(string level, string masked) => _progress.WriteLine(level, masked, masked);

    private string Paint(string code, string text) => _color ? $"\u001b[{code}m{text}\u001b[0m" : text;
}
