using Nulecule.Releases;

namespace Nulecule.Providers;

/// <summary>
/// Which kinds of object a release's history says it can have on the engine, so that engines
/// that look kind by kind (Kubernetes: one list per kind) need not look at every kind served.
/// Only a history that ends in a revision that finished says so: a failed or pending revision
/// may have left objects its record does not name, and then the answer is null (look at all).
/// </summary>
public static class RecordedKinds
{
    /// <summary>
    /// For `status`: the kinds of the running revision's objects when that revision is the newest;
    /// null when there is no such revision or a newer one failed or is pending.
    /// </summary>
    public static IReadOnlySet<string>? Of(IReadOnlyList<Release> history) =>
        history.Count > 0 && history[^1].State == ReleaseState.Deployed ? KindsOf(history[^1]) : null;

    /// <summary>The same as <see cref="Of"/> for verbs given the newest revision alone (`scale`, `restart`, `ps`).</summary>
    public static IReadOnlySet<string>? OfNewest(Release? newest) => newest is null ? null : Of([newest]);

    /// <summary>
    /// For a new revision (before its pending record is written): the kinds of the last deployed
    /// revision, none when the release never ran or was stopped (a stop looks at every kind), and
    /// null when the newest revision failed or is pending.
    /// </summary>
    public static IReadOnlySet<string>? Before(IReadOnlyList<Release> history)
    {
        if (history.Count == 0)
        {
            return new HashSet<string>(StringComparer.Ordinal);
        }

        return history[^1].State switch
        {
            ReleaseState.Deployed => KindsOf(history[^1]),
            ReleaseState.Uninstalled => new HashSet<string>(StringComparer.Ordinal),
            _ => null,
        };
    }

    private static HashSet<string> KindsOf(Release revision) =>
        revision.Objects.Where(o => o.Action is not (ObjectAction.Deleted or ObjectAction.Planned)).Select(o => o.Kind).ToHashSet(StringComparer.Ordinal);
}
