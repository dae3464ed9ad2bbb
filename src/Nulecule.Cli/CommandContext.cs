using System.CommandLine;
using Nulecule.Providers;

namespace Nulecule.Cli;

/// <summary>Options every command accepts.</summary>
internal sealed class GlobalOptions
{
    public Option<bool> Verbose { get; } = new("--verbose", "-v") { Description = "Print more detail about what is done.", Recursive = true };

    public Option<bool> Quiet { get; } = new("--quiet", "-q") { Description = "Print only results and errors.", Recursive = true };

    public Option<bool> NoPrompt { get; } = new("--no-prompt") { Description = "Never ask for missing values, even at a terminal: fail instead.", Recursive = true };

    public Option<ProgressMode> Progress { get; } = new("--progress")
    {
        Description = "How run, upgrade, rollback and stop show their progress on stderr: auto (tty at a terminal, else plain), tty (live lines), plain (a line per step) or json (an object per line, see docs/progress.md).",
        HelpName = "auto|tty|plain|json",
        Recursive = true,
        DefaultValueFactory = _ => ProgressMode.Auto,
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            switch (text)
            {
                case "auto": return ProgressMode.Auto;
                case "tty": return ProgressMode.Tty;
                case "plain": return ProgressMode.Plain;
                case "json": return ProgressMode.Json;
                default:
                    result.AddError($"--progress: '{text}' is not one of auto, tty, plain, json");
                    return ProgressMode.Auto;
            }
        },
    };

    public void AddTo(RootCommand root)
    {
        root.Options.Add(Verbose);
        root.Options.Add(Quiet);
        root.Options.Add(NoPrompt);
        root.Options.Add(Progress);
    }
}

/// <summary>What a command's action needs from the outside world; tests give their own.</summary>
internal sealed class CommandContext(GlobalOptions globals, TextWriter stdout, TextWriter stderr, IReadOnlyDictionary<string, string> environment)
{
    public GlobalOptions Globals { get; } = globals;

    public IReadOnlyDictionary<string, string> Environment { get; } = environment;

    /// <summary>Where errors go, for a command that streams an engine's stderr (`exec`).</summary>
    public TextWriter Stderr => stderr;

    /// <summary>The process's standard input, opened only by a command that passes it on (`exec -i`).</summary>
    public Func<Stream> Stdin { get; init; } = Console.OpenStandardInput;

    public Output CreateOutput(ParseResult parse)
    {
        var color = Output.ColorWanted(Environment, stderr);
        var mode = ProgressDisplay.Resolve(parse.GetValue(Globals.Progress), stderr, Environment);
        var progress = new ProgressDisplay(stderr, mode, color, () => Output.TableWidth(Environment, stderr) is var w && w is > 0 and < Tables.Unlimited ? w : 80);
        return new Output(stdout, stderr, parse.GetValue(Globals.Quiet), parse.GetValue(Globals.Verbose), color, Output.TableWidth(Environment, stdout), progress)
        {
            ResultColor = Output.ColorWanted(Environment, stdout),
        };
    }

    /// <summary>
    /// Runs a command body, turning invalid input into exit code 2 and engine failures into 1,
    /// each with a located, masked message.
    /// </summary>
    public async Task<int> RunAsync(ParseResult parse, Func<Output, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        using var output = CreateOutput(parse);
        if (output.Verbose)
        {
            // Engine calls of this command only (the observer flows with its async calls).
            EngineCalls.Observer = call => output.Detail(call.ToString());
        }

        try
        {
            return await body(output, cancellationToken);
        }
        catch (ReleaseNotFoundException ex)
        {
            output.Error(ex.Message);
            return ExitCodes.NotFound;
        }
        catch (NuleculeException ex)
        {
            output.Diagnostics(ex.Diagnostics);
            return ExitCodes.InvalidInput;
        }
        catch (OperationFailedException ex)
        {
            output.Error(ex.Message);
            if (output.Verbose && ex.InnerException is not null)
            {
                output.Detail(ex.InnerException.ToString());
            }

            return ExitCodes.Failed;
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
        {
            // The release verbs say what they left behind; anything else was only interrupted.
            output.Error(ex.Message.Contains("interrupted", StringComparison.Ordinal) ? ex.Message : "interrupted");
            return 130;
        }
        catch (Exception ex)
        {
            return Unexpected.Report(ex, output.Error, output.Verbose ? output.Detail : null);
        }
    }

    public void Action(Command command, Func<ParseResult, Output, CancellationToken, Task<int>> body) =>
        command.SetAction((parse, ct) => RunAsync(parse, (output, token) => body(parse, output, token), ct));
}
