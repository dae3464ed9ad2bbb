using Nulecule.Providers;
using Spectre.Console;

namespace Nulecule.Cli;

/// <summary>
/// Everything the command prints goes through here: results to stdout, progress and diagnostics
/// to stderr. Honours `--quiet`, `--verbose` and NO_COLOR, masks secrets in every line, and prints
/// every table the same way (<see cref="Tables"/>).
/// </summary>
internal sealed class Output : IReporter
{
    private readonly TextWriter _err;
    private readonly bool _color;

    public Output(TextWriter stdout, TextWriter stderr, bool quiet, bool verbose, bool color, int tableWidth = Tables.Unlimited)
    {
        Out = stdout;
        _err = stderr;
        _color = color;
        Quiet = quiet;
        Verbose = verbose;
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

    public void Result(string text) => Out.WriteLine(Masker.Mask(text));

    public void Info(string message)
    {
        if (!Quiet)
        {
            _err.WriteLine(Masker.Mask(message));
        }
    }

    public void Detail(string message)
    {
        if (Verbose && !Quiet)
        {
            _err.WriteLine(Paint("90", Masker.Mask(message)));
        }
    }

    public void Warn(string message)
    {
        if (!Quiet)
        {
            _err.WriteLine(Paint("33", "warning: ") + Masker.Mask(message));
        }
    }

    public void Error(string message) => _err.WriteLine(Paint("31", "error: ") + Masker.Mask(message));

    /// <summary>Prints diagnostics to stderr: errors always, warnings unless quiet.</summary>
    public void Diagnostics(IEnumerable<Diagnostic> diagnostics)
    {
        foreach (var d in diagnostics)
        {
            if (d.IsError || !Quiet)
            {
                _err.WriteLine(Paint(d.IsError ? "31" : "33", Masker.Mask(d.ToString())));
            }
        }
    }

    private string Paint(string code, string text) => _color ? $"\u001b[{code}m{text}\u001b[0m" : text;
}
