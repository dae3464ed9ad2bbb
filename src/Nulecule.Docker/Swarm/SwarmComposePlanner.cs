using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Docker.DotNet.Models;
using Nulecule.Compose;
using Nulecule.Docker.Planning;
using Nulecule.Providers;
using Nulecule.Templating;

namespace Nulecule.Docker.Swarm;

/// <summary>
/// The swarm objects a compose artifact describes, as `docker stack deploy` converts them
/// (docker/cli cli/compose/convert), with this provider's differences: no routing mesh (host-mode
/// ports, dnsrr), a restart policy that lets one-shots finish, and secrets and configs named by
/// their content, because a swarm secret or config cannot change.
/// </summary>
/// <remarks>
/// Service `web` becomes `&lt;release&gt;_web` on the overlay networks it names (`&lt;release&gt;_default`
/// when none), reachable there as `web` and its aliases. A named volume `data` is
/// `&lt;release&gt;_data`. A secret or config `pw` is `&lt;release&gt;_pw_&lt;digest&gt;`: a changed value
/// is a new object and the services that use it are updated to it; the digest (a short hash of
/// release, name and value) is the only trace of the value outside the object itself.
/// </remarks>
internal static class SwarmComposePlanner
{
    /// <summary>Swarm secret and config names are at most 64 characters.</summary>
    public const int MaxObjectNameLength = 64;

    /// <summary>Hex digits of the content digest in a secret's or config's name.</summary>
    public const int DigestLength = 12;

    /// <summary>The artifact's replica count of a service, kept on it so a later run can tell a scale from an artifact change.</summary>
    public const string ReplicasLabel = "io.nulecule.replicas";

    /// <summary>The key under the compose file's top-level `secrets:`/`configs:` an object was made from.</summary>
    public const string ObjectKeyLabel = "io.nulecule.object";

    public sealed record Result(List<PlannedService> Services, List<PlannedResource> Networks, List<PlannedResource> Secrets, List<PlannedResource> Configs);

