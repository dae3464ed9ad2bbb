using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Docker.DotNet.Models;
using Nulecule.Docker.Planning;
using Nulecule.Docker.Run;
using Nulecule.Providers;
using Nulecule.Releases;
using Nulecule.Templating;

namespace Nulecule.Docker.Swarm;

/// <summary>
/// Turns a rendered app into the services, network and secrets of a release on a swarm, without
/// an engine. Docker-run artifacts become one replicated service per command; compose artifacts
/// become their services, networks, secrets and configs (<see cref="SwarmComposePlanner"/>).
/// </summary>
/// <remarks>
/// Naming follows `docker stack deploy`: every object is `&lt;release&gt;_&lt;name&gt;` and carries
/// `com.docker.stack.namespace=&lt;release&gt;`, so `docker stack ps|services|rm RELEASE` see the
/// release; a command's name is its `--name`, else `&lt;component&gt;-&lt;n&gt;`, as on Docker. Every
/// service joins the overlay network `&lt;release&gt;_default` with the aliases its component, its
/// name and every `--link` alias give it. Published ports are host-mode and the endpoint mode is
/// dnsrr: the routing mesh needs IPVS, which these hosts do not have. A command without
/// `--restart` restarts on failure (so a one-shot that exits 0 is done, as with `docker run`,
/// and a server that crashes comes back, as a service should); `--restart no` never restarts.
/// </remarks>
public static class SwarmPlanner
{
    public const string StackNamespace = "com.docker.stack.namespace";
    public const string StackImage = "com.docker.stack.image";
    public const string ProviderValue = "swarm";

    /// <summary>Swarm object names are DNS labels of at most 63 characters.</summary>
    public const int MaxNameLength = 63;

    public static string NetworkName(string release) => $"{release}_default";

    public static string ScopedName(string release, string name) => $"{release}_{name}";

    /// <summary>How long the engine watches a new task for failure before it counts the update of its slot done.</summary>
    public static readonly TimeSpan UpdateMonitor = TimeSpan.FromSeconds(2);

