using System.CommandLine;
using Nulecule.Actions;
using Nulecule.Docker.Endpoints;
using Nulecule.Kubernetes;
using Nulecule.Providers;
using Nulecule.Releases;

namespace Nulecule.Cli;

/// <summary>
/// The release history and its key, opened once per command: a SQLite database and a key file
/// under the state directory (`NULECULE_STATE_DIR`, else `$XDG_STATE_HOME/nulecule`, else
/// `~/.local/state/nulecule`).
/// </summary>
internal sealed class ReleaseContext : IDisposable
{
    private readonly SqliteReleaseStore _store;

    private ReleaseContext(SqliteReleaseStore store, ReleaseKey key)
    {
        _store = store;
        Key = key;
    }

    public IReleaseStore Store => _store;

    public ReleaseKey Key { get; }

    public static ReleaseContext Open(CommandContext context)
    {
        var dir = StateDirectory.Resolve(name => context.Environment.GetValueOrDefault(name));
        StateDirectory.Ensure(dir);
        return new ReleaseContext(new SqliteReleaseStore(Path.Combine(dir, SqliteReleaseStore.FileName)), ReleaseKey.LoadOrCreate(dir));
    }

    public ReleaseConfiguration Configuration(IProvider provider, string target, IReporter reporter) => new()
    {
        Provider = provider,
        Store = Store,
        Key = Key,
        Target = target,
        Reporter = reporter,
    };

    /// <summary>Where a provider deploys, as recorded on each revision (engine endpoint, or cluster URL/namespace).</summary>
    public static string TargetOf(IProvider provider, CommandContext context) => provider switch
    {
        KubernetesProvider kube => kube.Connection.Target,
        _ => new DockerEndpointResolver().Resolve(Commands.Apps.Endpoint(context)).Uri.ToString(),
    };

    /// <summary>
    /// The provider a recorded release runs on, connected as it was deployed (the answers'
    /// `[general]` settings it was deployed with, under today's flags). Falls back to the
    /// `--provider` flag (default docker) for releases with no record.
    /// </summary>
    public async Task<(IProvider Provider, Release? Record)> ProviderForAsync(string release, CommandContext context, ParseResult parse, ProviderOptions engine, string? explicitProvider, CancellationToken ct)
    {
        var record = await Store.LatestAsync(release, ct);
        if (record is null)
        {
            return (engine.Create(explicitProvider ?? "docker", parse, new Dictionary<string, string>(), context.Environment), null);
        }

        if (explicitProvider is not null && explicitProvider != record.Provider)
        {
            throw new NuleculeException($"release '{release}' was deployed with {record.Provider}, not {explicitProvider}", null, $"drop --provider, or use --provider {record.Provider}");
        }

        var general = Key.Open(record).General;
        return (engine.Create(record.Provider, parse, general, context.Environment), record);
    }

    public void Dispose() => _store.Dispose();
}
