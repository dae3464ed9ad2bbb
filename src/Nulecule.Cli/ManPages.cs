using System.CommandLine;
using System.CommandLine.Completions;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Nulecule.Cli.Commands;

namespace Nulecule.Cli;

/// <summary>
/// Manual pages (man(7) macros) written from the command tree itself: `nulecule(1)` with the
/// commands, global options, exit status and environment, and one `nulecule-PATH(1)` page per
/// command (`nulecule-index-list(1)`) with its arguments, options and examples. Generated rather
/// than written, so a new verb or option is in the pages of the binary that has it.
/// </summary>
internal static partial class ManPages
{
    public sealed record Page(string FileName, string Text);

    /// <summary>One option as the help shows it: `-o, --output`, `json|table`, its text.</summary>
    public sealed record OptionEntry(string Names, string? Value, string Description);

    /// <summary>Every page: nulecule.1 first, then one per visible command, in tree order.</summary>
    public static IReadOnlyList<Page> All(RootCommand root, DateOnly date)
    {
        var pages = new List<Page> { new("nulecule.1", Root(root, date)) };
        foreach (var (path, command) in Commands(root))
        {
            pages.Add(new(FileName(path), Command(path, command, date)));
        }

        return pages;
    }

    /// <summary>The visible commands below the root with their paths (`index list`), depth first.</summary>
    public static IEnumerable<(string Path, Command Command)> Commands(Command command, string path = "")
    {
        foreach (var sub in command.Subcommands.Where(c => !c.Hidden))
        {
            var subPath = path.Length == 0 ? sub.Name : $"{path} {sub.Name}";
            yield return (subPath, sub);
            foreach (var nested in Commands(sub, subPath))
            {
                yield return nested;
            }
        }
    }

    public static string FileName(string path) => $"nulecule-{path.Replace(' ', '-')}.1";

    /// <summary>The options of a command as its help lists them (its own, then the recursive ones of its parents).</summary>
    public static IReadOnlyList<OptionEntry> Options(Command command, bool inherited)
    {
        var options = command.Options.Where(o => !o.Hidden).ToList();
        if (inherited)
        {
            for (var parent = command.Parents.OfType<Command>().FirstOrDefault(); parent is not null; parent = parent.Parents.OfType<Command>().FirstOrDefault())
            {
                options.AddRange(parent.Options.Where(o => o.Recursive && !o.Hidden && !options.Contains(o)));
            }
        }

        return [.. options.Select(Entry)];
    }

    private static OptionEntry Entry(Option option)
    {
        // As the help orders them: by prefix (`-` before `--`), then by name.
        var names = string.Join(", ", option.Aliases.Prepend(option.Name)
            .Select(a => (Prefix: a[..(a.Length - a.TrimStart('-').Length)], Name: a.TrimStart('-')))
            .OrderBy(a => a.Prefix, StringComparer.OrdinalIgnoreCase).ThenBy(a => a.Name, StringComparer.OrdinalIgnoreCase)
            .DistinctBy(a => a.Name).Select(a => a.Prefix + a.Name));
        string? value = null;
        if (option.Arity.MaximumNumberOfValues > 0 && option.ValueType != typeof(bool))
        {
            var choices = option.CompletionSources.Count > 0
                ? option.GetCompletions(CompletionContext.Empty).Select(c => c.Label).ToList()
                : [];
            value = option.HelpName ?? (choices.Count > 0 ? string.Join('|', choices) : option.Name.TrimStart('-'));
        }

        var description = option.Description ?? "";
        if (option.HasDefaultValue && DefaultText(option.GetDefaultValue()) is { } shown)
        {
            description += $" [default: {shown}]";
        }

        return new(names, value, description);
    }

    /// <summary>The recursive options of the command's parents, by their short names (`-v, -q, --no-prompt`).</summary>
    private static string GlobalNames(Command command)
    {
        var names = new List<string>();
        for (var parent = command.Parents.OfType<Command>().FirstOrDefault(); parent is not null; parent = parent.Parents.OfType<Command>().FirstOrDefault())
        {
            names.AddRange(parent.Options.Where(o => o.Recursive && !o.Hidden && !command.Options.Contains(o))
                .Select(o => o.Aliases.Prepend(o.Name).OrderBy(a => a.Length).First()));
        }

        return string.Join(", ", names.Distinct());
    }

