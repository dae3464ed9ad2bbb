using System.Globalization;
using Docker.DotNet.Models;
using Nulecule.Docker.Planning;
using Nulecule.Docker.Swarm;
using Nulecule.Providers;
using Nulecule.Templating;
using static Nulecule.Docker.Internal.DockerObjects;

namespace Nulecule.Docker.Internal;

/// <summary>
/// A compose service's replica count that `scale` set holds across later runs while the
/// artifact's own count is what it was, the swarm provider's rule; a changed count in the artifact
/// wins. The running containers say it (the label `io.nulecule.replicas` is the artifact's count,
/// the highest replica number running the count, so a replica removed behind the tool's back is
/// made again); with none running, the release's record (<see cref="RunOptions.Scaled"/>) says it.
/// </summary>
internal static class ScaledCounts
{
    /// <summary>Every compose service of the app with its artifact's own count.</summary>
    public static IReadOnlyList<(string Component, string Service, int Own)> Own(RenderedApp app) =>
        app.Components
            .SelectMany(c => c.Artifacts.Where(a => a.Format == ArtifactFormat.Compose)
                .SelectMany(a => a.ComposeProjectOf().Services.Values.Select(s => (c.Scope, s.Name, s.Replicas))))
            .ToList();

    /// <summary>"component/service" to the count to keep, for each service that was scaled; services <paramref name="asked"/> sets are left to it.</summary>
    public static Dictionary<string, int> Kept(
        IReadOnlyList<(string Component, string Service, int Own)> services, IEnumerable<ContainerListResponse> existing, IReadOnlyDictionary<string, int>? asked, IReadOnlyList<ScaledReplicas>? recorded)
    {
        var kept = new Dictionary<string, int>(StringComparer.Ordinal);
        var live = existing.Where(c => Label(c, ComposeServices.ServiceLabel) is not null && !TransientNames.IsTransient(NameOf(c))).ToList();
        foreach (var (component, service, own) in services)
        {
            var key = $"{component}/{service}";
            if (asked is not null && (asked.ContainsKey(key) || asked.ContainsKey(component)))
            {
                continue;
            }

            var ownText = own.ToString(CultureInfo.InvariantCulture);
            var running = live.Where(c => ComponentOf(c) == component && Label(c, ComposeServices.ServiceLabel) == service).ToList();
            if (running.Count == 0)
            {
                if (recorded?.FirstOrDefault(r => r.Service == key) is { } held && held.ArtifactReplicas == own && held.Replicas != own)
                {
                    kept[key] = held.Replicas;
                }

                continue;
            }

            if (running.Any(c => Label(c, SwarmComposePlanner.ReplicasLabel) != ownText))
            {
                continue;
            }

            var count = running.Max(c => int.TryParse(Label(c, ComposeServices.NumberLabel), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0);
            if (count != own)
            {
                kept[key] = count;
            }
        }

        return kept;
    }

    /// <summary>The services whose count under <paramref name="scale"/> (by "component/service", else "component") is not their artifact's: what the record keeps.</summary>
    public static IReadOnlyList<ScaledReplicas> Held(IReadOnlyList<(string Component, string Service, int Own)> services, IReadOnlyDictionary<string, int>? scale)
    {
        var held = new List<ScaledReplicas>();
        foreach (var (component, service, own) in services)
        {
            var key = $"{component}/{service}";
            if (scale is not null && (scale.TryGetValue(key, out var count) || scale.TryGetValue(component, out count)) && count != own)
            {
                held.Add(new ScaledReplicas(key, count, own));
            }
        }

        return held;
    }
}
