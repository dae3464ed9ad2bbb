using System.CommandLine;
using System.CommandLine.Completions;
using Nulecule.Releases;

namespace Nulecule.Cli.Commands;

/// <summary>
/// `nulecule completion SHELL`: a script that completes nulecule's commands, options, their
/// values and release names. Each script hands the line typed so far to nulecule's own
/// `[suggest:POSITION]` directive (System.CommandLine's), so what it offers always matches the
/// command tree of the binary that answers.
/// </summary>
internal static class CompletionCommand
{
    public static Command Create(CommandContext context)
    {
        var shell = new Argument<string>("SHELL") { Description = "The shell to write the script for: bash, zsh, fish or powershell." };
        shell.AcceptOnlyFromAmong("bash", "zsh", "fish", "powershell");
        var command = new Command("completion", "Print a shell completion script (commands, options, values, release names from the local history). See the examples for where to put it.") { shell };
        context.Action(command, (parse, output, _) =>
        {
            output.Out.Write(Script(parse.GetValue(shell)!).ReplaceLineEndings("\n"));
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    public static string Script(string shell) => shell switch
    {
        "bash" => Bash,
        "zsh" => Zsh,
        "fish" => Fish,
        "powershell" => PowerShell,
        _ => throw new NuleculeException($"no completion script for shell '{shell}'", null, "use bash, zsh, fish or powershell"),
    };

    /// <summary>
    /// Completes RELEASE arguments from the local release history (Docker releases; a cluster is
    /// not asked, which would make every TAB wait on the network). Nothing is created or printed
    /// when there is no history, and a broken one completes nothing.
    /// </summary>
    public static void CompleteReleases(Command root, CommandContext context)
    {
        foreach (var argument in Walk(root).SelectMany(c => c.Arguments).Where(a => a.Name == "RELEASE"))
        {
            argument.CompletionSources.Add(completion => ReleaseNames(context, completion));
        }

        // COMPONENT of a verb that has a RELEASE before it: that release's components, full and short names.
        foreach (var command in Walk(root).Where(c => c.Arguments.Any(a => a.Name == "RELEASE")))
        {
            var release = command.Arguments.First(a => a.Name == "RELEASE");
            foreach (var argument in command.Arguments.Where(a => a.Name == "COMPONENT"))
            {
                argument.CompletionSources.Add(completion => ComponentNames(context, completion, release));
            }
        }
    }

    /// <summary>The components of the release typed before, from its latest local revision (nothing when it has none).</summary>
    private static IEnumerable<CompletionItem> ComponentNames(CommandContext context, CompletionContext completion, Argument release)
    {
        try
        {
            var name = completion.ParseResult.GetResult(release)?.Tokens.FirstOrDefault()?.Value;
            var directory = StateDirectory.Resolve(n => context.Environment.GetValueOrDefault(n));
            var database = Path.Combine(directory, SqliteReleaseStore.FileName);
            if (name is null || !File.Exists(database) || !File.Exists(Path.Combine(directory, ReleaseKey.FileName)))
            {
                return [];
            }

            using var store = new SqliteReleaseStore(database);
            if (store.LatestAsync(name).GetAwaiter().GetResult() is not { State: not ReleaseState.Uninstalled } record)
            {
                return [];
            }

            var scopes = ReleaseKey.LoadOrCreate(directory).Open(record).Components.Select(c => c.Scope).ToList();
            var shortNames = scopes.Where(s => s.Contains(':', StringComparison.Ordinal))
                .GroupBy(s => s[(s.LastIndexOf(':') + 1)..])
                .Where(g => g.Count() == 1 && !scopes.Contains(g.Key))
                .Select(g => g.Key);
            return scopes.Concat(shortNames)
                .Where(n => n.StartsWith(completion.WordToComplete, StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .Select(n => new CompletionItem(n))
                .ToList();
        }
        catch (Exception)
        {
            return []; // as for release names: never an error in the user's command line
        }
    }

    private static IEnumerable<Command> Walk(Command command) => command.Subcommands.SelectMany(Walk).Prepend(command);

    private static IEnumerable<CompletionItem> ReleaseNames(CommandContext context, CompletionContext completion)
    {
        try
        {
            var database = Path.Combine(StateDirectory.Resolve(name => context.Environment.GetValueOrDefault(name)), SqliteReleaseStore.FileName);
            if (!File.Exists(database))
            {
                return [];
            }

            using var store = new SqliteReleaseStore(database);
            return store.ListAsync().GetAwaiter().GetResult()
                .Select(r => r.Name)
                .Where(n => n.StartsWith(completion.WordToComplete, StringComparison.Ordinal))
                .Distinct(StringComparer.Ordinal)
                .Select(n => new CompletionItem(n))
                .ToList();
        }
        catch (Exception)
        {
            return []; // completion must never print an error into the user's command line
        }
    }

    // Each script: the words before the cursor, without the program's name, and the cursor's
    // offset in them, go to `PROGRAM [suggest:N] "LINE"`; one suggestion comes back per line.
    private const string Bash = """
        # nulecule completion for bash: source <(nulecule completion bash)
        _nulecule_complete() {
            local program="${COMP_WORDS[0]}"
            local line="${COMP_LINE:0:COMP_POINT}"
            line="${line#*"$program"}"
            line="${line#"${line%%[![:space:]]*}"}"
            local IFS=$'\n'
            COMPREPLY=($(compgen -W "$("$program" "[suggest:${#line}]" "$line" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}"))
        }
        complete -o default -F _nulecule_complete nulecule

        """;

    private const string Zsh = """
        #compdef nulecule
        # nulecule completion for zsh: put this file in a directory of $fpath as _nulecule
        _nulecule() {
            local program="${words[1]}"
            local line="${LBUFFER#*"$program"}"
            line="${line##[[:space:]]#}"
            local -a suggestions
            suggestions=("${(@f)$("$program" "[suggest:${#line}]" "$line" 2>/dev/null)}")
            compadd -a suggestions
        }
        if [ "$funcstack[1]" = "_nulecule" ]; then
            _nulecule "$@"
        else
            compdef _nulecule nulecule
        fi

        """;

    private const string Fish = """
        # nulecule completion for fish: save as ~/.config/fish/completions/nulecule.fish
        function __nulecule_complete
            set -l program (commandline -opc)[1]
            set -l line (string replace -r '^\s*\S+\s*' '' -- (commandline -cp))
            $program "[suggest:"(string length -- "$line")"]" "$line" 2>/dev/null
        end
        complete -c nulecule -f -a '(__nulecule_complete)'

        """;

    private const string PowerShell = """
        # nulecule completion for PowerShell: nulecule completion powershell >> $PROFILE
        Register-ArgumentCompleter -Native -CommandName nulecule -ScriptBlock {
            param($wordToComplete, $commandAst, $cursorPosition)
            $program = $commandAst.CommandElements[0].ToString()
            $typed = $commandAst.ToString()
            $upTo = $cursorPosition - $commandAst.Extent.StartOffset
            $line = if ($upTo -gt $typed.Length) { $typed + ' ' } else { $typed.Substring(0, $upTo) }
            $line = $line.Substring($program.Length).TrimStart()
            & $program "[suggest:$($line.Length)]" "$line" 2>$null | ForEach-Object {
                [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
            }
        }

        """;
}
