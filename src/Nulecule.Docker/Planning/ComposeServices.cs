using System.Globalization;
using System.Text.Json.Nodes;
using Docker.DotNet.Models;
using Nulecule.Compose;
using Nulecule.Docker.Run;
using Nulecule.Templating;

namespace Nulecule.Docker.Planning;

/// <summary>A file the container gets before it starts (a compose secret or config), copied in, never written on the host.</summary>
public sealed record PlannedFile(string Path, string Content, bool Secret);

/// <summary>A container that must reach a state before this one is created: `depends_on` with its condition.</summary>
public sealed record PlannedDependency(string ContainerName, string Condition);

/// <summary>A network a compose container joins besides its first one, connected after create and before start (API 1.41 creates a container on one network).</summary>
public sealed record PlannedEndpoint(string Network, IReadOnlyList<string> Aliases, string? Ipv4Address)
{
    public EndpointSettings Settings() => new()
    {
        Aliases = Aliases.ToList(),
        IPAMConfig = Ipv4Address is null ? null! : new EndpointIPAMConfig { IPv4Address = Ipv4Address },
    };
}

/// <summary>A network of a compose artifact as the engine knows it: made (and labelled with the release) unless it is external.</summary>
public sealed record PlannedNetwork(
    string Name, IReadOnlyDictionary<string, string> Labels, string? Driver, bool Internal, IReadOnlyList<ComposeSubnet> Subnets, bool External, SourceLocation Location);

/// <summary>A compose service's use of one network: the key under `networks:`, its aliases there (the service name first) and fixed address.</summary>
internal sealed record ComposeEndpoint(string Key, IReadOnlyList<string> Aliases, string? Ipv4Address);

/// <summary>One container of a compose service (replica <see cref="Number"/>), as the docker-run model the planner already deploys, plus what compose adds.</summary>
internal sealed record ComposeContainer(
    string Service,
    int Number,
    DockerRunArguments Arguments,
    IReadOnlyList<string> Aliases,
    IReadOnlyList<string>? HealthTest,
    IReadOnlyList<string>? Entrypoint,
    IReadOnlyList<PlannedFile> Files,
    IReadOnlyList<(string Service, string Condition)> DependsOn,
    bool OneShot)
{
    public string Logical => $"{Service}-{Number}";

    /// <summary>The networks the container joins, the first one it is created on (Compose v2's order: by name); `default` is the release network.</summary>
    public IReadOnlyList<ComposeEndpoint> Networks { get; init; } = [];

    /// <summary>The project the service comes from: its top-level networks and volumes name what the container uses.</summary>
    public required ComposeProject Project { get; init; }

    /// <summary>Where the compose file is (declarations without a location of their own).</summary>
    public required SourceLocation FileLocation { get; init; }
}

/// <summary>
/// Turns the services of a rendered compose artifact into containers: service `s` with n replicas
/// becomes `s-1` ... `s-n` (containers `&lt;release&gt;-s-i`, reachable as `s` on the release
/// network), with Compose's labels (com.docker.compose.project = the release, service,
/// container-number). Compose features this provider cannot give on one host are refused here
/// with the service named, never dropped.
/// </summary>
internal static class ComposeServices
{
    public const string ProjectLabel = "com.docker.compose.project";
    public const string ServiceLabel = "com.docker.compose.service";
    public const string NumberLabel = "com.docker.compose.container-number";
    public const string OneOffLabel = "com.docker.compose.oneoff";

