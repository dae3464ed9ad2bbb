using Nulecule.Providers;
using Spectre.Console;

namespace Nulecule.Cli;

/// <summary>
/// Everything the command prints goes through here: results to stdout, progress and diagnostics
/// to stderr. Honours `--quiet`, `--verbose` and NO_COLOR, and masks secrets in every line.
/// </summary>
internal sealed class Output : IReporter
{
    private readonly TextWriter _err;
    private readonly bool _color;

    public Output(TextWriter stdout, TextWriter stderr, bool quiet, bool verbose, bool color)
    {
        Out = stdout;
        _err = stderr;
        _color = color;
        Quiet = quiet;
        Verbose = verbose;
        Stdout = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = color ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = color ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (Console.IsOutputRedirected || stdout != Console.Out)
        {
            // Piped tables should not be wrapped at a guessed terminal width.
            Stdout.Profile.Width = 240;
        }
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
