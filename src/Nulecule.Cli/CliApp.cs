using System.CommandLine;
using System.CommandLine.Help;
using Nulecule.Cli.Commands;
using Nulecule.Cli.Parsing;

namespace Nulecule.Cli;

/// <summary>Builds the `nulecule` command tree and runs it, mapping failures to exit codes.</summary>
internal static class CliApp
{
    public const string ExitCodeHelp = """
        Exit codes: 0 success; 1 an operation failed (engine error, wait timeout; for diff: changes found);
        2 invalid input or usage (nothing was deployed); 3 status: the release is degraded (an object
        missing or not ready); 4 stop, status, logs, history, ps, exec, restart: no such release; 130 interrupted (Ctrl-C,
        SIGTERM) after putting things back.
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, IReadOnlyDictionary<string, string> environment, Func<Stream>? stdin = null)
    {
        try
        {
            return await RunUnguardedAsync(args, stdout, stderr, environment, stdin ?? Console.OpenStandardInput);
        }
        catch (Exception ex)
        {
            // Whatever escaped the commands' own handling: one line, never a stack trace.
            var verbose = args.Contains("-v") || args.Contains("--verbose");
            return Unexpected.Report(ex, m => stderr.WriteLine("error: " + m), verbose ? stderr.WriteLine : null);
        }
    }

    private static async Task<int> RunUnguardedAsync(string[] args, TextWriter stdout, TextWriter stderr, IReadOnlyDictionary<string, string> environment, Func<Stream> stdin)
    {
        var context = new CommandContext(new GlobalOptions(), stdout, stderr, environment) { Stdin = stdin };
        var root = Build(context);
        var parse = root.Parse(args);
        if (parse.Action is HelpAction help)
        {
            // Wrapped as tables are fitted; its own default asks System.Console (see StandardWriter).
            help.MaxWidth = Output.TableWidth(environment, stdout);
            return await WriteHelpAsync(parse, stdout, stderr);
        }

        // Help and the [suggest] directive (completion) work on incomplete command lines.
        if (parse.Action is not { ClearsParseErrors: true } && UsageErrors.Find(parse) is { Count: > 0 } errors)
        {
            foreach (var error in errors)
            {
                await stderr.WriteLineAsync($"error: {error}");
            }

            await stderr.WriteLineAsync($"Run '{UsageErrors.PathOf(parse.CommandResult)} --help' for usage.");
            return ExitCodes.InvalidInput;
        }

        // Ctrl-C and SIGTERM cancel the command's token; the command then puts things back (a first
        // install removes what it made, an upgrade restores the running containers), which may take
        // a container's stop grace period, so the process is not ended after the default 2 s.
        var config = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = TimeSpan.FromMinutes(2),
        };
        return await parse.InvokeAsync(config);
    }

    /// <summary>The command tree: every command, the global options, completion of release names.</summary>
    internal static RootCommand Build(CommandContext context)
    {
        var root = new RootCommand($"""
            nulecule: define a multi-container application once (the Nulecule format), run it on
            Docker, Kubernetes or OpenShift.

            {ExitCodeHelp}
            """);
        context.Globals.AddTo(root);
        foreach (var command in Commands(context))
        {
            root.Subcommands.Add(command);
        }

        CompletionCommand.CompleteReleases(root, context);

        // The built-in --version reads the entry assembly, which is the test host in tests.
        var version = root.Options.OfType<VersionOption>().Single();
        version.Action = new VersionAction();

        // -h and --help only: DOS-style /h and /? would be offered by completion too.
        var help = root.Options.OfType<HelpOption>().Single();
        foreach (var alias in new[] { "/?", "/h", "-?" })
        {
            help.Aliases.Remove(alias);
        }

        return root;
    }

    /// <summary>System.CommandLine's help, finished with durations as typed and the command's examples.</summary>
    private static async Task<int> WriteHelpAsync(ParseResult parse, TextWriter stdout, TextWriter stderr)
    {
        var help = new StringWriter();
        var code = await parse.InvokeAsync(new InvocationConfiguration { Output = help, Error = stderr });
        var path = UsageErrors.PathOf(parse.CommandResult);
        await stdout.WriteAsync(HelpText.Finish(help.ToString(), path == "nulecule" ? "" : path["nulecule ".Length..]));
        return code;
    }

    private static IEnumerable<Command> Commands(CommandContext context) =>
    [
        ValidateCommand.Create(context),
        TemplateCommand.Create(context),
        ExportCommand.Create(context),
        ParamsCommand.Create(context),
        GenAnswersCommand.Create(context),
        InitCommand.Create(context),
        ImportCommand.Create(context),
        IndexCommand.Create(context),
        LifecycleCommands.Run(context),
        LifecycleCommands.Upgrade(context),
        LifecycleCommands.Rollback(context),
        LifecycleCommands.History(context),
        LifecycleCommands.Diff(context),
        ReleaseCommands.Stop(context),
        ReleaseCommands.Status(context),
        ReleaseCommands.Logs(context),
        ReleaseCommands.List(context),
        ReleaseCommands.Scale(context),
        ProcessCommands.Ps(context),
        ProcessCommands.Exec(context),
        ProcessCommands.Restart(context),
        ImageCommands.Fetch(context),
        ImageCommands.Build(context),
        VersionCommand.Create(context),
        CompletionCommand.Create(context),
        ManPageCommand.Create(context),
    ];

    private sealed class VersionAction : System.CommandLine.Invocation.SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(VersionCommand.Client);
            return ExitCodes.Ok;
        }
    }
}