    public static Result Plan(
        RenderedArtifact artifact, RenderedComponent component, string release, ValueDigest digest, Func<Dictionary<string, string>> baseLabels, int firstOrder, List<string> warnings)
    {
        var project = artifact.ComposeProjectOf();
        var fileAt = new SourceLocation(artifact.Source, 0, 0);
        var result = new Result([], [], [], []);

        // Networks the services join (only those, as docker stack deploy makes only referenced ones).
        var networkNames = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var used in project.Services.Values.SelectMany(s => s.Networks.Count == 0 ? ["default"] : s.Networks.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var declared = project.Networks.GetValueOrDefault(used);
            if (declared is { External: true })
            {
                networkNames[used] = declared.ExternalName ?? used;
                result.Networks.Add(new PlannedResource("network", networkNames[used], new Dictionary<string, string>()) { External = true });
                continue;
            }

            Refuse(declared?.ExternalName is not null, $"networks.{used}.name: a swarm release names its networks <release>_<key>, so two releases of one app do not share one", fileAt, "remove name, or declare the network external");
            Refuse(declared?.Driver is not (null or "overlay"), $"networks.{used}.driver: '{declared?.Driver}' is not a swarm network driver", fileAt, "remove driver (overlay is the default), or write driver: overlay");
            var labels = new Dictionary<string, string>(declared?.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal);
            foreach (var (key, value) in baseLabels())
            {
                labels[key] = value;
            }

            networkNames[used] = used == "default" ? SwarmPlanner.NetworkName(release) : SwarmPlanner.ScopedName(release, used);
            result.Networks.Add(new PlannedResource("network", networkNames[used], labels) { Internal = declared?.Internal == true, Subnets = declared?.Subnets ?? [] });
        }

        var secretNames = FileObjects("secret", project.Secrets, project.Services.Values.SelectMany(s => s.Secrets), digest, release, component, baseLabels, result.Secrets, fileAt);
        var configNames = FileObjects("config", project.Configs, project.Services.Values.SelectMany(s => s.Configs), digest, release, component, baseLabels, result.Configs, fileAt);

        var order = firstOrder;
        foreach (var service in project.InDependencyOrder())
        {
            var at = service.Location ?? fileAt;
            var name = SwarmPlanner.ScopedName(release, service.Name);
            Refuse(service.Image is null, $"services.{service.Name} has no image (the swarm provider does not build images)", at, "give it an image");
            Refuse(name.Length > SwarmPlanner.MaxNameLength, $"service name '{name}' is longer than {SwarmPlanner.MaxNameLength} characters", at, "use a shorter release or service name");
            Refuse(service.NetworkAddresses.Count > 0, $"services.{service.Name}.networks.{service.NetworkAddresses.Keys.FirstOrDefault()}.ipv4_address: a swarm service's tasks get their addresses from the swarm", at, "remove ipv4_address");
            Refuse(service.Healthcheck?.StartInterval is not null, $"services.{service.Name}.healthcheck.start_interval needs Docker API 1.44 (this provider speaks 1.41)", at, "remove start_interval");
            Refuse(service.Labels.Keys.FirstOrDefault(k => k.StartsWith("com.docker.stack.", StringComparison.Ordinal)) is not null, $"services.{service.Name}.labels: the com.docker.stack. prefix is the stack's own", at, "use another label prefix");
            if (service.EndpointMode == "vip")
            {
                warnings.Add($"component {component.Scope}: services.{service.Name}.deploy.endpoint_mode vip needs IPVS, which this host does not have: the service resolves by DNS round robin (dnsrr) instead ({at})");
            }

            var labels = baseLabels();
            labels[Labels.Component] = component.Scope;
            labels[DockerLabels.Order] = order.ToString("D4", CultureInfo.InvariantCulture);
            labels[DockerLabels.LogicalName] = service.Name;
            labels[SwarmPlanner.StackImage] = service.Image!;
            labels[ComposeServices.ServiceLabel] = service.Name;
            if (service.Mode is "replicated" or "replicated-job")
            {
                labels[ReplicasLabel] = service.Replicas.ToString(CultureInfo.InvariantCulture);
            }

            var spec = ToServiceSpec(service, project, name, release, component.Scope, labels, networkNames, secretNames, configNames, at, warnings);
            var hash = SwarmPlanner.SpecHash(spec);
            spec.Labels[Labels.ConfigHash] = hash;
            var dependsOn = service.DependsOn
                .Where(d => project.Services.ContainsKey(d.Key))
                .Select(d => new PlannedServiceDependency(SwarmPlanner.ScopedName(release, d.Key), d.Value.Condition))
                .ToList();
            result.Services.Add(new PlannedService(component.Scope, name, service.Name, order, spec, hash, at) { DependsOn = dependsOn });
            order++;
        }

        return result;
    }

    /// <summary>
    /// The digest a secret's or config's name carries: a short keyed digest of release, key and value
    /// (<see cref="ValueDigest"/>). Every user of the swarm can list the names, so a plain hash of a short
    /// password would give it away to a brute-force search; without the user's key this one gives nothing.
    /// </summary>
    public static string Digest(ValueDigest digest, string release, string key, string content) =>
        digest.Of("nulecule-swarm-object", $"{release}\0{key}\0{content}", DigestLength);

    private static Dictionary<string, string> FileObjects(
        string kind, IReadOnlyDictionary<string, ComposeFileObject> declared, IEnumerable<ComposeFileReference> used, ValueDigest digest, string release, RenderedComponent component,
        Func<Dictionary<string, string>> baseLabels, List<PlannedResource> planned, SourceLocation at)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in used.Select(r => r.Source).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var item = declared[key];
            if (item.External)
            {
                names[key] = item.ExternalName ?? key;
                continue;
            }