    /// <param name="replicas">A count `scale` set for a service (null: the artifact's own).</param>
    public static IReadOnlyList<ComposeContainer> Expand(RenderedArtifact artifact, Func<string, int?>? replicas = null)
    {
        var project = artifact.ComposeProjectOf();
        CheckDeclarations(project, new SourceLocation(artifact.Source, 0, 0));
        var completedTargets = project.Services.Values
            .SelectMany(s => s.DependsOn.Where(d => d.Value.Condition == "service_completed_successfully").Select(d => d.Key))
            .ToHashSet(StringComparer.Ordinal);
        var result = new List<ComposeContainer>();
        foreach (var service in project.InDependencyOrder())
        {
            var at = service.Location ?? new SourceLocation(artifact.Source, 0, 0);
            Check(service, project, at);
            var files = service.Secrets.Select(s => new PlannedFile(
                    s.Target.StartsWith('/') ? s.Target : $"/run/secrets/{s.Target}", project.Secrets[s.Source].Content ?? "", true))
                .Concat(service.Configs.Select(c => new PlannedFile(
                    c.Target.StartsWith('/') ? c.Target : $"/{c.Target}", project.Configs[c.Source].Content ?? "", false)))
                .ToList();
            var aliases = new List<string> { service.Name };
            aliases.AddRange(service.Networks.GetValueOrDefault("default") ?? []);
            var networks = (service.Networks.Count == 0 ? new Dictionary<string, IReadOnlyList<string>> { ["default"] = [] } : service.Networks)
                .OrderBy(n => n.Key, StringComparer.Ordinal)
                .Select(n => new ComposeEndpoint(n.Key, n.Value.Prepend(service.Name).Distinct(StringComparer.Ordinal).ToList(), service.NetworkAddresses.GetValueOrDefault(n.Key)))
                .ToList();
            var count = replicas?.Invoke(service.Name) ?? service.Replicas;
            for (var number = 1; number <= count; number++)
            {
                var labels = new Dictionary<string, string>(service.Labels, StringComparer.Ordinal)
                {
                    [ServiceLabel] = service.Name,
                    [NumberLabel] = number.ToString(CultureInfo.InvariantCulture),
                    [OneOffLabel] = "False",

                    // The artifact's own count: a later run keeps a scaled count while this stays (docs/compose.md).
                    [Swarm.SwarmComposePlanner.ReplicasLabel] = service.Replicas.ToString(CultureInfo.InvariantCulture),
                };
                result.Add(new ComposeContainer(
                    service.Name,
                    number,
                    Arguments(service, labels, at),
                    aliases,
                    service.Healthcheck?.Test is ["CMD", ..] test ? test : null,
                    service.Entrypoint,
                    files,
                    service.DependsOn.Where(d => project.Services.ContainsKey(d.Key)).Select(d => (d.Key, d.Value.Condition)).ToList(),
                    completedTargets.Contains(service.Name))
                {
                    Networks = networks,
                    Project = project,
                    FileLocation = new SourceLocation(artifact.Source, 0, 0),
                });
            }
        }

        return result;
    }

    private static void Check(ComposeService service, ComposeProject project, SourceLocation at)
    {
        string? problem = null;
        if (service.Image is null)
        {
            problem = "has no image (the docker provider does not build images)";
        }
        else if (service.Mode != "replicated")
        {
            problem = $"has deploy.mode {service.Mode}, which needs a swarm (--provider swarm); the docker provider runs replicated services";
        }
        else if (service.Ports.FirstOrDefault(p => p.Mode == "ingress") is { } ingress)
        {
            problem = $"publishes port {ingress.Target} with mode ingress, which needs a swarm (the docker provider publishes on this host): remove mode, or write mode: host";
        }
        else if (service.Healthcheck?.StartInterval is not null)
        {
            problem = "sets healthcheck.start_interval, which needs Docker API 1.44 (this provider speaks 1.41)";
        }
        else if (service.Labels.Keys.FirstOrDefault(k => k.StartsWith("com.docker.compose.", StringComparison.Ordinal)) is { } reserved)
        {
            problem = $"sets the label {reserved}: the com.docker.compose. prefix is Compose's own";
        }
        else if (service.Secrets.Concat(service.Configs).Any(r => (project.Secrets.GetValueOrDefault(r.Source) ?? project.Configs.GetValueOrDefault(r.Source))?.External == true))
        {
            problem = "uses an external secret or config, which only a swarm has";
        }

        if (problem is not null)
        {
            throw new NuleculeException($"compose service '{service.Name}' {problem}", at);
        }
    }