    public static SwarmPlan Plan(RenderedApp app, RunOptions options, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(options);
        var release = options.Release;
        ReleaseNames.Check(release);
        var appId = app.Root.App.Id;
        var warnings = new List<string>();

        Dictionary<string, string> BaseLabels() => new(StringComparer.Ordinal)
        {
            [Labels.ManagedBy] = Labels.ManagedByValue,
            [DockerLabels.Provider] = ProviderValue,
            [Labels.AppId] = appId,
            [Labels.Release] = release,
            [StackNamespace] = release,
        };

        var parsed = new List<(RenderedComponent Component, DockerRunArguments Args, string Logical)>();
        foreach (var component in app.Components)
        {
            var n = 0;
            foreach (var artifact in component.Artifacts.Where(a => a.Format != ArtifactFormat.Compose))
            {
                var directory = Path.GetDirectoryName(Path.Combine(app.Root.App.Directory, artifact.Source)) ?? app.Root.App.Directory;
                foreach (var command in artifact.Commands)
                {
                    n++;
                    var args = DockerRunArguments.Parse(command, directory, environment);
                    parsed.Add((component, args, args.Name ?? $"{component.Scope.Replace(':', '-')}-{n}"));
                }
            }
        }

        var duplicate = parsed.GroupBy(p => p.Logical, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new NuleculeException($"two services of this app are named '{duplicate.Key}'", duplicate.Last().Args.Location);
        }

        var aliases = parsed.ToDictionary(p => p.Logical, p => new SortedSet<string>(StringComparer.Ordinal) { p.Component.Name, p.Logical }, StringComparer.Ordinal);
        foreach (var (_, args, _) in parsed)
        {
            foreach (var link in args.Links)
            {
                var target = parsed.FirstOrDefault(p => p.Logical == link.Target || ScopedName(release, p.Logical) == link.Target).Logical
                    ?? parsed.FirstOrDefault(p => p.Component.Name == link.Target || p.Component.Scope == link.Target).Logical
                    ?? throw new NuleculeException(
                        $"--link {link.Target}:{link.Alias}: no service of this app is named '{link.Target}'",
                        args.Location,
                        "link to the --name (or the component name) of another command of the same app");
                aliases[target].Add(link.Alias);
            }
        }

        var network = NetworkName(release);
        var networkLabels = BaseLabels();
        var services = new List<PlannedService>();
        var networks = new List<PlannedResource>();
        if (parsed.Count > 0 || app.Components.All(c => c.Artifacts.All(a => a.Format != ArtifactFormat.Compose)))
        {
            networks.Add(new PlannedResource("network", network, networkLabels));
        }

        var secrets = new List<PlannedResource>();
        var configs = new List<PlannedResource>();
        foreach (var component in app.Components)
        {
            foreach (var (_, args, logical) in parsed.Where(p => p.Component == component))
            {
                services.Add(DockerRunService(component, args, logical));
            }

            // Compose artifacts: services, networks, secrets and configs of their own (SwarmComposePlanner).
            foreach (var artifact in component.Artifacts.Where(a => a.Format == ArtifactFormat.Compose))
            {
                var compose = SwarmComposePlanner.Plan(artifact, component, release, options.Digest, BaseLabels, services.Count, warnings);
                foreach (var service in compose.Services)
                {
                    service.Spec.Labels[Labels.Revision] = options.Revision.ToString(CultureInfo.InvariantCulture);
                    services.Add(service);
                }

                networks.AddRange(compose.Networks.Where(n => networks.All(x => x.Name != n.Name)));
                secrets.AddRange(compose.Secrets.Where(n => secrets.All(x => x.Name != n.Name)));
                configs.AddRange(compose.Configs.Where(n => configs.All(x => x.Name != n.Name)));
            }
        }

        var twice = services.GroupBy(s => s.ServiceName, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
        {
            throw new NuleculeException($"two services of this app are named '{twice.Key}'", twice.Last().Location, "rename one of them (its --name or its compose service key)");
        }

        PlannedService DockerRunService(RenderedComponent component, DockerRunArguments args, string logical)
        {
            var name = ScopedName(release, logical);
            if (name.Length > MaxNameLength)
            {
                throw new NuleculeException(
                    $"service name '{name}' is longer than {MaxNameLength} characters",
                    args.Location,
                    "use a shorter release name or --name");
            }

            var labels = BaseLabels();
            labels[Labels.Component] = component.Scope;
            labels[DockerLabels.Order] = services.Count.ToString("D4", CultureInfo.InvariantCulture);
            labels[DockerLabels.LogicalName] = logical;
            labels[StackImage] = args.Image;
            var spec = ToServiceSpec(args, name, release, network, aliases[logical].Where(DockerRunFlagParser.IsContainerName), labels, component.Scope, warnings);
            var hash = SpecHash(spec);
            spec.Labels[Labels.ConfigHash] = hash;
            spec.Labels[Labels.Revision] = options.Revision.ToString(CultureInfo.InvariantCulture);
            return new PlannedService(component.Scope, name, logical, services.Count, spec, hash, args.Location);
        }

        var hostPorts = services
            .SelectMany(s => (s.Spec.EndpointSpec?.Ports ?? []).Where(p => p.PublishedPort is > 0).Select(p => (s, Port: $"{p.PublishedPort}/{p.Protocol}")))
            .GroupBy(x => x.Port, StringComparer.Ordinal)
            .FirstOrDefault(g => g.Count() > 1);
        if (hostPorts is not null)
        {
            var two = hostPorts.Take(2).ToList();
            throw new NuleculeException(
                $"services {two[0].s.ServiceName} and {two[1].s.ServiceName} both publish host port {hostPorts.Key}: host-mode ports are bound on the node, and one task of each cannot run on the same node",
                two[1].s.Location,
                "publish another port in one of them");
        }

        return new SwarmPlan(release, networks, secrets, services, app.Components.Select(c => c.Scope).ToList(), warnings) { Configs = configs };
    }

    /// <summary>The service a `docker run` command describes, as `docker service create` would make it.</summary>
    internal static ServiceSpec ToServiceSpec(
        DockerRunArguments args, string name, string release, string network, IEnumerable<string> aliases, Dictionary<string, string> labels, string component, List<string> warnings)
    {
        Refuse(args);
        var settings = args.Settings;
        var containerLabels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in args.Labels)
        {
            containerLabels[key] = value;
        }

        // The task containers say whose they are too (kubelet-style label copies aside, the docker
        // provider only looks at containers labelled with its own provider value).
        containerLabels[StackNamespace] = release;
        containerLabels[Labels.Release] = release;
        containerLabels[Labels.Component] = component;
        containerLabels[DockerLabels.Provider] = ProviderValue;
        var mounts = new List<Mount>();
        foreach (var volume in args.Volumes)
        {
            mounts.Add(volume.IsNamed
                ? new Mount
                {
                    Type = "volume",
                    Source = volume.Source.Length == 0 ? null : ScopedName(release, volume.Source),
                    Target = volume.Target,
                    ReadOnly = volume.ReadOnly ? true : null,
                    VolumeOptions = volume.Source.Length == 0 ? null : new VolumeOptions { Labels = VolumeLabels(release, labels) },
                }
                : new Mount { Type = "bind", Source = volume.Source, Target = volume.Target, ReadOnly = volume.ReadOnly ? true : null });
        }

        foreach (var mount in args.Mounts)
        {
            var named = mount.Type == "volume" && !string.IsNullOrEmpty(mount.Source);
            var volumeOptions = mount.VolumeOptions;
            if (named)
            {
                var merged = new SortedDictionary<string, string>(volumeOptions?.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal);
                foreach (var (key, value) in VolumeLabels(release, labels))
                {
                    merged[key] = value;
                }

                volumeOptions = new VolumeOptions { NoCopy = volumeOptions?.NoCopy, DriverConfig = volumeOptions?.DriverConfig, Labels = merged };
            }

            mounts.Add(new Mount
            {
                Type = mount.Type,
                Source = named ? ScopedName(release, mount.Source!) : mount.Source,
                Target = mount.Target,
                ReadOnly = mount.ReadOnly,
                Consistency = mount.Consistency,
                BindOptions = mount.BindOptions,
                VolumeOptions = volumeOptions,
                TmpfsOptions = mount.TmpfsOptions,
            });
        }

        foreach (var tmpfs in settings.List("tmpfs") ?? [])
        {
            mounts.Add(new Mount { Type = "tmpfs", Target = tmpfs.Split(':', 2)[0] });
        }

        var ports = new List<PortConfig>();
        foreach (var port in args.Ports)
        {
            if (port.HostIp is { Length: > 0 } ip && ip is not ("0.0.0.0" or "::"))
            {
                warnings.Add($"component {component}: -p {ip}:{port.HostPort}:{port.ContainerPort}: a swarm publishes ports on every address of the node; {ip} is not kept ({args.Location})");
            }

            if (port.HostPort is { } host && host.Contains('-', StringComparison.Ordinal))
            {
                throw new NuleculeException($"-p {host}:{port.ContainerPort}: a swarm publishes one host port per target port, not a range", args.Location, "publish one port");
            }

            ports.Add(new PortConfig
            {
                Protocol = port.Protocol,
                TargetPort = (uint)port.ContainerPort,
                PublishedPort = port.HostPort is null ? null : uint.Parse(port.HostPort, CultureInfo.InvariantCulture),
                PublishMode = "host",
            });
        }

        var restart = ToRestartPolicy(args.Restart);
        var hasHostPorts = ports.Any(p => p.PublishedPort is > 0);

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
                    Image = args.Image,
                    Labels = containerLabels,
                    Command = args.Entrypoint is null ? null : [args.Entrypoint],
                    Args = args.Command.Count > 0 ? args.Command.ToList() : null,
                    Hostname = args.Hostname,
                    Env = args.Environment.Count > 0 ? args.Environment.ToList() : null,
                    Dir = args.WorkingDir,
                    User = args.User,
                    Groups = settings.List("group-add"),
                    Init = settings.Given.Contains("init") ? true : null,
                    StopSignal = settings.Value("stop-signal"),
                    TTY = args.Tty ? true : null,
                    OpenStdin = args.Interactive ? true : null,
                    ReadOnly = settings.Given.Contains("read-only") ? true : null,
                    Mounts = mounts.Count > 0 ? mounts : null,
                    StopGracePeriod = settings.Value("stop-timeout") is { } stop ? TimeSpan.FromSeconds(long.Parse(stop, CultureInfo.InvariantCulture)) : null,
                    Healthcheck = ToHealthcheck(args.Health),
                    Hosts = settings.List("add-host")?.Select(h => $"{h[(h.IndexOf(':') + 1)..]} {h[..h.IndexOf(':')]}").ToList(),
                    DNSConfig = settings.List("dns") is null && settings.List("dns-search") is null && settings.List("dns-option") is null
                        ? null
                        : new DNSConfig { Nameservers = settings.List("dns"), Search = settings.List("dns-search"), Options = settings.List("dns-option") },
                    Isolation = settings.Value("isolation"),
                    Sysctls = settings.List("sysctl") is { } sysctls ? new SortedDictionary<string, string>(sysctls.ToDictionary(s => s[..s.IndexOf('=')], s => s[(s.IndexOf('=') + 1)..]), StringComparer.Ordinal) : null,
                    CapabilityAdd = args.CapAdd.Count > 0 ? args.CapAdd.ToList() : null,
                    CapabilityDrop = args.CapDrop.Count > 0 ? args.CapDrop.ToList() : null,
                    Ulimits = settings.List("ulimit")?.Select(u => DockerRunSettings.ParseUlimit(u)!).ToList(),
                    OomScoreAdj = settings.Value("oom-score-adj") is { } oom ? long.Parse(oom, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : null,
                },
                Resources = args.MemoryBytes is null && args.NanoCpus is null && settings.Value("pids-limit") is null && settings.Value("memory-reservation") is null
                    ? null
                    : new ResourceRequirements
                    {
                        Limits = new SwarmLimit
                        {
                            MemoryBytes = args.MemoryBytes,
                            NanoCPUs = args.NanoCpus,
                            Pids = settings.Value("pids-limit") is { } pids ? long.Parse(pids, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : null,
                        },
                        Reservations = settings.Value("memory-reservation") is { } reserved ? new SwarmResources { MemoryBytes = ValueParsers.ParseBytes(reserved) } : null,
                    },
                RestartPolicy = restart,
                Networks = [new NetworkAttachmentConfig { Target = network, Aliases = aliases.Concat(settings.NetworkAliases).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList() }],
                LogDriver = settings.Value("log-driver") is null && settings.List("log-opt") is null
                    ? null
                    : new SwarmDriver
                    {
                        Name = settings.Value("log-driver") ?? "json-file",
                        Options = settings.List("log-opt") is { } options ? new SortedDictionary<string, string>(options.ToDictionary(o => o[..o.IndexOf('=')], o => o[(o.IndexOf('=') + 1)..]), StringComparer.Ordinal) : null,
                    },
            },
            Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = 1 } },
            UpdateConfig = UpdateConfig(hasHostPorts),
            EndpointSpec = new EndpointSpec { Mode = "dnsrr", Ports = ports.Count > 0 ? ports : null },
        };
