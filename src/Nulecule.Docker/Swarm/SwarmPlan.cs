using Docker.DotNet.Models;
using Nulecule.Templating;

namespace Nulecule.Docker.Swarm;

/// <summary>
/// One service of a release as it should exist: its full spec (labels included) and the hash of
/// that spec, which tells a converge whether the running service already is this one.
/// </summary>
public sealed record PlannedService(
    string Component,
    string ServiceName,
    string LogicalName,
    int Order,
    ServiceSpec Spec,
    string SpecHash,
    SourceLocation Location)
{
    public string Image => Spec.TaskTemplate?.ContainerSpec?.Image ?? "";

    /// <summary>Runs to completion instead of serving: a job, or tasks that are not restarted after exiting 0.</summary>
    public bool OneShot => SwarmConvergence.IsOneShot(Spec);

    /// <summary>Publishes host-mode ports: on one node an old and a new task cannot both hold them.</summary>
    public bool PublishesHostPorts => Spec.EndpointSpec?.Ports?.Any(p => p.PublishedPort is > 0) == true;

    /// <summary>Compose's `depends_on`: services of the same component that must be started, healthy or finished first (with --wait).</summary>
    public IReadOnlyList<PlannedServiceDependency> DependsOn { get; init; } = [];
}

/// <summary>A service that must reach a state (`service_started`, `service_healthy`, `service_completed_successfully`) before this one changes.</summary>
public sealed record PlannedServiceDependency(string ServiceName, string Condition);

/// <summary>An overlay network, secret or config the release owns (or, <see cref="External"/>, one it uses and must find).</summary>
public sealed record PlannedResource(string Kind, string Name, IReadOnlyDictionary<string, string> Labels, byte[]? Data = null, string? Component = null)
{
    /// <summary>Declared `external: true`: it must exist; the release never makes or removes it.</summary>
    public bool External { get; init; }

    /// <summary>A network without outside access (`internal: true`).</summary>
    public bool Internal { get; init; }

    /// <summary>A network's `ipam.config` entries (subnet, gateway, ip_range), given to the overlay network when it is made.</summary>
    public IReadOnlyList<Nulecule.Compose.ComposeSubnet> Subnets { get; init; } = [];
}

/// <summary>Everything `run` makes for a release on a swarm, in creation order; <see cref="Warnings"/> are said before anything changes.</summary>
public sealed record SwarmPlan(
    string Release,
    IReadOnlyList<PlannedResource> Networks,
    IReadOnlyList<PlannedResource> Secrets,
    IReadOnlyList<PlannedService> Services,
    IReadOnlyList<string> Components,
    IReadOnlyList<string> Warnings)
{
    /// <summary>Swarm configs (compose `configs:`), named by their content as secrets are.</summary>
    public IReadOnlyList<PlannedResource> Configs { get; init; } = [];
}
