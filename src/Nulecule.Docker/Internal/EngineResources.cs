using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using Nulecule.Docker.Planning;
using Nulecule.Providers;
using static Nulecule.Docker.Internal.DockerObjects;

namespace Nulecule.Docker.Internal;

/// <summary>The release's network, volumes and images: made when missing, and taken back after a failed first run.</summary>
internal static class EngineResources
{
    internal static Task<DeployedObject> EnsureNetworkAsync(IDockerClient client, ReleasePlan plan, Created created, IReporter reporter, CancellationToken cancellationToken) =>
        EnsureNetworkAsync(client, new PlannedNetwork(plan.NetworkName, plan.NetworkLabels, "bridge", false, [], false, new SourceLocation("", 0, 0)), created, reporter, cancellationToken);

    /// <summary>Makes the network when no network of its name exists (an external one is only checked, by <see cref="CheckExternalAsync"/>).</summary>
    internal static async Task<DeployedObject> EnsureNetworkAsync(IDockerClient client, PlannedNetwork network, Created created, IReporter reporter, CancellationToken cancellationToken)
    {
        if (network.External || await NetworkExistsAsync(client, network.Name, cancellationToken))
        {
            return new DeployedObject("", "network", network.Name, null, "", ObjectAction.Unchanged);
        }

        reporter.Info($"creating network {network.Name}");

        // Not abandoned half-way when interrupted (the engine would make a network nobody knows of).
        var response = await client.Networks.CreateNetworkAsync(
            new NetworksCreateParameters
            {
                Name = network.Name,
                Driver = network.Driver ?? "bridge",
                Internal = network.Internal,
                Labels = new Dictionary<string, string>(network.Labels),
                IPAM = Ipam(network.Subnets)!,
            },
            CancellationToken.None);
        created.Networks.Add((network.Name, response.ID));
        cancellationToken.ThrowIfCancellationRequested();
        return new DeployedObject("", "network", network.Name, null, "", ObjectAction.Created);
    }

    /// <summary>A network's `ipam.config` as the engine takes it; null (the engine picks) when there is none.</summary>
    internal static IPAM? Ipam(IReadOnlyList<Nulecule.Compose.ComposeSubnet> subnets) => subnets.Count == 0 ? null : new IPAM
    {
        Driver = "default",
        Config = subnets.Select(s => new IPAMConfig { Subnet = s.Subnet, Gateway = s.Gateway!, IPRange = s.IpRange! }).ToList(),
    };

