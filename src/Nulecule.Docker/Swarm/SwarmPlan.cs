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
}

/// <summary>An overlay network, secret or config the release owns.</summary>
public sealed record PlannedResource(string Kind, string Name, IReadOnlyDictionary<string, string> Labels, byte[]? Data = null, string? Component = null);

/// <summary>Everything `run` makes for a release on a swarm, in creation order; <see cref="Warnings"/> are said before anything changes.</summary>
public sealed record SwarmPlan(
    string Release,
    IReadOnlyList<PlannedResource> Networks,
    IReadOnlyList<PlannedResource> Secrets,
    IReadOnlyList<PlannedService> Services,
    IReadOnlyList<string> Components,
    IReadOnlyList<string> Warnings);
