using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Docker.DotNet;
using Docker.DotNet.Models;
using Nulecule.Docker.Endpoints;
using Nulecule.Docker.Internal;
using Nulecule.Docker.Planning;
using Nulecule.Providers;
using Nulecule.Templating;
using static Nulecule.Docker.Swarm.SwarmObjects;

namespace Nulecule.Docker.Swarm;

/// <summary>
/// Deploys docker artifacts as services of a Docker Swarm through the Engine API (see
/// <see cref="SwarmPlanner"/> for the conversion and naming). A run converges: a service whose
/// spec hash is unchanged is left alone, a changed one is updated (the version re-read when the
/// engine says the update is out of sequence), and with `--wait` each component converges
/// (<see cref="SwarmConvergence"/>) before the next one starts. Images are checked before any
/// service changes. A failed or interrupted run puts every service it changed back to the spec it
/// had and removes what it created; rollback to any revision re-applies that revision's specs, so
/// Swarm's own one-step rollback is never used.
/// </summary>
public sealed class SwarmProvider : IProvider, IDisposable
{
    private readonly EngineClient _engine;
    private readonly Func<string, string?>? _environment;

    /// <summary>Discovers the engine like the docker CLI when first needed (a dry run never connects).</summary>
    public SwarmProvider(EndpointEnvironment? environment = null) => _engine = new EngineClient(environment);

    /// <summary>Uses a client the caller owns.</summary>
    public SwarmProvider(IDockerClient client, string target, Func<string, string?>? environment = null)
    {
        _engine = new EngineClient(client, target);
        _environment = environment;
    }

    public string Name => "swarm";

    /// <summary>The manager's endpoint, found as the docker CLI finds it, without connecting.</summary>
    public string Target => _engine.Endpoint;

    /// <summary>Env files and bare `-e NAME` values are read now and kept with the revision, as on Docker.</summary>
    public RenderedApp CaptureInputs(RenderedApp app) => ReleasePlanner.CaptureInputs(app, _environment);

    /// <summary>A failed or interrupted run puts back the specs the services had before it.</summary>
    public bool RestoresOnFailure => true;

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a serving service must stay converged before `--wait` counts it ready.</summary>
    public TimeSpan SettleTime { get; init; } = TimeSpan.FromSeconds(1);

