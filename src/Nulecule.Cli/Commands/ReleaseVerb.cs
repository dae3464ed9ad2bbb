using System.CommandLine;
using Nulecule.Actions;
using Nulecule.Providers;
using Nulecule.Releases;

namespace Nulecule.Cli.Commands;

/// <summary>
/// What every verb on a deployed release takes (the RELEASE argument, `--provider` and the engine
/// options), and the release they name, found in the history and on its engine.
/// </summary>
internal sealed class ReleaseVerb
{
    public Argument<string> Release { get; } = Arguments.ReleaseArgument();

    public Option<string?> Provider { get; } = ReleaseCommands.ProviderOfRelease();

    public ProviderOptions Engine { get; } = new();

    /// <summary>Opens the history and finds the release the command line names; disposing the result closes both.</summary>
    public async Task<OpenRelease> OpenAsync(CommandContext context, ParseResult parse, IReporter output, CancellationToken ct)
    {
        var name = parse.GetValue(Release)!;
        var releases = ReleaseContext.Open(context);
        try
        {
            return new OpenRelease(name, releases, await releases.FindAsync(name, context, parse, Engine, parse.GetValue(Provider), ct, output));
        }
        catch
        {
            releases.Dispose();
            throw;
        }
    }
}

/// <summary>A release found by <see cref="ReleaseVerb.OpenAsync"/>: its name, its provider, its record and the history it came from.</summary>
internal sealed class OpenRelease(string name, ReleaseContext releases, LocatedRelease found) : IDisposable
{
    public string Name => name;

    public ReleaseContext Releases => releases;

    public IProvider Provider => found.Provider;

    public Release? Record => found.Record;

    public IReleaseStore Store => found.Store;

    public ReleaseKey Key => releases.Key;

    public void Dispose()
    {
        (found.Provider as IDisposable)?.Dispose();
        releases.Dispose();
    }
}
