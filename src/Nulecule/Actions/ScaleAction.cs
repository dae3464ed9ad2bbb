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

    /// <summary>Returns the component's full name (a short name resolved).</summary>
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

        var component = ReleaseComponents.Resolve(Component, await ReleaseComponents.ListAsync(provider, Release, Record, Key, ct).ConfigureAwait(false), Release);
        await provider.ScaleAsync(Release, component, Replicas, ct).ConfigureAwait(false);
        return component;
    }
}