    public async Task<DeployResult> RunAsync(RenderedApp app, RunOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(options);
        var plan = SwarmPlanner.Plan(app, options, _environment);
        var masker = app.Values.Masker;
        var reporter = options.Reporter;
        foreach (var warning in plan.Warnings)
        {
            reporter.Warn(masker.Mask(warning));
        }

        if (options.DryRun)
        {
            return DescribePlan(plan, await ExistingForDryRunAsync(options, cancellationToken));
        }

        var client = await ClientAsync(cancellationToken);
        List<SwarmService> existing;
        try
        {
            await ManagerAsync(client, cancellationToken);
            existing = await ServicesAsync(client, options.Release, cancellationToken);
        }
        catch (Exception e) when (DockerProvider.Unreachable(e))
        {
            throw new OperationFailedException($"swarm run of release {options.Release} failed: {NoAnswer(e)}; nothing was changed", e);
        }

        var firstRun = existing.Count == 0;
        existing.AddRange(await ForeignServicesAsync(client, plan, existing, options, cancellationToken));
        var byName = existing.ToDictionary(NameOf, StringComparer.Ordinal);

        // Nothing is touched before every image a changed service needs is here.
        foreach (var service in plan.Services.Where(s => !byName.TryGetValue(s.ServiceName, out var current) || HashOf(current) != s.SpecHash))
        {
            await EngineResources.EnsureImageAsync(client, service.Image, service.Component, service.Location, null, reporter, cancellationToken);
        }

        var undo = new Undo();
        var files = new SwarmFileObjects(client, options.Release);
        undo.Files = files;
        var objects = new List<DeployedObject>();
        var waiter = new SwarmWaiter(client, PollInterval, SettleTime, masker);
        var deadline = DateTimeOffset.UtcNow + options.Timeout;
        string? working = null;
        try
        {
            foreach (var network in plan.Networks)
            {
                objects.Add(await EnsureNetworkAsync(client, network, undo, reporter, cancellationToken));
            }

            objects.AddRange(await files.EnsureAsync(plan, reporter, cancellationToken));
            foreach (var component in plan.Components)
            {
                working = component;
                var changed = new List<(PlannedService Service, string Id)>();
                var waited = new HashSet<string>(StringComparer.Ordinal);
                async Task WaitForAsync(PlannedService service, string id)
                {
                    if (waited.Add(service.ServiceName))
                    {
                        await waiter.WaitAsync(service, id, deadline, options.Timeout, reporter, cancellationToken);
                    }
                }

                foreach (var service in plan.Services.Where(s => s.Component == component))
                {
                    var serviceObject = $"service {service.ServiceName}";

                    // Compose's depends_on, with --wait: what this service needs healthy or finished is waited for first.
                    foreach (var dependency in options.Wait ? service.DependsOn.Where(d => d.Condition != "service_started") : [])
                    {
                        if (changed.FirstOrDefault(c => c.Service.ServiceName == dependency.ServiceName) is { Service: not null } target)
                        {
                            reporter.Detail($"{service.ServiceName} waits for {target.Service.ServiceName} ({dependency.Condition})");
                            reporter.Progress(new ProgressEvent(component, ProgressState.Waiting) { Object = $"service {target.Service.ServiceName}", Message = $"waiting for {target.Service.ServiceName} ({dependency.Condition}) before {service.ServiceName}" });
                            await WaitForAsync(target.Service, target.Id);
                        }
                    }

                    byName.TryGetValue(service.ServiceName, out var current);
                    if (current is not null && HashOf(current) == service.SpecHash)
                    {
                        reporter.Detail($"{service.ServiceName} unchanged");
                        reporter.Progress(new ProgressEvent(component, ProgressState.Unchanged) { Object = serviceObject });
                        objects.Add(new DeployedObject(component, "service", service.ServiceName, null, service.SpecHash, ObjectAction.Unchanged));
                        continue;
                    }

                    files.Resolve(service.Spec);
                    if (current is null)
                    {
                        reporter.Progress(new ProgressEvent(component, ProgressState.Creating)
                        {
                            Object = serviceObject,
                            Detail = service.Image,
                            Message = $"creating service {service.ServiceName} ({service.Image})",
                        });
                        var created = await client.Swarm.CreateServiceAsync(new ServiceCreateParameters { Service = service.Spec, RegistryAuth = null! }, CancellationToken.None);
                        var id = created.ID ?? service.ServiceName;
                        undo.Created.Add((service.ServiceName, id));
                        changed.Add((service, id));
                    }
                    else
                    {
                        var image = Label(current, SwarmPlanner.StackImage) is { } old && old != service.Image ? $" ({old} -> {service.Image})" : "";
                        reporter.Progress(new ProgressEvent(component, ProgressState.Creating)
                        {
                            Object = serviceObject,
                            Detail = "updating: its spec changed",
                            Message = $"updating service {service.ServiceName}{image}",
                        });
                        undo.Updated.Add((service.ServiceName, current.ID, current.Spec!));
                        var response = await UpdateAsync(client, current.ID, live => KeepScaledReplicas(live, service, reporter), CancellationToken.None);
                        foreach (var warning in response.Warnings ?? [])
                        {
                            reporter.Warn($"{service.ServiceName}: {warning}");
                        }

                        changed.Add((service, current.ID));
                    }

                    cancellationToken.ThrowIfCancellationRequested();
                    objects.Add(new DeployedObject(component, "service", service.ServiceName, null, service.SpecHash, current is null ? ObjectAction.Created : ObjectAction.Updated));
                }

                if (changed.Count > 0)
                {
                    if (options.Wait)
                    {
                        reporter.Progress(new ProgressEvent(component, ProgressState.Waiting) { Message = $"waiting for {component}" });
                        foreach (var (service, id) in changed)
                        {
                            await WaitForAsync(service, id);
                        }
                    }

                    var done = options.Wait ? ProgressState.Ready : ProgressState.Started;
                    reporter.Progress(new ProgressEvent(component, done)
                    {
                        Detail = options.Wait ? "converged" : "updated, not waited for",
                        Message = $"{component} {ProgressEvent.Name(done)}",
                    });
                }
            }

            // Services that left the app go once the new revision stands; then secrets and configs no longer used.
            var planned = plan.Services.Select(s => s.ServiceName).ToHashSet(StringComparer.Ordinal);
            foreach (var stale in existing.Where(s => !planned.Contains(NameOf(s))).OrderByDescending(OrderOf))
            {
                var staleObject = $"service {NameOf(stale)}";
                reporter.Progress(new ProgressEvent(ComponentOf(stale), ProgressState.Removing) { Object = staleObject, Message = $"removing service {NameOf(stale)} (no longer in the app)" });
                await SwarmRemoval.RemoveServiceAsync(client, stale.ID, CancellationToken.None);
                reporter.Progress(new ProgressEvent(ComponentOf(stale), ProgressState.Removed) { Object = staleObject, Detail = "no longer in the app" });
                objects.Add(new DeployedObject(ComponentOf(stale), "service", NameOf(stale), null, HashOf(stale), ObjectAction.Deleted));
            }

            objects.AddRange(await files.RemoveStaleAsync(plan, reporter, CancellationToken.None));
            return new DeployResult(objects);
        }
        catch (Exception e)
        {
            var interrupted = e is OperationCanceledException && cancellationToken.IsCancellationRequested;
            var what = interrupted ? "interrupted" : "failed";
            if (working is not null)
            {
                reporter.Progress(new ProgressEvent(working, ProgressState.Failed) { Detail = what, Message = $"{working} {what}" });
            }

            string outcome;
            if (firstRun && options.KeepFailed)
            {
                outcome = "what it created was kept (--keep-failed)";
            }
            else
            {
                reporter.Warn($"run {what}; " + (firstRun ? $"removing what it created for release {options.Release}" : "putting the services it changed back"));
                var (restored, left) = await UndoAsync(client, undo, options.Release, reporter);
                outcome = firstRun
                    ? left.Count == 0
                        ? "nothing of it was left on the swarm"
                        : $"what it created could not all be removed ({string.Join(", ", left)}): `nulecule stop {options.Release}` removes it once the engine answers"
                    : (restored.Count == 0 ? "no service had been changed" : $"the previous specs were put back: {string.Join(", ", restored)}")
                        + (left.Count == 0 ? "" : $"; could not be undone: {string.Join(", ", left)}");
            }

            if (interrupted)
            {
                throw new OperationCanceledException($"run of release {options.Release} was interrupted; {outcome}", e, cancellationToken);
            }

            if (e is NuleculeException)
            {
                throw;
            }

            var at = working is null ? "" : $" at component {working}";
            var message = e is OperationFailedException ? e.Message
                : DockerProvider.Unreachable(e) ? $"swarm run of release {options.Release} failed{at}: {NoAnswer(e)}"
                : $"swarm run of release {options.Release} failed{at}: {DockerObjects.Describe(e)}";
            throw new OperationFailedException(masker.Mask($"{message}; {outcome}"), e);
        }
    }

