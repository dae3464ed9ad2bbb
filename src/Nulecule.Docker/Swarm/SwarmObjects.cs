using System.Globalization;
using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using Nulecule.Docker.Internal;
using Nulecule.Docker.Planning;
using Nulecule.Providers;

namespace Nulecule.Docker.Swarm;

/// <summary>Finding a release's swarm objects by label, and changing services safely.</summary>
internal static class SwarmObjects
{
    /// <summary>How often an update that lost the race for the service's version is tried again (moby's own tests try 10 times).</summary>
    public const int OutOfSequenceRetries = 10;

    public static Dictionary<string, IDictionary<string, bool>> ReleaseFilter(string release) =>
        DockerObjects.LabelFilter($"{Labels.Release}={release}", $"{DockerLabels.Provider}={SwarmPlanner.ProviderValue}");

    public static async Task<List<SwarmService>> ServicesAsync(IDockerClient client, string release, CancellationToken cancellationToken, bool status = false) =>
        (await client.Swarm.ListServicesAsync(new ServiceListParameters { Filters = ReleaseFilter(release), Status = status ? true : null }, cancellationToken))
            .OrderBy(OrderOf)
            .ToList();

    public static string NameOf(SwarmService s) => s.Spec?.Name ?? s.ID;

    public static string? Label(SwarmService s, string key) =>
        s.Spec?.Labels is { } labels && labels.TryGetValue(key, out var value) ? value : null;

    public static string ComponentOf(SwarmService s) => Label(s, Labels.Component) ?? "";

    public static string HashOf(SwarmService s) => Label(s, Labels.ConfigHash) ?? "";

    public static string OrderOf(SwarmService s) => Label(s, DockerLabels.Order) ?? "";

    public static int? RevisionOf(SwarmService s) =>
        int.TryParse(Label(s, Labels.Revision), NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : null;

    /// <summary>The tasks of the service's current spec (the filter the docker CLI's progress uses).</summary>
    public static async Task<IList<TaskResponse>> CurrentTasksAsync(IDockerClient client, string serviceId, CancellationToken cancellationToken) =>
        await client.Tasks.ListAsync(
            new TasksListParameters
            {
                Filters = new Dictionary<string, IDictionary<string, bool>>
                {
                    ["service"] = new Dictionary<string, bool> { [serviceId] = true },
                    ["_up-to-date"] = new Dictionary<string, bool> { ["true"] = true },
                },
            },
            cancellationToken);

    public static async Task<IList<TaskResponse>> TasksAsync(IDockerClient client, string serviceId, CancellationToken cancellationToken) =>
        await client.Tasks.ListAsync(
            new TasksListParameters { Filters = new Dictionary<string, IDictionary<string, bool>> { ["service"] = new Dictionary<string, bool> { [serviceId] = true } } },
            cancellationToken);

    /// <summary>
    /// Updates a service to the spec <paramref name="change"/> makes from the one inspected just
    /// before, with that version. A version that moved meanwhile (the engine's `update out of
    /// sequence`, an HTTP 500) is read again and the update tried again.
    /// </summary>
    public static async Task<ServiceUpdateResponse> UpdateAsync(IDockerClient client, string id, Func<SwarmService, ServiceSpec> change, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await client.Swarm.InspectServiceAsync(id, cancellationToken);
            try
            {
                return await client.Swarm.UpdateServiceAsync(
                    id,
                    new ServiceUpdateParameters { Service = change(current), Version = (long)(current.Version?.Index ?? 0), RegistryAuth = null! },
                    cancellationToken);
            }
            catch (DockerApiException e) when (OutOfSequence(e) && attempt < OutOfSequenceRetries)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt), cancellationToken);
            }
        }
    }

    public static bool OutOfSequence(DockerApiException e) =>
        EngineErrors.MessageOf(e).Contains("update out of sequence", StringComparison.Ordinal);

    /// <summary>Labels saying the object is this release's, made by the swarm provider.</summary>
    public static bool OwnedBy(IDictionary<string, string>? labels, string release) =>
        labels is not null && labels.TryGetValue(Labels.Release, out var r) && r == release
        && labels.TryGetValue(DockerLabels.Provider, out var p) && p == SwarmPlanner.ProviderValue;

    public static bool NotFound(DockerApiException e) => e.StatusCode == HttpStatusCode.NotFound;

    /// <summary>Why the engine cannot run a release: not in swarm mode, or a worker; null on a manager.</summary>
    public static async Task<string?> NotAManagerAsync(IDockerClient client, CancellationToken cancellationToken)
    {
        var info = await client.System.GetSystemInfoAsync(cancellationToken);
        if (info.Swarm?.ControlAvailable == true)
        {
            return null;
        }

        return info.Swarm?.LocalNodeState is "active"
            ? "this Docker engine is a swarm worker, not a manager: services are made through a manager (point DOCKER_HOST or the docker context at one)"
            : $"this Docker engine is not in swarm mode (its state is '{info.Swarm?.LocalNodeState ?? "unknown"}'); make it a single-node swarm manager with `docker swarm init --advertise-addr 127.0.0.1`, or join it to a swarm as a manager";
    }
}
