using Nulecule.Providers;
using Nulecule.Releases;

namespace Nulecule.Actions;

/// <summary>
/// What every release verb works with (Helm's action configuration): the engine, the history,
/// the key that seals manifests, where the release runs, and where progress goes.
/// </summary>
public sealed class ReleaseConfiguration
{
    public required IProvider Provider { get; init; }
    public required IReleaseStore Store { get; init; }
    public required ReleaseKey Key { get; init; }

    /// <summary>The engine endpoint or cluster + namespace, as the CLI describes it; recorded on every revision.</summary>
    public string Target { get; init; } = "";
    public IReporter Reporter { get; init; } = NullReporter.Instance;
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Tells whether the process holding a lock still runs (for locks left by a killed command).</summary>
    public IProcessProbe Processes { get; init; } = ProcessProbe.Instance;
}
