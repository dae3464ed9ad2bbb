using System.CommandLine;
using Nulecule.Actions;
using Nulecule.Providers;
using Nulecule.Releases;

namespace Nulecule.Cli;

/// <summary>
/// The release history and its key, once per command: a SQLite database (opened on first use,
/// <see cref="LocalReleaseStore"/>) and a key file under the state directory (`NULECULE_STATE_DIR`,
/// else `$XDG_STATE_HOME/nulecule`, else `~/.local/state/nulecule`).
/// </summary>
internal sealed class ReleaseContext : IDisposable
{
    private readonly LocalReleaseStore _store;

    private ReleaseContext(LocalReleaseStore store, ReleaseKey key)
    {
        _store = store;
        Key = key;
        Locator = new ReleaseLocator(Engines.Registry, store, key);
    }

    /// <summary>The local history (SQLite): the store of Docker releases.</summary>
    public IReleaseStore Store => _store;

    public ReleaseKey Key { get; }

    public static ReleaseContext Open(CommandContext context)
    {
        var dir = StateDirectory.Resolve(name => context.Environment.GetValueOrDefault(name));
        StateDirectory.Ensure(dir);
        return new ReleaseContext(new LocalReleaseStore(Path.Combine(dir, SqliteReleaseStore.FileName), path => OpenStore(path)), ReleaseKey.LoadOrCreate(dir));
    }

    /// <summary>The SQLite store, or a clear error when its native library is missing (a broken install).</summary>
    internal static SqliteReleaseStore OpenStore(string path, Func<string, SqliteReleaseStore>? open = null)
    {
        try
        {
            return (open ?? (p => new SqliteReleaseStore(p)))(path);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException { InnerException: DllNotFoundException or EntryPointNotFoundException })
        {
            var inner = e is TypeInitializationException t ? t.InnerException! : e;
            throw new OperationFailedException(
                $"the release history ({path}) cannot be opened: SQLite's native library (e_sqlite3) could not be loaded: {inner.Message.ReplaceLineEndings(" ")} " +
                "(it ships beside the nulecule binary: reinstall nulecule)", e);
        }
    }

    /// <summary>Finds releases across the registered engines; owns the engine stores it opens.</summary>
    public ReleaseLocator Locator { get; }

    /// <summary>Where a provider's releases are recorded (its registration says: the local history, or the engine).</summary>
    public IReleaseStore StoreFor(IProvider provider) => Locator.StoreFor(provider);

    public ReleaseConfiguration Configuration(IProvider provider, string target, IReporter reporter) => Locator.Configuration(provider, target, reporter);

    /// <summary>Finds a release by its name alone, in the place the user named: `--provider`, and `-n` (see <see cref="ReleaseLocator.FindAsync"/>).</summary>
    public Task<LocatedRelease> FindAsync(string release, CommandContext context, ParseResult parse, ProviderOptions engine, string? explicitProvider, CancellationToken ct, IReporter? reporter = null) =>
        Locator.FindAsync(release, Query(context, parse, engine, explicitProvider), reporter, ct);

    /// <summary>Every release the user can see: the local history and the stores of the configured engines.</summary>
    public Task<IReadOnlyList<Release>> ListAsync(CommandContext context, ParseResult parse, ProviderOptions engine, bool all, IReporter reporter, CancellationToken ct) =>
        Locator.ListAsync(engine.SettingsFor(parse, new Dictionary<string, string>(), context.Environment), all, reporter, ct);

    private static ReleaseQuery Query(CommandContext context, ParseResult parse, ProviderOptions engine, string? provider) => new()
    {
        Provider = provider,
        NamespaceGiven = parse.GetValue(engine.Namespace) is not null,
        Settings = engine.SettingsFor(parse, new Dictionary<string, string>(), context.Environment),
    };

    public void Dispose()
    {
        Locator.Dispose();
        _store.Dispose();
    }
}
