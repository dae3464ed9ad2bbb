using Nulecule.Providers;
using Nulecule.Releases;

namespace Nulecule.Actions;

/// <summary>
/// `nulecule restart`: restarts a release's containers (Docker) or rolls its workloads
/// (Kubernetes), of every component or the ones named. Nothing is recorded in the history: the
/// release runs the same revision with the same configuration, as after `kubectl rollout restart`.
/// </summary>
public sealed class RestartAction(ProviderRegistry registry, IProvider provider)
{
    public required string Release { get; init; }

    /// <summary>Components as typed (full or short names); empty: all.</summary>
    public IReadOnlyList<string> Components { get; init; } = [];

    public Release? Record { get; init; }

    public ReleaseKey? Key { get; init; }

    public IReporter Reporter { get; init; } = NullReporter.Instance;

    public async Task<IReadOnlyList<RestartOutcome>> RunAsync(CancellationToken ct)
    {
        registry.Require(provider.Name, "restart", c => c.Restart);
        var known = await ReleaseComponents.ListAsync(provider, Release, Record, Key, ct).ConfigureAwait(false);
        if (known.Count == 0)
        {
            throw ReleaseComponents.NotFound(Release);
        }

        // Every name is checked before anything restarts.
        var chosen = Components.Count == 0 ? null : Components.Select(c => ReleaseComponents.Resolve(c, known, Release)).Distinct(StringComparer.Ordinal).ToList();
        var outcomes = await (RecordedKinds.OfNewest(Record) is { } kinds
            ? provider.RestartAsync(Release, chosen, kinds, Reporter, ct)
            : provider.RestartAsync(Release, chosen, Reporter, ct)).ConfigureAwait(false);
        return outcomes.Count == 0 && Record is null or { State: ReleaseState.Uninstalled } ? throw ReleaseComponents.NotFound(Release) : outcomes;
    }
}
