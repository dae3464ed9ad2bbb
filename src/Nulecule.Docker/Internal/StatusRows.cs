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
        var health = HealthOf(c);
        var ports = PortsOf(c);
        var ready = (c.State == "running" && health is null or "healthy") || DryRunPlan.Finished(c);
        var revision = int.TryParse(Label(c, Labels.Revision), NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : (int?)null;
        return new ObjectStatus("container", NameOf(c), c.State, ready, health, ports, MessageOf(c.Status), revision);
    }

    /// <summary>
    /// The engine's status text without its clock: `Exited (1) 3 minutes ago` is `Exited (1)`, and `Up 5 minutes`
    /// says nothing the state and health fields do not (null). A report read twice a second apart stays the same.
    /// </summary>
    internal static string? MessageOf(string? status)
    {
        if (string.IsNullOrEmpty(status) || status.StartsWith("Up ", StringComparison.Ordinal))
        {
            return null;
        }

        var relative = System.Text.RegularExpressions.Regex.Match(status, @"^(\w+(?: \(-?\d+\))?) .* ago$");
        return relative.Success ? relative.Groups[1].Value : status;
    }

    /// <summary>
    /// A container as a row of `nulecule ps`. The state is the engine's word with what matters next to it
    /// (`running (healthy)`, `exited (1)`), not `docker ps`'s `Up 5 minutes`: that text changes every second,
    /// so two reads of the same container (a table and `-o json`) would disagree; the AGE column tells the time.
    /// </summary>
    internal static ProcessRow ToProcessRow(ContainerListResponse c) =>
        new(Label(c, Labels.Release) ?? "", ComponentOf(c), "container", NameOf(c), c.Image ?? "", StateOf(c),
            PortsOf(c) ?? "", c.Created == default ? null : new DateTimeOffset(DateTime.SpecifyKind(c.Created, DateTimeKind.Utc)));

    internal static string StateOf(ContainerListResponse c)
    {
        var state = c.State is { Length: > 0 } s ? s : "unknown";
        if (state == "exited" && ExitCodeFromStatus(c.Status) is { } code)
        {
            return $"exited ({code})";
        }

        var health = HealthOf(c);
        return health is null ? state : $"{state} ({health})";
    }

    /// <summary>The exit code in `Exited (137) 3 minutes ago`.</summary>
    private static int? ExitCodeFromStatus(string? status)
    {
        if (status is null || !status.StartsWith("Exited (", StringComparison.Ordinal))
        {
            return null;
        }

        var end = status.IndexOf(')', 8);
        return end > 8 && int.TryParse(status.AsSpan(8, end - 8), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code) ? code : null;
    }

    /// <summary>`0.0.0.0:8080->80/tcp, 443/tcp` as `docker ps` shows them, or null.</summary>
    private static string? PortsOf(ContainerListResponse c) =>
        c.Ports is { Count: > 0 }
            ? string.Join(", ", c.Ports
                .OrderBy(p => p.PrivatePort)
                .Select(p => p.PublicPort is { } pub ? $"{(string.IsNullOrEmpty(p.IP) ? "" : p.IP + ":")}{pub}->{p.PrivatePort}/{p.Type}" : $"{p.PrivatePort}/{p.Type}")
                .Distinct())
            : null;

    /// <summary>The container's health check state, or null when it has none.</summary>
    private static string? HealthOf(ContainerListResponse c) =>
        c.Health?.Status is { Length: > 0 } h && h != "none" ? h : HealthFromStatus(c.Status);

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
