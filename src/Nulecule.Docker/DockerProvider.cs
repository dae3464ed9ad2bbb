using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using Docker.DotNet;
using Docker.DotNet.Models;
using Nulecule.Docker.Endpoints;
using Nulecule.Docker.Internal;
using Nulecule.Docker.Planning;
using Nulecule.Providers;
using Nulecule.Templating;
using static Nulecule.Docker.Internal.DockerObjects;

namespace Nulecule.Docker;

/// <summary>
/// Deploys docker artifacts (`docker run` commands) through the Docker Engine API. See
/// <see cref="ReleasePlanner"/> for naming, networking and volume decisions.
/// </summary>
/// <remarks>
/// `scale` sets the replica count of compose services (`<release>-<service>-<n>` containers) by
/// running the deployed revision again with the count (<see cref="IScalesByRun"/>); a docker-run
/// command is one container and is not scaled.
/// </remarks>
public sealed class DockerProvider : IProvider, IScalesByRun, IDisposable
{
    private readonly EngineClient _engine;
    private readonly Func<string, string?>? _environment;

    /// <summary>Discovers the engine like the docker CLI when first needed (a dry run never connects).</summary>
    public DockerProvider(EndpointEnvironment? environment = null) => _engine = new EngineClient(environment);

    /// <summary>Uses a client the caller owns.</summary>
    public DockerProvider(IDockerClient client, string target, Func<string, string?>? environment = null)
    {
        _engine = new EngineClient(client, target);
        _environment = environment;
    }

    public string Name => "docker";

    /// <summary>The engine endpoint, found as the docker CLI finds it (DOCKER_HOST, context, socket) without connecting.</summary>
    public string Target => _engine.Endpoint;

    /// <summary>Env files and bare `-e NAME` values are read now and kept with the revision.</summary>
    public RenderedApp CaptureInputs(RenderedApp app) => ReleasePlanner.CaptureInputs(app, _environment);

    /// <summary>A failed or interrupted run puts the previous containers back itself (<see cref="ContainerReplacer"/>).</summary>
    public bool RestoresOnFailure => true;

