using System.CommandLine;
using Nulecule.Cli.Commands;

namespace Nulecule.Cli;

/// <summary>Builds the `nulecule` command tree and runs it, mapping failures to exit codes.</summary>
internal static class CliApp
{
    public const string ExitCodeHelp = """
        Exit codes: 0 success; 1 an operation failed (engine error, wait timeout; for diff: changes found);
        2 invalid input or usage (nothing was deployed); 3 status: the release is degraded (an object
        missing or not ready); 130 interrupted (Ctrl-C, SIGTERM) after putting things back.
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, IReadOnlyDictionary<string, string> environment)
    {
        try
        {
            return await RunUnguardedAsync(args, stdout, stderr, environment);
        }
        catch (Exception ex)
        {
            // Whatever escaped the commands' own handling: one line, never a stack trace.
            var verbose = args.Contains("-v") || args.Contains("--verbose");
            return Unexpected.Report(ex, m => stderr.WriteLine("error: " + m), verbose ? stderr.WriteLine : null);
        }
    }

    private static async Task<int> RunUnguardedAsync(string[] args, TextWriter stdout, TextWriter stderr, IReadOnlyDictionary<string, string> environment)
    {
        var globals = new GlobalOptions();
        var root = new RootCommand($"""
            nulecule: define a multi-container application once (the Nulecule format), run it on
            Docker, Kubernetes or OpenShift.

            {ExitCodeHelp}
            """);
        globals.AddTo(root);
        var context = new CommandContext(globals, stdout, stderr, environment);
        foreach (var command in Commands(context))
        {
            root.Subcommands.Add(command);
        }

        // The built-in --version reads the entry assembly, which is the test host in tests.
        var version = root.Options.OfType<VersionOption>().Single();
        version.Action = new VersionAction();
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await stderr.WriteLineAsync($"error: {error.Message}");
            }

            await stderr.WriteLineAsync("Run 'nulecule --help' (or 'nulecule COMMAND --help') for usage.");
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

    private static IEnumerable<Command> Commands(CommandContext context) =>
    [
        ValidateCommand.Create(context),
        TemplateCommand.Create(context),
        ParamsCommand.Create(context),
        GenAnswersCommand.Create(context),
        InitCommand.Create(context),
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
        ImageCommands.Fetch(context),
        ImageCommands.Build(context),
    ];

    private sealed class VersionAction : System.CommandLine.Invocation.SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var info = typeof(CliApp).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
                .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "0.0.0";
            parseResult.InvocationConfiguration.Output.WriteLine(info);
            return ExitCodes.Ok;
        }
    }
}
