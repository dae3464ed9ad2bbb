using System.Text;
using Docker.DotNet.Models;
using Nulecule.Docker.Planning;
using Nulecule.Providers;
using static Nulecule.Docker.Internal.DockerObjects;

namespace Nulecule.Docker.Internal;

/// <summary>The engine operations a `--dry-run` prints: the converge plan against what the engine has.</summary>
internal static class DryRunPlan
{
    internal static bool Unchanged(ContainerListResponse? current, PlannedContainer container) =>
        current is not null && HashOf(current) == container.ConfigHash && (current.State == "running" || Finished(current));

    /// <summary>A one-shot compose service that ran to completion (exit 0) is done, not down.</summary>
    internal static bool Finished(ContainerListResponse c) =>
        Label(c, DockerLabels.OneShot) == "true" && c.State == "exited" && c.Status?.StartsWith("Exited (0)", StringComparison.Ordinal) == true;

    internal static DeployResult Describe(ReleasePlan plan, SecretMasker masker, IReadOnlyList<ContainerListResponse>? existing)
    {
        var lines = new List<string>();
        var objects = new List<DeployedObject>();
        var byName = (existing ?? []).ToDictionary(NameOf, StringComparer.Ordinal);
        if (existing is null || existing.Count == 0)
        {
            lines.Add($"POST /networks/create name={plan.NetworkName} driver=bridge");
            objects.Add(new DeployedObject("", "network", plan.NetworkName, null, "", ObjectAction.Planned));
            foreach (var network in plan.Networks)
            {
                lines.Add(network.External
                    ? $"use the external network {network.Name} (it must exist; never created or removed)"
                    : $"POST /networks/create name={network.Name} driver={network.Driver ?? "bridge"}"
                      + (network.Internal ? " internal" : "") + (network.Subnets.Count > 0 ? $" subnets=[{string.Join(' ', network.Subnets.Select(s => s.Subnet))}]" : ""));
                objects.Add(new DeployedObject("", "network", network.Name, null, "", network.External ? ObjectAction.Unchanged : ObjectAction.Planned));
            }

            foreach (var volume in plan.Volumes)
            {
                lines.Add(volume.External ? $"use the external volume {volume.Name} (it must exist; never created or removed)" : $"POST /volumes/create name={volume.Name}");
                objects.Add(new DeployedObject("", "volume", volume.Name, null, "", volume.External ? ObjectAction.Unchanged : ObjectAction.Planned));
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
            foreach (var extra in container.ExtraNetworks)
            {
                lines.Add($"POST /networks/{extra.Network}/connect container={container.ContainerName} aliases=[{string.Join(' ', extra.Aliases)}]"
                    + (extra.Ipv4Address is null ? "" : $" ipv4={extra.Ipv4Address}"));
            }

            lines.Add($"POST /containers/{container.ContainerName}/start");
            objects.Add(new DeployedObject(container.Component, "container", container.ContainerName, null, container.ConfigHash, current is null ? ObjectAction.Planned : ObjectAction.Updated));
        }

        return new DeployResult(objects) { PlannedOperations = lines };
    }
}