    /// <summary>How often `--wait` looks at a container, and how long a container must stay up to count as started.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan SettleTime { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a stopping container may take to exit after SIGTERM before it is killed.</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    public async Task<DeployResult> RunAsync(RenderedApp app, RunOptions options, CancellationToken cancellationToken)
    {
        var plan = ReleasePlanner.Plan(app, options, _environment);
        var masker = app.Values.Masker;
        if (options.DryRun)
        {
            var current = await ExistingForDryRunAsync(options, cancellationToken);
            return DryRunPlan.Describe(WithScaledCounts(app, options, plan, current).Plan, masker, current);
        }

        var client = await ClientAsync(cancellationToken);
        var reporter = options.Reporter;
        List<ContainerListResponse> existing;
        IReadOnlyList<ScaledReplicas> held;
        bool firstRun;
        try
        {
            // One list of every container answers the repair, the converge and the ownership check;
            // it is read again only when the repair changed something.
            var all = await EveryContainerAsync(client, cancellationToken);
            if (await ContainerReplacer.RepairAsync(client, OfRelease(all, options.Release), reporter, cancellationToken))
            {
                all = await EveryContainerAsync(client, cancellationToken);
            }

            existing = OfRelease(all, options.Release).Where(c => !TransientNames.IsTransient(NameOf(c))).ToList();
            (plan, held) = WithScaledCounts(app, options, plan, existing);
            firstRun = existing.Count == 0;
            existing.AddRange(Ownership.ForeignContainers(all, plan, existing, options));
        }
        catch (Exception e) when (Unreachable(e))
        {
            throw new OperationFailedException($"docker run of release {options.Release} failed: {NoAnswer(e)}; nothing was changed", e);
        }

        // External networks and volumes are there, or nothing is made.
        await EngineResources.CheckExternalAsync(client, plan, cancellationToken);
        var created = new Created();
        var waiter = new ContainerWaiter(client, PollInterval, SettleTime, masker, reporter);
        var replacer = new ContainerReplacer(client, waiter, masker, reporter, app.Values);
        var objects = new List<DeployedObject>();
        var deadline = DateTimeOffset.UtcNow + options.Timeout;
        var rollout = new ContainerRollout(client, plan, options, waiter, replacer, deadline);
        try
        {
            objects.Add(await EngineResources.EnsureNetworkAsync(client, plan, created, reporter, cancellationToken));
            foreach (var network in plan.Networks)
            {
                objects.Add(await EngineResources.EnsureNetworkAsync(client, network, created, reporter, cancellationToken));
            }

            foreach (var volume in plan.Volumes)
            {
                objects.Add(await EngineResources.EnsureVolumeAsync(client, volume, created, reporter, cancellationToken));
            }

            // Containers whose component or name is gone are set aside first, so they free names and
            // host ports; they are only removed once the new revision is up.
            var planned = plan.Containers.Select(c => c.ContainerName).ToHashSet(StringComparer.Ordinal);
            var stale = existing.Where(c => !planned.Contains(NameOf(c))).OrderByDescending(OrderOf).ToList();
            objects.AddRange(await rollout.RunAsync(stale, existing.ToDictionary(NameOf, StringComparer.Ordinal), cancellationToken));
            await replacer.CommitAsync(cancellationToken);
            return new DeployResult(objects) { Scaled = held };
        }
        catch (Exception e)
        {
            // Clean-up runs on CancellationToken.None: it must finish even when the run was interrupted.
            var interrupted = e is OperationCanceledException && cancellationToken.IsCancellationRequested;
            var what = interrupted ? "interrupted" : "failed";
            var working = rollout.Failed;
            if (working is not null)
            {
                reporter.Progress(new ProgressEvent(working, ProgressState.Failed) { Detail = what, Message = $"{working} {what}" });
            }

            string outcome;
            if (firstRun && !options.KeepFailed)
            {
                reporter.Warn($"run {what}; removing what it created for release {options.Release}");
                await replacer.RestoreAsync();
                var left = replacer.NotUndone.Concat(await EngineResources.CleanUpAsync(client, created, reporter)).ToList();
                outcome = left.Count == 0
                    ? "nothing of it was left on the engine"
                    : $"what it created could not all be removed ({string.Join(", ", left)}): `nulecule stop {options.Release}` removes it once the engine answers";
            }
            else if (firstRun)
            {
                outcome = "what it created was kept (--keep-failed)";
            }
            else
            {
                var restored = await replacer.RestoreAsync();
                outcome = (restored.Count == 0
                    ? "no running container had been changed"
                    : $"the previous containers run again: {string.Join(", ", restored)}")
                    + (replacer.NotUndone.Count == 0 ? "" : $"; could not be undone: {string.Join(", ", replacer.NotUndone)}");
                reporter.Warn($"run {what}; {outcome}");
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
                : Unreachable(e) ? $"docker run of release {options.Release} failed{at}: {NoAnswer(e)}"
                : $"docker run of release {options.Release} failed{at}: {Describe(e)}";
            throw new OperationFailedException(masker.Mask($"{message}; {outcome}"), e);
        }
    }

    public async Task<DeployResult> StopAsync(string release, StopOptions options, CancellationToken cancellationToken)
    {
        var client = await ClientAsync(cancellationToken);
        var containers = ContainerStop.InStopOrder(await AllReleaseContainersAsync(client, release, cancellationToken));
        var networks = await client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = ReleaseFilter(release) }, cancellationToken);
        var volumes = options.RemoveVolumes
            ? (await client.Volumes.ListAsync(new VolumesListParameters { Filters = ReleaseFilter(release) }, cancellationToken)).Volumes ?? []
            : [];
        var objects = new List<DeployedObject>();
        var planned = new List<string>();
        if (containers.Count == 0 && networks.Count == 0 && volumes.Count == 0)
        {
            options.Reporter.Warn($"no Docker objects labelled with release {release} were found");
        }

        foreach (var container in containers)
        {
            planned.Add($"POST /containers/{NameOf(container)}/stop");
            planned.Add($"DELETE /containers/{NameOf(container)}");
            objects.Add(new DeployedObject(ComponentOf(container), "container", NameOf(container), null, HashOf(container), options.DryRun ? ObjectAction.Planned : ObjectAction.Deleted));
        }

        if (!options.DryRun)
        {
            // Components whose containers name each other later-first, the others side by side
            // (StopOrder, as on Kubernetes); networks and volumes once every container is gone.
            await ContainerStop.RunAsync(client, release, containers, options, StopGrace, cancellationToken);
        }

