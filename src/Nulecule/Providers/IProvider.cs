using Nulecule.Templating;

namespace Nulecule.Providers;

/// <summary>
/// The one seam every engine implements. A provider receives rendered artifacts and owns
/// everything engine-specific: connecting, turning artifacts into API calls, labelling what it
/// creates, waiting, and finding a release again by its name alone.
/// </summary>
public interface IProvider
{
    /// <summary>`docker`, `kubernetes`, `openshift`, `marathon`.</summary>
    string Name { get; }

    /// <summary>
    /// Where it deploys, as each revision records it: the engine endpoint, or the cluster URL and
    /// namespace. Known without connecting.
    /// </summary>
    string Target { get; }

    /// <summary>Deploys or converges a release (`nulecule run`).</summary>
    Task<DeployResult> RunAsync(RenderedApp app, RunOptions options, CancellationToken cancellationToken);

    /// <summary>Removes a release's objects in reverse order (`nulecule stop`).</summary>
    Task<DeployResult> StopAsync(string release, StopOptions options, CancellationToken cancellationToken);

    /// <summary>Per component, the objects of a release and their state (`nulecule status`).</summary>
    Task<ReleaseStatus> StatusAsync(string release, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="StatusAsync(string, CancellationToken)"/> of a release whose record names the
    /// kinds of its objects (<see cref="RecordedKinds.Of"/>): an engine that looks kind by kind
    /// may look at these alone.
    /// </summary>
    Task<ReleaseStatus> StatusAsync(string release, IReadOnlySet<string> kinds, CancellationToken cancellationToken) =>
        StatusAsync(release, cancellationToken);

    /// <summary>Container logs of a release, optionally of one component (`nulecule logs`).</summary>
    IAsyncEnumerable<LogLine> LogsAsync(string release, LogOptions options, CancellationToken cancellationToken);

    /// <summary>Releases found on the engine through their labels (`nulecule list`).</summary>
    Task<IReadOnlyList<ReleaseSummary>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Sets the replica count of a component's workloads (`nulecule scale`).</summary>
    Task ScaleAsync(string release, string component, int replicas, CancellationToken cancellationToken);

    /// <summary><see cref="ScaleAsync(string, string, int, CancellationToken)"/> of a release whose record names its kinds (<see cref="RecordedKinds.Of"/>).</summary>
    Task ScaleAsync(string release, string component, int replicas, IReadOnlySet<string> kinds, CancellationToken cancellationToken) =>
        ScaleAsync(release, component, replicas, cancellationToken);

    /// <summary>
    /// The release's running objects, or every release's on this engine when <paramref name="release"/>
    /// is null: containers or pods, with their image, state, ports and age (`nulecule ps`).
    /// </summary>
    Task<IReadOnlyList<ProcessRow>> PsAsync(string? release, CancellationToken cancellationToken) =>
        throw new NuleculeException($"ps is not supported by the {Name} provider");

    /// <summary><see cref="PsAsync(string?, CancellationToken)"/> of one release whose record names its kinds (<see cref="RecordedKinds.Of"/>).</summary>
    Task<IReadOnlyList<ProcessRow>> PsAsync(string release, IReadOnlySet<string> kinds, CancellationToken cancellationToken) =>
        PsAsync(release, cancellationToken);

    /// <summary>Runs a command in one of a component's containers and returns its exit code (`nulecule exec`).</summary>
    Task<int> ExecAsync(string release, ExecRequest request, CancellationToken cancellationToken) =>
        throw new NuleculeException($"exec is not supported by the {Name} provider");

    /// <summary>
    /// Restarts the release's containers or workloads, of the given components or all, in the
    /// release's order; what cannot be restarted is returned with the reason, untouched (`nulecule restart`).
    /// </summary>
    Task<IReadOnlyList<RestartOutcome>> RestartAsync(string release, IReadOnlyCollection<string>? components, IReporter reporter, CancellationToken cancellationToken) =>
        throw new NuleculeException($"restart is not supported by the {Name} provider");

    /// <summary><see cref="RestartAsync(string, IReadOnlyCollection{string}?, IReporter, CancellationToken)"/> of a release whose record names its kinds (<see cref="RecordedKinds.Of"/>).</summary>
    Task<IReadOnlyList<RestartOutcome>> RestartAsync(string release, IReadOnlyCollection<string>? components, IReadOnlySet<string> kinds, IReporter reporter, CancellationToken cancellationToken) =>
        RestartAsync(release, components, reporter, cancellationToken);

    /// <summary>
    /// A failed or interrupted <see cref="RunAsync"/> itself puts back what ran before (Docker);
    /// otherwise the caller re-applies the previous revision after an interruption.
    /// </summary>
    bool RestoresOnFailure => false;

    /// <summary>
    /// The app with what its artifacts read from outside their own text at deploy time captured
    /// (Docker: env files and bare `-e NAME` values), called before a revision is recorded, so that
    /// the record is self-contained and replays the same way later. Engines whose artifacts read
    /// nothing else return the app as it is.
    /// </summary>
    RenderedApp CaptureInputs(RenderedApp app) => app;
}

/// <summary>Receives progress lines; the CLI prints them unless `--quiet`. Text is already masked.</summary>
public interface IReporter
{
    void Info(string message);

