using Docker.DotNet.Models;
using Nulecule.Docker.Run;

namespace Nulecule.Docker.Planning;

/// <summary>One container of a release as it should exist, with the hash that tells whether it changed.</summary>
public sealed record PlannedContainer(
    string Component,
    string ContainerName,
    string LogicalName,
    int Order,
    DockerRunArguments Arguments,
    CreateContainerParameters Parameters,
    string ConfigHash)
{
    /// <summary>Files copied into the container before it starts (compose secrets and configs).</summary>
    public IReadOnlyList<PlannedFile> Files { get; init; } = [];

    /// <summary>Containers that must reach a condition before this one is created (compose `depends_on`); names of replicas that do not exist are skipped.</summary>
    public IReadOnlyList<PlannedDependency> Dependencies { get; init; } = [];

    /// <summary>The compose service the container belongs to; null for a docker-run command.</summary>
    public string? Service { get; init; }

    /// <summary>Has a health check the engine runs (and `--wait` waits for).</summary>
    public bool HasHealthCheck => Arguments.Health is { Disabled: false, Command: not null };
}

/// <summary>
/// A named volume the release owns (`-v name:/path`, `--mount type=volume,source=name`, or a
/// persistentVolume requirement), with the driver and options a `--mount` gives it.
/// </summary>
public sealed record PlannedVolume(
    string Name, IReadOnlyDictionary<string, string> Labels, string? Driver = null, IDictionary<string, string>? DriverOptions = null);

/// <summary>Everything `run` creates for a release, in creation order.</summary>
public sealed record ReleasePlan(
    string Release,
    string NetworkName,
    IReadOnlyDictionary<string, string> NetworkLabels,
    IReadOnlyList<PlannedVolume> Volumes,
    IReadOnlyList<PlannedContainer> Containers,
    IReadOnlyList<string> Components);
