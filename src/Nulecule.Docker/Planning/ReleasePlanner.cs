using System.Globalization;
using Docker.DotNet.Models;
using Nulecule.Docker.Run;
using Nulecule.Providers;
using Nulecule.Releases;
using Nulecule.Templating;

namespace Nulecule.Docker.Planning;

/// <summary>
/// Turns a rendered app into the containers, network and volumes of a release, without an engine.
/// </summary>
/// <remarks>
/// Naming decisions. A container without `--name` is `&lt;release&gt;-&lt;component&gt;-&lt;n&gt;`
/// (n counts the component's commands from 1). A container with `--name x` is `&lt;release&gt;-x`:
/// the release prefix lets two releases of one app live side by side. Every container joins the
/// user-defined bridge network `nulecule-&lt;release&gt;` with the aliases: its component name, its
/// `--name`, and every alias other containers give it with `--link x:alias`; so the names the
/// artifacts use to reach each other resolve by DNS on that network (legacy links only work on
/// the default bridge). A container with an explicit `--network` is left on that network instead.
/// Named volumes (`-v data:/path`) and persistentVolume requirements become volumes
/// `&lt;release&gt;-&lt;name&gt;`, labelled with the release.
/// </remarks>
public static class ReleasePlanner
{
    public static string NetworkName(string release) => $"nulecule-{release}";

    public static string VolumeName(string release, string name) => $"{release}-{name}";

    /// <summary>Release names become parts of container, network and volume names: the one rule of <see cref="ReleaseNames"/>.</summary>
    public static void ValidateRelease(string release) => ReleaseNames.Check(release);

    /// <summary>The app with every docker command's env files and bare `-e NAME` values captured (<see cref="DockerRunArguments.Capture"/>).</summary>
    public static RenderedApp CaptureInputs(RenderedApp app, Func<string, string?>? environment = null) => app with
    {
        Components = app.Components.Select(component => component with
        {
            Artifacts = component.Artifacts.Select(artifact => artifact.Commands.Count == 0 ? artifact : artifact with
            {
                Commands = artifact.Commands.Select(command => DockerRunArguments.Capture(command, ArtifactDirectory(app, artifact), environment)).ToList(),
            }).ToList(),
        }).ToList(),
    };

    internal static string ArtifactDirectory(RenderedApp app, RenderedArtifact artifact) =>
        Path.GetDirectoryName(Path.Combine(app.Root.App.Directory, artifact.Source)) ?? app.Root.App.Directory;

