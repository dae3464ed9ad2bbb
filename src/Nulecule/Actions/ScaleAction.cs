using Nulecule.Providers;
using Nulecule.Releases;

namespace Nulecule.Actions;

/// <summary>`nulecule scale`: sets the replica count of a component's workloads, where the engine runs replicas.</summary>
public sealed class ScaleAction(ProviderRegistry registry, IProvider provider)
{
    public required string Release { get; init; }

    public required string Component { get; init; }

    public required int Replicas { get; init; }

    public Release? Record { get; init; }

    public ReleaseKey? Key { get; init; }

    /// <summary>The release's history, where a provider that scales by running (<see cref="IScalesByRun"/>) finds the deployed revision.</summary>
    public IReleaseStore? Store { get; init; }

    public IReporter Reporter { get; init; } = NullReporter.Instance;

    /// <summary>Returns the component's full name (a short name resolved), with `/SERVICE` when one compose service was scaled.</summary>
    public async Task<string> RunAsync(CancellationToken ct)
    {
        if (Replicas < 0)
        {
            throw new NuleculeException($"--replicas must be 0 or more, not {Replicas}");
        }

        if (!registry.Get(provider.Name).Capabilities.Scale)
        {
            throw new NuleculeException($"the {provider.Name} provider cannot scale a component", null,
                $"providers that scale: {string.Join(", ", registry.Where(r => r.Capabilities.Scale).Select(r => r.Name))}");
        }

        var slash = Component.IndexOf('/', StringComparison.Ordinal);
        var service = slash < 0 ? null : Component[(slash + 1)..];
        if (service is "")
        {
            throw new NuleculeException($"'{Component}' names no service", null, "write COMPONENT or COMPONENT/SERVICE");
        }

        var component = ReleaseComponents.Resolve(slash < 0 ? Component : Component[..slash], await ReleaseComponents.ListAsync(provider, Release, Record, Key, ct).ConfigureAwait(false), Release);
        if (provider is IScalesByRun)
        {
            // The deployed revision again, with the count: what already runs is left alone.
            var deployed = Store is null ? null : (await Store.HistoryAsync(Release, ct).ConfigureAwait(false)).LastOrDefault(r => r.State == ReleaseState.Deployed);
            if (Store is null || deployed is null || Key is null)
            {
                throw new NuleculeException($"release '{Release}' has no deployed revision to scale", null, $"see `nulecule history {Release}`");
            }

            var scaled = service is null ? component : $"{component}/{service}";
            var result = await provider.RunAsync(
                Key.Open(deployed).ToRenderedApp(),
                new RunOptions { Release = Release, Revision = deployed.Revision, Scale = new Dictionary<string, int> { [scaled] = Replicas }, Scaled = deployed.Scaled, Reporter = Reporter },
                ct).ConfigureAwait(false);

            // The revision's record says what runs now and which counts `scale` holds: a service
            // scaled to 0 keeps its count on the next run, though no container is left to carry it.
            await Store.UpdateAsync(deployed with { Objects = result.Objects, Scaled = result.Scaled.Count == 0 ? null : result.Scaled }, ct).ConfigureAwait(false);
            return scaled;
        }

        if (service is not null)
        {
            throw new NuleculeException($"the {provider.Name} provider scales whole components, not one service ('{Component}')", null, "give the component alone");
        }

        await (RecordedKinds.OfNewest(Record) is { } kinds
            ? provider.ScaleAsync(Release, component, Replicas, kinds, ct)
            : provider.ScaleAsync(Release, component, Replicas, ct)).ConfigureAwait(false);
        return component;
    }
}
