using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using Docker.DotNet;
using Docker.DotNet.Models;
using Nulecule.Docker.Endpoints;
using Nulecule.Docker.Planning;
using Nulecule.Providers;
using Nulecule.Templating;

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
    private const int LogLinesOnFailure = 20;

    private readonly Func<CancellationToken, Task<(IDockerClient Client, string Target)>> _connect;
    private readonly Func<string, string?>? _environment;
    private IDockerClient? _client;
    private string _target = "";
    private bool _ownsClient;

    /// <summary>Discovers the engine like the docker CLI when first needed (a dry run never connects).</summary>
    public DockerProvider(EndpointEnvironment? environment = null)
    {
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
        _environment = environment;
        _connect = _ => Task.FromResult((client, target));
    }

    public string Name => "docker";

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
            return DryRun(plan, masker);
        }

        var client = await ClientAsync(cancellationToken);
        var reporter = options.Reporter;
        var existing = await ReleaseContainersAsync(client, options.Release, cancellationToken);
        var firstRun = existing.Count == 0;
        var created = new Created();
        var objects = new List<DeployedObject>();
        var deadline = DateTimeOffset.UtcNow + options.Timeout;
        try
        {
            objects.Add(await EnsureNetworkAsync(client, plan, created, reporter, cancellationToken));
            foreach (var volume in plan.Volumes)
            {
                objects.Add(await EnsureVolumeAsync(client, volume, created, reporter, cancellationToken));
            }

            // Containers whose component or name is gone go first, so they free names and host ports.
            var planned = plan.Containers.Select(c => c.ContainerName).ToHashSet(StringComparer.Ordinal);
            foreach (var stale in existing.Where(c => !planned.Contains(NameOf(c))).OrderByDescending(OrderOf))
            {
                reporter.Info($"removing {NameOf(stale)} (no longer in the app)");
                await RemoveContainerAsync(client, stale.ID, TimeSpan.FromSeconds(10), cancellationToken);
                objects.Add(new DeployedObject(ComponentOf(stale), "container", NameOf(stale), null, HashOf(stale), ObjectAction.Deleted));
            }

            var byName = existing.ToDictionary(NameOf, StringComparer.Ordinal);
            foreach (var component in plan.Components)
            {
                var started = new List<PlannedContainer>();
                foreach (var container in plan.Containers.Where(c => c.Component == component))
                {
                    byName.TryGetValue(container.ContainerName, out var current);
                    if (current is not null && HashOf(current) == container.ConfigHash && current.State == "running")
                    {
                        reporter.Detail($"{container.ContainerName} unchanged");
                        objects.Add(new DeployedObject(component, "container", container.ContainerName, null, container.ConfigHash, ObjectAction.Unchanged));
                        continue;
                    }

                    if (current is not null)
                    {
                        reporter.Info($"recreating {container.ContainerName}" + (HashOf(current) == container.ConfigHash ? $" (it was {current.State})" : " (its configuration changed)"));
                        await RemoveContainerAsync(client, current.ID, TimeSpan.FromSeconds(10), cancellationToken);
                    }

                    await EnsureImageAsync(client, container, reporter, cancellationToken);
                    reporter.Info($"{(current is null ? "creating" : "starting")} {container.ContainerName} ({container.Arguments.Image})");
                    var response = await CreateAsync(client, container, masker, cancellationToken);
                    created.Containers.Add(response.ID);
                    await client.Containers.StartContainerAsync(response.ID, new ContainerStartParameters(), cancellationToken);
                    started.Add(container);
                    objects.Add(new DeployedObject(component, "container", container.ContainerName, null, container.ConfigHash, current is null ? ObjectAction.Created : ObjectAction.Updated));
                }

                if (options.Wait && started.Count > 0)
                {
                    reporter.Info($"waiting for {component}");
                    foreach (var container in started)
                    {
                        await WaitReadyAsync(client, container, deadline, options.Timeout, masker, cancellationToken);
                    }
                }
            }

            return new DeployResult(objects);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (firstRun && !options.KeepFailed)
            {
                reporter.Warn($"run failed; removing what it created for release {options.Release}");
                await CleanUpAsync(client, created, reporter);
            }

            if (e is NuleculeException or OperationFailedException)
            {
                throw;
            }

            throw new OperationFailedException(masker.Mask($"docker run of release {options.Release} failed: {Describe(e)}"), e);
        }
    }

    public async Task<DeployResult> StopAsync(string release, StopOptions options, CancellationToken cancellationToken)
    {
        var client = await ClientAsync(cancellationToken);
        var containers = (await ReleaseContainersAsync(client, release, cancellationToken)).OrderByDescending(OrderOf).ToList();
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
                await foreach (var line in ContainerLogsAsync(client, container, options, cancellationToken))
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
            await foreach (var line in ContainerLogsAsync(client, container, options, cancellationToken))
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

    private static DeployResult DryRun(ReleasePlan plan, SecretMasker masker)
    {
        var lines = new List<string>();
        var objects = new List<DeployedObject>();
        lines.Add($"POST /networks/create name={plan.NetworkName} driver=bridge");
        objects.Add(new DeployedObject("", "network", plan.NetworkName, null, "", ObjectAction.Planned));
        foreach (var volume in plan.Volumes)
        {
            lines.Add($"POST /volumes/create name={volume.Name}");
            objects.Add(new DeployedObject("", "volume", volume.Name, null, "", ObjectAction.Planned));
        }

        foreach (var container in plan.Containers)
        {
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
            objects.Add(new DeployedObject(container.Component, "container", container.ContainerName, null, container.ConfigHash, ObjectAction.Planned));
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
        var response = await client.Networks.CreateNetworkAsync(
            new NetworksCreateParameters { Name = plan.NetworkName, Driver = "bridge", Labels = new Dictionary<string, string>(plan.NetworkLabels) },
            cancellationToken);
        created.Network = response.ID;
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
            await client.Volumes.CreateAsync(new VolumesCreateParameters { Name = volume.Name, Labels = new Dictionary<string, string>(volume.Labels) }, cancellationToken);
            created.Volumes.Add(volume.Name);
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
            await client.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = repository, Tag = tag }, null, progress, cancellationToken);
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

    private static async Task<CreateContainerResponse> CreateAsync(IDockerClient client, PlannedContainer container, SecretMasker masker, CancellationToken cancellationToken)
    {
        try
        {
            return await client.Containers.CreateContainerAsync(container.Parameters, cancellationToken);
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            throw new OperationFailedException(
                $"component {container.Component}: a container named {container.ContainerName} already exists and does not belong to this release "
                + "(remove it, or choose another release name)", e);
        }
        catch (DockerApiException e)
        {
            throw new OperationFailedException(masker.Mask(
                $"component {container.Component}: creating {container.ContainerName} failed ({container.Arguments.Location}): {Describe(e)}"), e);
        }
    }

    /// <summary>
    /// Waits until the container runs (and is healthy when it has a health check) and stays so for
    /// <see cref="SettleTime"/>; a container that exits 0 has completed, any other exit fails.
    /// </summary>
    private async Task WaitReadyAsync(IDockerClient client, PlannedContainer container, DateTimeOffset deadline, TimeSpan timeout, SecretMasker masker, CancellationToken cancellationToken)
    {
        DateTimeOffset? readySince = null;
        string lastState = "created";
        while (true)
        {
            ContainerInspectResponse inspect;
            try
            {
                inspect = await client.Containers.InspectContainerAsync(container.ContainerName, cancellationToken);
            }
            catch (DockerContainerNotFoundException)
            {
                throw new OperationFailedException($"component {container.Component}: container {container.ContainerName} exited and was removed (--rm) before it was ready");
            }

            var state = inspect.State ?? new State();
            var health = state.Health?.Status;
            lastState = state.Status + (string.IsNullOrEmpty(health) ? "" : $", health {health}");
            if (!state.Running && !state.Restarting && state.Status is "exited" or "dead")
            {
                if (state.ExitCode == 0)
                {
                    return;
                }

                throw await FailureAsync(client, container, $"exited with code {state.ExitCode}" + (state.OOMKilled ? " (killed: out of memory)" : ""), masker, cancellationToken);
            }

            if (health == "unhealthy")
            {
                var output = state.Health?.Log?.LastOrDefault()?.Output?.Trim();
                throw await FailureAsync(client, container, "is unhealthy" + (string.IsNullOrEmpty(output) ? "" : $" (last check: {output})"), masker, cancellationToken);
            }

            var ready = state.Running && !state.Restarting && (container.HasHealthCheck ? health == "healthy" : true);
            if (ready)
            {
                readySince ??= DateTimeOffset.UtcNow;
                if (DateTimeOffset.UtcNow - readySince >= SettleTime)
                {
                    return;
                }
            }
            else
            {
                readySince = null;
            }

            if (DateTimeOffset.UtcNow >= deadline)
            {
                throw await FailureAsync(client, container, $"was not ready within {timeout.TotalSeconds:0.#} s (state: {lastState}, restarts: {inspect.RestartCount})", masker, cancellationToken);
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    private static async Task<OperationFailedException> FailureAsync(IDockerClient client, PlannedContainer container, string reason, SecretMasker masker, CancellationToken cancellationToken)
    {
        var logs = new List<string>();
        try
        {
            var inspect = await client.Containers.InspectContainerAsync(container.ContainerName, cancellationToken);
            await foreach (var line in ReadLogsAsync(client, inspect.ID, new ContainerLogsParameters { ShowStdout = true, ShowStderr = true, Tail = LogLinesOnFailure.ToString(CultureInfo.InvariantCulture) }, cancellationToken))
            {
                logs.Add(line.Text);
            }
        }
        catch (DockerApiException)
        {
            // Gone already: report without logs.
        }

        var text = new StringBuilder($"component {container.Component}: container {container.ContainerName} {reason}");
        text.Append($" ({container.Arguments.Location})");
        if (logs.Count > 0)
        {
            text.Append($"{Environment.NewLine}last {logs.Count} log lines:");
            foreach (var line in logs.TakeLast(LogLinesOnFailure))
            {
                text.Append(Environment.NewLine).Append("  ").Append(line);
            }
        }
        else
        {
            text.Append("; it wrote no logs");
        }

        return new OperationFailedException(masker.Mask(text.ToString()));
    }

    private static async Task CleanUpAsync(IDockerClient client, Created created, IReporter reporter)
    {
        // Not the caller's token: clean-up must finish even when the run was cancelled.
        foreach (var id in Enumerable.Reverse(created.Containers))
        {
            await TryAsync(() => client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, CancellationToken.None), reporter);
        }

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

    private static async Task RemoveContainerAsync(IDockerClient client, string id, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await client.Containers.StopContainerAsync(id, new ContainerStopParameters { WaitBeforeKillSeconds = (uint)Math.Max(1, timeout.TotalSeconds) }, cancellationToken);
            await client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true }, cancellationToken);
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            // Already gone (e.g. --rm after stopping): that is the goal.
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            // Removal already in progress (--rm).
        }
    }

    private static async Task<IList<ContainerListResponse>> ReleaseContainersAsync(IDockerClient client, string release, CancellationToken cancellationToken) =>
        await client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = ReleaseFilter(release) }, cancellationToken);

    private static async IAsyncEnumerable<LogLine> ContainerLogsAsync(IDockerClient client, ContainerListResponse container, LogOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var parameters = new ContainerLogsParameters
        {
            ShowStdout = true,
            ShowStderr = true,
            Timestamps = true,
            Follow = options.Follow,
            Tail = options.Tail?.ToString(CultureInfo.InvariantCulture) ?? "all",
        };
        await foreach (var line in ReadLogsAsync(client, container.ID, parameters, cancellationToken))
        {
            yield return line with { Component = ComponentOf(container), Source = NameOf(container) + (line.Source == "stderr" ? " (stderr)" : "") };
        }
    }

    /// <summary>Reads a (multiplexed unless TTY) log stream and cuts it into lines, one stream at a time.</summary>
    private static async IAsyncEnumerable<LogLine> ReadLogsAsync(IDockerClient client, string id, ContainerLogsParameters parameters, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stream = await client.Containers.GetContainerLogsAsync(id, parameters, cancellationToken);
        var buffer = new byte[8192];
        var pending = new Dictionary<MultiplexedStream.TargetStream, StringBuilder>();
        var decoders = new Dictionary<MultiplexedStream.TargetStream, Decoder>();
        while (true)
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken);
            if (read.EOF)
            {
                break;
            }

            if (!pending.TryGetValue(read.Target, out var text))
            {
                pending[read.Target] = text = new StringBuilder();
                decoders[read.Target] = Encoding.UTF8.GetDecoder();
            }

            var chars = new char[Encoding.UTF8.GetMaxCharCount(read.Count)];
            var count = decoders[read.Target].GetChars(buffer, 0, read.Count, chars, 0);
            text.Append(chars, 0, count);
            var all = text.ToString();
            var newline = all.LastIndexOf('\n');
            if (newline < 0)
            {
                continue;
            }

            text.Clear().Append(all[(newline + 1)..]);
            foreach (var line in all[..newline].Split('\n'))
            {
                yield return ToLogLine(line.TrimEnd('\r'), read.Target, parameters.Timestamps == true);
            }
        }

        foreach (var (target, rest) in pending.Where(p => p.Value.Length > 0))
        {
            yield return ToLogLine(rest.ToString(), target, parameters.Timestamps == true);
        }
    }

    private static LogLine ToLogLine(string line, MultiplexedStream.TargetStream target, bool timestamps)
    {
        var source = target == MultiplexedStream.TargetStream.StandardError ? "stderr" : "stdout";
        DateTimeOffset? time = null;
        if (timestamps)
        {
            var space = line.IndexOf(' ');
            if (space > 0 && DateTimeOffset.TryParse(line[..space], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                time = parsed;
                line = line[(space + 1)..];
            }
        }

        return new LogLine("", source, line, time);
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

    private static string NameOf(ContainerListResponse c) => c.Names?.FirstOrDefault()?.TrimStart('/') ?? c.ID;

    private static string ComponentOf(ContainerListResponse c) => Label(c, Labels.Component) ?? "";

    private static string HashOf(ContainerListResponse c) => Label(c, Labels.ConfigHash) ?? "";

    private static string OrderOf(ContainerListResponse c) => Label(c, DockerLabels.Order) ?? "";

    private static string? Label(ContainerListResponse c, string key) =>
        c.Labels is not null && c.Labels.TryGetValue(key, out var value) ? value : null;

    private static Dictionary<string, IDictionary<string, bool>> ReleaseFilter(string release) =>
        LabelFilter($"{Labels.Release}={release}", $"{DockerLabels.Provider}={DockerLabels.ProviderValue}");

    /// <summary>Several labels: the engine matches objects that carry all of them.</summary>
    private static Dictionary<string, IDictionary<string, bool>> LabelFilter(params string[] labels) =>
        new() { ["label"] = labels.ToDictionary(l => l, _ => true) };

    private static Dictionary<string, IDictionary<string, bool>> NameFilter(string name) =>
        new() { ["name"] = new Dictionary<string, bool> { [name] = true } };

    internal static string Describe(Exception e) => e switch
    {
        DockerApiException api when !string.IsNullOrWhiteSpace(api.ResponseBody) => $"{(int)api.StatusCode} {api.ResponseBody.Trim()}",
        _ => e.Message,
    };

    /// <summary>What this run created, so a failed first run can take it back.</summary>
    private sealed class Created
    {
        public List<string> Containers { get; } = [];
        public string? Network { get; set; }
        public List<string> Volumes { get; } = [];
    }
}
