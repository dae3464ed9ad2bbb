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
/// `scale` is not supported: a docker artifact is one container, and numbered copies of a
/// container that publishes a fixed host port or has a `--name` cannot coexist.
/// </remarks>
public sealed class DockerProvider : IProvider, IDisposable
{
    private readonly Func<CancellationToken, Task<(IDockerClient Client, string Target)>> _connect;
    private readonly Func<string, string?>? _environment;
    private IDockerClient? _client;
    private string _target = "";
    private bool _ownsClient;
    private readonly Lazy<string> _endpoint;

    /// <summary>Discovers the engine like the docker CLI when first needed (a dry run never connects).</summary>
    public DockerProvider(EndpointEnvironment? environment = null)
    {
        _endpoint = new Lazy<string>(() => new DockerEndpointResolver().Resolve(environment).Uri.ToString());
        _connect = async ct =>
        {
            var (client, endpoint) = await DockerConnector.ConnectAsync(environment, ct);
            _ownsClient = true;
            return (client, endpoint.Uri.ToString());
        };
    }

    /// <summary>Uses a client the caller owns.</summary>
    public DockerProvider(IDockerClient client, string target, Func<string, string?>? environment = null)
    {
        _client = client;
        _target = target;
        _endpoint = new Lazy<string>(target);
        _environment = environment;
        _connect = _ => Task.FromResult((client, target));
    }

    public string Name => "docker";