    public static ReleasePlan Plan(RenderedApp app, RunOptions options, Func<string, string?>? environment = null)
    {
        var release = options.Release;
        ValidateRelease(release);

        var network = NetworkName(release);
        var appId = app.Root.App.Id;

        Dictionary<string, string> BaseLabels() => new(StringComparer.Ordinal)
        {
            [Labels.ManagedBy] = Labels.ManagedByValue,
            [DockerLabels.Provider] = DockerLabels.ProviderValue,
            [Labels.AppId] = appId,
            [Labels.Release] = release,
            [Labels.Revision] = options.Revision.ToString(CultureInfo.InvariantCulture),
        };

        // First pass: parse every command and give it a name.
        var parsed = new List<(RenderedComponent Component, DockerRunArguments Args, string Logical)>();
        var composed = new Dictionary<string, ComposeContainer>(StringComparer.Ordinal);
        foreach (var component in app.Components)
        {
            var n = 0;
            foreach (var artifact in component.Artifacts)
            {
                if (artifact.Format == ArtifactFormat.Compose)
                {
                    // Each service replica is a container like a docker-run command's, named by its service.
                    foreach (var container in ComposeServices.Expand(artifact, service => ScaledCount(options.Scale, component.Scope, service)))
                    {
                        parsed.Add((component, container.Arguments, container.Logical));
                        composed[container.Logical] = container;
                    }

                    continue;
                }

                var artifactDirectory = ArtifactDirectory(app, artifact);
                foreach (var command in artifact.Commands)
                {
                    n++;
                    var args = DockerRunArguments.Parse(command, artifactDirectory, environment);
                    var logical = args.Name ?? $"{ComponentPart(component.Scope)}-{n}";
                    parsed.Add((component, args, logical));
                }
            }
        }

        CheckScale(app, options.Scale);
        var duplicate = parsed.GroupBy(p => p.Logical, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new NuleculeException($"two containers of this app are named '{duplicate.Key}'", duplicate.Last().Args.Location);
        }

        // Aliases: --link target:alias gives the target the alias on the release network.
        var aliases = parsed.ToDictionary(
            p => p.Logical,
            p => composed.TryGetValue(p.Logical, out var c)
                ? new SortedSet<string>(c.Aliases.Append(p.Logical), StringComparer.Ordinal)
                : new SortedSet<string>(StringComparer.Ordinal) { p.Component.Name, p.Logical },
            StringComparer.Ordinal);
        foreach (var (_, args, _) in parsed)
        {
            foreach (var link in args.Links)
            {
                var target = FindLinkTarget(parsed, link.Target, release);
                if (target is null)
                {
                    throw new NuleculeException(
                        $"--link {link.Target}:{link.Alias}: no container of this app is named '{link.Target}'",
                        args.Location,
                        "link to the --name (or the component name) of another container of the same app");
                }

                aliases[target].Add(link.Alias);
            }
        }

        var volumes = new SortedDictionary<string, PlannedVolume>(StringComparer.Ordinal);
        foreach (var requirement in app.Volumes)
        {
            var name = VolumeName(release, requirement.Name);
            volumes[name] = new PlannedVolume(name, BaseLabels());
        }

        var containers = new List<PlannedContainer>();
        var networks = new SortedDictionary<string, PlannedNetwork>(StringComparer.Ordinal);
        foreach (var (component, args, logical) in parsed)
        {
            var name = $"{release}-{logical}";
            var labels = BaseLabels();
            labels[Labels.Component] = component.Scope;
            labels[DockerLabels.Order] = containers.Count.ToString("D4", CultureInfo.InvariantCulture);
            labels[DockerLabels.LogicalName] = logical;
            composed.TryGetValue(logical, out var compose);
            foreach (var volume in args.Volumes.Where(v => v.IsNamed && v.Source.Length > 0))
            {
                if (compose is not null)
                {
                    AddComposeVolume(volumes, compose, volume.Source, release, BaseLabels);
                    continue;
                }

                var volumeName = VolumeName(release, volume.Source);
                volumes.TryAdd(volumeName, new PlannedVolume(volumeName, BaseLabels()));
            }

            foreach (var mount in args.Mounts.Where(m => m.Type == "volume" && !string.IsNullOrEmpty(m.Source)))
            {
                // The engine would make a missing volume from the mount's options; the release makes it, so it takes them.
                var volumeName = VolumeName(release, mount.Source!);
                var volumeLabels = new Dictionary<string, string>(mount.VolumeOptions?.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal);
                foreach (var (key, value) in BaseLabels())
                {
                    volumeLabels[key] = value;
                }

                var driver = mount.VolumeOptions?.DriverConfig;
                volumes.TryAdd(volumeName, new PlannedVolume(volumeName, volumeLabels, string.IsNullOrEmpty(driver?.Name) ? null : driver.Name, driver?.Options));
            }

            CreateContainerParameters parameters;
            var flags = args.Settings.Canonical();
            PlannedContainer? planned = null;
            if (compose is not null)
            {
                var endpoints = compose.Networks.Select(n => new PlannedEndpoint(
                        AddComposeNetwork(networks, compose, n.Key, release, network, BaseLabels),
                        (n.Key == "default" ? aliases[logical] : n.Aliases.Append(logical)).Distinct(StringComparer.Ordinal).Where(DockerRunFlagParser.IsContainerName).ToList(),
                        n.Ipv4Address))
                    .ToList();
                parameters = ToCreateParameters(args, name, release, endpoints[0].Network, endpoints[0].Aliases, labels, v => ComposeServices.VolumeName(compose.Project, v, release));
                if (endpoints[0].Ipv4Address is { } address)
                {
                    parameters.NetworkingConfig!.EndpointsConfig[endpoints[0].Network].IPAMConfig = new EndpointIPAMConfig { IPv4Address = address };
                }

                (flags, planned) = ComposeParameters(compose, parameters, release, flags, endpoints);
            }
            else
            {
                parameters = ToCreateParameters(args, name, release, network, aliases[logical], labels);
            }

            var hash = ConfigHash.Compute(parameters, flags);
            parameters.Labels[Labels.ConfigHash] = hash;
            containers.Add((planned ?? new PlannedContainer(component.Scope, name, logical, containers.Count, args, parameters, hash)) with
            {
                Component = component.Scope,
                ContainerName = name,
                LogicalName = logical,
                Order = containers.Count,
                Arguments = args,
                Parameters = parameters,
                ConfigHash = hash,
            });
        }

        // depends_on: every replica of the service depended on, in the same component.
        for (var i = 0; i < containers.Count; i++)
        {
            var container = containers[i];
            if (composed.TryGetValue(container.LogicalName, out var compose) && compose.DependsOn.Count > 0)
            {
                containers[i] = container with
                {
                    Dependencies = compose.DependsOn
                        .SelectMany(d => containers.Where(x => x.Service == d.Service && x.Component == container.Component).Select(x => new PlannedDependency(x.ContainerName, d.Condition)))
                        .ToList(),
                };
            }
        }

        var networkLabels = BaseLabels();
        networkLabels.Remove(Labels.Revision);
        return new ReleasePlan(release, network, networkLabels, volumes.Values.ToList(), containers, app.Components.Select(c => c.Scope).ToList())
        {
            Networks = networks.Values.ToList(),
        };
    }

