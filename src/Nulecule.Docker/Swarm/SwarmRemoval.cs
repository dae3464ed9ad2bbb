using Docker.DotNet;
using Docker.DotNet.Models;
using Nulecule.Docker.Internal;
using Nulecule.Docker.Planning;
using Nulecule.Providers;
using static Nulecule.Docker.Swarm.SwarmObjects;

namespace Nulecule.Docker.Swarm;

/// <summary>
/// Removing a release's swarm objects: `stop` (services in reverse graph order, then, once their task
/// containers are gone, the secrets, configs and networks they held, and the volumes with `--volumes`),
/// and the removals a failed run makes when it takes back what it created.
/// </summary>
internal static class SwarmRemoval
{
    public static async Task<DeployResult> StopAsync(IDockerClient client, string release, StopOptions options, CancellationToken cancellationToken)
    {
        var services = (await ServicesAsync(client, release, cancellationToken)).OrderByDescending(OrderOf).ToList();
        var networks = await client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = ReleaseFilter(release) }, cancellationToken);
        var secrets = (await client.Secrets.ListAsync(cancellationToken)).Where(s => OwnedBy(s.Spec?.Labels, release)).ToList();
        var configs = (await client.Configs.ListConfigsAsync(cancellationToken)).Where(c => OwnedBy(c.Spec?.Labels, release)).ToList();
        var volumes = options.RemoveVolumes
            ? (await client.Volumes.ListAsync(new VolumesListParameters { Filters = ReleaseFilter(release) }, cancellationToken)).Volumes ?? []
            : [];
        if (services.Count + networks.Count + secrets.Count + configs.Count + volumes.Count == 0)
        {
            options.Reporter.Warn($"no swarm objects labelled with release {release} were found");
        }

        var objects = new List<DeployedObject>();
        var planned = new List<string>();
        var action = options.DryRun ? ObjectAction.Planned : ObjectAction.Deleted;

        // One object: planned as the API call it is, removed unless this is a dry run, reported.
        async Task RemoveAsync(string kind, string path, string name, Func<Task> remove, string component = "", string hash = "")
        {
            planned.Add($"DELETE /{path}/{name}");
            if (!options.DryRun)
            {
                options.Reporter.Info($"removing {kind} {name}");
                await remove();
            }

            objects.Add(new DeployedObject(component, kind, name, null, hash, action));
        }

        foreach (var service in services)
        {
            await RemoveAsync("service", "services", NameOf(service), () => RemoveServiceAsync(client, service.ID, cancellationToken), ComponentOf(service), HashOf(service));
        }

        if (!options.DryRun && services.Count > 0)
        {
            // Networks, secrets and volumes are in use until the tasks' containers are gone.
            await WaitForContainersGoneAsync(client, release, DateTimeOffset.UtcNow + options.Timeout, options.Reporter, cancellationToken);
        }

        foreach (var secret in secrets)
        {
            await RemoveAsync("secret", "secrets", secret.Spec.Name ?? secret.ID, () => IgnoreNotFound(() => client.Secrets.DeleteAsync(secret.ID, cancellationToken)));
        }

        foreach (var config in configs)
        {
            await RemoveAsync("config", "configs", config.Spec.Name ?? config.ID, () => IgnoreNotFound(() => client.Configs.RemoveConfigAsync(config.ID, cancellationToken)));
        }

        foreach (var network in networks)
        {
            await RemoveAsync("network", "networks", network.Name, () => RemoveNetworkAsync(client, network.ID, DateTimeOffset.UtcNow + TimeSpan.FromSeconds(20), cancellationToken));
        }

        foreach (var volume in volumes)
        {
            await RemoveAsync("volume", "volumes", volume.Name, () => IgnoreNotFound(() => client.Volumes.RemoveAsync(volume.Name, false, cancellationToken)));
        }

        return new DeployResult(objects) { PlannedOperations = options.DryRun ? planned : [] };
    }

    public static async Task RemoveServiceAsync(IDockerClient client, string id, CancellationToken cancellationToken) =>
        await IgnoreNotFound(() => client.Swarm.RemoveServiceAsync(id, cancellationToken));

    /// <summary>A network is in use until the last task container on it is gone, a moment after its service.</summary>
    public static async Task RemoveNetworkAsync(IDockerClient client, string id, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await IgnoreNotFound(() => client.Networks.DeleteNetworkAsync(id, cancellationToken));
                return;
            }
            catch (DockerApiException e) when (DateTimeOffset.UtcNow < deadline && EngineErrors.MessageOf(e).Contains("in use", StringComparison.OrdinalIgnoreCase)
                || DateTimeOffset.UtcNow < deadline && EngineErrors.MessageOf(e).Contains("active endpoints", StringComparison.OrdinalIgnoreCase))
            {
                await Task.Delay(250, cancellationToken);
            }
        }
    }

    /// <summary>Waits until no task container of the release is left on this node (they carry the stack namespace label).</summary>
    public static async Task WaitForContainersGoneAsync(IDockerClient client, string release, DateTimeOffset deadline, IReporter reporter, CancellationToken cancellationToken)
    {
        var filter = DockerObjects.LabelFilter($"{SwarmPlanner.StackNamespace}={release}", $"{DockerLabels.Provider}={SwarmPlanner.ProviderValue}");
        while (true)
        {
            var left = await client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filter }, cancellationToken);
            if (left.Count == 0)
            {
                return;
            }

            if (DateTimeOffset.UtcNow >= deadline)
            {
                reporter.Warn($"{left.Count} task container(s) of release {release} are still being removed");
                return;
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    public static async Task IgnoreNotFound(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (DockerApiException e) when (NotFound(e))
        {
        }
    }

}
