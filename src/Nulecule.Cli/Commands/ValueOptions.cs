using System.CommandLine;
using Nulecule.Actions;

namespace Nulecule.Cli.Commands;

/// <summary>
/// Where a command's param values come from, as Helm users give them: answers files
/// (<c>-f/--values</c>, Atomic App's <c>-a/--answers</c>; repeatable, a later file wins key by
/// key), then <c>--set</c>, <c>--set-string</c>, <c>--set-file</c> (each repeatable, each
/// <c>a=1,b=2</c> list allowed), later flags winning. Deploying verbs refuse a <c>--set</c> naming no
/// param unless <c>--allow-unknown</c>.
/// </summary>
internal sealed class ValueOptions
{
    private readonly Option<bool>? _allowUnknown;

    public ValueOptions(bool deploying = false)
    {
        if (deploying)
        {
            _allowUnknown = new Option<bool>("--allow-unknown")
            {
                Description = "Accept --set names that are no param of the app (they reach templates as $NAME); without it such a name is an error.",
            };
        }
    }

    public Option<string[]> Files { get; } = new("--values", "-f", "--answers", "-a")
    {
        Description = "Answers file (INI, JSON or YAML) with values for params; repeat to layer files (a later one wins). Default: the app's answers.conf, if any.",
        HelpName = "FILE",
    };

    public Option<string[]> Set { get; } = new("--set")
    {
        Description = "Set params: [SCOPE.]NAME=VALUE[,NAME=VALUE...], e.g. --set hostport=8080 or --set wordpress.db_user=wp; the value is typed like an INI value. Wins over files and the environment. Write \\, for a comma that starts no new NAME=.",
        HelpName = "NAME=VALUE",
    };

    public Option<string[]> SetString { get; } = new("--set-string")
    {
        Description = "Like --set, but the value is text exactly as written (None, quotes and all).",
        HelpName = "NAME=VALUE",
    };

    public Option<string[]> SetFile { get; } = new("--set-file")
    {
        Description = "Like --set, but the value is the text of the file named (e.g. --set-file tls_cert=./cert.pem).",
        HelpName = "NAME=PATH",
    };

    public IEnumerable<Option> All => _allowUnknown is null ? [Files, Set, SetString, SetFile] : [Files, Set, SetString, SetFile, _allowUnknown];

    public void AddTo(Command command)
    {
        foreach (var option in All)
        {
            command.Options.Add(option);
        }
    }

    /// <summary>Puts the values given on the command line into <paramref name="options"/>.</summary>
    public RenderOptions Apply(RenderOptions options, ParseResult parse) => options with
    {
        AnswersFiles = parse.GetValue(Files) ?? [],
        Sets = parse.GetValue(Set) ?? [],
        SetStrings = parse.GetValue(SetString) ?? [],
        SetFiles = parse.GetValue(SetFile) ?? [],
        RejectUnknownSets = _allowUnknown is not null && !parse.GetValue(_allowUnknown),
    };

    public ValidateOptions Apply(ValidateOptions options, ParseResult parse) => options with
    {
        AnswersFiles = parse.GetValue(Files) ?? [],
        Sets = parse.GetValue(Set) ?? [],
        SetStrings = parse.GetValue(SetString) ?? [],
        SetFiles = parse.GetValue(SetFile) ?? [],
    };
}