    /// <summary>The count `scale` set for a compose service: for the service itself, else for its whole component.</summary>
    private static int? ScaledCount(IReadOnlyDictionary<string, int>? scale, string component, string service) =>
        scale is null ? null
        : scale.TryGetValue($"{component}/{service}", out var own) ? own
        : scale.TryGetValue(component, out var all) ? all
        : null;

    /// <summary>Every count `scale` sets names a compose service of the app, or a component that has some.</summary>
    private static void CheckScale(RenderedApp app, IReadOnlyDictionary<string, int>? scale)
    {
        foreach (var key in scale?.Keys ?? [])
        {
            var slash = key.IndexOf('/', StringComparison.Ordinal);
            var scope = slash < 0 ? key : key[..slash];
            var component = app.Components.FirstOrDefault(c => c.Scope == scope)
                ?? throw new NuleculeException($"scale: the release has no component '{scope}'");
            var services = component.Artifacts.Where(a => a.Format == ArtifactFormat.Compose).SelectMany(a => a.ComposeProjectOf().Services.Keys).ToList();
            if (services.Count == 0)
            {
                throw new NuleculeException($"scale: component '{scope}' has no compose services, and each of its docker-run commands is one container", null,
                    "write the container as a compose service with deploy.replicas to scale it");
            }

            if (slash >= 0 && !services.Contains(key[(slash + 1)..]))
            {
                throw new NuleculeException($"scale: component '{scope}' has no compose service '{key[(slash + 1)..]}'", null, $"its services: {string.Join(", ", services)}");
            }
        }
    }