    public async Task<DeployResult> StopAsync(string release, StopOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var client = await ClientAsync(cancellationToken);
        await ManagerAsync(client, cancellationToken);
        return await SwarmRemoval.StopAsync(client, release, options, cancellationToken);
    }

    public async Task<ReleaseStatus> StatusAsync(string release, CancellationToken cancellationToken)
    {
        var client = await ClientAsync(cancellationToken);
        await ManagerAsync(client, cancellationToken);
        var components = new List<ComponentStatus>();
        var files = (await client.Secrets.ListAsync(cancellationToken)).Where(s => OwnedBy(s.Spec?.Labels, release)).Select(s => (Kind: "secret", Name: s.Spec!.Name ?? s.ID, Labels: s.Spec.Labels))
            .Concat((await client.Configs.ListConfigsAsync(cancellationToken)).Where(c => OwnedBy(c.Spec?.Labels, release)).Select(c => (Kind: "config", Name: c.Spec!.Name ?? c.ID, Labels: c.Spec.Labels)))
            .ToList();
        foreach (var group in (await ServicesAsync(client, release, cancellationToken)).GroupBy(ComponentOf))
        {
            var rows = new List<ObjectStatus>();
            foreach (var service in group)
            {
                var tasks = (await CurrentTasksAsync(client, service.ID, cancellationToken)).ToList();
                rows.AddRange(SwarmStatusRows.Rows(service, tasks));
            }

            rows.AddRange(files.Where(f => f.Labels.TryGetValue(Providers.Labels.Component, out var c) && c == group.Key).Select(f => SwarmStatusRows.FileObject(f.Kind, f.Name)));
            components.Add(new ComponentStatus(group.Key, rows));
        }

        return new ReleaseStatus(release, Name, Target, components);
    }

