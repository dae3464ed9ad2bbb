using Nulecule.Providers;
using Nulecule.Releases;

namespace Nulecule.Actions;

/// <summary>`nulecule ps`: the containers or pods of one release, or of every release on the engine.</summary>
public sealed class PsAction(ProviderRegistry registry, IProvider provider)
{
    /// <summary>Null: every release the engine (or namespace) runs.</summary>
    public string? Release { get; init; }

    public Release? Record { get; init; }

    public async Task<IReadOnlyList<ProcessRow>> RunAsync(CancellationToken ct)
    {
        registry.Require(provider.Name, "ps", c => c.Ps);
        var rows = await (Release is not null && RecordedKinds.OfNewest(Record) is { } kinds
            ? provider.PsAsync(Release, kinds, ct)
            : provider.PsAsync(Release, ct)).ConfigureAwait(false);
        return Release is not null && rows.Count == 0 && Record is null or { State: ReleaseState.Uninstalled }
            ? throw ReleaseComponents.NotFound(Release)
            : rows.OrderBy(r => r.Release, StringComparer.Ordinal).ToList();
    }
}