    /// <summary>
    /// The engine's name of a network a compose container joins, recorded in <paramref name="networks"/>
    /// (the release network is not: it is always made). The same network declared differently by
    /// two compose artifacts of the app is an error, not a silent choice.
    /// </summary>
    private static string AddComposeNetwork(
        SortedDictionary<string, PlannedNetwork> networks, ComposeContainer compose, string key, string release, string releaseNetwork, Func<Dictionary<string, string>> baseLabels)
    {
        var name = ComposeServices.NetworkName(compose.Project, key, release);
        var declared = compose.Project.Networks.GetValueOrDefault(key);
        if (name == releaseNetwork)
        {
            return name;
        }

        var labels = baseLabels();
        labels.Remove(Labels.Revision);
        foreach (var (label, value) in declared?.Labels ?? new Dictionary<string, string>())
        {
            labels.TryAdd(label, value);
        }

        var planned = declared is { External: true }
            ? new PlannedNetwork(name, new Dictionary<string, string>(), null, false, [], true, declared.Location ?? compose.FileLocation)
            : new PlannedNetwork(name, labels, declared?.Driver, declared?.Internal == true, declared?.Subnets ?? [], false, declared?.Location ?? compose.FileLocation);
        if (networks.TryGetValue(name, out var before)
            && (before.External != planned.External || before.Driver != planned.Driver || before.Internal != planned.Internal || !before.Subnets.SequenceEqual(planned.Subnets)))
        {
            throw new NuleculeException($"networks.{key}: the network {name} is declared differently by two compose artifacts of this app (also at {before.Location})", planned.Location,
                "declare it the same way in both, or give one of them another key");
        }

        networks.TryAdd(name, planned);
        return name;
    }

    /// <summary>A named volume a compose container mounts: the release's own (with the driver, options and labels declared) or an external one, used by name.</summary>
    private static void AddComposeVolume(SortedDictionary<string, PlannedVolume> volumes, ComposeContainer compose, string key, string release, Func<Dictionary<string, string>> baseLabels)
    {
        var name = ComposeServices.VolumeName(compose.Project, key, release);
        var declared = compose.Project.Volumes.GetValueOrDefault(key);
        if (declared is { External: true })
        {
            volumes.TryAdd(name, new PlannedVolume(name, new Dictionary<string, string>()) { External = true, Location = declared.Location ?? compose.FileLocation });
            return;
        }

        var labels = new Dictionary<string, string>(declared?.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (label, value) in baseLabels())
        {
            labels[label] = value;
        }

        volumes.TryAdd(name, new PlannedVolume(name, labels, declared?.Driver, declared is { DriverOptions.Count: > 0 } ? new Dictionary<string, string>(declared.DriverOptions) : null));
    }

    /// <summary>What a compose container adds to the docker-run create parameters: Compose's project label, an exec-form health check and entrypoint, its files and dependencies.</summary>
    private static (string Flags, PlannedContainer Planned) ComposeParameters(
        ComposeContainer compose, CreateContainerParameters parameters, string release, string flags, IReadOnlyList<PlannedEndpoint> endpoints)
    {
        parameters.Labels[ComposeServices.ProjectLabel] = release;
        if (compose.OneShot)
        {
            parameters.Labels[DockerLabels.OneShot] = "true";
        }

        if (compose.HealthTest is { } test && parameters.Healthcheck is { } health)
        {
            health.Test = test.ToList();
        }

        if (compose.Entrypoint is { } entrypoint)
        {
            parameters.Entrypoint = entrypoint.ToList();
        }

        // The files' contents decide whether the container changed (a new secret replaces it).
        var text = new System.Text.StringBuilder(flags);
        foreach (var file in compose.Files)
        {
            text.Append("file:").Append(file.Path).Append('=').Append(file.Content).Append('\u001f');
        }

        // The networks it joins after create, and fixed addresses (the create parameters' hash has
        // only the first network's aliases); nothing when there are none, so such hashes stay as they were.
        foreach (var endpoint in endpoints.Count > 1 || endpoints.Any(e => e.Ipv4Address is not null) ? endpoints : [])
        {
            text.Append("net:").Append(endpoint.Network).Append('=').AppendJoin(',', endpoint.Aliases.Order(StringComparer.Ordinal)).Append('@').Append(endpoint.Ipv4Address).Append('\u001f');
        }

        var planned = new PlannedContainer("", "", "", 0, compose.Arguments, parameters, "")
        {
            Files = compose.Files,
            Service = compose.Service,
            ExtraNetworks = endpoints.Skip(1).ToList(),
        };
        return (text.ToString(), planned);
    }

