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
    internal static async Task<DeployedObject> EnsureNetworkAsync(IDockerClient client, ReleasePlan plan, Created created, IReporter reporter, CancellationToken cancellationToken)
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

    internal static async Task<DeployedObject> EnsureVolumeAsync(IDockerClient client, PlannedVolume volume, Created created, IReporter reporter, CancellationToken cancellationToken)
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
    internal static async Task<List<string>> CleanUpAsync(IDockerClient client, Created created, string networkName, IReporter reporter)
    {
        // Not the caller's token: clean-up must finish even when the run was cancelled.
        var left = new List<string>();
        if (created.Network is not null && !await TryAsync(() => client.Networks.DeleteNetworkAsync(created.Network, CancellationToken.None), reporter))
        {
            left.Add($"network {networkName}");
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
    public string? Network { get; set; }

    public List<string> Volumes { get; } = [];
}