            Refuse(item.ExternalName is not null, $"{kind}s.{key}.name: a swarm release names its {kind}s <release>_<key>_<digest>", at, "remove name, or declare it external");
            var content = item.Content ?? "";
            var name = $"{SwarmPlanner.ScopedName(release, key)}_{Digest(digest, release, key, content)}";
            Refuse(name.Length > MaxObjectNameLength, $"{kind} name '{name}' is longer than {MaxObjectNameLength} characters", at, $"use a shorter release name or {kind} key");
            var labels = baseLabels();
            labels[Labels.Component] = component.Scope;
            labels[ObjectKeyLabel] = key;
            names[key] = name;
            planned.Add(new PlannedResource(kind, name, labels, Encoding.UTF8.GetBytes(content), component.Scope));
        }

        return names;
    }

    private static void Refuse(bool condition, string message, SourceLocation at, string hint)
    {
        if (condition)
        {
            throw new NuleculeException(message, at, hint);
        }
    }

    private static ServiceSpec ToServiceSpec(
        ComposeService service, ComposeProject project, string name, string release, string component, Dictionary<string, string> labels,
        Dictionary<string, string> networkNames, Dictionary<string, string> secretNames, Dictionary<string, string> configNames, SourceLocation at, List<string> warnings)
    {
        var containerLabels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in service.Labels)
        {
            containerLabels[key] = value;
        }

        containerLabels[SwarmPlanner.StackNamespace] = release;
        containerLabels[Labels.Release] = release;
        containerLabels[Labels.Component] = component;
        containerLabels[DockerLabels.Provider] = SwarmPlanner.ProviderValue;

        var mounts = service.Volumes.Select(v => Mount(v, project, release, labels)).ToList();
        var ports = Ports(service, component, at, warnings);
        var job = service.Mode.EndsWith("-job", StringComparison.Ordinal);
        var restart = SwarmPlanner.ToRestartPolicy(service.Restart);
        if (job && restart.Condition == "any")
        {
            throw new NuleculeException($"services.{service.Name}.restart: a {service.Mode} runs to completion and cannot restart always", at, "use restart: on-failure or no");
        }

        var health = service.Healthcheck;
        var networks = (service.Networks.Count == 0 ? new Dictionary<string, IReadOnlyList<string>> { ["default"] = [] } : service.Networks)
            .Select(n => new NetworkAttachmentConfig
            {
                Target = networkNames[n.Key],
                Aliases = n.Value.Prepend(service.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
            })
            .OrderBy(n => n.Target, StringComparer.Ordinal)
            .ToList();

        // Docker.DotNet's models say non-null, but an absent (null) field is how the API leaves a setting unset.
#pragma warning disable CS8601, CS8625
        return new ServiceSpec
        {
            Name = name,
            Labels = new SortedDictionary<string, string>(labels, StringComparer.Ordinal),
            TaskTemplate = new TaskSpec
            {
                ContainerSpec = new ContainerSpec
                {
                    Image = service.Image!,
                    Labels = containerLabels,
                    Command = service.Entrypoint?.ToList(),
                    Args = service.Command?.ToList(),
                    Env = service.Environment.Count > 0 ? service.Environment.Select(e => $"{e.Key}={e.Value}").Order(StringComparer.Ordinal).ToList() : null,
                    Dir = service.WorkingDir,
                    User = service.User,
                    Mounts = mounts.Count > 0 ? mounts : null,
                    Healthcheck = health is null ? null : new HealthcheckConfig
                    {
                        Test = health.Disable ? ["NONE"] : health.Test?.ToList(),
                        Interval = health.Interval,
                        Timeout = health.Timeout,
                        StartPeriod = health.StartPeriod,
                        Retries = health.Retries,
                    },
                    Secrets = service.Secrets.Count == 0 ? null : service.Secrets
                        .Select(s => new SecretReference { SecretName = secretNames[s.Source], SecretID = "", File = new SecretReferenceFileTarget { Name = s.Target, UID = "0", GID = "0", Mode = 0x124 } })
                        .OrderBy(s => s.File!.Name, StringComparer.Ordinal)
                        .ToList(),
                    Configs = service.Configs.Count == 0 ? null : service.Configs
                        .Select(c => new SwarmConfigReference { ConfigName = configNames[c.Source], ConfigID = "", File = new ConfigReferenceFileTarget { Name = c.Target, UID = "0", GID = "0", Mode = 0x124 } })
                        .OrderBy(c => c.File!.Name, StringComparer.Ordinal)
                        .ToList(),
                },
                RestartPolicy = restart,
                Networks = networks,
            },
            Mode = service.Mode switch
            {
                "global" => new ServiceMode { Global = new GlobalService() },
                "replicated-job" => new ServiceMode { ReplicatedJob = new ReplicatedJob { MaxConcurrent = (ulong)service.Replicas, TotalCompletions = (ulong)service.Replicas } },
                "global-job" => new ServiceMode { GlobalJob = new GlobalJob() },
                _ => new ServiceMode { Replicated = new ReplicatedService { Replicas = (ulong)service.Replicas } },
            },
            UpdateConfig = job ? null : SwarmPlanner.UpdateConfig(ports.Any(p => p.PublishedPort is > 0)),
            EndpointSpec = new EndpointSpec { Mode = "dnsrr", Ports = ports.Count > 0 ? ports : null },
        };
#pragma warning restore CS8601, CS8625
    }

    private static Mount Mount(ComposeMount volume, ComposeProject project, string release, Dictionary<string, string> serviceLabels)
    {
        if (volume.Type != "volume" || volume.Source is null)
        {
            return new Mount { Type = volume.Type, Source = volume.Source ?? "", Target = volume.Target, ReadOnly = volume.ReadOnly ? true : null };
        }

        var declared = project.Volumes[volume.Source];
        if (declared.External)
        {
            return new Mount { Type = "volume", Source = declared.ExternalName ?? volume.Source, Target = volume.Target, ReadOnly = volume.ReadOnly ? true : null };
        }

        var labels = new SortedDictionary<string, string>(declared.Labels.ToDictionary(), StringComparer.Ordinal);
        foreach (var (key, value) in SwarmPlanner.VolumeLabels(release, serviceLabels))
        {
            labels[key] = value;
        }

        return new Mount
        {
            Type = "volume",
            Source = SwarmPlanner.ScopedName(release, volume.Source),
            Target = volume.Target,
            ReadOnly = volume.ReadOnly ? true : null,
            VolumeOptions = new VolumeOptions
            {
                Labels = labels,
                DriverConfig = declared.Driver is null && declared.DriverOptions.Count == 0
                    ? null
                    : new Driver { Name = declared.Driver ?? "local", Options = new SortedDictionary<string, string>(declared.DriverOptions.ToDictionary(), StringComparer.Ordinal) },
            },
        };
    }

    /// <summary>Host-mode ports; a file that asks for the routing mesh (short syntax, or mode ingress) is told why it does not get it.</summary>
    private static List<PortConfig> Ports(ComposeService service, string component, SourceLocation at, List<string> warnings)
    {
        var ports = new List<PortConfig>();
        foreach (var port in service.Ports)
        {
            var where = port.Location ?? at;
            var published = port.Published is null or "" ? (uint?)null
                : uint.TryParse(port.Published, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and <= 65535 ? p
                : throw new NuleculeException($"services.{service.Name}.ports: published port '{port.Published}' is not one port", where, "a swarm publishes one host port per target port, not a range");
            if (port.Mode != "host")
            {
                warnings.Add($"component {component}: services.{service.Name}.ports: port {port.Target} asks for the routing mesh ({(port.Mode is null ? "the default mode, ingress" : "mode: ingress")}), which needs IPVS, not present on this host: it is published in host mode, on the node that runs the task ({where})");
            }

            if (port.HostIp is { Length: > 0 } ip && ip is not ("0.0.0.0" or "::"))
            {
                warnings.Add($"component {component}: services.{service.Name}.ports: a swarm publishes ports on every address of the node; host_ip {ip} is not kept ({where})");
            }

            ports.Add(new PortConfig { Protocol = port.Protocol, TargetPort = (uint)port.Target, PublishedPort = published, PublishMode = "host" });
        }

        return ports.OrderBy(p => p.TargetPort).ThenBy(p => p.Protocol, StringComparer.Ordinal).ToList();
    }
}