    /// <param name="volumeName">The engine's name of a named volume; by default the release's own, <see cref="VolumeName(string, string)"/>.</param>
    public static CreateContainerParameters ToCreateParameters(
        DockerRunArguments args, string name, string release, string network, IEnumerable<string> aliases, IDictionary<string, string> labels, Func<string, string>? volumeName = null)
    {
        volumeName ??= source => VolumeName(release, source);
        var allLabels = new Dictionary<string, string>(args.Labels, StringComparer.Ordinal);
        foreach (var (key, value) in labels)
        {
            allLabels[key] = value;
        }

        var exposed = new Dictionary<string, EmptyStruct>(StringComparer.Ordinal);
        var bindings = new Dictionary<string, IList<PortBinding>>(StringComparer.Ordinal);
        foreach (var port in args.Ports)
        {
            exposed[port.Key] = default;
            if (!bindings.TryGetValue(port.Key, out var list))
            {
                bindings[port.Key] = list = [];
            }

            list.Add(new PortBinding { HostIP = port.HostIp ?? "", HostPort = port.HostPort ?? "" });
        }

        foreach (var port in args.Expose)
        {
            exposed[port] = default;
        }

        var binds = new List<string>();
        var anonymous = new Dictionary<string, EmptyStruct>(StringComparer.Ordinal);
        foreach (var volume in args.Volumes)
        {
            if (volume.IsNamed && volume.Source.Length == 0)
            {
                anonymous[volume.Target] = default;
                continue;
            }

            var source = volume.IsNamed ? volumeName(volume.Source) : volume.Source;
            binds.Add(volume.ReadOnly ? $"{source}:{volume.Target}:ro" : $"{source}:{volume.Target}");
        }

        var ownNetwork = args.Network is null;
        var mounts = args.Mounts.Select(m => new Mount
        {
            Type = m.Type,
            Source = m.Type == "volume" && !string.IsNullOrEmpty(m.Source) ? volumeName(m.Source) : m.Source,
            Target = m.Target,
            ReadOnly = m.ReadOnly,
            Consistency = m.Consistency,
            BindOptions = m.BindOptions,
            VolumeOptions = m.VolumeOptions,
            TmpfsOptions = m.TmpfsOptions,
        }).ToList();

        // Docker.DotNet's models say non-null, but an absent (null) field is how the API leaves a setting unset.
#pragma warning disable CS8601
        var parameters = new CreateContainerParameters
        {
            Name = name,
            Image = args.Image,
            Cmd = args.Command.Count > 0 ? args.Command.ToList() : null,
            Entrypoint = args.Entrypoint is null ? null : [args.Entrypoint],
            Env = args.Environment.ToList(),
            User = args.User,
            WorkingDir = args.WorkingDir,
            Hostname = args.Hostname,
            Tty = args.Tty,
            OpenStdin = args.Interactive,
            Labels = allLabels,
            ExposedPorts = exposed.Count > 0 ? exposed : null,
            Volumes = anonymous.Count > 0 ? anonymous : null,
            Healthcheck = ToHealthcheck(args.Health),
            HostConfig = new HostConfig
            {
                PortBindings = bindings.Count > 0 ? bindings : null,
                Binds = binds.Count > 0 ? binds : null,
                Mounts = mounts.Count > 0 ? mounts : null,
                RestartPolicy = ToRestartPolicy(args.Restart),
                NetworkMode = ownNetwork ? network : args.Network,
                Privileged = args.Privileged,
                CapAdd = args.CapAdd.Count > 0 ? args.CapAdd.ToList() : null,
                CapDrop = args.CapDrop.Count > 0 ? args.CapDrop.ToList() : null,
                Memory = args.MemoryBytes ?? 0,
                NanoCPUs = args.NanoCpus ?? 0,
                AutoRemove = args.Remove,
            },
            NetworkingConfig = Endpoint(args.Settings, ownNetwork ? aliases.Where(DockerRunFlagParser.IsContainerName) : null) is { } endpoint
                ? new NetworkingConfig
                {
                    EndpointsConfig = new Dictionary<string, EndpointSettings>(StringComparer.Ordinal) { [ownNetwork ? network : args.Network!] = endpoint },
                }
                : null,
        };
#pragma warning restore CS8601
        args.Settings.ApplyTo(parameters);
        return parameters;
    }

