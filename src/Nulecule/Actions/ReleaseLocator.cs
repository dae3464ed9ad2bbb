using Nulecule.Releases;
using Nulecule.Providers;

namespace Nulecule.Actions;

/// <summary>A release found by name: the provider it runs on, its latest record (if any) and the store that holds it.</summary>
public sealed record LocatedRelease(IProvider Provider, Release? Record, IReleaseStore Store);

/// <summary>Where the user said to look: `--provider` and whether `-n` was given, with the engine settings.</summary>
public sealed record ReleaseQuery
{
    public string? Provider { get; init; }

    /// <summary>`-n` names a namespace, so a release on an engine with namespaces is meant.</summary>
    public bool NamespaceGiven { get; init; }

    public ProviderSettings Settings { get; init; } = ProviderSettings.Empty;
}

/// <summary>
/// Finds releases across the engines a <see cref="ProviderRegistry"/> knows: the local history
/// (SQLite) and the stores engines keep themselves (Kubernetes Secrets). Owns the engine stores it
/// opens; the providers it returns belong to the caller.
/// </summary>
public sealed class ReleaseLocator(ProviderRegistry registry, IReleaseStore local, ReleaseKey key) : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    public ProviderRegistry Registry => registry;

    /// <summary>The local history: the store of every engine that keeps none itself.</summary>
    public IReleaseStore Local => local;

    /// <summary>Where <paramref name="provider"/>'s releases are recorded.</summary>
    public IReleaseStore StoreFor(IProvider provider)
    {
        var registration = registry.Get(provider.Name);
        if (registration.EngineStore is null)
        {
            return local;
        }

        var store = registration.EngineStore(provider);
        if (store is IDisposable owned)
        {
            _owned.Add(owned);
        }

        return store;
    }

    /// <summary>What a release verb works with for <paramref name="provider"/>.</summary>
    public ReleaseConfiguration Configuration(IProvider provider, string target, IReporter reporter) => new()
    {
        Provider = provider,
        Store = StoreFor(provider),
        Key = key,
        Target = target,
        Reporter = reporter,
    };

    /// <summary>
    /// Finds a release by its name alone, in the place the user named. The local history is looked
    /// at first unless the user named an engine that keeps its own releases (or `-n`); such an
    /// engine's store (when configured) is looked at when the local history has no live record of
    /// that name, so a deployed release wins over an uninstalled one of the same name elsewhere,
    /// and the user is told which one was picked. Without any record the release is taken to be an
    /// unrecorded one of the `--provider` given (default <see cref="ProviderRegistry.DefaultForReleases"/>),
    /// found by its labels.
    /// </summary>
    public async Task<LocatedRelease> FindAsync(string release, ReleaseQuery query, IReporter? reporter, CancellationToken ct)
    {
        var named = query.Provider is null ? null : registry.Get(query.Provider);
        var wantsEngineStore = named?.KeepsReleasesOnEngine == true || (query.NamespaceGiven && named is null or { Capabilities.Namespaces: true });
        var found = await local.LatestAsync(release, ct).ConfigureAwait(false);
        if (found is not null && query.Provider is not null && query.Provider != found.Provider)
        {
            found = null;
        }

        if (found is not null && IsLive(found) && !(wantsEngineStore && !registry.Get(found.Provider).KeepsReleasesOnEngine))
        {
            return Open(found, query);
        }

        foreach (var home in registry.EngineStores().Where(h => named is null || named.ReleaseHome == h.Name))
        {
            if (!home.Configured(query.Settings))
            {
                continue;
            }

            var probe = registry.Create(named?.Name ?? home.Name, query.Settings);
            try
            {
                var store = StoreFor(probe);
                var remote = await store.LatestAsync(release, ct).ConfigureAwait(false);
                if (remote is not null && (found is null || IsLive(remote) || wantsEngineStore))
                {
                    if (found is not null)
                    {
                        reporter?.Info($"release '{release}' is {Describe(remote)} on {probe.Target} and {Describe(found)} locally: using the one on {probe.Target}");
                    }

                    if (remote.Provider == probe.Name)
                    {
                        return new LocatedRelease(probe, remote, store);
                    }

                    // The release's own provider (openshift found through the kubernetes store),
                    // on the probe's connection where both connect alike.
                    var provider = registry.Create(remote.Provider, query.Settings.WithGeneral(key.Open(remote).General), probe);
                    (probe as IDisposable)?.Dispose();
                    return new LocatedRelease(provider, remote, StoreFor(provider));
                }

                if (named is not null && found is null)
                {
                    return new LocatedRelease(probe, null, store);
                }
            }
            catch (Exception e) when (named is null && e is OperationFailedException or HttpRequestException or IOException or NuleculeException)
            {
                // An engine not answering is not an error here: the release may be on another one.
            }

            (probe as IDisposable)?.Dispose();
        }

        if (found is not null)
        {
            return Open(found, query);
        }

        var fallback = registry.Create(query.Provider ?? registry.DefaultForReleases, query.Settings);
        return new LocatedRelease(fallback, null, StoreFor(fallback));
    }

    /// <summary>Every release the user can see: the local history and the stores of the engines that are configured.</summary>
    public async Task<IReadOnlyList<Release>> ListAsync(ProviderSettings settings, bool all, IReporter reporter, CancellationToken ct)
    {
        var releases = (await new ListAction(local) { All = all }.RunAsync(ct).ConfigureAwait(false)).ToList();
        foreach (var home in registry.EngineStores().Where(h => h.Configured(settings)))
        {
            var provider = registry.Create(home.Name, settings);
            using var owned = provider as IDisposable;
            try
            {
                releases.AddRange(await new ListAction(StoreFor(provider)) { All = all }.RunAsync(ct).ConfigureAwait(false));
            }
            catch (Exception e) when (e is OperationFailedException or HttpRequestException or IOException or NuleculeException)
            {
                // A NuleculeException's message says "error:" itself; the warning line carries its own prefix.
                var why = e is NuleculeException invalid ? string.Join("; ", invalid.Diagnostics.Where(d => d.IsError).Select(d => d.Describe())) : e.Message;
                reporter.Warn($"the releases kept by {home.Name} are not listed: {why}");
            }
        }

        return releases;
    }

    private LocatedRelease Open(Release record, ReleaseQuery query)
    {
        var provider = registry.Create(record.Provider, query.Settings.WithGeneral(key.Open(record).General));
        return new LocatedRelease(provider, record, StoreFor(provider));
    }

    /// <summary>A record whose objects may be on an engine (not stopped).</summary>
    private static bool IsLive(Release record) => record.State != ReleaseState.Uninstalled;

    private static string Describe(Release record) => $"{record.State.ToString().ToLowerInvariant()} (revision {record.Revision}, {record.Provider})";

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        _owned.Clear();
    }
}
