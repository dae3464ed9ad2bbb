namespace Nulecule.Compose;

/// <summary>What Nulecule deploys of a compose project (Compose Specification), after loading.</summary>
public sealed record ComposeProject(
    string? Name,
    IReadOnlyDictionary<string, ComposeService> Services,
    IReadOnlyDictionary<string, ComposeNetwork> Networks,
    IReadOnlyDictionary<string, ComposeVolume> Volumes,
    IReadOnlyDictionary<string, ComposeFileObject> Secrets,
    IReadOnlyDictionary<string, ComposeFileObject> Configs)
{
    /// <summary>The services in an order that starts every dependency before its dependents (then by name).</summary>
    public IReadOnlyList<ComposeService> InDependencyOrder()
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        var order = new List<ComposeService>();
        void Visit(ComposeService service)
        {
            if (!done.Add(service.Name))
            {
                return;
            }

            foreach (var dependency in service.DependsOn.Keys.Order(StringComparer.Ordinal))
            {
                if (Services.TryGetValue(dependency, out var d))
                {
                    Visit(d);
                }
            }

            order.Add(service);
        }

        foreach (var name in Services.Keys.Order(StringComparer.Ordinal))
        {
            Visit(Services[name]);
        }

        return order;
    }
}

public sealed record ComposeService
{
    public required string Name { get; init; }
    public string? Image { get; init; }
    public IReadOnlyList<string>? Command { get; init; }
    public IReadOnlyList<string>? Entrypoint { get; init; }
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);
    public IReadOnlyList<ComposePort> Ports { get; init; } = [];
    public IReadOnlyList<ComposeMount> Volumes { get; init; } = [];

    /// <summary>Network name to the aliases the service has on it. No `networks:` means the project's `default` network.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Networks { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Network name to the `ipv4_address` the service has on it (only networks that give one).</summary>
    public IReadOnlyDictionary<string, string> NetworkAddresses { get; init; } = new Dictionary<string, string>();
    public IReadOnlyDictionary<string, ComposeDependency> DependsOn { get; init; } = new Dictionary<string, ComposeDependency>();
    public ComposeHealthcheck? Healthcheck { get; init; }

    /// <summary>`no`, `always`, `on-failure[:N]`, `unless-stopped`.</summary>
    public string? Restart { get; init; }

    /// <summary>`deploy.replicas` (or `scale`); 1 when not given.</summary>
    public int Replicas { get; init; } = 1;

    /// <summary>`deploy.mode`: `replicated` (the default), `global`, `replicated-job` or `global-job` (only a swarm has the last three).</summary>
    public string Mode { get; init; } = "replicated";

    /// <summary>`deploy.endpoint_mode` as written (`vip` or `dnsrr`), null when not given.</summary>
    public string? EndpointMode { get; init; }
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);
    public IReadOnlyList<string> Profiles { get; init; } = [];
    public IReadOnlyList<ComposeFileReference> Secrets { get; init; } = [];
    public IReadOnlyList<ComposeFileReference> Configs { get; init; } = [];
    public string? WorkingDir { get; init; }
    public string? User { get; init; }
    public SourceLocation? Location { get; init; }
}

public sealed record ComposePort(int Target, string? Published, string? HostIp, string Protocol)
{
    /// <summary>The long syntax's `mode` (`host` or `ingress`); null for the short syntax, which means ingress on a swarm.</summary>
    public string? Mode { get; init; }

    /// <summary>Where the mapping is written, when the document was loaded from its file (not part of what the port is).</summary>
    public SourceLocation? Location { get; init; }

    public bool Equals(ComposePort? other) =>
        other is not null && Target == other.Target && Published == other.Published && HostIp == other.HostIp && Protocol == other.Protocol && Mode == other.Mode;

    public override int GetHashCode() => HashCode.Combine(Target, Published, HostIp, Protocol, Mode);
}

/// <summary>A mount: `volume` (named, or anonymous when <see cref="Source"/> is null), `bind` (absolute host path) or `tmpfs`.</summary>
public sealed record ComposeMount(string Type, string? Source, string Target, bool ReadOnly);

/// <summary>`service_started`, `service_healthy` or `service_completed_successfully`.</summary>
public sealed record ComposeDependency(string Condition, bool Restart, bool Required);

/// <summary>Test is the engine's form (`CMD ...`, `CMD-SHELL x`, `NONE`); durations as given.</summary>
public sealed record ComposeHealthcheck(
    IReadOnlyList<string>? Test, TimeSpan? Interval, TimeSpan? Timeout, TimeSpan? StartPeriod, TimeSpan? StartInterval, int? Retries, bool Disable);

/// <summary>A top-level network; <see cref="ExternalName"/> is `name:` (for an external one, its name on the engine, the key when not given).</summary>
public sealed record ComposeNetwork(string Name, bool External, string? Driver, bool Internal, IReadOnlyDictionary<string, string> Labels, string? ExternalName)
{
    /// <summary>`ipam.config`: the subnets the network is made with.</summary>
    public IReadOnlyList<ComposeSubnet> Subnets { get; init; } = [];

    /// <summary>Where it is declared, when loaded from its file (not part of what the network is).</summary>
    public SourceLocation? Location { get; init; }
}

/// <summary>One `ipam.config` entry.</summary>
public sealed record ComposeSubnet(string Subnet, string? Gateway, string? IpRange);

/// <summary>A top-level volume; <see cref="ExternalName"/> as for <see cref="ComposeNetwork"/>.</summary>
public sealed record ComposeVolume(string Name, bool External, string? Driver, IReadOnlyDictionary<string, string> DriverOptions, IReadOnlyDictionary<string, string> Labels, string? ExternalName)
{
    /// <summary>Where it is declared, when loaded from its file (not part of what the volume is).</summary>
    public SourceLocation? Location { get; init; }
}

/// <summary>A top-level secret or config; <see cref="Content"/> is read in at load time (file or variable), null when external.</summary>
public sealed record ComposeFileObject(string Name, string? Content, bool External, string? ExternalName);

/// <summary>A service's use of a secret or config: the object, and the path it appears at (secrets: /run/secrets/TARGET; configs: /TARGET).</summary>
public sealed record ComposeFileReference(string Source, string Target);