    /// <summary>
    /// The container's endpoint on its network: on the release network its aliases, and on any
    /// network what --network-alias, --ip, --ip6, --link-local-ip and --mac-address ask for, set
    /// as the docker CLI sets them (no endpoint settings at all when a --network is given without them).
    /// </summary>
    private static EndpointSettings? Endpoint(DockerRunSettings settings, IEnumerable<string>? releaseAliases)
    {
        var aliases = (releaseAliases ?? []).Concat(settings.NetworkAliases).Distinct(StringComparer.Ordinal).ToList();
        var fixedAddress = settings.IPv4Address is not null || settings.IPv6Address is not null || settings.LinkLocalIps.Count > 0;
        if (releaseAliases is null && aliases.Count == 0 && !fixedAddress && settings.MacAddress is null)
        {
            return null;
        }

        // Docker.DotNet's models say non-null, but an absent (null) field is how the API leaves a setting unset.
#pragma warning disable CS8601
        return new EndpointSettings
        {
            Aliases = releaseAliases is null && aliases.Count == 0 ? null : aliases,
            IPAMConfig = fixedAddress
                ? new EndpointIPAMConfig { IPv4Address = settings.IPv4Address, IPv6Address = settings.IPv6Address, LinkLocalIPs = settings.LinkLocalIps.Count > 0 ? settings.LinkLocalIps.ToList() : null }
                : null,
            MacAddress = settings.MacAddress,
        };
#pragma warning restore CS8601
    }

    private static HealthcheckConfig? ToHealthcheck(HealthSpec? health)
    {
        if (health is null)
        {
            return null;
        }

        return new HealthcheckConfig
        {
            Test = health.Disabled ? ["NONE"] : health.Command is null ? null : ["CMD-SHELL", health.Command],
            Interval = health.Interval,
            Timeout = health.Timeout,
            StartPeriod = health.StartPeriod,
            Retries = health.Retries,
        };
    }

    private static RestartPolicy? ToRestartPolicy(string? restart)
    {
        if (restart is null)
        {
            return null;
        }

        var colon = restart.IndexOf(':');
        var kind = colon < 0 ? restart : restart[..colon];
        return new RestartPolicy
        {
            Name = kind switch
            {
                "always" => RestartPolicyKind.Always,
                "unless-stopped" => RestartPolicyKind.UnlessStopped,
                "on-failure" => RestartPolicyKind.OnFailure,
                _ => RestartPolicyKind.No,
            },
            MaximumRetryCount = colon < 0 ? 0 : long.Parse(restart[(colon + 1)..], CultureInfo.InvariantCulture),
        };
    }

    /// <summary>A link names a container by its `--name`, its component, or its full container name.</summary>
    internal static string? FindLinkTarget(List<(RenderedComponent Component, DockerRunArguments Args, string Logical)> parsed, string target, string release)
    {
        foreach (var p in parsed)
        {
            if (p.Logical == target || p.Args.Name == target || $"{release}-{p.Logical}" == target)
            {
                return p.Logical;
            }
        }

        var byComponent = parsed.Where(p => p.Component.Name == target || p.Component.Scope == target).ToList();
        return byComponent.Count > 0 ? byComponent[0].Logical : null;
    }

    /// <summary>`parent:child` scopes are not valid in names; `parent-child` is.</summary>
    private static string ComponentPart(string scope) => scope.Replace(':', '-');
}