    public async IAsyncEnumerable<LogLine> LogsAsync(string release, LogOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var client = await ClientAsync(cancellationToken);
        await ManagerAsync(client, cancellationToken);
        var services = (await ServicesAsync(client, release, cancellationToken))
            .Where(s => options.Component is null || ComponentOf(s) == options.Component)
            .ToList();
        if (options.Component is not null && services.Count == 0)
        {
            throw new NuleculeException($"release {release} has no services of component '{options.Component}'");
        }

        var parameters = new ServiceLogsParameters
        {
            ShowStdout = true,
            ShowStderr = true,
            Timestamps = true,
            Follow = options.Follow,
            Tail = options.Tail?.ToString(CultureInfo.InvariantCulture) ?? "all",
        };

        async IAsyncEnumerable<LogLine> Read(SwarmService service, [EnumeratorCancellation] CancellationToken ct = default)
        {
            using var stream = await client.Swarm.GetServiceLogsAsync(service.ID, false, parameters, ct);
            await foreach (var line in ContainerLogs.ReadStreamAsync(stream, timestamps: true, ct))
            {
                yield return line with { Component = ComponentOf(service), Source = NameOf(service) + (line.Source == "stderr" ? " (stderr)" : "") };
            }
        }

        if (!options.Follow)
        {
            foreach (var service in services)
            {
                // A service's lines come from all its tasks, in the order the engine returns them: sort them by time.
                var lines = new List<LogLine>();
                await foreach (var line in Read(service, cancellationToken))
                {
                    lines.Add(line);
                }

                foreach (var line in lines.OrderBy(l => l.Time ?? DateTimeOffset.MinValue))
                {
                    yield return line;
                }
            }

            yield break;
        }

        var channel = Channel.CreateUnbounded<LogLine>();
        var readers = services.Select(async service =>
        {
            await foreach (var line in Read(service, cancellationToken))
            {
                await channel.Writer.WriteAsync(line, cancellationToken);
            }
        }).ToList();
        _ = Task.WhenAll(readers).ContinueWith(t => channel.Writer.TryComplete(t.Exception), TaskScheduler.Default);
        await foreach (var line in channel.Reader.ReadAllAsync(cancellationToken))
        {
            yield return line;
        }
    }

