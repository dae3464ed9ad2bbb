using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Nulecule.Providers;
using Nulecule.Templating;

namespace Nulecule.Tests.Actions;

/// <summary>Stands for a process killed in the middle of a command: nothing catches it.</summary>
public sealed class SimulatedKillException : Exception
{
    public SimulatedKillException()
        : base("killed")
    {
    }
}

/// <summary>
/// An in-memory engine for action tests: records every call, keeps the objects of each release
/// (component + kind + name -> hash + revision) the way a converging provider would, prunes
/// objects no longer rendered, and fails or "dies" when told to.
/// </summary>
public sealed class RecordingFakeProvider : IProvider
{
    private readonly Dictionary<string, Dictionary<(string Component, string Kind, string Name), (string Hash, int Revision, string Text)>> _engine = new(StringComparer.Ordinal);

    public string Name { get; init; } = "kubernetes";

    public string Target { get; init; } = "memory://fake";

    public List<(RenderedApp App, RunOptions Options)> Runs { get; } = [];

    public List<(string Release, StopOptions Options)> Stops { get; } = [];

    public int StatusCalls { get; private set; }

    /// <summary>When it returns a message, RunAsync throws an engine failure with it (before changing anything).</summary>
    public Func<RenderedApp, RunOptions, string?> FailWhen { get; set; } = (_, _) => null;

    /// <summary>Throw <see cref="SimulatedKillException"/> before (false) or after (true) applying, once.</summary>
    public bool? KillNextRun { get; set; }

    /// <summary>Awaited inside RunAsync when set, to hold an operation open.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Objects of a release as the engine has them now: (component, kind, name) -> revision and text.</summary>
    public IReadOnlyDictionary<(string Component, string Kind, string Name), (string Hash, int Revision, string Text)> Objects(string release) =>
        _engine.TryGetValue(release, out var objects) ? objects : new();

    public async Task<DeployResult> RunAsync(RenderedApp app, RunOptions options, CancellationToken cancellationToken)
    {
        Runs.Add((app, options));
        Entered.TrySetResult();
        if (Gate is not null)
        {
            await Gate.Task.WaitAsync(cancellationToken);
        }

        if (KillNextRun == false)
        {
            KillNextRun = null;
            throw new SimulatedKillException();
        }

        var failure = FailWhen(app, options);
        if (failure is not null)
        {
            throw new OperationFailedException(failure);
        }

        var wanted = new Dictionary<(string, string, string), string>();
        foreach (var component in app.Components)
        {
            foreach (var artifact in component.Artifacts)
            {
                foreach (var document in artifact.Documents)
                {
                    wanted[(component.Scope, document["kind"]!.ToString(), document["metadata"]!["name"]!.ToString())] = document.ToJsonString();
                }
            }
        }

        if (options.DryRun)
        {
            return new DeployResult([]) { PlannedOperations = wanted.Keys.Select(k => $"apply {k.Item2}/{k.Item3}").ToList() };
        }

        if (!_engine.TryGetValue(options.Release, out var current))
        {
            _engine[options.Release] = current = [];
        }

        var result = new List<DeployedObject>();
        foreach (var (key, text) in wanted)
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
            var action = !current.TryGetValue(key, out var existing) ? ObjectAction.Created : existing.Hash == hash ? ObjectAction.Unchanged : ObjectAction.Updated;
            current[key] = (hash, options.Revision, text);
            result.Add(new DeployedObject(key.Item1, key.Item2, key.Item3, "default", hash, action));
        }

        foreach (var gone in current.Keys.Where(k => !wanted.ContainsKey(k)).ToList())
        {
            current.Remove(gone);
            result.Add(new DeployedObject(gone.Component, gone.Kind, gone.Name, "default", "", ObjectAction.Deleted));
        }

        if (KillNextRun == true)
        {
            KillNextRun = null;
            throw new SimulatedKillException();
        }

        return new DeployResult(result);
    }

    public Task<DeployResult> StopAsync(string release, StopOptions options, CancellationToken cancellationToken)
    {
        Stops.Add((release, options));
        var removed = Objects(release).Keys.Select(k => new DeployedObject(k.Component, k.Kind, k.Name, "default", "", ObjectAction.Deleted)).ToList();
        _engine.Remove(release);
        return Task.FromResult(new DeployResult(removed));
    }

    /// <summary>The kinds each status call was limited to (null: every kind).</summary>
    public List<IReadOnlySet<string>?> StatusKinds { get; } = [];

    public Task<ReleaseStatus> StatusAsync(string release, IReadOnlySet<string> kinds, CancellationToken cancellationToken)
    {
        StatusKinds.Add(kinds);
        return Status(release);
    }

    public Task<ReleaseStatus> StatusAsync(string release, CancellationToken cancellationToken)
    {
        StatusKinds.Add(null);
        return Status(release);
    }

    private Task<ReleaseStatus> Status(string release)
    {
        StatusCalls++;
        var components = Objects(release)
            .GroupBy(kv => kv.Key.Component)
            .Select(g => new ComponentStatus(g.Key, g.Select(kv => new ObjectStatus(kv.Key.Kind, kv.Key.Name, "running", true, Revision: kv.Value.Revision)).ToList()))
            .ToList();
        return Task.FromResult(new ReleaseStatus(release, Name, "fake", components));
    }

    public async IAsyncEnumerable<LogLine> LogsAsync(string release, LogOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        yield break;
    }

    public Task<IReadOnlyList<ReleaseSummary>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ReleaseSummary>>(_engine.Keys.Select(r => new ReleaseSummary(r, Name, "app", "fake", _engine[r].Count, "running", _engine[r].Values.Max(v => v.Revision))).ToList());

    public List<(string Release, string Component, int Replicas)> Scales { get; } = [];

    public Task ScaleAsync(string release, string component, int replicas, CancellationToken cancellationToken)
    {
        Scales.Add((release, component, replicas));
        return Task.CompletedTask;
    }
}
