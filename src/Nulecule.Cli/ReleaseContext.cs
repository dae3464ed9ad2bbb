using System.CommandLine;
using Nulecule.Actions;
using Nulecule.Docker.Endpoints;
using Nulecule.Kubernetes;
using Nulecule.Kubernetes.Releases;
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
    private readonly List<IDisposable> _owned = [];

    private ReleaseContext(SqliteReleaseStore store, ReleaseKey key)
    {
        _store = store;
        Key = key;
    }

    /// <summary>The local history (SQLite): the store of Docker releases.</summary>
    public IReleaseStore Store => _store;

    public ReleaseKey Key { get; }

    public static ReleaseContext Open(CommandContext context)
    {
        var dir = StateDirectory.Resolve(name => context.Environment.GetValueOrDefault(name));
        StateDirectory.Ensure(dir);
        return new ReleaseContext(OpenStore(Path.Combine(dir, SqliteReleaseStore.FileName)), ReleaseKey.LoadOrCreate(dir));
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

    /// <summary>
    /// Where a provider's releases are recorded: Kubernetes and OpenShift releases as Secrets in
    /// the release namespace (so every user of the cluster sees them), others locally.
    /// </summary>
    public IReleaseStore StoreFor(IProvider provider)
    {
        if (provider is not KubernetesProvider kube)
        {
            return _store;
        }

        var store = new KubernetesSecretReleaseStore(kube.Connection);
        _owned.Add(store);
        return store;
    }

    public ReleaseConfiguration Configuration(IProvider provider, string target, IReporter reporter) => new()
    {
        Provider = provider,
        Store = StoreFor(provider),
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

    /// <summary>A release found by name: the provider it runs on, its latest record (if any) and its store.</summary>
    public sealed record Found(IProvider Provider, Release? Record, IReleaseStore Store);

    /// <summary>
    /// Finds a release by its name alone, in the place the user named: `--provider`, and `-n`
    /// (which names a cluster namespace). The local history is looked at first unless the user
    /// named a cluster; a cluster (when one is configured) is looked at when the local history
    /// has no live record of that name, so a deployed release wins over an uninstalled one of the
    /// same name elsewhere, and the user is told which one was picked. Without any record the
    /// release is taken to be an unrecorded one of the `--provider` given (default docker),
    /// found by its labels.
    /// </summary>
    public async Task<Found> FindAsync(string release, CommandContext context, ParseResult parse, ProviderOptions engine, string? explicitProvider, CancellationToken ct, IReporter? reporter = null)
    {
        var wantsCluster = explicitProvider is "kubernetes" or "openshift" || parse.GetValue(engine.Namespace) is not null;
        var local = await Store.LatestAsync(release, ct);
        if (local is not null && (explicitProvider ?? local.Provider) != local.Provider)
        {
            local = null;
        }

        if (local is not null && IsLive(local) && !(wantsCluster && local.Provider is not ("kubernetes" or "openshift")))
        {
            return Open(local, context, parse, engine);
        }

        if ((explicitProvider is null or "kubernetes" or "openshift") && ClusterConfigured(parse, engine, context))
        {
            var kube = engine.Create(explicitProvider ?? "kubernetes", parse, new Dictionary<string, string>(), context.Environment);
            try
            {
                var store = StoreFor(kube);
                var remote = await store.LatestAsync(release, ct);
                if (remote is not null && (local is null || IsLive(remote) || wantsCluster))
                {
                    if (local is not null)
                    {
                        reporter?.Info($"release '{release}' is {Describe(remote)} in the cluster and {Describe(local)} locally: using the cluster's");
                    }

                    var provider = remote.Provider == kube.Name ? kube : engine.Create(remote.Provider, parse, Key.Open(remote).General, context.Environment);
                    return new Found(provider, remote, provider == kube ? store : StoreFor(provider));
                }
            }
            catch (Exception e) when (e is OperationFailedException or HttpRequestException or IOException or NuleculeException && explicitProvider is null)
            {
                // No cluster answering is not an error here: the release may be a Docker one.
            }

            if (explicitProvider is not null && local is null)
            {
                return new Found(kube, null, StoreFor(kube));
            }

            (kube as IDisposable)?.Dispose();
        }

        if (local is not null)
        {
            return Open(local, context, parse, engine);
        }

        var fallback = engine.Create(explicitProvider ?? "docker", parse, new Dictionary<string, string>(), context.Environment);
        return new Found(fallback, null, StoreFor(fallback));
    }

    private Found Open(Release record, CommandContext context, ParseResult parse, ProviderOptions engine)
    {
        var provider = engine.Create(record.Provider, parse, Key.Open(record).General, context.Environment);
        return new Found(provider, record, StoreFor(provider));
    }

    /// <summary>A record whose objects may be on an engine (not stopped).</summary>
    private static bool IsLive(Release record) => record.State != ReleaseState.Uninstalled;

    private static string Describe(Release record) => $"{record.State.ToString().ToLowerInvariant()} (revision {record.Revision}, {record.Provider})";

    /// <summary>Every release the user can see: the local history and, when a cluster is configured, the namespace's.</summary>
    public async Task<IReadOnlyList<Release>> ListAsync(CommandContext context, ParseResult parse, ProviderOptions engine, bool all, IReporter reporter, CancellationToken ct)
    {
        var releases = (await new ListAction(Store) { All = all }.RunAsync(ct)).ToList();
        if (ClusterConfigured(parse, engine, context))
        {
            var kube = engine.Create("kubernetes", parse, new Dictionary<string, string>(), context.Environment);
            using var owned = kube as IDisposable;
            try
            {
                releases.AddRange(await new ListAction(StoreFor(kube)) { All = all }.RunAsync(ct));
            }
            catch (Exception e) when (e is OperationFailedException or HttpRequestException or IOException or NuleculeException)
            {
                reporter.Warn($"the cluster's releases are not listed: {e.Message}");
            }
        }

        return releases;
    }

    /// <summary>A kubeconfig or API server is given or present, so releases may live in a cluster.</summary>
    private static bool ClusterConfigured(ParseResult parse, ProviderOptions engine, CommandContext context) =>
        parse.GetValue(engine.Kubeconfig) is not null
        || parse.GetValue(engine.Api) is not null
        || !string.IsNullOrEmpty(context.Environment.GetValueOrDefault("KUBECONFIG"))
        || File.Exists(Path.Combine(context.Environment.GetValueOrDefault("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config"));

    public void Dispose()
    {
        foreach (var store in _owned)
        {
            store.Dispose();
        }

        _store.Dispose();
    }
}