    public async Task<IReadOnlyList<ReleaseSummary>> ListAsync(CancellationToken cancellationToken)
    {
        var client = await ClientAsync(cancellationToken);
        if (await NotAManagerAsync(client, cancellationToken) is not null)
        {
            return [];
        }

        var services = await client.Swarm.ListServicesAsync(
            new ServiceListParameters { Filters = DockerObjects.LabelFilter($"{DockerLabels.Provider}={SwarmPlanner.ProviderValue}"), Status = true },
            cancellationToken);
        return services
            .Where(s => Label(s, Providers.Labels.Release) is not null)
            .GroupBy(s => Label(s, Providers.Labels.Release)!, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var ready = g.Count(s => s.ServiceStatus is { } st && (st.RunningTasks >= st.DesiredTasks || st.CompletedTasks > 0));
                var state = ready == g.Count() ? "running" : ready == 0 ? "stopped" : "degraded";
                return new ReleaseSummary(g.Key, Name, Label(g.First(), Providers.Labels.AppId) ?? "", Target, g.Count(), state, g.Max(s => RevisionOf(s) ?? 0));
            })
            .ToList();
    }

    /// <summary>`docker service scale`: the replica count of the component's services (replicated ones).</summary>
    public async Task ScaleAsync(string release, string component, int replicas, CancellationToken cancellationToken)
    {
        var client = await ClientAsync(cancellationToken);
        await ManagerAsync(client, cancellationToken);
        var services = (await ServicesAsync(client, release, cancellationToken)).Where(s => ComponentOf(s) == component).ToList();
        if (services.Count == 0)
        {
            throw new NuleculeException($"release {release} has no services of component '{component}'");
        }

        foreach (var service in services)
        {
            if (service.Spec?.Mode?.Replicated is null)
            {
                throw new NuleculeException($"service {NameOf(service)} is not a replicated service (it is a global service or a job): it has no replica count");
            }

            if (replicas > 1 && service.Spec.EndpointSpec?.Ports?.Any(p => p.PublishedPort is > 0) == true)
            {
                var nodes = (await client.Swarm.ListNodesAsync(cancellationToken)).Count(n => n.Status?.State != "down");
                if (nodes < replicas)
                {
                    throw new NuleculeException(
                        $"service {NameOf(service)} publishes host ports: each of {replicas} replicas needs a node of its own, and the swarm has {nodes}",
                        null,
                        "scale to at most the number of nodes, or publish no host port");
                }
            }
        }

        foreach (var service in services)
        {
            await UpdateAsync(
                client,
                service.ID,
                current =>
                {
                    var spec = current.Spec!;
                    spec.Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = (ulong)replicas } };
                    return spec;
                },
                cancellationToken);
        }
    }

    public void Dispose() => _engine.Dispose();

    private Task<IDockerClient> ClientAsync(CancellationToken cancellationToken) => _engine.GetAsync(cancellationToken);

    private static async Task ManagerAsync(IDockerClient client, CancellationToken cancellationToken)
    {
        if (await NotAManagerAsync(client, cancellationToken) is { } problem)
        {
            throw new OperationFailedException($"the swarm provider needs a swarm manager: {problem}");
        }
    }

    private string NoAnswer(Exception e) =>
        $"the Docker engine at {Target} did not answer ({e.Message}); check that dockerd runs (`docker info`), then run again";

    /// <summary>Services that hold names the release needs but are not its own: refused, or with `--take-ownership` converged like its own.</summary>
    private static async Task<List<SwarmService>> ForeignServicesAsync(IDockerClient client, SwarmPlan plan, List<SwarmService> own, RunOptions options, CancellationToken cancellationToken)
    {
        var ours = own.Select(NameOf).ToHashSet(StringComparer.Ordinal);
        var wanted = plan.Services.ToDictionary(s => s.ServiceName, StringComparer.Ordinal);
        var foreign = (await client.Swarm.ListServicesAsync(null, cancellationToken))
            .Where(s => wanted.ContainsKey(NameOf(s)) && !ours.Contains(NameOf(s)))
            .ToList();
        if (foreign.Count == 0 || options.TakeOwnership)
        {
            foreach (var s in foreign)
            {
                options.Reporter.Warn($"--take-ownership: service {NameOf(s)} ({Owner(s)}) will be updated to release {options.Release}'s spec");
            }

            return foreign;
        }

        var lines = foreign.Select(s => $"component {wanted[NameOf(s)].Component}: a service named {NameOf(s)} already exists and belongs to {Owner(s)} ({wanted[NameOf(s)].Location})");
        throw new OperationFailedException(
            string.Join(Environment.NewLine, lines) + Environment.NewLine
            + "nothing was changed; choose another release name, stop the other release, or pass --take-ownership to update these services");

        static string Owner(SwarmService s) =>
            Label(s, Providers.Labels.Release) is { } owner ? $"release '{owner}'" : "no release (nulecule did not create it)";
    }

    private static async Task<DeployedObject> EnsureNetworkAsync(IDockerClient client, PlannedResource network, Undo undo, IReporter reporter, CancellationToken cancellationToken)
    {
        var found = await client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = DockerObjects.NameFilter(network.Name) }, cancellationToken);
        if (found.FirstOrDefault(n => n.Name == network.Name) is { } existing)
        {
            if (existing.Scope != "swarm")
            {
                throw new OperationFailedException(network.External
                    ? $"network {network.Name} is declared external, but its scope is '{existing.Scope}', not swarm: services can only join swarm-scoped networks"
                    : $"network {network.Name} exists with scope '{existing.Scope}', not as a swarm overlay network; remove it (`docker network rm {network.Name}`) or choose another release name");
            }

            return new DeployedObject("", "network", network.Name, null, "", ObjectAction.Unchanged);
        }

        if (network.External)
        {
            throw new OperationFailedException($"network {network.Name} is declared external but does not exist; create it first (`docker network create --driver overlay --attachable {network.Name}`)");
        }

        reporter.Progress(new ProgressEvent("", ProgressState.Creating) { Object = $"network {network.Name}", Message = $"creating network {network.Name} (overlay)" });

        // Not abandoned half-way when interrupted (the engine would make a network nobody knows of).
        var response = await client.Networks.CreateNetworkAsync(
            new NetworksCreateParameters
            {
                Name = network.Name,
                Driver = "overlay",
                Attachable = true,
                Internal = network.Internal,
                Labels = new Dictionary<string, string>(network.Labels),
                Options = null!,
                IPAM = EngineResources.Ipam(network.Subnets)!,
            },
            CancellationToken.None);
        undo.Networks.Add((network.Name, response.ID));
        cancellationToken.ThrowIfCancellationRequested();
        return new DeployedObject("", "network", network.Name, null, "", ObjectAction.Created);
    }

    /// <summary>What a run changed, so a failure can put it back.</summary>
    private sealed class Undo
    {
        public List<(string Name, string Id)> Created { get; } = [];

        public List<(string Name, string Id, ServiceSpec Previous)> Updated { get; } = [];

        public List<(string Name, string Id)> Networks { get; } = [];

        public SwarmFileObjects? Files { get; set; }
    }

    /// <summary>
    /// The spec an update sends: the planned one, except that a replica count set by `scale` holds
    /// while the artifact's own count is what it was (the count an artifact change asks for wins).
    /// </summary>
    internal static ServiceSpec KeepScaledReplicas(SwarmService live, PlannedService planned, IReporter reporter)
    {
        var spec = planned.Spec;
        if (spec.Mode?.Replicated is { } wanted && live.Spec?.Mode?.Replicated?.Replicas is { } running && running != wanted.Replicas
            && Label(live, SwarmComposePlanner.ReplicasLabel) == (spec.Labels.TryGetValue(SwarmComposePlanner.ReplicasLabel, out var count) ? count : null))
        {
            reporter.Detail($"{planned.ServiceName} keeps its {running} replicas (scaled; the artifact's count did not change)");
            spec.Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = running } };
        }

        return spec;
    }

    /// <summary>Puts back the previous specs, removes created services and networks; on the engine's time, not the caller's.</summary>
    private static async Task<(List<string> Restored, List<string> Left)> UndoAsync(IDockerClient client, Undo undo, string release, IReporter reporter)
    {
        var restored = new List<string>();
        var left = new List<string>();
        foreach (var (name, id, previous) in Enumerable.Reverse(undo.Updated))
        {
            if (await EngineResources.TryAsync(() => UpdateAsync(client, id, _ => previous, CancellationToken.None), reporter))
            {
                restored.Add(name);
            }
            else
            {
                left.Add($"service {name} (still at the new spec)");
            }
        }

        foreach (var (name, id) in Enumerable.Reverse(undo.Created))
        {
            if (!await EngineResources.TryAsync(() => client.Swarm.RemoveServiceAsync(id, CancellationToken.None), reporter))
            {
                left.Add($"service {name}");
            }
        }

        if (undo.Files is { } files)
        {
            left.AddRange(await files.RemoveCreatedAsync(reporter));
        }

        if (undo.Networks.Count > 0)
        {
            if (undo.Created.Count > 0)
            {
                await SwarmRemoval.WaitForContainersGoneAsync(client, release, DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30), reporter, CancellationToken.None);
            }

            foreach (var (name, id) in undo.Networks)
            {
                try
                {
                    await SwarmRemoval.RemoveNetworkAsync(client, id, DateTimeOffset.UtcNow + TimeSpan.FromSeconds(20), CancellationToken.None);
                }
                catch (Exception e) when (e is DockerApiException || DockerProvider.Unreachable(e))
                {
                    reporter.Warn($"clean-up: network {name}: {DockerObjects.Describe(e)}");
                    left.Add($"network {name}");
                }
            }
        }

        return (restored, left);
    }

    private DeployResult DescribePlan(SwarmPlan plan, IReadOnlyList<SwarmService>? existing)
    {
        var lines = new List<string>();
        var objects = new List<DeployedObject>();
        var byName = (existing ?? []).ToDictionary(NameOf, StringComparer.Ordinal);
        if (existing is null || existing.Count == 0)
        {
            foreach (var network in plan.Networks.Where(n => !n.External))
            {
                lines.Add($"POST /networks/create name={network.Name} driver=overlay");
                objects.Add(new DeployedObject("", "network", network.Name, null, "", ObjectAction.Planned));
            }
        }

        foreach (var item in plan.Secrets.Concat(plan.Configs))
        {
            // Named by their content: a new name is a new value; the value itself is never shown.
            lines.Add($"{item.Kind} {item.Name} (created unless it exists; {item.Data?.Length ?? 0} bytes)");
            objects.Add(new DeployedObject(item.Component ?? "", item.Kind, item.Name, null, "", ObjectAction.Planned));
        }

        foreach (var service in plan.Services)
        {
            byName.TryGetValue(service.ServiceName, out var current);
            if (current is not null && HashOf(current) == service.SpecHash)
            {
                lines.Add($"unchanged {service.ServiceName}");
                objects.Add(new DeployedObject(service.Component, "service", service.ServiceName, null, service.SpecHash, ObjectAction.Unchanged));
                continue;
            }

            var ports = string.Join(",", (service.Spec.EndpointSpec?.Ports ?? []).Select(p => $"{p.PublishedPort}:{p.TargetPort}/{p.Protocol}"));
            lines.Add((current is null ? "POST /services/create" : $"POST /services/{service.ServiceName}/update") + $" name={service.ServiceName} image={service.Image}"
                + (ports.Length > 0 ? $" ports={ports} (host mode)" : "") + $" endpoint-mode=dnsrr update-order={service.Spec.UpdateConfig?.Order}");
            objects.Add(new DeployedObject(service.Component, "service", service.ServiceName, null, service.SpecHash, ObjectAction.Planned));
        }

        var planned = plan.Services.Select(s => s.ServiceName).ToHashSet(StringComparer.Ordinal);
        foreach (var stale in (existing ?? []).Where(s => !planned.Contains(NameOf(s))))
        {
            lines.Add($"remove {NameOf(stale)} (no longer in the app): DELETE /services/{NameOf(stale)}");
            objects.Add(new DeployedObject(ComponentOf(stale), "service", NameOf(stale), null, HashOf(stale), ObjectAction.Deleted));
        }

        return new DeployResult(objects) { PlannedOperations = lines };
    }

    /// <summary>A dry run reads the swarm when it answers (the plan is then the converge plan), else plans a first install.</summary>
    private async Task<List<SwarmService>?> ExistingForDryRunAsync(RunOptions options, CancellationToken cancellationToken)
    {
        try
        {
            var client = await ClientAsync(cancellationToken);
            if (await NotAManagerAsync(client, cancellationToken) is { } problem)
            {
                options.Reporter.Warn($"dry run: {problem}; planning as for a first install");
                return null;
            }

            return await ServicesAsync(client, options.Release, cancellationToken);
        }
        catch (Exception e) when (e is DockerApiException || DockerProvider.Unreachable(e))
        {
            options.Reporter.Warn($"dry run: the engine did not answer ({DockerObjects.Describe(e)}); planning as for a first install");
            return null;
        }
    }
}