    private static string? DefaultText(object? value) => value switch
    {
        null or false or "" => null,
        TimeSpan span => Parsing.Durations.Format(span),
        System.Collections.IEnumerable and not string => null,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static string Root(RootCommand root, DateOnly date)
    {
        var page = new Roff();
        page.Header("NULECULE", date);
        page.Section("NAME");
        page.Text("nulecule \\- define a multi-container application once, run it on Docker, Kubernetes or OpenShift");
        page.Section("SYNOPSIS");
        page.Raw($"{Bold("nulecule")} {Italic("COMMAND")} [{Italic("ARGUMENTS")}] [{Italic("OPTIONS")}]");
        page.Section("DESCRIPTION");
        page.Paragraphs((root.Description ?? "").Replace(CliApp.ExitCodeHelp, "", StringComparison.Ordinal));
        page.Paragraphs("Each command has its own page, nulecule-COMMAND(1), and its --help.");
        page.Section("COMMANDS");
        foreach (var (path, command) in Commands(root))
        {
            page.Tagged($"{Bold(Escape("nulecule " + path))} {Usage(command)}", FirstSentence(command.Description), $"See {Reference(FileName(path))}.");
        }

        page.Section("GLOBAL OPTIONS");
        var only = root.Options.Where(o => !o.Hidden && !o.Recursive && o is not System.CommandLine.Help.HelpOption).Select(o => o.Name).ToList();
        page.Paragraphs(only.Count == 0 ? "Every command accepts these." : $"Every command accepts these, but {string.Join(", ", only)}.");
        foreach (var option in Options(root, inherited: false))
        {
            page.Option(option);
        }

        page.Section("EXIT STATUS");
        page.Paragraphs(CliApp.ExitCodeHelp.Replace("Exit codes: ", "", StringComparison.Ordinal));
        page.Section("ENVIRONMENT");
        foreach (var (name, text) in EnvironmentVariables)
        {
            page.Tagged(string.Join(", ", name.Split(", ").Select(n => Bold(Escape(n)))), text);
        }

        WriteExamples(page, "");
        page.Section("SEE ALSO");
        page.Raw(string.Join(",\n", Commands(root).Select(c => Reference(FileName(c.Path)))));
        return page.ToString();
    }

    private static string Command(string path, Command command, DateOnly date)
    {
        var page = new Roff();
        var name = "nulecule-" + path.Replace(' ', '-');
        page.Header(name.ToUpperInvariant(), date);
        page.Section("NAME");
        page.Text($"{Escape(name)} \\- {Escape(FirstSentence(command.Description).TrimEnd('.'))}");
        page.Section("SYNOPSIS");
        page.Raw($"{Bold(Escape("nulecule " + path))} {Usage(command)}");
        page.Section("DESCRIPTION");
        page.Paragraphs(command.Description ?? "");
        var subcommands = Commands(command, path).Where(c => c.Command.Parents.Contains(command)).ToList();
        if (subcommands.Count > 0)
        {
            page.Section("COMMANDS");
            foreach (var (subPath, sub) in subcommands)
            {
                page.Tagged($"{Bold(Escape("nulecule " + subPath))} {Usage(sub)}", FirstSentence(sub.Description), $"See {Reference(FileName(subPath))}.");
            }
        }

        var arguments = command.Arguments.Where(a => !a.Hidden).ToList();
        if (arguments.Count > 0)
        {
            page.Section("ARGUMENTS");
            foreach (var argument in arguments)
            {
                var text = argument.Description ?? "";
                if (argument.HasDefaultValue && DefaultText(argument.GetDefaultValue()) is { } shown)
                {
                    text += $" [default: {shown}]";
                }

                page.Tagged(Italic(Escape(argument.Name)), text);
            }
        }

        var options = Options(command, inherited: false);
        if (options.Count > 0)
        {
            page.Section("OPTIONS");
            foreach (var option in options)
            {
                page.Option(option);
            }
        }

        var globals = command.Parents.OfType<Command>().Any() ? GlobalNames(command) : "";
        if (globals.Length > 0)
        {
            page.Paragraphs($"The global options of nulecule(1) ({globals}) work here too.");
        }
        WriteExamples(page, path);
        page.Section("SEE ALSO");
        var parent = path.Contains(' ', StringComparison.Ordinal) ? FileName(path[..path.LastIndexOf(' ')]) : "nulecule.1";
        page.Raw(parent == "nulecule.1" ? Reference(parent) : $"{Reference(parent)},\n{Reference("nulecule.1")}");
        return page.ToString();
    }

    /// <summary>What follows the command's name in its synopsis: `[APP] [OPTIONS]`, `RELEASE [REVISION]`.</summary>
    private static string Usage(Command command)
    {
        var words = new List<string>();
        if (command.Subcommands.Any(c => !c.Hidden))
        {
            words.Add(Italic("COMMAND"));
        }

        foreach (var argument in command.Arguments.Where(a => !a.Hidden))
        {
            var name = Italic(Escape(argument.Name)) + (argument.Arity.MaximumNumberOfValues > 1 ? "\\&..." : "");
            words.Add(argument.Arity.MinimumNumberOfValues == 0 ? $"[{name}]" : name);
        }

        words.Add($"[{Italic("OPTIONS")}]");
        return string.Join(' ', words);
    }

    private static void WriteExamples(Roff page, string path)
    {
        if (!global::Nulecule.Cli.Commands.Examples.ByCommand.TryGetValue(path, out var lines))
        {
            return;
        }

        page.Section("EXAMPLES");
        var block = new List<string>();
        foreach (var line in lines)
        {
            if (line.StartsWith('#'))
            {
                page.Example(block);
                block.Clear();
                page.Paragraphs(char.ToUpperInvariant(line.TrimStart('#', ' ')[0]) + line.TrimStart('#', ' ')[1..] + ":");
            }
            else
            {
                block.Add(line);
            }
        }

        page.Example(block);
    }

    private static readonly (string Name, string Text)[] EnvironmentVariables =
    [
        ("NULECULE_STATE_DIR", "Where the local release history (Docker releases) and its key file are kept. Default: $XDG_STATE_HOME/nulecule, else ~/.local/state/nulecule."),
        ("NULECULE_PARAM_NAME, NULECULE_PARAM_SCOPE__NAME", "A value for a param of [general], or of a component (`:` in the scope written `__`, `-` and `.` written `_`): below the command line, above the answers file."),
        ("DOCKER_HOST, DOCKER_CONTEXT, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH", "The Docker engine to talk to, read as the docker command reads them. Default: unix:///var/run/docker.sock."),
        ("KUBECONFIG", "The kubeconfig file(s) for Kubernetes and OpenShift, as kubectl reads it; --kubeconfig wins. In a pod, the service account is used when there is none."),
        ("NO_COLOR", "When set and not empty, no colour is written (no-color.org)."),
        ("FORCE_COLOR", "When 1, colour is written even when the output is not a terminal."),
        ("COLUMNS", "The width tables and help are fitted to."),
    ];

    /// <summary>The first sentence of a description (up to the first `. ` or `: `), for NAME and the command lists.</summary>
    public static string FirstSentence(string? description)
    {
        var text = (description ?? "").ReplaceLineEndings(" ").Trim();
        var end = SentenceEnd().Match(text);
        return end.Success ? text[..(end.Index + 1)] : text;
    }

    [GeneratedRegex(@"\.(?= [A-Z`])")]
    private static partial Regex SentenceEnd();

    private static string Reference(string fileName) =>
        $"{Bold(Escape(fileName[..^2]))}(1)";

    private static string Bold(string text) => $"\\fB{text}\\fR";

    private static string Italic(string text) => $"\\fI{text}\\fR";

    /// <summary>Text made safe for roff: backslashes, hyphens that are really minus signs (options), `code` in bold.</summary>
    public static string Escape(string text) =>
        text.Replace("\\", "\\e", StringComparison.Ordinal).Replace("-", "\\-", StringComparison.Ordinal);

    /// <summary>Prose: backslashes escaped, `code` spans in bold, options with real minus signs.</summary>
    private static string Prose(string text)
    {
        var escaped = text.Replace("\\", "\\e", StringComparison.Ordinal);
        escaped = OptionWord().Replace(escaped, m => m.Value.Replace("-", "\\-", StringComparison.Ordinal));
        return CodeSpan().Replace(escaped, m => Bold(m.Groups[1].Value));
    }

    [GeneratedRegex(@"(?<![\w-])--?[a-z][\w-]*")]
    private static partial Regex OptionWord();

    [GeneratedRegex(@"`([^`\n]+)`")]
    private static partial Regex CodeSpan();

    /// <summary>Lines of a page; text lines never begin with a control character.</summary>
    private sealed class Roff
    {
        private readonly StringBuilder text = new();

        public void Header(string title, DateOnly date) =>
            Line($".TH {title} 1 {date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} \"nulecule {VersionCommand.Client}\" \"Nulecule Manual\"");

        public void Section(string name) => Line($".SH {(name.Contains(' ', StringComparison.Ordinal) ? $"\"{name}\"" : name)}");

        public void Raw(string roff)
        {
            foreach (var line in roff.Split('\n'))
            {
                Line(Safe(line));
            }
        }

        public void Text(string roff) => Line(Safe(roff));

        /// <summary>Prose split into paragraphs at blank lines; each paragraph's lines joined (roff fills them).</summary>
        public void Paragraphs(string prose)
        {
            foreach (var paragraph in prose.ReplaceLineEndings("\n").Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                Line(".PP");
                Line(Safe(Prose(string.Join(' ', paragraph.Split('\n').Select(l => l.Trim())))));
            }
        }

        /// <param name="roff">Text already in roff, after the prose.</param>
        public void Tagged(string tag, string prose, string? roff = null)
        {
            Line(".TP");
            Line(Safe(tag));
            Line(Safe(Prose(prose.ReplaceLineEndings(" ").Trim()) + (roff is null ? "" : " " + roff)));
        }

        public void Option(OptionEntry option)
        {
            var names = string.Join(", ", option.Names.Split(", ").Select(n => Bold(Escape(n))));
            Tagged(option.Value is null ? names : $"{names} {Italic(Escape(option.Value))}", option.Description);
        }

        public void Example(IReadOnlyList<string> lines)
        {
            if (lines.Count == 0)
            {
                return;
            }

            Line(".PP");
            Line(".RS 4");
            Line(".EX");
            foreach (var line in lines)
            {
                foreach (var part in Continued(line))
                {
                    Line(Safe(part));
                }
            }

            Line(".EE");
            Line(".RE");
        }

        /// <summary>
        /// A long example as shell continuation lines (`\` at the end, the rest indented), so no
        /// line is wider than a terminal and the text still pastes into a shell.
        /// </summary>
        private static IEnumerable<string> Continued(string line)
        {
            var current = "";
            foreach (var word in line.Split(' '))
            {
                var next = current.Length == 0 ? Escape(word) : $"{current} {Escape(word)}";
                if (Width(next) > MaxWidth - 3 && current.Trim().Length > 0)
                {
                    yield return current + " \\e";
                    next = "    " + Escape(word);
                }

                current = next;
            }

            yield return current;
        }

        /// <summary>Filled text as lines of at most <see cref="MaxWidth"/> bytes (roff joins them again).</summary>
        private static IEnumerable<string> Wrapped(string line)
        {
            var current = "";
            foreach (var word in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var next = current.Length == 0 ? word : $"{current} {word}";
                if (Width(next) > MaxWidth && current.Length > 0)
                {
                    yield return current;
                    next = word;
                }

                current = next;
            }

            yield return current;
        }

        /// <summary>What mandoc's lint holds a source line to.</summary>
        private const int MaxWidth = 80;

        private static int Width(string line) => Encoding.UTF8.GetByteCount(line);

        private static string Safe(string line) =>
            line.Length > 0 && (line[0] == '.' || line[0] == '\'') ? "\\&" + line : line;

        private void Line(string line)
        {
            line = line.TrimEnd();
            if (line == ".PP" && last.StartsWith(".SH", StringComparison.Ordinal))
            {
                return; // a section starts a paragraph already
            }

            inExample = line == ".EX" || (inExample && line != ".EE");
            var lines = line.StartsWith('.') || inExample || last == ".TP" || Width(line) <= MaxWidth ? [line] : Wrapped(line).Select(Safe);
            foreach (var l in lines)
            {
                text.Append(l).Append('\n');
            }

            last = line;
        }

        private string last = "";

        private bool inExample;

        public override string ToString() => text.ToString();
    }
}