    /// <summary>The engine endpoint, found as the docker CLI finds it (DOCKER_HOST, context, socket) without connecting.</summary>
    public string Target => _endpoint.Value;

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
            return DryRun(plan, masker, await ExistingForDryRunAsync(options, cancellationToken));
        }

        var client = await ClientAsync(cancellationToken);
        var reporter = options.Reporter;
        List<ContainerListResponse> existing;
        bool firstRun;
        try
        {
            await ContainerReplacer.RepairAsync(client, options.Release, reporter, cancellationToken);
            existing = await ReleaseContainersAsync(client, options.Release, cancellationToken);
            firstRun = existing.Count == 0;
            existing.AddRange(await ForeignContainersAsync(client, plan, existing, options, cancellationToken));
        }
        catch (Exception e) when (Unreachable(e))
        {
            throw new OperationFailedException($"docker run of release {options.Release} failed: {NoAnswer(e)}; nothing was changed", e);
        }

        var created = new Created();
        var waiter = new ContainerWaiter(client, PollInterval, SettleTime, masker);
        var replacer = new ContainerReplacer(client, waiter, masker, reporter);
        var objects = new List<DeployedObject>();
        var deadline = DateTimeOffset.UtcNow + options.Timeout;
        string? working = null;
        try
        {
            objects.Add(await EnsureNetworkAsync(client, plan, created, reporter, cancellationToken));
            foreach (var volume in plan.Volumes)
            {
                objects.Add(await EnsureVolumeAsync(client, volume, created, reporter, cancellationToken));
            }

            // Containers whose component or name is gone go first, so they free names and host ports;
            // they are only set aside until the new revision is up.
            var planned = plan.Containers.Select(c => c.ContainerName).ToHashSet(StringComparer.Ordinal);
            foreach (var stale in existing.Where(c => !planned.Contains(NameOf(c))).OrderByDescending(OrderOf))
            {
                reporter.Info($"removing {NameOf(stale)} (no longer in the app)");
                await replacer.RetireAsync(stale, cancellationToken);
                objects.Add(new DeployedObject(ComponentOf(stale), "container", NameOf(stale), null, HashOf(stale), ObjectAction.Deleted));
            }

            var byName = existing.ToDictionary(NameOf, StringComparer.Ordinal);
            var readiness = options.Wait ? Readiness.Ready : Readiness.Started;
            foreach (var component in plan.Components)
            {
                working = component;
                var toWaitFor = new List<(PlannedContainer Container, Readiness Readiness)>();
                foreach (var container in plan.Containers.Where(c => c.Component == component))
                {
                    byName.TryGetValue(container.ContainerName, out var current);
                    if (Unchanged(current, container))
                    {
                        reporter.Detail($"{container.ContainerName} unchanged");
                        objects.Add(new DeployedObject(component, "container", container.ContainerName, null, container.ConfigHash, ObjectAction.Unchanged));
                        continue;
                    }

                    // Nothing running is touched before the new image is here.
                    await EnsureImageAsync(client, container, reporter, cancellationToken);
                    if (current is null)
                    {
                        reporter.Info($"creating {container.ContainerName} ({container.Arguments.Image})");
                        await replacer.CreateAndStartAsync(container, cancellationToken);
                        if (options.Wait)
                        {
                            toWaitFor.Add((container, Readiness.Ready));
                        }
                    }
                    else
                    {
                        reporter.Info($"replacing {container.ContainerName}" + (HashOf(current) == container.ConfigHash ? $" (it was {current.State})" : " (its configuration changed)"));
                        if (!await replacer.ReplaceAsync(current, container, readiness, deadline, options.Timeout, cancellationToken))
                        {
                            toWaitFor.Add((container, readiness));
                        }
                    }

                    objects.Add(new DeployedObject(component, "container", container.ContainerName, null, container.ConfigHash, current is null ? ObjectAction.Created : ObjectAction.Updated));
                }

                if (toWaitFor.Count > 0)
                {
                    reporter.Info($"waiting for {component}");
                    foreach (var (container, wanted) in toWaitFor)
                    {
                        await waiter.WaitAsync(container, container.ContainerName, wanted, deadline, options.Timeout, cancellationToken);
                    }
                }
            }

            await replacer.CommitAsync(cancellationToken);
            return new DeployResult(objects);
        }
        catch (Exception e)
        {
            // Clean-up runs on CancellationToken.None: it must finish even when the run was interrupted.
            var interrupted = e is OperationCanceledException && cancellationToken.IsCancellationRequested;
            var what = interrupted ? "interrupted" : "failed";
            string outcome;
            if (firstRun && !options.KeepFailed)
            {
                reporter.Warn($"run {what}; removing what it created for release {options.Release}");
                await replacer.RestoreAsync();
                await CleanUpAsync(client, created, reporter);
                outcome = "nothing of it was left on the engine";
            }
            else if (firstRun)
            {
                outcome = "what it created was kept (--keep-failed)";
            }
            else
            {
                var restored = await replacer.RestoreAsync();
                outcome = restored.Count == 0
                    ? "no running container had been changed"
                    : $"the previous containers run again: {string.Join(", ", restored)}";
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
        var containers = (await AllReleaseContainersAsync(client, release, cancellationToken)).OrderByDescending(OrderOf).ToList();
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

        // Like `docker stop`: each container gets up to 10 s to exit after SIGTERM, and all of them
        // together no more than --timeout (a process that ignores SIGTERM must not cost the whole timeout).
        var deadline = DateTimeOffset.UtcNow + options.Timeout;
        foreach (var container in containers)
        {
            planned.Add($"POST /containers/{NameOf(container)}/stop");
            planned.Add($"DELETE /containers/{NameOf(container)}");
            if (!options.DryRun)
            {
                options.Reporter.Info($"stopping {NameOf(container)}");
                var left = deadline - DateTimeOffset.UtcNow;
                var grace = left > StopGrace ? StopGrace : left < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : left;
                await RemoveContainerAsync(client, container.ID, grace, cancellationToken);
            }

            objects.Add(new DeployedObject(ComponentOf(container), "container", NameOf(container), null, HashOf(container), options.DryRun ? ObjectAction.Planned : ObjectAction.Deleted));
        }

        foreach (var network in networks)
        {
            planned.Add($"DELETE /networks/{network.Name}");
            if (!options.DryRun)
            {
                options.Reporter.Info($"removing network {network.Name}");
                await client.Networks.DeleteNetworkAsync(network.ID, cancellationToken);
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
            .Select(g => new ComponentStatus(g.Key, g.Select(ToStatus).ToList()))
            .ToList();
        return new ReleaseStatus(release, Name, _target, components);
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
                return new ReleaseSummary(g.Key, Name, Label(g.First(), Labels.AppId) ?? "", _target, g.Count(), state, revision);
            })
            .ToList();
    }

    public Task ScaleAsync(string release, string component, int replicas, CancellationToken cancellationToken) =>
        throw new NuleculeException(
            "scale is not supported by the docker provider",
            hint: "a docker artifact describes one container; add commands to the artifact, or deploy to kubernetes");

    public void Dispose()
    {
        if (_ownsClient)
        {
            (_client as IDisposable)?.Dispose();
        }
    }

    private async Task<IDockerClient> ClientAsync(CancellationToken cancellationToken)
    {
        if (_client is null)
        {
            (_client, _target) = await _connect(cancellationToken);
        }

        return _client;
    }

    /// <summary>The running container already is the planned one: a converge leaves it alone.</summary>
    private static bool Unchanged(ContainerListResponse? current, PlannedContainer container) =>
        current is not null && HashOf(current) == container.ConfigHash && current.State == "running";

    /// <summary>The engine itself is gone (connection refused or reset, socket missing, no answer in time).</summary>
    private static bool Unreachable(Exception e) =>
        e is HttpRequestException or IOException or TimeoutException or System.Net.Sockets.SocketException
        || e.InnerException is { } inner && Unreachable(inner);

    private string NoAnswer(Exception e) =>
        $"the Docker engine at {(_target.Length > 0 ? _target : "(default endpoint)")} did not answer ({e.Message}); check that dockerd runs (`docker info`), then run again";

    /// <summary>
    /// Containers that hold a name this release needs but are not this release's: refused before
    /// anything changes (naming their owner), or with `--take-ownership` returned, to be replaced
    /// like the release's own (and put back if the run fails).
    /// </summary>
    private static async Task<List<ContainerListResponse>> ForeignContainersAsync(IDockerClient client, ReleasePlan plan, List<ContainerListResponse> own, RunOptions options, CancellationToken cancellationToken)
    {
        var ours = own.Select(NameOf).ToHashSet(StringComparer.Ordinal);
        var wanted = plan.Containers.ToDictionary(c => c.ContainerName, StringComparer.Ordinal);
        var all = await client.Containers.ListContainersAsync(new ContainersListParameters { All = true }, cancellationToken);
        var foreign = all.Where(c => wanted.ContainsKey(NameOf(c)) && !ours.Contains(NameOf(c))).ToList();
        if (foreign.Count == 0 || options.TakeOwnership)
        {
            foreach (var c in foreign)
            {
                options.Reporter.Warn($"--take-ownership: {NameOf(c)} ({Owner(c)}) will be replaced by release {options.Release}'s");
            }

            return foreign;
        }

        var lines = foreign.Select(c => $"component {wanted[NameOf(c)].Component}: a container named {NameOf(c)} already exists and belongs to {Owner(c)} ({wanted[NameOf(c)].Arguments.Location})");
        throw new OperationFailedException(
            string.Join(Environment.NewLine, lines) + Environment.NewLine
            + "nothing was changed; choose another release name, stop the other release, or pass --take-ownership to replace these containers");

        static string Owner(ContainerListResponse c) =>
            Label(c, Labels.Release) is { } owner ? $"release '{owner}'" : "no release (nulecule did not create it)";
    }

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

    private static DeployResult DryRun(ReleasePlan plan, SecretMasker masker, IReadOnlyList<ContainerListResponse>? existing)
    {
        var lines = new List<string>();
        var objects = new List<DeployedObject>();
        var byName = (existing ?? []).ToDictionary(NameOf, StringComparer.Ordinal);
        if (existing is null || existing.Count == 0)
        {
            lines.Add($"POST /networks/create name={plan.NetworkName} driver=bridge");
            objects.Add(new DeployedObject("", "network", plan.NetworkName, null, "", ObjectAction.Planned));
            foreach (var volume in plan.Volumes)
            {
                lines.Add($"POST /volumes/create name={volume.Name}");
                objects.Add(new DeployedObject("", "volume", volume.Name, null, "", ObjectAction.Planned));
            }
        }

        var planned = plan.Containers.Select(c => c.ContainerName).ToHashSet(StringComparer.Ordinal);
        foreach (var stale in (existing ?? []).Where(c => !planned.Contains(NameOf(c))).OrderByDescending(OrderOf))
        {
            lines.Add($"remove {NameOf(stale)} (no longer in the app): POST /containers/{NameOf(stale)}/stop, DELETE /containers/{NameOf(stale)}");
            objects.Add(new DeployedObject(ComponentOf(stale), "container", NameOf(stale), null, HashOf(stale), ObjectAction.Deleted));
        }

        foreach (var container in plan.Containers)
        {
            byName.TryGetValue(container.ContainerName, out var current);
            if (Unchanged(current, container))
            {
                lines.Add($"unchanged {container.ContainerName}");
                objects.Add(new DeployedObject(container.Component, "container", container.ContainerName, null, container.ConfigHash, ObjectAction.Unchanged));
                continue;
            }

            if (current is not null)
            {
                lines.Add($"recreate {container.ContainerName} ({(HashOf(current) == container.ConfigHash ? $"it is {current.State}" : "its configuration changed")}):");
            }
            else if (existing is { Count: > 0 })
            {
                lines.Add($"create {container.ContainerName} (it is not on the engine):");
            }

            var p = container.Parameters;
            var text = new StringBuilder($"POST /containers/create name={container.ContainerName} image={p.Image}");
            if (p.Cmd is { Count: > 0 })
            {
                text.Append(" cmd=[").AppendJoin(' ', p.Cmd).Append(']');
            }

            if (p.Env is { Count: > 0 })
            {
                text.Append(" env=[").AppendJoin(' ', p.Env).Append(']');
            }

            if (p.HostConfig?.PortBindings is { Count: > 0 } ports)
            {
                text.Append(" ports=[").AppendJoin(' ', ports.SelectMany(b => b.Value.Select(v => $"{(v.HostIP.Length > 0 ? v.HostIP + ":" : "")}{v.HostPort}:{b.Key}"))).Append(']');
            }

            if (p.NetworkingConfig?.EndpointsConfig is { } endpoints)
            {
                text.Append(" aliases=[").AppendJoin(' ', endpoints.Values.SelectMany(e => e.Aliases)).Append(']');
            }

            lines.Add(masker.Mask(text.ToString()));
            lines.Add($"POST /containers/{container.ContainerName}/start");
            objects.Add(new DeployedObject(container.Component, "container", container.ContainerName, null, container.ConfigHash, current is null ? ObjectAction.Planned : ObjectAction.Updated));
        }

        return new DeployResult(objects) { PlannedOperations = lines };
    }

    private static async Task<DeployedObject> EnsureNetworkAsync(IDockerClient client, ReleasePlan plan, Created created, IReporter reporter, CancellationToken cancellationToken)
    {
        var networks = await client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = NameFilter(plan.NetworkName) }, cancellationToken);
        if (networks.Any(n => n.Name == plan.NetworkName))
        {
            return new DeployedObject("", "network", plan.NetworkName, null, "", ObjectAction.Unchanged);
        }

        reporter.Info($"creating network {plan.NetworkName}");

        // Not abandoned half-way when interrupted (the engine would make a network nobody knows of).
        var response = await client.Networks.CreateNetworkAsync(
            new NetworksCreateParameters { Name = plan.NetworkName, Driver = "bridge", Labels = new Dictionary<string, string>(plan.NetworkLabels) },
            CancellationToken.None);
        created.Network = response.ID;
        cancellationToken.ThrowIfCancellationRequested();
        return new DeployedObject("", "network", plan.NetworkName, null, "", ObjectAction.Created);
    }

    private static async Task<DeployedObject> EnsureVolumeAsync(IDockerClient client, PlannedVolume volume, Created created, IReporter reporter, CancellationToken cancellationToken)
    {
        try
        {
            await client.Volumes.InspectAsync(volume.Name, cancellationToken);
            return new DeployedObject("", "volume", volume.Name, null, "", ObjectAction.Unchanged);
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            reporter.Info($"creating volume {volume.Name}");
            await client.Volumes.CreateAsync(
                new VolumesCreateParameters
                {
                    Name = volume.Name,
                    Labels = new Dictionary<string, string>(volume.Labels),
                    Driver = volume.Driver ?? "",
                    DriverOpts = volume.DriverOptions is null ? null! : new Dictionary<string, string>(volume.DriverOptions),
                },
                CancellationToken.None);
            created.Volumes.Add(volume.Name);
            cancellationToken.ThrowIfCancellationRequested();
            return new DeployedObject("", "volume", volume.Name, null, "", ObjectAction.Created);
        }
    }

    /// <summary>Images are used when present; otherwise pulled, and a failed pull says so plainly.</summary>
    private static async Task EnsureImageAsync(IDockerClient client, PlannedContainer container, IReporter reporter, CancellationToken cancellationToken)
    {
        var image = container.Arguments.Image;
        if (await ImageExistsAsync(client, image, cancellationToken))
        {
            return;
        }

        reporter.Info($"pulling {image}");
        string? error = null;
        var progress = new Progress<JSONMessage>(m => error = m.Error?.Message ?? error);
        try
        {
            var (repository, tag) = SplitImage(image);
            var platform = container.Parameters.Platform; // --platform: pull that one, as the docker CLI does
            await client.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = repository, Tag = tag, Platform = platform }, null, progress, cancellationToken);
        }
        catch (DockerApiException e)
        {
            error = e.ResponseBody is { Length: > 0 } body ? body.Trim() : e.Message;
        }

        if (!await ImageExistsAsync(client, image, cancellationToken))
        {
            throw new OperationFailedException(
                $"component {container.Component}: image {image} is not present locally and could not be pulled"
                + (error is null ? "" : $": {error}")
                + $" ({container.Arguments.Location}). Build or load the image first (docker images lists what is present).");
        }
    }

    private static async Task<bool> ImageExistsAsync(IDockerClient client, string image, CancellationToken cancellationToken)
    {
        try
        {
            await client.Images.InspectImageAsync(image, cancellationToken);
            return true;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    internal static (string Repository, string? Tag) SplitImage(string image)
    {
        if (image.Contains('@'))
        {
            return (image, null);
        }

        var slash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        return colon > slash ? (image[..colon], image[(colon + 1)..]) : (image, "latest");
    }

    private static async Task CleanUpAsync(IDockerClient client, Created created, IReporter reporter)
    {
        // Not the caller's token: clean-up must finish even when the run was cancelled.
        if (created.Network is not null)
        {
            await TryAsync(() => client.Networks.DeleteNetworkAsync(created.Network, CancellationToken.None), reporter);
        }

        foreach (var volume in created.Volumes)
        {
            await TryAsync(() => client.Volumes.RemoveAsync(volume, false, CancellationToken.None), reporter);
        }
    }

    private static async Task TryAsync(Func<Task> action, IReporter reporter)
    {
        try
        {
            await action();
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
        }
        catch (DockerApiException e)
        {
            reporter.Warn($"clean-up: {Describe(e)}");
        }
    }

    private static ObjectStatus ToStatus(ContainerListResponse c)
    {
        var health = c.Health?.Status is { Length: > 0 } h && h != "none" ? h : HealthFromStatus(c.Status);
        var ports = c.Ports is { Count: > 0 }
            ? string.Join(", ", c.Ports
                .OrderBy(p => p.PrivatePort)
                .Select(p => p.PublicPort is { } pub ? $"{(string.IsNullOrEmpty(p.IP) ? "" : p.IP + ":")}{pub}->{p.PrivatePort}/{p.Type}" : $"{p.PrivatePort}/{p.Type}")
                .Distinct())
            : null;
        var ready = c.State == "running" && health is null or "healthy";
        var revision = int.TryParse(Label(c, Labels.Revision), NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : (int?)null;
        return new ObjectStatus("container", NameOf(c), c.State, ready, health, ports, c.Status, revision);
    }

    /// <summary>Engines before API 1.52 put health only in the status text: `Up 5 seconds (healthy)`.</summary>
    private static string? HealthFromStatus(string? status)
    {
        foreach (var health in new[] { "healthy", "unhealthy", "health: starting" })
        {
            if (status?.Contains($"({health})", StringComparison.Ordinal) == true)
            {
                return health.Replace("health: ", "", StringComparison.Ordinal);
            }
        }

        return null;
    }

    /// <summary>The network and volumes this run created, so a failed first run can take them back (containers: <see cref="ContainerReplacer"/>).</summary>
    private sealed class Created
    {
        public string? Network { get; set; }
        public List<string> Volumes { get; } = [];
    }
}
