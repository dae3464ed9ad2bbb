using System.Globalization;
using System.Text.Json.Nodes;
using Docker.DotNet.Models;
using Nulecule.Actions;
using Nulecule.Docker.Planning;
using Nulecule.Docker.Run;
using Nulecule.Templating;

namespace Nulecule.Docker.Export;

/// <summary>
/// `nulecule export --format compose`: one Compose file for an app rendered for the docker
/// provider. Each docker-run command becomes a service named as the docker provider names its
/// container (its `--name`, else `&lt;component&gt;-&lt;n&gt;`), with every flag that has a compose key;
/// `--link x:alias` becomes the alias on the app's network, as the docker provider does it. A flag
/// without a compose key is an error at the command's location: the file must run the same
/// containers `nulecule run` runs, or not be written. Compose artifacts are copied in, service by
/// service, resolved (interpolated, env files folded, includes merged).
/// </summary>
/// <remarks>
/// Decisions. Services of a component depend on the services of the component before it
/// (`depends_on`), so `docker-compose up` starts them in the app's graph order. Bind sources are
/// absolute paths (the docker provider resolves relative ones against the artifact's directory).
/// Every string value is written with `$` doubled, because Compose interpolates the file again.
/// </remarks>
public static class ComposeExport
{
    /// <summary>The compose document for <paramref name="app"/>, hidden values replaced with <paramref name="masker"/>'s stars.</summary>
    public static JsonObject Export(RenderedApp app, SecretMasker masker, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(masker);
        var services = new JsonObject();
        var networks = new JsonObject();
        var volumes = new JsonObject();
        var secrets = new JsonObject();
        var configs = new JsonObject();
        var errors = new List<Diagnostic>();
        var previous = new List<string>();
        var origins = new Dictionary<string, SourceLocation?>(StringComparer.Ordinal);

        // The docker-run containers of the whole app first: links may point across components.
        var parsed = new List<(RenderedComponent Component, DockerRunArguments Args, string Service)>();
        foreach (var component in app.Components)
        {
            var n = 0;
            foreach (var artifact in component.Artifacts.Where(a => a.Format == ArtifactFormat.DockerRun))
            {
                var directory = ReleasePlanner.ArtifactDirectory(app, artifact);
                foreach (var command in artifact.Commands)
                {
                    n++;
                    try
                    {
                        var args = DockerRunArguments.Parse(command, directory, environment);
                        parsed.Add((component, args, args.Name ?? $"{component.Scope.Replace(':', '-')}-{n}"));
                    }
                    catch (NuleculeException e)
                    {
                        errors.AddRange(e.Diagnostics);
                    }
                }
            }
        }

        var aliases = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var (component, _, name) in parsed)
        {
            // A name given twice is reported where its services are added.
            aliases.TryAdd(name, new SortedSet<string>(StringComparer.Ordinal) { component.Name });
        }

        foreach (var (_, args, _) in parsed)
        {
            foreach (var link in args.Links)
            {
                var target = ReleasePlanner.FindLinkTarget(parsed.Select(p => (p.Component, p.Args, p.Service)).ToList(), link.Target, "");
                if (target is null)
                {
                    errors.Add(Diagnostic.Error($"--link {link.Target}:{link.Alias}: no container of this app is named '{link.Target}'", args.Location,
                        "link to the --name (or the component name) of another container of the same app"));
                    continue;
                }

                aliases[target].Add(link.Alias);
            }
        }