    /// <summary>
    /// The top-level networks and volumes this provider can make as declared. A network or volume
    /// is named per release (so two releases of one app never share one), which a `name:` of its
    /// own would defeat; `default` is the release's network, so it can only be replaced by an
    /// external one.
    /// </summary>
    private static void CheckDeclarations(ComposeProject project, SourceLocation file)
    {
        foreach (var network in project.Networks.Values.Where(n => !n.External))
        {
            var at = network.Location ?? file;
            if (network.ExternalName is not null)
            {
                throw new NuleculeException($"networks.{network.Name}.name: the docker provider names a release's networks <release>_<key>, so two releases of one app do not share one", at,
                    "remove name, or declare the network external: true (made outside the app)");
            }

            if (network.Name == "default")
            {
                throw new NuleculeException("networks.default: the default network is the release's network (nulecule-<release>), which the docker provider makes itself", at,
                    "remove networks.default, or declare it external: true with the name of a network made outside the app");
            }
        }

        foreach (var volume in project.Volumes.Values.Where(v => !v.External && v.ExternalName is not null))
        {
            throw new NuleculeException($"volumes.{volume.Name}.name: the docker provider names a release's volumes <release>-<key>, so two releases of one app do not share one", volume.Location ?? file,
                "remove name, or declare the volume external: true (made outside the app)");
        }
    }

    /// <summary>The engine's name of a network a compose container joins: `default` is the release network unless declared external.</summary>
    public static string NetworkName(ComposeProject project, string key, string release) =>
        project.Networks.GetValueOrDefault(key) is { External: true } external ? external.ExternalName ?? key
        : key == "default" ? ReleasePlanner.NetworkName(release)
        : $"{release}_{key}";

    /// <summary>The engine's name of a named volume a compose container mounts: the release's own, or an external one's name.</summary>
    public static string VolumeName(ComposeProject project, string key, string release) =>
        project.Volumes.GetValueOrDefault(key) is { External: true } external ? external.ExternalName ?? key : ReleasePlanner.VolumeName(release, key);

    private static DockerRunArguments Arguments(ComposeService service, Dictionary<string, string> labels, SourceLocation at)
    {
        var health = service.Healthcheck;
        return new DockerRunArguments
        {
            Image = service.Image!,
            Location = at,
            Detach = true,
            Command = service.Command ?? [],
            Entrypoint = service.Entrypoint is { Count: > 0 } entrypoint ? entrypoint[0] : null,
            Environment = service.Environment.Select(e => $"{e.Key}={e.Value}").ToList(),
            Ports = service.Ports.Select(p => new PortMapping(p.HostIp, p.Published, p.Target, p.Protocol)).ToList(),
            Volumes = service.Volumes.Where(v => v.Type != "tmpfs")
                .Select(v => new VolumeSpec(v.Source ?? "", v.Target, v.ReadOnly, v.Type == "volume")).ToList(),
            Mounts = service.Volumes.Where(v => v.Type == "tmpfs").Select(v => new Mount { Type = "tmpfs", Target = v.Target, ReadOnly = v.ReadOnly }).ToList(),
            Restart = service.Restart,
            WorkingDir = service.WorkingDir,
            User = service.User,
            Labels = labels,
            Health = health is null ? null : new HealthSpec(
                health.Test switch
                {
                    ["CMD-SHELL", var shell] => shell,
                    ["CMD", ..] => string.Join(' ', health.Test.Skip(1).Select(DockerRunParser.Quote)),
                    _ => null,
                },
                health.Disable,
                health.Interval,
                health.Timeout,
                health.StartPeriod,
                health.Retries),
        };
    }
}
