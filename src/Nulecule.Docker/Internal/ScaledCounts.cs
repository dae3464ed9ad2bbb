using System.Globalization;
using Docker.DotNet.Models;
using Nulecule.Docker.Planning;
using Nulecule.Docker.Swarm;
using static Nulecule.Docker.Internal.DockerObjects;

namespace Nulecule.Docker.Internal;

/// <summary>
/// A compose service's replica count that `scale` set holds across later runs while the
/// artifact's own count (the label `io.nulecule.replicas` on its containers) is what it was, the
/// swarm provider's rule; a changed count in the artifact wins. The count is the highest replica
/// number running, so a replica removed behind the tool's back is made again.
/// </summary>
internal static class ScaledCounts
{
    /// <summary>"component/service" to the count to keep, for each planned service whose containers say it was scaled; services <paramref name="asked"/> sets are left to it.</summary>
    public static Dictionary<string, int> Kept(ReleasePlan plan, IEnumerable<ContainerListResponse> existing, IReadOnlyDictionary<string, int>? asked)
    {
        var kept = new Dictionary<string, int>(StringComparer.Ordinal);
        var live = existing.Where(c => Label(c, ComposeServices.ServiceLabel) is not null && !TransientNames.IsTransient(NameOf(c))).ToList();
        foreach (var service in plan.Containers.Where(c => c.Service is not null).GroupBy(c => (c.Component, Service: c.Service!)))
        {
            var key = $"{service.Key.Component}/{service.Key.Service}";
            if (asked is not null && (asked.ContainsKey(key) || asked.ContainsKey(service.Key.Component)))
            {
                continue;
            }

            var running = live.Where(c => ComponentOf(c) == service.Key.Component && Label(c, ComposeServices.ServiceLabel) == service.Key.Service).ToList();
            if (!service.First().Parameters.Labels.TryGetValue(SwarmComposePlanner.ReplicasLabel, out var own)
                || running.Count == 0 || running.Any(c => Label(c, SwarmComposePlanner.ReplicasLabel) != own))
            {
                continue;
            }

            var count = running.Max(c => int.TryParse(Label(c, ComposeServices.NumberLabel), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0);
            if (count != service.Count())
            {
                kept[key] = count;
            }
        }

        return kept;
    }
}