        foreach (var component in app.Components)
        {
            var own = new List<string>();
            foreach (var (_, args, name) in parsed.Where(p => p.Component == component))
            {
                try
                {
                    aliases[name].Remove(name); // Compose gives each service its name on its networks
                    var service = Service(args, aliases[name], parsed.Select(p => p.Service).ToHashSet(StringComparer.Ordinal), networks, volumes);
                    AddDependencies(service, previous);
                    Add(services, name, service, args.Location, origins, errors);
                    own.Add(name);
                }
                catch (NuleculeException e)
                {
                    errors.AddRange(e.Diagnostics);
                }
            }

            foreach (var artifact in component.Artifacts.Where(a => a.Format == ArtifactFormat.Compose))
            {
                var document = (JsonObject)artifact.Documents[0].DeepClone();
                var at = new SourceLocation(artifact.Source, 0, 0);
                foreach (var (section, into) in new[] { ("networks", networks), ("volumes", volumes), ("secrets", secrets), ("configs", configs) })
                {
                    foreach (var (key, value) in document[section] as JsonObject ?? [])
                    {
                        if (into[key] is { } existing && !JsonNode.DeepEquals(existing, value))
                        {
                            errors.Add(Diagnostic.Error($"the {section} entry '{key}' of {artifact.Source} differs from one of the same name in another artifact of this app", at,
                                "one compose file holds the whole app: give it another name in one of them"));
                            continue;
                        }

                        into[key] = value?.DeepClone();
                    }
                }

                foreach (var (key, value) in document["services"] as JsonObject ?? [])
                {
                    var service = (JsonObject)value!.DeepClone();
                    AddDependencies(service, previous);
                    Add(services, key, service, at, origins, errors);
                    own.Add(key);
                }
            }

            if (own.Count > 0)
            {
                previous = own;
            }
        }

        foreach (var requirement in app.Volumes)
        {
            volumes[requirement.Name] ??= new JsonObject();
        }

        if (errors.Count > 0)
        {
            throw new NuleculeException(errors.Select(d => d with { Message = masker.Mask(d.Message) }).ToList());
        }

        var result = new JsonObject { ["services"] = services };
        foreach (var (key, section) in new[] { ("networks", networks), ("volumes", volumes), ("secrets", secrets), ("configs", configs) })
        {
            if (section.Count > 0)
            {
                result[key] = section;
            }
        }

