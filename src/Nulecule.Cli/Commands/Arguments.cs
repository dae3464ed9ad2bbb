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
        Description = "Provider to render or deploy for: docker, swarm, kubernetes, openshift, marathon. Default: the app's `provider` param, else kubernetes.",
    };


    public static Option<string?> ReleaseName() => new("--name")
    {
        Description = "Release name: names and labels everything deployed. Default: the app id.",
    };

    /// <summary>`--parallel N`: how many engine steps run at once; at least 1.</summary>
    public static Option<int> Parallel(string description) => new("--parallel")
    {
        Description = $"{description} (default: {Nulecule.Providers.ParallelScheduler.DefaultBound}, 4 per core; 1: one after another).",
        HelpName = "N",
        DefaultValueFactory = _ => Nulecule.Providers.ParallelScheduler.DefaultBound,
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n < 1)
            {
                result.AddError($"--parallel: '{text}' is not a whole number of at least 1");
            }

            return n;
        },
    };

    /// <summary>A duration as kubectl and helm read it (<see cref="Parsing.Durations"/>); help shows the default as written.</summary>
    public static Option<TimeSpan> Timeout(string description, string defaultValue) => new("--timeout")
    {
        Description = description,
        HelpName = "DURATION",
        DefaultValueFactory = _ => Parsing.Durations.Parse(defaultValue).Value!.Value,
        CustomParser = result =>
        {
            var (value, error) = Parsing.Durations.Parse(result.Tokens.Single().Value);
            if (error is not null)
            {
                result.AddError($"--timeout: {error}");
            }

            return value ?? default;
        },
    };

    /// <summary>The release name: given, or derived from the app id (<see cref="Nulecule.Releases.ReleaseNames"/>).</summary>
    public static string Release(string? given, string appId)
    {
        if (given is null)
        {
            return Nulecule.Releases.ReleaseNames.FromAppId(appId);
        }

        Nulecule.Releases.ReleaseNames.Check(given);
        return given;
    }

    // HelpName: else help lists the completions (every release name of the local history) in its place.
    public static Argument<string> ReleaseArgument() => new("RELEASE") { Description = "The release name (see `nulecule list`).", HelpName = "RELEASE" };
}
