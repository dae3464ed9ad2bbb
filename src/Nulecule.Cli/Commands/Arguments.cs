using System.CommandLine;

namespace Nulecule.Cli.Commands;

/// <summary>Arguments and options several commands share, so they read the same everywhere.</summary>
internal static class Arguments
{
    public static Argument<string> App() => new("APP")
    {
        Description = "The application directory (holding a Nulecule file). Defaults to the current directory.",
        DefaultValueFactory = _ => ".",
    };

    public static Option<string?> Provider() => new("--provider", "-p")
    {
        Description = "Provider to render or deploy for: docker, kubernetes, openshift, marathon. Default: the app's `provider` param, else kubernetes.",
    };

    public static Option<string?> Answers() => new("--answers", "-a")
    {
        Description = "Answers file (INI, JSON or YAML) with values for params.",
    };

    public static Option<string[]> Set() => new("--set")
    {
        Description = "Set a param: [SCOPE.]NAME=VALUE, e.g. --set hostport=8080 or --set wordpress.db_user=wp. Wins over every other source.",
        AllowMultipleArgumentsPerToken = false,
    };

    public static Option<string> Format(string description, params string[] values)
    {
        var option = new Option<string>("--output", "-o") { Description = description, DefaultValueFactory = _ => values[0] };
        option.AcceptOnlyFromAmong(values);
        return option;
    }
}