        return (JsonObject)EscapeDollars(TemplateOutput.Masked(result, masker))!;
    }

    /// <summary>
    /// Moves the inline `content` of secrets and configs (which a compose artifact's `environment:`
    /// or `file:` sources become when loaded) into files under <paramref name="folder"/>, relative to
    /// the exported file, and names them with `file:`: docker-compose 1.29 reads only `file`. Returns
    /// the files to write, by path relative to the exported file's directory.
    /// </summary>
    public static IReadOnlyList<(string RelativePath, string Content)> MoveContentToFiles(JsonObject document, string folder)
    {
        ArgumentNullException.ThrowIfNull(document);
        var files = new List<(string, string)>();
        foreach (var section in new[] { "secrets", "configs" })
        {
            foreach (var (name, node) in document[section] as JsonObject ?? [])
            {
                if (node is JsonObject item && item["content"] is JsonValue content)
                {
                    var path = $"{folder}/{section}/{name}";
                    files.Add((path, content.GetValue<string>().Replace("$$", "$", StringComparison.Ordinal)));
                    item.Remove("content");
                    item["file"] = "./" + path;
                }
            }
        }

        return files;
    }

    private static void Add(JsonObject services, string name, JsonObject service, SourceLocation? at, Dictionary<string, SourceLocation?> origins, List<Diagnostic> errors)
    {
        if (services.ContainsKey(name))
        {
            errors.Add(Diagnostic.Error($"two services of this app are named '{name}' (the other one at {origins[name]?.ToString() ?? "?"})", at,
                "one compose file holds the whole app: give the container another --name or rename the service"));
            return;
        }

        services[name] = service;
        origins[name] = at;
    }

    /// <summary>The app's graph order: the services of a component start after those of the component before it.</summary>
    private static void AddDependencies(JsonObject service, IReadOnlyList<string> previous)
    {
        if (previous.Count == 0)
        {
            return;
        }

        var dependsOn = service["depends_on"] switch
        {
            JsonObject map => map,
            JsonArray list => new JsonObject(list.Select(s => KeyValuePair.Create(s!.GetValue<string>(), (JsonNode?)new JsonObject { ["condition"] = "service_started" }))),
            _ => new JsonObject(),
        };
        foreach (var name in previous)
        {
            dependsOn[name] ??= new JsonObject { ["condition"] = "service_started" };
        }

        service["depends_on"] = dependsOn;
    }

    /// <summary>A copy of <paramref name="node"/> with `$` doubled in every string value: Compose interpolates the file again.</summary>
    private static JsonNode? EscapeDollars(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, EscapeDollars(p.Value)))),
        JsonArray array => new JsonArray([.. array.Select(EscapeDollars)]),
        JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.String
            => JsonValue.Create(value.GetValue<string>().Replace("$", "$$", StringComparison.Ordinal)),
        _ => node?.DeepClone(),
    };

    /// <summary>One docker-run command as a compose service.</summary>
    private static JsonObject Service(DockerRunArguments args, SortedSet<string> aliases, IReadOnlySet<string> appServices, JsonObject networks, JsonObject volumes)
    {
        NuleculeException NoKey(string flag, string? hint = null) =>
            new($"docker run option {flag} has no Compose key: the exported file could not run the same container", args.Location,
                hint ?? "leave the option out of the artifact, or deploy this app with `nulecule run` instead of Compose");

        if (args.Remove)
        {
            throw NoKey("--rm", "Compose keeps the containers it made until `docker-compose down`: leave out --rm");
        }

        var service = new JsonObject { ["image"] = args.Image };
        if (args.Command.Count > 0)
        {
            service["command"] = Strings(args.Command);
        }

        if (args.Entrypoint is not null)
        {
            service["entrypoint"] = Strings([args.Entrypoint]);
        }

        if (args.Environment.Count > 0)
        {
            var environment = new JsonObject();
            foreach (var entry in args.Environment)
            {
                var eq = entry.IndexOf('=');
                environment[entry[..eq]] = entry[(eq + 1)..];
            }

            service["environment"] = environment;
        }

        if (args.Ports.Count > 0)
        {
            service["ports"] = Strings(args.Ports.Select(Port));
        }

        if (args.Expose.Count > 0)
        {
            service["expose"] = Strings(args.Expose);
        }

        var serviceVolumes = new JsonArray();
        foreach (var volume in args.Volumes)
        {
            var mode = volume.ReadOnly ? ":ro" : "";
            if (volume.IsNamed && volume.Source.Length > 0)
            {
                volumes[volume.Source] ??= new JsonObject();
            }

            serviceVolumes.Add((JsonNode?)JsonValue.Create(volume.Source.Length == 0 ? volume.Target : $"{volume.Source}:{volume.Target}{mode}"));
        }

        foreach (var mount in args.Mounts)
        {
            serviceVolumes.Add(Mount(mount, volumes, NoKey));
        }

        if (serviceVolumes.Count > 0)
        {
            service["volumes"] = serviceVolumes;
        }

        Set(service, "restart", args.Restart);
        Set(service, "working_dir", args.WorkingDir);
        Set(service, "user", args.User);
        Set(service, "hostname", args.Hostname);
        if (args.Labels.Count > 0)
        {
            service["labels"] = new JsonObject(args.Labels.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)JsonValue.Create(l.Value))));
        }

        if (args.Privileged)
        {
            service["privileged"] = true;
        }

        if (args.CapAdd.Count > 0)
        {
            service["cap_add"] = Strings(args.CapAdd);
        }

        if (args.CapDrop.Count > 0)
        {
            service["cap_drop"] = Strings(args.CapDrop);
        }

        if (args.MemoryBytes is { } memory)
        {
            service["mem_limit"] = memory;
        }

        if (args.NanoCpus is { } nano)
        {
            service["cpus"] = nano / 1e9;
        }

        if (args.Tty)
        {
            service["tty"] = true;
        }

        if (args.Interactive)
        {
            service["stdin_open"] = true;
        }

        if (args.Health is { } health)
        {
            var check = new JsonObject();
            if (health.Disabled)
            {
                check["disable"] = true;
            }
            else if (health.Command is not null)
            {
                check["test"] = Strings(["CMD-SHELL", health.Command]);
            }

            SetDuration(check, "interval", health.Interval);
            SetDuration(check, "timeout", health.Timeout);
            SetDuration(check, "start_period", health.StartPeriod);
            if (health.Retries is { } retries)
            {
                check["retries"] = retries;
            }

            service["healthcheck"] = check;
        }

        Settings(service, args.Settings, NoKey);
        Network(service, args, aliases, appServices, networks);
        return service;
    }

    /// <summary>The flags of <see cref="DockerRunSettings"/>, each under its compose key.</summary>
    private static void Settings(JsonObject service, DockerRunSettings settings, Func<string, string?, NuleculeException> noKey)
    {
        foreach (var flag in settings.Given)
        {
            switch (flag)
            {
                case "cpu-shares" or "cpu-period" or "cpu-quota" or "cpu-rt-period" or "cpu-rt-runtime" or "oom-score-adj" or "pids-limit":
                    service[flag.Replace('-', '_')] = long.Parse(settings.Value(flag)!, CultureInfo.InvariantCulture);
                    break;
                case "memory-swappiness":
                    service["mem_swappiness"] = long.Parse(settings.Value(flag)!, CultureInfo.InvariantCulture);
                    break;
                case "memory-reservation":
                    service["mem_reservation"] = ValueParsers.ParseBytes(settings.Value(flag)!);
                    break;
                case "memory-swap":
                    service["memswap_limit"] = settings.Value(flag) == "-1" ? -1 : ValueParsers.ParseBytes(settings.Value(flag)!);
                    break;
                case "shm-size":
                    service["shm_size"] = ValueParsers.ParseBytes(settings.Value(flag)!);
                    break;
                case "stop-timeout":
                    service["stop_grace_period"] = settings.Value(flag) + "s";
                    break;
                case "cpuset-cpus":
                    service["cpuset"] = settings.Value(flag);
                    break;
                case "cgroup-parent" or "domainname" or "ipc" or "isolation" or "pid" or "runtime" or "stop-signal" or "platform" or "uts" or "mac-address":
                    service[flag.Replace('-', '_')] = settings.Value(flag);
                    break;
                case "userns":
                    service["userns_mode"] = settings.Value(flag);
                    break;
                case "cgroupns":
                    service["cgroup"] = settings.Value(flag);
                    break;
                case "log-driver" or "log-opt":
                    var logging = new JsonObject();
                    if (settings.Value("log-driver") is { } driver)
                    {
                        logging["driver"] = driver;
                    }

                    if (settings.List("log-opt") is { } options)
                    {
                        logging["options"] = KeyValues(options);
                    }

                    service["logging"] = logging;
                    break;
                case "add-host":
                    service["extra_hosts"] = Strings(settings.List(flag)!);
                    break;
                case "dns" or "dns-search" or "security-opt" or "group-add" or "device-cgroup-rule" or "tmpfs" or "device":
                    service[flag switch { "dns-search" => "dns_search", "device-cgroup-rule" => "device_cgroup_rules", "device" => "devices", _ => flag.Replace('-', '_') }] = Strings(settings.List(flag)!);
                    break;
                case "dns-option":
                    service["dns_opt"] = Strings(settings.List(flag)!);
                    break;
                case "sysctl":
                    service["sysctls"] = KeyValues(settings.List(flag)!);
                    break;
                case "storage-opt":
                    service["storage_opt"] = KeyValues(settings.List(flag)!);
                    break;
                case "ulimit":
                    var ulimits = new JsonObject();
                    foreach (var text in settings.List(flag)!)
                    {
                        var limit = DockerRunSettings.ParseUlimit(text)!;
                        ulimits[limit.Name] = new JsonObject { ["soft"] = limit.Soft, ["hard"] = limit.Hard };
                    }

                    service["ulimits"] = ulimits;
                    break;
                case "blkio-weight" or "blkio-weight-device" or "device-read-bps" or "device-write-bps" or "device-read-iops" or "device-write-iops":
                    var blkio = service["blkio_config"] as JsonObject ?? new JsonObject();
                    if (flag == "blkio-weight")
                    {
                        blkio["weight"] = int.Parse(settings.Value(flag)!, CultureInfo.InvariantCulture);
                    }
                    else
                    {
                        blkio[flag == "blkio-weight-device" ? "weight_device" : flag.Replace('-', '_')] = new JsonArray([.. settings.List(flag)!.Select(item =>
                        {
                            var colon = item.IndexOf(':');
                            var rate = item[(colon + 1)..];
                            return (JsonNode)new JsonObject
                            {
                                ["path"] = item[..colon],
                                [flag == "blkio-weight-device" ? "weight" : "rate"] = flag.EndsWith("-bps", StringComparison.Ordinal) ? ValueParsers.ParseBytes(rate) : long.Parse(rate, CultureInfo.InvariantCulture),
                            };
                        })]);
                    }

                    service["blkio_config"] = blkio;
                    break;
                case "read-only":
                    service["read_only"] = true;
                    break;
                case "init":
                    service["init"] = true;
                    break;
                case "oom-kill-disable":
                    service["oom_kill_disable"] = true;
                    break;
                case "ip" or "ip6" or "link-local-ip" or "network-alias" or "mount":
                    // On the service's network (see Network), and among its volumes.
                    break;
                case "publish-all":
                    throw noKey("-P/--publish-all", "publish each port with -p HOST:CONTAINER instead");
                default:
                    throw noKey("--" + flag, null);
            }
        }
    }

    /// <summary>The service's network: the app's own (`default`) with its aliases, a network mode, or an existing network.</summary>
    private static void Network(JsonObject service, DockerRunArguments args, SortedSet<string> aliases, IReadOnlySet<string> appServices, JsonObject networks)
    {
        var settings = args.Settings;
        var network = args.Network;
        if (network is "host" or "none" or "bridge" or "default")
        {
            service["network_mode"] = network == "default" ? "bridge" : network;
            return;
        }

        if (network is not null && network.StartsWith("container:", StringComparison.Ordinal))
        {
            var target = network["container:".Length..];
            service["network_mode"] = appServices.Contains(target) ? $"service:{target}" : network;
            return;
        }

        var endpoint = new JsonObject();
        var all = (network is null ? aliases.Where(DockerRunFlagParser.IsContainerName) : []).Concat(settings.NetworkAliases).Distinct(StringComparer.Ordinal).ToList();
        if (all.Count > 0)
        {
            endpoint["aliases"] = Strings(all);
        }

        Set(endpoint, "ipv4_address", settings.IPv4Address);
        Set(endpoint, "ipv6_address", settings.IPv6Address);
        if (settings.LinkLocalIps.Count > 0)
        {
            endpoint["link_local_ips"] = Strings(settings.LinkLocalIps);
        }

        var key = network ?? "default";
        if (network is not null)
        {
            // A network made outside the app: used, never created.
            networks[key] ??= new JsonObject { ["external"] = true, ["name"] = network };
        }

        if (network is not null || endpoint.Count > 0)
        {
            service["networks"] = new JsonObject { [key] = endpoint.Count > 0 ? endpoint : null };
        }
    }

    private static JsonNode Mount(Mount mount, JsonObject volumes, Func<string, string?, NuleculeException> noKey)
    {
        var item = new JsonObject { ["type"] = mount.Type };
        Set(item, "source", string.IsNullOrEmpty(mount.Source) ? null : mount.Source);
        item["target"] = mount.Target;
        if (mount.ReadOnly == true)
        {
            item["read_only"] = true;
        }

        Set(item, "consistency", string.IsNullOrEmpty(mount.Consistency) ? null : mount.Consistency);
        if (mount.BindOptions is { } bind)
        {
            var options = new JsonObject();
            Set(options, "propagation", string.IsNullOrEmpty(bind.Propagation) ? null : bind.Propagation);
            Set(options, "recursive", bind.NonRecursive == true ? "disabled" : null);
            if (options.Count > 0)
            {
                item["bind"] = options;
            }
        }

        if (mount.VolumeOptions is { } volume)
        {
            if (volume.NoCopy == true)
            {
                item["volume"] = new JsonObject { ["nocopy"] = true };
            }

            var hasDriver = !string.IsNullOrEmpty(volume.DriverConfig?.Name) || volume.DriverConfig?.Options is { Count: > 0 };
            if ((volume.Labels is { Count: > 0 } || hasDriver) && string.IsNullOrEmpty(mount.Source))
            {
                throw noKey("--mount volume-label/volume-driver/volume-opt on an anonymous volume", "name the volume with source=NAME");
            }
        }

        if (mount.Type == "volume" && !string.IsNullOrEmpty(mount.Source))
        {
            // The docker provider makes the volume with the mount's options: so does Compose, from the top-level entry.
            var top = new JsonObject();
            if (mount.VolumeOptions?.DriverConfig is { } driver && !string.IsNullOrEmpty(driver.Name))
            {
                top["driver"] = driver.Name;
            }

            if (mount.VolumeOptions?.DriverConfig?.Options is { Count: > 0 } options)
            {
                top["driver_opts"] = new JsonObject(options.Select(o => KeyValuePair.Create(o.Key, (JsonNode?)JsonValue.Create(o.Value))));
            }

            if (mount.VolumeOptions?.Labels is { Count: > 0 } labels)
            {
                top["labels"] = new JsonObject(labels.Select(o => KeyValuePair.Create(o.Key, (JsonNode?)JsonValue.Create(o.Value))));
            }

            volumes[mount.Source] ??= top;
        }

        if (mount.TmpfsOptions is { } tmpfs)
        {
            var options = new JsonObject();
            if (tmpfs.SizeBytes != 0)
            {
                options["size"] = tmpfs.SizeBytes;
            }

            if (tmpfs.Mode is { } fileMode && fileMode != 0)
            {
                options["mode"] = (long)fileMode;
            }

            if (options.Count > 0)
            {
                item["tmpfs"] = options;
            }
        }

        return item;
    }

    /// <summary>`[ip:][host:]container/protocol`, IPv6 addresses in brackets, as Compose's short syntax reads it.</summary>
    private static string Port(PortMapping port)
    {
        var ip = string.IsNullOrEmpty(port.HostIp) ? "" : (port.HostIp.Contains(':') ? $"[{port.HostIp}]" : port.HostIp) + ":";
        var host = port.HostPort ?? "";
        var prefix = ip.Length > 0 ? $"{ip}{host}:" : host.Length > 0 ? host + ":" : "";
        return $"{prefix}{port.ContainerPort}/{port.Protocol}";
    }

    /// <summary>A duration as Compose reads it (Go's units): whole seconds, else milliseconds, else microseconds.</summary>
    internal static string Duration(TimeSpan duration) =>
        duration.Ticks % TimeSpan.TicksPerSecond == 0 ? $"{(long)duration.TotalSeconds}s"
        : duration.Ticks % TimeSpan.TicksPerMillisecond == 0 ? $"{(long)duration.TotalMilliseconds}ms"
        : $"{duration.Ticks / 10}us";

    private static void SetDuration(JsonObject target, string key, TimeSpan? value)
    {
        if (value is { } duration)
        {
            target[key] = Duration(duration);
        }
    }

    private static void Set(JsonObject target, string key, string? value)
    {
        if (value is not null)
        {
            target[key] = value;
        }
    }

    private static JsonArray Strings(IEnumerable<string> items) => new([.. items.Select(i => (JsonNode?)JsonValue.Create(i))]);

    private static JsonObject KeyValues(IEnumerable<string> items)
    {
        var map = new JsonObject();
        foreach (var item in items)
        {
            var eq = item.IndexOf('=');
            map[item[..eq]] = item[(eq + 1)..];
        }

        return map;
    }
}
