using Nulecule.Providers;
using Nulecule.Releases;

namespace Nulecule.Actions;

/// <summary>What `status` found: the engine's objects held against the revision that should run.</summary>
/// <param name="Running">The revision that should run (the last deployed one), if the release is recorded.</param>
/// <param name="Latest">The newest revision, when it is not <paramref name="Running"/> (a failed upgrade, say).</param>
/// <param name="Components">One row per object the engine has and per recorded object it lacks (state `missing`).</param>
public sealed record ReleaseHealth(ReleaseStatus Engine, Release? Running, Release? Latest, IReadOnlyList<ComponentStatus> Components)
{
    /// <summary>Nothing should run (never deployed, or stopped) and the engine has nothing.</summary>
    public bool NotFound => Running is null && Components.Count == 0;

    /// <summary>An object is missing or not ready (a one-shot container that exited 0 counts as done).</summary>
    public bool Degraded => Components.Any(c => c.Objects.Any(o => !o.Ready && !Completed(o)));

    public static bool Completed(ObjectStatus o) =>
        o.State is "exited" && o.Message?.StartsWith("Exited (0)", StringComparison.Ordinal) == true
        || o.State is "Succeeded" or "Complete";
}

/// <summary>
/// `nulecule status`: asks the engine for the release's objects and holds them against the
/// objects the running revision recorded, so an object that was deleted behind the tool's back
/// shows as `missing` instead of silently not being listed.
/// </summary>
public sealed class StatusAction(IProvider provider, IReleaseStore? store)
{
    public const string Missing = "missing";

    public required string Release { get; init; }

    /// <summary>The release's history when the caller has just read it: not read again.</summary>
    public IReadOnlyList<Release>? History { get; init; }

    public async Task<ReleaseHealth> RunAsync(CancellationToken cancellationToken = default)
    {
        var history = History ?? (store is null ? [] : await store.HistoryAsync(Release, cancellationToken));
        var engine = RecordedKinds.Of(history) is { } kinds
            ? await provider.StatusAsync(Release, kinds, cancellationToken)
            : await provider.StatusAsync(Release, cancellationToken);
        var latest = history.LastOrDefault();
        var running = history.LastOrDefault(r => r.State == ReleaseState.Deployed)
            ?? (latest?.State == ReleaseState.Pending ? latest : null);
        var components = engine.Components.Select(c => (c.Component, Objects: c.Objects.ToList())).ToList();
        foreach (var expected in running?.Objects.Where(Expected) ?? [])
        {
            var index = components.FindIndex(c => c.Component == expected.Component);
            if (index < 0)
            {
                components.Add((expected.Component, []));
                index = components.Count - 1;
            }

            var objects = components[index].Objects;
            if (!objects.Any(o => string.Equals(o.Kind, expected.Kind, StringComparison.OrdinalIgnoreCase) && o.Name == expected.Name))
            {
                objects.Add(new ObjectStatus(expected.Kind, expected.Name, Missing, false, Message: $"recorded by revision {running!.Revision}, not on the engine"));
            }
        }

        // The record's order is the deploy order; components only the engine knows come last.
        var order = (running?.Objects ?? []).Select(o => o.Component).Distinct().ToList();
        var sorted = components
            .OrderBy(c => order.IndexOf(c.Component) is var i && i < 0 ? int.MaxValue : i)
            .Select(c => new ComponentStatus(c.Component, c.Objects))
            .ToList();
        return new ReleaseHealth(engine, running, latest == running ? null : latest, sorted);
    }

    /// <summary>Objects a component owns and the revision still has (networks and volumes are shared, not per component).</summary>
    private static bool Expected(DeployedObject o) => o.Component.Length > 0 && o.Action is not (ObjectAction.Deleted or ObjectAction.Planned);
}
