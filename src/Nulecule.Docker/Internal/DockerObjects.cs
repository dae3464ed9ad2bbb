using System.Globalization;
using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using Nulecule.Docker.Planning;
using Nulecule.Providers;

namespace Nulecule.Docker.Internal;

/// <summary>Finding a release's containers by label and reading what their labels say.</summary>
internal static class DockerObjects
{
    /// <summary>
    /// The release's containers that are not in the middle of a replacement
    /// (<see cref="TransientNames"/>): what status, list and converge look at.
    /// </summary>
    public static async Task<List<ContainerListResponse>> ReleaseContainersAsync(IDockerClient client, string release, CancellationToken cancellationToken) =>
        (await AllReleaseContainersAsync(client, release, cancellationToken)).Where(c => !TransientNames.IsTransient(NameOf(c))).ToList();

    /// <summary>Every container labelled with the release, transient ones included (what stop removes).</summary>
    public static async Task<IList<ContainerListResponse>> AllReleaseContainersAsync(IDockerClient client, string release, CancellationToken cancellationToken) =>
        await client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = ReleaseFilter(release) }, cancellationToken);

    /// <summary>Every container on the engine, running or not.</summary>
    public static async Task<IList<ContainerListResponse>> EveryContainerAsync(IDockerClient client, CancellationToken cancellationToken) =>
        await client.Containers.ListContainersAsync(new ContainersListParameters { All = true }, cancellationToken);

    /// <summary>The containers of <paramref name="all"/> that <see cref="ReleaseFilter"/> would have the engine list, transient ones included.</summary>
    public static List<ContainerListResponse> OfRelease(IEnumerable<ContainerListResponse> all, string release) =>
        all.Where(c => Label(c, Labels.Release) == release && Label(c, DockerLabels.Provider) == DockerLabels.ProviderValue).ToList();

    public static string NameOf(ContainerListResponse c) => c.Names?.FirstOrDefault()?.TrimStart('/') ?? c.ID;

    public static string ComponentOf(ContainerListResponse c) => Label(c, Labels.Component) ?? "";

    public static string HashOf(ContainerListResponse c) => Label(c, Labels.ConfigHash) ?? "";

    public static string OrderOf(ContainerListResponse c) => Label(c, DockerLabels.Order) ?? "";

    public static int? RevisionOf(ContainerListResponse c) =>
        int.TryParse(Label(c, Labels.Revision), NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : null;

    public static string? Label(ContainerListResponse c, string key) =>
        c.Labels is not null && c.Labels.TryGetValue(key, out var value) ? value : null;

    public static Dictionary<string, IDictionary<string, bool>> ReleaseFilter(string release) =>
        LabelFilter($"{Labels.Release}={release}", $"{DockerLabels.Provider}={DockerLabels.ProviderValue}");

    /// <summary>Several labels: the engine matches objects that carry all of them.</summary>
    public static Dictionary<string, IDictionary<string, bool>> LabelFilter(params string[] labels) =>
        new() { ["label"] = labels.ToDictionary(l => l, _ => true) };

    public static Dictionary<string, IDictionary<string, bool>> NameFilter(string name) =>
        new() { ["name"] = new Dictionary<string, bool> { [name] = true } };

    /// <summary>Stops (SIGTERM, then SIGKILL after <paramref name="timeout"/>) and removes a container; gone already is fine.</summary>
    public static async Task RemoveContainerAsync(IDockerClient client, string id, TimeSpan timeout, CancellationToken cancellationToken)
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

    /// <summary>Removes a container at once (it is ours and nothing is served by it); gone already is fine.</summary>
    public static async Task ForceRemoveAsync(IDockerClient client, string id, CancellationToken cancellationToken)
    {
        try
        {
            await client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true }, cancellationToken);
        }
        catch (DockerApiException e) when (e.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
        {
        }
    }

    public static string Describe(Exception e) => e switch
    {
        DockerApiException api => EngineErrors.MessageOf(api),
        _ => e.Message,
    };
}

/// <summary>
/// Names of the short-lived containers of a replacement: the new container is created as
/// `NAME--next`, the old one waits as `NAME--prev` until the new revision is ready, and a trial
/// run of a new configuration whose host ports the old container holds is `NAME--trial`. They carry
/// the release labels, so `stop` removes them; status, list and converge skip them, and the next
/// run repairs what an interrupted one left (see <see cref="ContainerReplacer.RepairAsync"/>).
/// </summary>
internal static class TransientNames
{
    public const string Next = "--next";
    public const string Previous = "--prev";
    public const string Trial = "--trial";

    public static bool IsTransient(string name) =>
        name.EndsWith(Next, StringComparison.Ordinal) || name.EndsWith(Previous, StringComparison.Ordinal) || name.EndsWith(Trial, StringComparison.Ordinal);

    public static string BaseOf(string name)
    {
        foreach (var suffix in new[] { Next, Previous, Trial })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal))
            {
                return name[..^suffix.Length];
            }
        }

        return name;
    }
}
