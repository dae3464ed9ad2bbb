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

    /// <summary>Networks the container joins besides the one it is created on, connected before it starts (a compose service on several networks).</summary>
    public IReadOnlyList<PlannedEndpoint> ExtraNetworks { get; init; } = [];

    /// <summary>Has a health check the engine runs (and `--wait` waits for).</summary>
    public bool HasHealthCheck => Arguments.Health is { Disabled: false, Command: not null };
}

/// <summary>
/// A named volume the release owns (`-v name:/path`, `--mount type=volume,source=name`, or a
/// persistentVolume requirement), with the driver and options a `--mount` gives it.
/// </summary>
public sealed record PlannedVolume(
    string Name, IReadOnlyDictionary<string, string> Labels, string? Driver = null, IDictionary<string, string>? DriverOptions = null)
{
    /// <summary>Made outside the app (compose `external: true`): used by name, never created or removed; its absence stops the run before anything is made.</summary>
    public bool External { get; init; }

    /// <summary>Where an external volume is declared, for the error when it is missing.</summary>
    public SourceLocation? Location { get; init; }
}

/// <summary>Everything `run` creates for a release, in creation order.</summary>
public sealed record ReleasePlan(
    string Release,
    string NetworkName,
    IReadOnlyDictionary<string, string> NetworkLabels,
    IReadOnlyList<PlannedVolume> Volumes,
    IReadOnlyList<PlannedContainer> Containers,
    IReadOnlyList<string> Components)
{
    /// <summary>The networks of compose artifacts besides the release network (`default`), external ones included, by name.</summary>
    public IReadOnlyList<PlannedNetwork> Networks { get; init; } = [];
}
