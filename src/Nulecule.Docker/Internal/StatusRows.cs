using System.Globalization;
using Docker.DotNet.Models;
using Nulecule.Providers;
using static Nulecule.Docker.Internal.DockerObjects;

namespace Nulecule.Docker.Internal;

/// <summary>A container as a row of `nulecule status`.</summary>
internal static class StatusRows
{
    internal static ObjectStatus ToStatus(ContainerListResponse c)
    {
        var health = c.Health?.Status is { Length: > 0 } h && h != "none" ? h : HealthFromStatus(c.Status);
        var ports = PortsOf(c);
        var ready = (c.State == "running" && health is null or "healthy") || DryRunPlan.Finished(c);
        var revision = int.TryParse(Label(c, Labels.Revision), NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : (int?)null;
        return new ObjectStatus("container", NameOf(c), c.State, ready, health, ports, c.Status, revision);
    }

    /// <summary>A container as a row of `nulecule ps`: its state as `docker ps` words it (`Up 5 minutes`).</summary>
    internal static ProcessRow ToProcessRow(ContainerListResponse c) =>
        new(Label(c, Labels.Release) ?? "", ComponentOf(c), "container", NameOf(c), c.Image ?? "", c.Status is { Length: > 0 } status ? status : c.State ?? "",
            PortsOf(c) ?? "", c.Created == default ? null : new DateTimeOffset(DateTime.SpecifyKind(c.Created, DateTimeKind.Utc)));

    /// <summary>`0.0.0.0:8080->80/tcp, 443/tcp` as `docker ps` shows them, or null.</summary>
    private static string? PortsOf(ContainerListResponse c) =>
        c.Ports is { Count: > 0 }
            ? string.Join(", ", c.Ports
                .OrderBy(p => p.PrivatePort)
                .Select(p => p.PublicPort is { } pub ? $"{(string.IsNullOrEmpty(p.IP) ? "" : p.IP + ":")}{pub}->{p.PrivatePort}/{p.Type}" : $"{p.PrivatePort}/{p.Type}")
                .Distinct())
            : null;

    /// <summary>Engines before API 1.52 put health only in the status text: `Up 5 seconds (healthy)`.</summary>
    internal static string? HealthFromStatus(string? status)
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
}
