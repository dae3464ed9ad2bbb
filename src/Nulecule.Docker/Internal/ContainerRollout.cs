using System.Collections.Concurrent;
using Docker.DotNet;
using Docker.DotNet.Models;
using Nulecule.Docker.Planning;
using Nulecule.Providers;
using static Nulecule.Docker.Internal.DockerObjects;

namespace Nulecule.Docker.Internal;

/// <summary>
/// Brings a release's containers to the plan with up to `--parallel` engine steps at once
/// (<see cref="ParallelScheduler"/>). Each container has two steps: *prepare* (pull its image,
/// create it, or create its replacement beside the running one), which touches nothing running and
/// depends on nothing; and *activate* (start it, or swap it in), which depends on its prepare, on
/// the containers compose's `depends_on` names, on every stale container being set aside (they
/// free names and host ports), and with `--wait` on the previous component being ready. The
/// steps are listed in graph order, prepare before activate, so with `--parallel 1` a run does
/// what it did before the steps ran concurrently.
/// </summary>
internal sealed class ContainerRollout(
    IDockerClient client, ReleasePlan plan, RunOptions options, ContainerWaiter waiter, ContainerReplacer replacer, DateTimeOffset deadline)
{
    private readonly IReporter _reporter = options.Reporter;
    private readonly ConcurrentDictionary<string, Lazy<Task>> _images = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _left = [];
    private readonly HashSet<string> _changed = [];
    private readonly HashSet<string> _waitingShown = [];
    private readonly string?[] _created = new string?[plan.Containers.Count];
    private readonly ContainerReplacer.Prepared?[] _prepared = new ContainerReplacer.Prepared?[plan.Containers.Count];
    private readonly DeployedObject?[] _objects = new DeployedObject?[plan.Containers.Count];
    private string? _failed;

    /// <summary>The component whose step failed first, for the error; null while none did.</summary>
    public string? Failed => Volatile.Read(ref _failed);

    /// <summary>
    /// Sets the <paramref name="stale"/> containers aside and brings <paramref name="byName"/>'s to
    /// the plan. Returns the containers' objects in graph order (stale ones first, as they are
    /// handled), whatever order the steps finished in.
    /// </summary>
    public async Task<List<DeployedObject>> RunAsync(IReadOnlyList<ContainerListResponse> stale, IReadOnlyDictionary<string, ContainerListResponse> byName, CancellationToken cancellationToken)
    {
        var containers = plan.Containers;
        foreach (var container in containers)
        {
            _left[container.Component] = _left.GetValueOrDefault(container.Component) + 1;
        }

        var index = containers.Select((c, i) => (c.ContainerName, i)).ToDictionary(p => p.ContainerName, p => p.i, StringComparer.Ordinal);
        var readiness = options.Wait ? Readiness.Ready : Readiness.Started;

        // Steps: stale containers 0 .. s-1, then prepare (s + 2i) and activate (s + 2i + 1) of container i.
        var s = stale.Count;
        int Prepare(int i) => s + (2 * i);
        int Activate(int i) => s + (2 * i) + 1;

        // With --wait a component starts after the previous component (with containers) is ready.
        var components = containers.Select((c, i) => (c.Component, i)).GroupBy(p => p.Component, StringComparer.Ordinal).Select(g => g.Select(p => p.i).ToArray()).ToList();
        var previousComponent = new int[containers.Count][];
        for (var g = 0; g < components.Count; g++)
        {
            foreach (var i in components[g])
            {
                previousComponent[i] = g == 0 ? [] : components[g - 1];
            }
        }

        IEnumerable<int> Dependencies(int step)
        {
            if (step < s || (step - s) % 2 == 0)
            {
                return [];
            }

            var i = (step - s) / 2;
            var on = new List<int> { Prepare(i) };
            on.AddRange(Enumerable.Range(0, s));
            on.AddRange(containers[i].Dependencies.Select(d => index[d.ContainerName]).Where(j => j < i).Select(Activate));
            if (options.Wait)
            {
                on.AddRange(previousComponent[i].Select(Activate));
            }

            return on;
        }

        var staleObjects = new DeployedObject?[s];
        await ParallelScheduler.RunAsync(s + (2 * containers.Count), Dependencies, options.Parallel, async (step, ct) =>
        {
            var component = step < s ? ComponentOf(stale[step]) : containers[(step - s) / 2].Component;
            try
            {
                if (step < s)
                {
                    staleObjects[step] = await RetireAsync(stale[step], ct);
                }
                else if ((step - s) % 2 == 0)
                {
                    var i = (step - s) / 2;
                    await PrepareAsync(i, byName.GetValueOrDefault(containers[i].ContainerName), ct);
                }
                else
                {
                    var i = (step - s) / 2;
                    await ActivateAsync(i, byName.GetValueOrDefault(containers[i].ContainerName), readiness, ct);
                }
            }
            catch (Exception e) when (!(e is OperationCanceledException && ct.IsCancellationRequested))
            {
                Interlocked.CompareExchange(ref _failed, component, null);
                throw;
            }
        }, cancellationToken);

        return staleObjects.Concat(_objects).OfType<DeployedObject>().ToList();
    }

    private async Task<DeployedObject> RetireAsync(ContainerListResponse stale, CancellationToken cancellationToken)
    {
        var staleObject = $"container {NameOf(stale)}";
        _reporter.Progress(new ProgressEvent(ComponentOf(stale), ProgressState.Removing) { Object = staleObject, Message = $"removing {NameOf(stale)} (no longer in the app)" });
        await replacer.RetireAsync(stale, cancellationToken);
        _reporter.Progress(new ProgressEvent(ComponentOf(stale), ProgressState.Removed) { Object = staleObject, Detail = "no longer in the app" });
        return new DeployedObject(ComponentOf(stale), "container", NameOf(stale), null, HashOf(stale), ObjectAction.Deleted);
    }

    /// <summary>Pulls the image and creates the container, or its replacement beside the running one; nothing running is touched.</summary>
    private async Task PrepareAsync(int i, ContainerListResponse? current, CancellationToken cancellationToken)
    {
        var container = plan.Containers[i];
        if (DryRunPlan.Unchanged(current, container))
        {
            _objects[i] = new DeployedObject(container.Component, "container", container.ContainerName, null, container.ConfigHash, ObjectAction.Unchanged);
            return;
        }

        lock (_gate)
        {
            _changed.Add(container.Component);
        }

        // One pull per image, however many containers use it.
        await _images.GetOrAdd(container.Arguments.Image, _ => new Lazy<Task>(() => EngineResources.EnsureImageAsync(client, container, _reporter, cancellationToken))).Value;
        var containerObject = $"container {container.ContainerName}";
        if (current is null)
        {
            _reporter.Progress(new ProgressEvent(container.Component, ProgressState.Creating)
            {
                Object = containerObject,
                Detail = container.Arguments.Image,
                Message = $"creating {container.ContainerName} ({container.Arguments.Image})",
            });
            _created[i] = await replacer.CreateNewAsync(container, cancellationToken);
        }
        else
        {
            var why = HashOf(current) == container.ConfigHash ? $"it was {current.State}" : "its configuration changed";
            _reporter.Progress(new ProgressEvent(container.Component, ProgressState.Creating)
            {
                Object = containerObject,
                Detail = $"replacing: {why}",
                Message = $"replacing {container.ContainerName} ({why})",
            });
            _prepared[i] = await replacer.PrepareReplacementAsync(current, container, cancellationToken);
        }

        _objects[i] = new DeployedObject(container.Component, "container", container.ContainerName, null, container.ConfigHash, current is null ? ObjectAction.Created : ObjectAction.Updated);
    }

    /// <summary>Waits for what the container depends on (compose), then starts it or swaps its replacement in, and waits for it where asked.</summary>
    private async Task ActivateAsync(int i, ContainerListResponse? current, Readiness readiness, CancellationToken cancellationToken)
    {
        var container = plan.Containers[i];
        foreach (var dependency in container.Dependencies)
        {
            var target = plan.Containers.First(c => c.ContainerName == dependency.ContainerName);
            _reporter.Detail($"{container.ContainerName} waits for {target.ContainerName} ({dependency.Condition})");
            await waiter.WaitAsync(target, target.ContainerName, DependencyReadiness(dependency.Condition), deadline, options.Timeout, cancellationToken);
        }

        Readiness? wanted = null;
        if (_objects[i]?.Action == ObjectAction.Unchanged)
        {
            _reporter.Detail($"{container.ContainerName} unchanged");
            _reporter.Progress(new ProgressEvent(container.Component, ProgressState.Unchanged) { Object = $"container {container.ContainerName}", Detail = current?.State });
        }
        else if (_created[i] is { } id)
        {
            await replacer.StartNewAsync(container, id, cancellationToken);
            wanted = options.Wait ? Readiness.Ready : null;
        }
        else if (_prepared[i] is { } prepared && !await replacer.ReplaceAsync(prepared, container, readiness, deadline, options.Timeout, cancellationToken))
        {
            wanted = readiness;
        }

        if (wanted is { } r)
        {
            bool first;
            lock (_gate)
            {
                first = _waitingShown.Add(container.Component);
            }

            if (first)
            {
                _reporter.Progress(new ProgressEvent(container.Component, ProgressState.Waiting) { Message = $"waiting for {container.Component}" });
            }

            await waiter.WaitAsync(container, container.ContainerName, r, deadline, options.Timeout, cancellationToken);
        }

        bool last, changed;
        lock (_gate)
        {
            last = --_left[container.Component] == 0;
            changed = _changed.Contains(container.Component);
        }

        if (last && changed)
        {
            var done = options.Wait ? ProgressState.Ready : ProgressState.Started;
            _reporter.Progress(new ProgressEvent(container.Component, done)
            {
                Detail = options.Wait ? "running" + (plan.Containers.Any(c => c.Component == container.Component && c.HasHealthCheck) ? ", healthy" : "") : "running",
                Message = $"{container.Component} {ProgressEvent.Name(done)}",
            });
        }
    }

    private static Readiness DependencyReadiness(string condition) => condition switch
    {
        "service_healthy" => Readiness.Ready,
        "service_completed_successfully" => Readiness.Completed,
        _ => Readiness.Started,
    };
}