#pragma warning restore CS8601, CS8625
    }

    /// <summary>
    /// One task at a time; a failed task pauses the update (the provider then puts the previous
    /// spec back). A new task starts before the old one stops, unless the service publishes host
    /// ports: the old task holds them, so on one node the new one could never start.
    /// </summary>
    internal static SwarmUpdateConfig UpdateConfig(bool hostPorts) => new()
    {
        Parallelism = 1,
        FailureAction = "pause",
        Monitor = UpdateMonitor,
        Order = hostPorts ? "stop-first" : "start-first",
    };

    /// <summary>
    /// sha256 of the spec as canonical JSON (object keys sorted), its revision and hash labels left
    /// out: a new revision alone must not update a service.
    /// </summary>
    public static string SpecHash(ServiceSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var node = JsonSerializer.SerializeToNode(spec, SwarmJsonContext.Default.ServiceSpec)!;
        if (node["Labels"] is JsonObject labels)
        {
            labels.Remove(Labels.Revision);
            labels.Remove(Labels.ConfigHash);
        }

        var text = Canonical(node)?.ToJsonString() ?? "";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Canonical(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Canonical).ToArray()),
        null => null,
        _ => node.DeepClone(),
    };

    internal static SortedDictionary<string, string> VolumeLabels(string release, Dictionary<string, string> serviceLabels) => new(StringComparer.Ordinal)
    {
        [Labels.ManagedBy] = Labels.ManagedByValue,
        [DockerLabels.Provider] = ProviderValue,
        [Labels.AppId] = serviceLabels[Labels.AppId],
        [Labels.Release] = release,
        [StackNamespace] = release,
    };

    /// <summary>
    /// `docker run` flags a swarm service has no field for: refused with the reason, never dropped
    /// (a dropped `--privileged` or `--device` would make a different program run).
    /// </summary>
    private static void Refuse(DockerRunArguments args)
    {
        if (args.Privileged)
        {
            throw new NuleculeException("--privileged: a swarm service cannot run privileged", args.Location, "deploy this app with --provider docker, or grant only the capabilities it needs (--cap-add)");
        }

        if (args.Network is not null)
        {
            throw new NuleculeException($"--network {args.Network}: the swarm provider puts every service on the release's overlay network", args.Location, "remove --network; services reach each other by name on that network");
        }

        var unsupported = args.Settings.Given.Where(f => !Supported.Contains(f)).Order(StringComparer.Ordinal).ToList();
        if (unsupported.Count > 0)
        {
            throw new NuleculeException(
                $"{string.Join(", ", unsupported.Select(f => "--" + f))}: a swarm service has no such setting",
                args.Location,
                "remove the flag, or deploy this app with --provider docker");
        }
    }

    /// <summary>The docker-run settings flags a service spec can express (everything else is refused).</summary>
    private static readonly HashSet<string> Supported = new(StringComparer.Ordinal)
    {
        "init", "read-only", "stop-signal", "stop-timeout", "add-host", "dns", "dns-search", "dns-option", "sysctl", "ulimit",
        "group-add", "log-driver", "log-opt", "oom-score-adj", "isolation", "pids-limit", "memory-reservation", "tmpfs",
        "network-alias", "mount",
    };

    private static HealthcheckConfig? ToHealthcheck(HealthSpec? health) => health is null
        ? null
        : new HealthcheckConfig
        {
            Test = health.Disabled ? ["NONE"] : health.Command is null ? null : ["CMD-SHELL", health.Command],
            Interval = health.Interval,
            Timeout = health.Timeout,
            StartPeriod = health.StartPeriod,
            Retries = health.Retries,
        };

    /// <summary>`--restart`: absent restarts on failure, `no` never, `always`/`unless-stopped` always, `on-failure:N` at most N times.</summary>
    internal static SwarmRestartPolicy ToRestartPolicy(string? restart)
    {
        var colon = restart?.IndexOf(':') ?? -1;
        var kind = restart is null ? "on-failure" : colon < 0 ? restart : restart[..colon];
        return new SwarmRestartPolicy
        {
            Condition = kind switch
            {
                "no" => "none",
                "always" or "unless-stopped" => "any",
                _ => "on-failure",
            },
            MaxAttempts = colon < 0 ? null : ulong.Parse(restart![(colon + 1)..], CultureInfo.InvariantCulture),
        };
    }
}

/// <summary>The service spec as JSON for its hash (Docker.DotNet's own serializer context is internal to it).</summary>
[JsonSerializable(typeof(ServiceSpec))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class SwarmJsonContext : JsonSerializerContext;
