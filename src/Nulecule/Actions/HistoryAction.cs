using Nulecule.Releases;

namespace Nulecule.Actions;

/// <summary>`nulecule history RELEASE`: the revisions of a release, oldest first. Records hold no secrets.</summary>
public sealed class HistoryAction(IReleaseStore store)
{
    public required string Release { get; init; }

    /// <summary>Keep only the last N revisions (0: all).</summary>
    public int Max { get; init; }

    public async Task<IReadOnlyList<Release>> RunAsync(CancellationToken cancellationToken = default)
    {
        var history = await store.HistoryAsync(Release, cancellationToken);
        if (history.Count == 0)
        {
            throw ReleaseNotFoundException.In(Release, store.Location);
        }

        return Max > 0 && history.Count > Max ? history.Skip(history.Count - Max).ToList() : history;
    }
}
