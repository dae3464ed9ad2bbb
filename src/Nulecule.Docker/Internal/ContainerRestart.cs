using Docker.DotNet;
using Docker.DotNet.Models;
using Nulecule.Providers;
using static Nulecule.Docker.Internal.DockerObjects;

namespace Nulecule.Docker.Internal;

/// <summary>`docker restart` of a release's containers, in the order the release starts them.</summary>
internal static class ContainerRestart
{
    public static async Task<IReadOnlyList<RestartOutcome>> RunAsync(
        IDockerClient client, string release, IReadOnlyCollection<string>? components, TimeSpan grace, IReporter reporter, CancellationToken cancellationToken)
    {
        var containers = (await ReleaseContainersAsync(client, release, cancellationToken))
            .Where(c => components is null || components.Contains(ComponentOf(c)))
            .OrderBy(OrderOf)
            .ThenBy(NameOf, StringComparer.Ordinal)
            .ToList();
        var outcomes = new List<RestartOutcome>();
        foreach (var container in containers)
        {
            reporter.Info($"restarting {NameOf(container)}");
            await client.Containers.RestartContainerAsync(
                container.ID, new ContainerRestartParameters { WaitBeforeKillSeconds = (uint)grace.TotalSeconds }, cancellationToken);
            outcomes.Add(new RestartOutcome(ComponentOf(container), "container", NameOf(container), true));
        }

        return outcomes;
    }
}