    void Detail(string message);

    void Warn(string message);

    /// <summary>
    /// A component reached a state or got further (<see cref="ProgressEvent"/>). A reporter that
    /// draws no progress of its own logs the step's sentence as <see cref="Info"/>.
    /// </summary>
    void Progress(ProgressEvent progress)
    {
        if (progress.Message is { } message)
        {
            Info(message);
        }
    }
}

public sealed class NullReporter : IReporter
{
    public static NullReporter Instance { get; } = new();

    public void Info(string message)
    {
    }

    public void Detail(string message)
    {
    }

    public void Warn(string message)
    {
    }
}

public sealed record RunOptions
{
    public required string Release { get; init; }

    /// <summary>Digests of values that end up in names the engine shows (swarm secrets): keyed, never a plain hash.</summary>
    public ValueDigest Digest { get; init; } = ValueDigest.ForThisProcess;
    public bool Wait { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);
    public bool DryRun { get; init; }
    public bool KeepFailed { get; init; }

    /// <summary>
    /// Adopt objects of the same name that another release (or no release) owns, instead of
    /// refusing to touch them (`--take-ownership`, recorded in the revision's description).
    /// </summary>
    public bool TakeOwnership { get; init; }

    /// <summary>Revision number of this deployment, labelled on every object.</summary>
    public int Revision { get; init; } = 1;

    /// <summary>
    /// The kinds of object the release can have on the engine besides the planned ones, from its
    /// record (<see cref="RecordedKinds.Before"/>); null when the record cannot say, and the prune
    /// looks at every kind.
    /// </summary>
    public IReadOnlySet<string>? RecordedKinds { get; init; }

    /// <summary>At most this many engine steps (pulls, creates, starts) at once (`--parallel`); 1 runs them one after another.</summary>
    public int Parallel { get; init; } = ParallelScheduler.DefaultBound;
    public IReporter Reporter { get; init; } = NullReporter.Instance;

    /// <summary>Replica counts that `scale` sets over a compose artifact's own: by "component" (each of its services) or "component/service".</summary>
    public IReadOnlyDictionary<string, int>? Scale { get; init; }

    /// <summary>
    /// The counts an earlier `scale` set, as the release's record holds them (<see cref="DeployResult.Scaled"/>
    /// of the deployed revision): a service scaled to 0 has no container left to say so.
    /// </summary>
    public IReadOnlyList<ScaledReplicas>? Scaled { get; init; }
}

/// <summary>
/// A provider whose `scale` runs the deployed revision again with <see cref="RunOptions.Scale"/>
/// (the docker provider: replicas are containers it makes), rather than <see cref="IProvider.ScaleAsync"/>.
/// </summary>
public interface IScalesByRun
{
}

public sealed record StopOptions
{
    public bool RemoveVolumes { get; init; }
    public bool DryRun { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>At most this many objects are stopped at once (`--parallel`); 1 stops them one after another.</summary>
    public int Parallel { get; init; } = ParallelScheduler.DefaultBound;
    public IReporter Reporter { get; init; } = NullReporter.Instance;
}

public sealed record LogOptions
{
    public string? Component { get; init; }
    public bool Follow { get; init; }
    public int? Tail { get; init; }

