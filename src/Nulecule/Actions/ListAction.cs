using Nulecule.Releases;

namespace Nulecule.Actions;

/// <summary>`nulecule list`: the latest revision of every recorded release.</summary>
public sealed class ListAction(IReleaseStore store)
{
    /// <summary>Include uninstalled releases (hidden by default).</summary>
    public bool All { get; init; }

    /// <summary>Only these states, when given.</summary>
    public IReadOnlySet<ReleaseState>? States { get; init; }

    public async Task<IReadOnlyList<Release>> RunAsync(CancellationToken cancellationToken = default)
    {
        var latest = await store.ListAsync(cancellationToken);
        return latest
            .Where(r => States is not null ? States.Contains(r.State) : All || r.State != ReleaseState.Uninstalled)
            .OrderBy(r => r.Name, StringComparer.Ordinal)
            .ToList();
    }
}