        foreach (var network in networks)
        {
            planned.Add($"DELETE /networks/{network.Name}");
            if (!options.DryRun)
            {
                options.Reporter.Info($"removing network {network.Name}");
                try
                {
                    await EngineResources.DeleteNetworkAsync(client, network.ID, containers.Select(NameOf).ToList(), cancellationToken);
                }
                catch (StaleEndpointException e)
                {
                    // The release's containers are gone and nothing is attached: the stop did what was
                    // asked, and failing it would leave the release recorded as running.
                    options.Reporter.Warn(e.Message);
                    continue;
                }
            }

            objects.Add(new DeployedObject("", "network", network.Name, null, "", options.DryRun ? ObjectAction.Planned : ObjectAction.Deleted));
        }

        foreach (var volume in volumes)
        {
            planned.Add($"DELETE /volumes/{volume.Name}");
            if (!options.DryRun)
            {
                options.Reporter.Info($"removing volume {volume.Name}");
                await client.Volumes.RemoveAsync(volume.Name, false, cancellationToken);
            }

            objects.Add(new DeployedObject("", "volume", volume.Name, null, "", options.DryRun ? ObjectAction.Planned : ObjectAction.Deleted));
        }

        return new DeployResult(objects) { PlannedOperations = options.DryRun ? planned : [] };
    }

    public async Task<ReleaseStatus> StatusAsync(string release, CancellationToken cancellationToken)
    {
        var client = await ClientAsync(cancellationToken);
        var containers = await ReleaseContainersAsync(client, release, cancellationToken);
        var components = containers
            .OrderBy(OrderOf)
            .GroupBy(ComponentOf)
            .Select(g => new ComponentStatus(g.Key, g.Select(StatusRows.ToStatus).ToList()))
            .ToList();
        return new ReleaseStatus(release, Name, _engine.Connected, components);
    }

    public async IAsyncEnumerable<LogLine> LogsAsync(string release, LogOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var client = await ClientAsync(cancellationToken);
        var containers = (await ReleaseContainersAsync(client, release, cancellationToken))
            .Where(c => options.Component is null || ComponentOf(c) == options.Component)
            .OrderBy(OrderOf)
            .ToList();
        if (options.Component is not null && containers.Count == 0)
        {
            throw new NuleculeException($"release {release} has no containers of component '{options.Component}'");
        }

        if (!options.Follow)
        {
            foreach (var container in containers)
            {
                await foreach (var line in ContainerLogs.ContainerLogsAsync(client, container, options, cancellationToken))
                {
                    yield return line;
                }
            }

            yield break;
        }

        // Following several containers: merge their streams as lines arrive.
        var channel = Channel.CreateUnbounded<LogLine>();
        var readers = containers.Select(async container =>
        {
            await foreach (var line in ContainerLogs.ContainerLogsAsync(client, container, options, cancellationToken))
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
        var containers = await client.Containers.ListContainersAsync(
            new ContainersListParameters { All = true, Filters = LabelFilter($"{DockerLabels.Provider}={DockerLabels.ProviderValue}") }, cancellationToken);
        return containers
            .Where(c => c.Labels?.ContainsKey(Labels.Release) == true)
            .GroupBy(c => c.Labels[Labels.Release], StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var running = g.Count(c => c.State == "running");
                var state = running == g.Count() ? "running" : running == 0 ? "stopped" : "degraded";
                var revision = g.Max(c => int.TryParse(Label(c, Labels.Revision), NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : 0);
                return new ReleaseSummary(g.Key, Name, Label(g.First(), Labels.AppId) ?? "", _engine.Connected, g.Count(), state, revision);
            })
            .ToList();
    }

    /// <summary>`docker ps --filter label=...` of the release's containers, or of every nulecule release's.</summary>
    public async Task<IReadOnlyList<ProcessRow>> PsAsync(string? release, CancellationToken cancellationToken)
    {
        var client = await ClientAsync(cancellationToken);
        var containers = release is null
            ? (await client.Containers.ListContainersAsync(
                new ContainersListParameters { All = true, Filters = LabelFilter(Labels.Release, $"{DockerLabels.Provider}={DockerLabels.ProviderValue}") }, cancellationToken))
                .Where(c => !TransientNames.IsTransient(NameOf(c))).ToList()
            : await ReleaseContainersAsync(client, release, cancellationToken);
        return containers.OrderBy(c => Label(c, Labels.Release), StringComparer.Ordinal).ThenBy(OrderOf).ThenBy(NameOf, StringComparer.Ordinal)
            .Select(StatusRows.ToProcessRow).ToList();
    }

    /// <summary>`docker exec` in a container of the component.</summary>
    public async Task<int> ExecAsync(string release, ExecRequest request, CancellationToken cancellationToken) =>
        await ContainerExec.RunAsync(await ClientAsync(cancellationToken), release, request, cancellationToken);

    /// <summary>`docker restart` of the release's containers (each gets <see cref="StopGrace"/> to exit), in the release's order.</summary>
    public async Task<IReadOnlyList<RestartOutcome>> RestartAsync(string release, IReadOnlyCollection<string>? components, IReporter reporter, CancellationToken cancellationToken) =>
        await ContainerRestart.RunAsync(await ClientAsync(cancellationToken), release, components, StopGrace, reporter, cancellationToken);

    /// <summary>Not the docker provider's way: `scale` runs the deployed revision with the count (<see cref="IScalesByRun"/>).</summary>
    public Task ScaleAsync(string release, string component, int replicas, CancellationToken cancellationToken) =>
        throw new NuleculeException(
            "the docker provider scales compose services by running the deployed revision with the count",
            hint: "use `nulecule scale RELEASE COMPONENT[/SERVICE] --replicas N`");

    /// <summary>
    /// The plan again when a compose service keeps a count `scale` gave it (<see cref="ScaledCounts"/>),
    /// and the services held at such a count, for the record.
    /// </summary>
    private (ReleasePlan Plan, IReadOnlyList<ScaledReplicas> Held) WithScaledCounts(RenderedApp app, RunOptions options, ReleasePlan plan, IReadOnlyList<ContainerListResponse>? existing)
    {
        var services = ScaledCounts.Own(app);
        var kept = ScaledCounts.Kept(services, existing ?? [], options.Scale, options.Scaled);
        if (kept.Count == 0)
        {
            return (plan, ScaledCounts.Held(services, options.Scale));
        }

        var scale = new Dictionary<string, int>(kept, StringComparer.Ordinal);
        foreach (var (key, count) in kept)
        {
            options.Reporter.Detail($"{key} keeps its {count} replica(s) (scaled; the artifact's count did not change)");
        }

        foreach (var (key, count) in options.Scale ?? new Dictionary<string, int>())
        {
            scale[key] = count;
        }

        return (ReleasePlanner.Plan(app, options with { Scale = scale }, _environment), ScaledCounts.Held(services, scale));
    }

    public void Dispose() => _engine.Dispose();

    private Task<IDockerClient> ClientAsync(CancellationToken cancellationToken) => _engine.GetAsync(cancellationToken);

    /// <summary>The running container already is the planned one: a converge leaves it alone.</summary>
    /// <summary>The engine itself is gone (connection refused or reset, socket missing, no answer in time).</summary>
    internal static bool Unreachable(Exception e) =>
        e is HttpRequestException or IOException or TimeoutException or System.Net.Sockets.SocketException
        || e.InnerException is { } inner && Unreachable(inner);

    private string NoAnswer(Exception e) =>
        $"the Docker engine at {(_engine.Connected.Length > 0 ? _engine.Connected : "(default endpoint)")} did not answer ({e.Message}); check that dockerd runs (`docker info`), then run again";

    /// <summary>
    /// A dry run reads (never changes) the engine, so the plan it prints is the converge plan:
    /// null when no engine answers, and the plan is then a fresh install's.
    /// </summary>
    private async Task<List<ContainerListResponse>?> ExistingForDryRunAsync(RunOptions options, CancellationToken cancellationToken)
    {
        try
        {
            var client = await ClientAsync(cancellationToken);
            return await ReleaseContainersAsync(client, options.Release, cancellationToken);
        }
        catch (Exception e) when (e is OperationFailedException or DockerApiException or HttpRequestException or IOException or TimeoutException)
        {
            options.Reporter.Warn($"dry run: the engine did not answer ({Describe(e)}); planning as for a first install");
            return null;
        }
    }
}