    /// <summary>Only lines written at or after this time (`--since`).</summary>
    public DateTimeOffset? Since { get; init; }
}

/// <summary>
/// What `nulecule exec` runs where: <see cref="Component"/> is the full component scope; the
/// object is <see cref="Pod"/> (Kubernetes), else the <see cref="Index"/>-th (from 1) of the
/// component's containers or pods, else the first running (ready) one. <see cref="Container"/> names
/// the container in a pod, or the container itself on Docker.
/// </summary>
public sealed record ExecRequest
{
    public required string Component { get; init; }

    public required IReadOnlyList<string> Command { get; init; }

    public string? Pod { get; init; }

    public string? Container { get; init; }

    public int? Index { get; init; }

    /// <summary>Passed to the command's stdin when given (`-i`); else the command's stdin is closed.</summary>
    public Stream? Stdin { get; init; }

    public required Stream Stdout { get; init; }

    public required Stream Stderr { get; init; }
}

/// <summary>One object `restart` looked at: restarted, or why not (<see cref="Reason"/>).</summary>
public sealed record RestartOutcome(string Component, string Kind, string Name, bool Restarted, string? Reason = null);

/// <summary>A row of `nulecule ps`: a container (Docker) or a pod (Kubernetes).</summary>
public sealed record ProcessRow(string Release, string Component, string Kind, string Name, string Image, string State, string Ports, DateTimeOffset? Created);

public enum ObjectAction
{
    Created,
    Updated,
    Unchanged,
    Deleted,
    Planned,
}

/// <summary>One engine object a release owns (a container, a network, a Kubernetes object).</summary>
public sealed record DeployedObject(string Component, string Kind, string Name, string? Namespace, string Hash, ObjectAction Action);

public sealed record DeployResult(IReadOnlyList<DeployedObject> Objects)
{
    /// <summary>For `--dry-run`: the operations that would be made, one line each, masked.</summary>
    public IReadOnlyList<string> PlannedOperations { get; init; } = [];

    /// <summary>The compose services that run a count `scale` set instead of their artifact's own; the record keeps them.</summary>
    public IReadOnlyList<ScaledReplicas> Scaled { get; init; } = [];
}

/// <summary>
/// A compose service ("component/service") held at <paramref name="Replicas"/> by `scale` while its
/// artifact says <paramref name="ArtifactReplicas"/>; a run keeps the count until the artifact's own changes.
/// </summary>
public sealed record ScaledReplicas(string Service, int Replicas, int ArtifactReplicas);

/// <summary>
/// <see cref="Revision"/> is the object's `io.nulecule.revision` label when the provider reports it;
/// recovery of an interrupted deployment uses it to tell whether that revision reached the engine.
/// </summary>
public sealed record ObjectStatus(string Kind, string Name, string State, bool Ready, string? Health = null, string? Ports = null, string? Message = null, int? Revision = null);

public sealed record ComponentStatus(string Component, IReadOnlyList<ObjectStatus> Objects);

public sealed record ReleaseStatus(string Release, string Provider, string Target, IReadOnlyList<ComponentStatus> Components);

public sealed record ReleaseSummary(string Release, string Provider, string AppId, string Target, int Objects, string State, int Revision);

public sealed record LogLine(string Component, string Source, string Text, DateTimeOffset? Time = null);

/// <summary>Object labels every provider puts on what it creates.</summary>
public static class Labels
{
    public const string Prefix = "io.nulecule.";
    public const string ManagedBy = "app.kubernetes.io/managed-by";
    public const string AppId = Prefix + "app";
    public const string Release = Prefix + "release";
    public const string Component = Prefix + "component";
    public const string Revision = Prefix + "revision";
    public const string ConfigHash = Prefix + "config-hash";
    public const string ManagedByValue = "nulecule";
}