    private static async Task<bool> NetworkExistsAsync(IDockerClient client, string name, CancellationToken cancellationToken) =>
        (await client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = NameFilter(name) }, cancellationToken)).Any(n => n.Name == name);

    /// <summary>
    /// Every external network and volume of the plan is on the engine: checked before anything is
    /// made, so a missing one stops the run with nothing half-deployed. An external network's
    /// fixed addresses must be inside a subnet it has.
    /// </summary>
    internal static async Task CheckExternalAsync(IDockerClient client, ReleasePlan plan, CancellationToken cancellationToken)
    {
        var problems = new List<Diagnostic>();
        foreach (var network in plan.Networks.Where(n => n.External))
        {
            var found = (await client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = NameFilter(network.Name) }, cancellationToken)).FirstOrDefault(n => n.Name == network.Name);
            if (found is null)
            {
                problems.Add(Diagnostic.Error($"the external network {network.Name} does not exist on the engine", network.Location,
                    $"create it first (docker network create {network.Name}), or remove external: true to let the release make its own"));
                continue;
            }

            var subnets = (found.IPAM?.Config ?? []).Select(c => c.Subnet).Where(s => !string.IsNullOrEmpty(s)).ToList();
            foreach (var container in plan.Containers)
            {
                foreach (var endpoint in container.ExtraNetworks.Prepend(Primary(container)).Where(e => e?.Network == network.Name && e.Ipv4Address is not null))
                {
                    if (!subnets.Any(s => IPNetwork.TryParse(s, out var subnet) && IPAddress.TryParse(endpoint!.Ipv4Address, out var ip) && subnet.Contains(ip)))
                    {
                        problems.Add(Diagnostic.Error(
                            $"compose service '{container.Service}': ipv4_address {endpoint!.Ipv4Address} is not in a subnet of the external network {network.Name} ({(subnets.Count == 0 ? "it has none of its own" : string.Join(", ", subnets))})",
                            container.Arguments.Location));
                    }
                }
            }
        }

        foreach (var volume in plan.Volumes.Where(v => v.External))
        {
            try
            {
                await client.Volumes.InspectAsync(volume.Name, cancellationToken);
            }
            catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                problems.Add(Diagnostic.Error($"the external volume {volume.Name} does not exist on the engine", volume.Location,
                    $"create it first (docker volume create {volume.Name}), or remove external: true to let the release make its own"));
            }
        }

        if (problems.Count > 0)
        {
            throw new NuleculeException(problems);
        }
    }

    /// <summary>The network a container is created on, as an endpoint (null when the container is not on a network of its own).</summary>
    private static PlannedEndpoint? Primary(PlannedContainer container) =>
        container.Parameters.NetworkingConfig?.EndpointsConfig?.FirstOrDefault() is { Key: { } name, Value: { } settings }
            ? new PlannedEndpoint(name, [], settings.IPAMConfig?.IPv4Address)
            : null;

    internal static async Task<DeployedObject> EnsureVolumeAsync(IDockerClient client, PlannedVolume volume, Created created, IReporter reporter, CancellationToken cancellationToken)
    {
        if (volume.External)
        {
            return new DeployedObject("", "volume", volume.Name, null, "", ObjectAction.Unchanged);
        }

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
    internal static Task EnsureImageAsync(IDockerClient client, PlannedContainer container, IReporter reporter, CancellationToken cancellationToken) =>
        EnsureImageAsync(client, container.Arguments.Image, container.Component, container.Arguments.Location, container.Parameters.Platform, reporter, cancellationToken);

    /// <param name="platform">`--platform`: pull that one, as the docker CLI does.</param>
    internal static async Task EnsureImageAsync(
        IDockerClient client, string image, string component, SourceLocation location, string? platform, IReporter reporter, CancellationToken cancellationToken)
    {
        if (await ImageExistsAsync(client, image, cancellationToken))
        {
            return;
        }

        reporter.Progress(new ProgressEvent(component, ProgressState.Pulling) { Object = $"image {image}", Detail = image, Message = $"pulling {image}" });
        string? error = null;
        var progress = new Progress<JSONMessage>(m => error = m.Error?.Message ?? error);
        try
        {
            var (repository, tag) = SplitImage(image);
            await client.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = repository, Tag = tag, Platform = platform }, null, progress, cancellationToken);
        }
        catch (DockerApiException e)
        {
            error = e.ResponseBody is { Length: > 0 } body ? body.Trim() : e.Message;
        }

        if (!await ImageExistsAsync(client, image, cancellationToken))
        {
            throw new OperationFailedException(
                $"component {component}: image {image} is not present locally and could not be pulled"
                + (error is null ? "" : $": {error}")
                + $" ({location}). Build or load the image first (docker images lists what is present).");
        }
    }

    internal static async Task<bool> ImageExistsAsync(IDockerClient client, string image, CancellationToken cancellationToken)
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

    /// <summary>Removes the network and volumes this run created; returns what could not be removed.</summary>
    internal static async Task<List<string>> CleanUpAsync(IDockerClient client, Created created, IReporter reporter)
    {
        // Not the caller's token: clean-up must finish even when the run was cancelled.
        // The run's containers were just removed: the network can meet the same stale endpoint as stop.
        var left = new List<string>();
        foreach (var (name, id) in created.Networks)
        {
            if (!await TryAsync(() => DeleteNetworkAsync(client, id, [], CancellationToken.None), reporter))
            {
                left.Add($"network {name}");
            }
        }

        foreach (var volume in created.Volumes)
        {
            if (!await TryAsync(() => client.Volumes.RemoveAsync(volume, false, CancellationToken.None), reporter))
            {
                left.Add($"volume {volume}");
            }
        }

        return left;
    }

    /// <summary>
    /// Deletes a release network whose containers were just removed (<paramref name="removed"/>,
    /// by name). A Docker 20.10 engine can refuse with "has active endpoints" after the last
    /// container is gone: for a moment while the endpoint is released, and sometimes for good, when
    /// it has lost count of the network's endpoints under concurrent container exits and still
    /// counts one that no longer exists (moby/moby#42119; only a restart of dockerd recounts). The
    /// delete is tried again for up to 15 s, and between tries an endpoint whose container no
    /// longer exists (one removed here, or one the network still lists) is disconnected with force,
    /// as `docker network disconnect -f` does. A container that exists is never disconnected: the
    /// engine's refusal is then the answer. When the refusal persists for
    /// <see cref="NetworkRemoval.Settled"/> with no container attached and none of the removed ones
    /// left, the network is reported as kept by that engine fault (<see cref="StaleEndpointException"/>).
    /// </summary>
    internal static async Task DeleteNetworkAsync(IDockerClient client, string id, IReadOnlyCollection<string> removed, CancellationToken cancellationToken)
    {
        string? name = null;
        await NetworkRemoval.RunAsync(
            async () =>
            {
                try
                {
                    await client.Networks.DeleteNetworkAsync(id, cancellationToken);
                    return null;
                }
                catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
                {
                    return null;
                }
                catch (DockerApiException e) when (HasActiveEndpoints(e))
                {
                    return e;
                }
            },
            async () =>
            {
                var (networkName, attached) = await DisconnectStaleEndpointsAsync(client, id, removed, cancellationToken);
                name ??= networkName;
                return attached;
            },
            () => new StaleEndpointException(name ?? id),
            () => DateTimeOffset.UtcNow,
            Task.Delay,
            cancellationToken);
    }

    /// <summary>
    /// After a refusal: disconnects with force each endpoint whose container is gone; returns the
    /// network's name and how many containers that exist are still attached (-1: not known).
    /// </summary>
    private static async Task<(string? Name, int Attached)> DisconnectStaleEndpointsAsync(IDockerClient client, string id, IReadOnlyCollection<string> removed, CancellationToken cancellationToken)
    {
        var candidates = new HashSet<string>(removed, StringComparer.Ordinal);
        string name;
        try
        {
            var network = await client.Networks.InspectNetworkAsync(id, cancellationToken);
            name = network.Name;
            foreach (var (container, endpoint) in network.Containers ?? new Dictionary<string, EndpointResource>())
            {
                candidates.Add(string.IsNullOrEmpty(endpoint?.Name) ? container : endpoint.Name);
            }
        }
        catch (DockerApiException)
        {
            return (null, -1);
        }

        var attached = 0;
        foreach (var candidate in candidates)
        {
            if (await ContainerExistsAsync(client, candidate, cancellationToken))
            {
                attached++;
                continue;
            }

            try
            {
                await client.Networks.DisconnectNetworkAsync(id, new NetworkDisconnectParameters { Container = candidate, Force = true }, cancellationToken);
            }
            catch (DockerApiException)
            {
                // No such endpoint (already released) or the engine would not: the next try says.
            }
        }

        return (name, attached);
    }

    private static bool HasActiveEndpoints(DockerApiException e) =>
        (e.ResponseBody ?? e.Message).Contains("active endpoints", StringComparison.OrdinalIgnoreCase);

    private static async Task<bool> ContainerExistsAsync(IDockerClient client, string nameOrId, CancellationToken cancellationToken)
    {
        try
        {
            await client.Containers.InspectContainerAsync(nameOrId, cancellationToken);
            return true;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>False, after a warning, when the engine refused or did not answer.</summary>
    internal static async Task<bool> TryAsync(Func<Task> action, IReporter reporter)
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
            return false;
        }
        catch (StaleEndpointException e)
        {
            reporter.Warn($"clean-up: {e.Message}");
            return false;
        }
        catch (Exception e) when (DockerProvider.Unreachable(e))
        {
            reporter.Warn($"clean-up: the engine did not answer ({e.Message})");
            return false;
        }

        return true;
    }
}

/// <summary>The network and volumes this run created, so a failed first run can take them back (containers: <see cref="ContainerReplacer"/>).</summary>
internal sealed class Created
{
    public List<(string Name, string Id)> Networks { get; } = [];

    public List<string> Volumes { get; } = [];
}
