using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nulecule.Compose;

/// <summary>
/// Maps a loaded, normalized compose document onto <see cref="ComposeProject"/>. Compose keys that
/// Nulecule does not deploy are located errors naming the key: nothing is silently dropped.
/// Extension keys (`x-*`) are ignored everywhere, as Compose ignores them.
/// </summary>
public static class ComposeModel
{
    private static readonly string[] TopLevel = ["name", "services", "networks", "volumes", "secrets", "configs"];

    internal static readonly string[] ServiceKeys =
    [
        "image", "command", "entrypoint", "environment", "ports", "volumes", "networks", "depends_on", "healthcheck",
        "restart", "deploy", "scale", "labels", "profiles", "secrets", "configs", "working_dir", "user",
    ];

    /// <summary>Builds the model from a document as it was loaded (locations known) and reports every unsupported key at once.</summary>
    public static ComposeProject Build(JsonObject document, ComposeLocations locations, string file, SecretMasker? masker = null)
    {
        var reader = new Reader(locations, file);
        var project = reader.Project(document);
        if (reader.Errors.Count > 0)
        {
            throw new NuleculeException(reader.Errors.Select(d => d with { Message = (masker ?? SecretMasker.None).Mask(d.Message) }).ToList());
        }

        return project;
    }

    /// <summary>Builds the model from a stored document (already checked when it was rendered).</summary>
    public static ComposeProject FromDocument(JsonObject document, string file) => Build(document, new ComposeLocations(), file);

    /// <summary>Parses a Compose duration (`1m30s`, `10s`, `500ms`, `1h`; Go's time.ParseDuration units).</summary>
    public static TimeSpan? ParseDuration(string text) => GoDuration.Parse(text);

    /// <summary>Splits a command string as Compose does (shell words: quotes and backslashes, no expansion).</summary>
    public static IReadOnlyList<string> ShellWords(string text)
    {
        var words = new List<string>();
        var current = new System.Text.StringBuilder();
        var inWord = false;
        char quote = '\0';
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote == '\'')
            {
                if (c == '\'')
                {
                    quote = '\0';
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (quote == '"')
            {
                if (c == '"')
                {
                    quote = '\0';
                }
                else if (c == '\\' && i + 1 < text.Length && text[i + 1] is '"' or '\\' or '$' or '`')
                {
                    current.Append(text[++i]);
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(current.ToString());
                    current.Clear();
                    inWord = false;
                }
            }
            else
            {
                inWord = true;
                if (c is '\'' or '"')
                {
                    quote = c;
                }
                else if (c == '\\' && i + 1 < text.Length)
                {
                    current.Append(text[++i]);
                }
                else
                {
                    current.Append(c);
                }
            }
        }

        if (quote != '\0')
        {
            throw new FormatException("a quote is not closed");
        }

        if (inWord)
        {
            words.Add(current.ToString());
        }

        return words;
    }

    private sealed class Reader(ComposeLocations locations, string file)
    {
        public List<Diagnostic> Errors { get; } = [];

        private SourceLocation At(JsonNode? node) => locations.Of(node) ?? new SourceLocation(file, 0, 0);

        private SourceLocation AtKey(JsonObject parent, string key) => locations.OfKey(parent, key) ?? At(parent);

        private void Unsupported(JsonObject parent, string key, string path, IEnumerable<string> supported) =>
            Errors.Add(Diagnostic.Error($"{path}{key} is not supported by nulecule's compose support (it would be dropped)", AtKey(parent, key),
                $"remove it; supported here: {string.Join(", ", supported)}"));

        private void Error(JsonNode? node, string message, string? hint = null) => Errors.Add(Diagnostic.Error(message, At(node), hint));

        private void CheckKeys(JsonObject obj, string path, IReadOnlyCollection<string> supported)
        {
            foreach (var (key, _) in obj)
            {
                if (!key.StartsWith("x-", StringComparison.Ordinal) && !supported.Contains(key))
                {
                    Unsupported(obj, key, path, supported);
                }
            }
        }

        public ComposeProject Project(JsonObject document)
        {
            CheckKeys(document, "", TopLevel);
            var services = new SortedDictionary<string, ComposeService>(StringComparer.Ordinal);
            if (document["services"] is JsonObject serviceNodes)
            {
                foreach (var (name, node) in serviceNodes)
                {
                    if (node is JsonObject service)
                    {
                        services[name] = Service(name, service);
                    }
                    else
                    {
                        Error(node, $"services.{name} is empty", "give it at least an image");
                    }
                }
            }

            var networks = Section(document, "networks", ["name", "driver", "internal", "external", "labels", "ipam"], (name, o) =>
                new ComposeNetwork(name, Bool(o, "external"), Str(o, "driver"), Bool(o, "internal"), StringMap(o["labels"]), Bool(o, "external") ? Str(o, "name") ?? name : Str(o, "name"))
                {
                    Subnets = Ipam(o, $"networks.{name}."),
                    Location = AtKey((JsonObject)document["networks"]!, name),
                });
            var volumes = Section(document, "volumes", ["name", "driver", "driver_opts", "external", "labels"], (name, o) =>
                new ComposeVolume(name, Bool(o, "external"), Str(o, "driver"), StringMap(o["driver_opts"]), StringMap(o["labels"]), Bool(o, "external") ? Str(o, "name") ?? name : Str(o, "name"))
                {
                    Location = AtKey((JsonObject)document["volumes"]!, name),
                });
            var secrets = Section(document, "secrets", ["name", "content", "external"], FileObject);
            var configs = Section(document, "configs", ["name", "content", "external"], FileObject);

            // References must name something the project defines.
            foreach (var service in services.Values)
            {
                foreach (var dependency in service.DependsOn)
                {
                    if (!services.ContainsKey(dependency.Key) && dependency.Value.Required)
                    {
                        Errors.Add(Diagnostic.Error($"services.{service.Name}.depends_on: no service '{dependency.Key}'", service.Location, Suggest.Closest(dependency.Key, services.Keys) is { } close ? $"did you mean '{close}'?" : null));
                    }
                }

                foreach (var network in service.Networks.Keys.Where(n => n != "default" && !networks.ContainsKey(n)))
                {
                    Errors.Add(Diagnostic.Error($"services.{service.Name}.networks: network '{network}' is not declared under the top-level networks", service.Location));
                }

                foreach (var (network, address) in service.NetworkAddresses)
                {
                    var declared = networks.GetValueOrDefault(network);
                    if (declared is { External: true })
                    {
                        continue; // the engine knows its subnets: checked when the release runs
                    }

                    if (declared is not { Subnets.Count: > 0 })
                    {
                        Errors.Add(Diagnostic.Error(
                            $"services.{service.Name}.networks.{network}.ipv4_address: a fixed address needs a network with a subnet, and '{network}' declares none",
                            service.Location, $"give networks.{network} an ipam config with a subnet that holds {address}"));
                    }
                    else if (!declared.Subnets.Any(s => InSubnet(address, s.Subnet)))
                    {
                        Errors.Add(Diagnostic.Error(
                            $"services.{service.Name}.networks.{network}.ipv4_address: {address} is not in the subnet of '{network}' ({string.Join(", ", declared.Subnets.Select(s => s.Subnet))})",
                            service.Location));
                    }
                }

                foreach (var volume in service.Volumes.Where(v => v.Type == "volume" && v.Source is not null && !volumes.ContainsKey(v.Source)))
                {
                    Errors.Add(Diagnostic.Error($"services.{service.Name}.volumes: named volume '{volume.Source}' is not declared under the top-level volumes", service.Location,
                        $"add volumes: {{{volume.Source}: {{}}}} at the top level, or write ./{volume.Source} for a directory of the app"));
                }

                foreach (var (refs, defined, kind) in new[] { (service.Secrets, secrets, "secrets"), (service.Configs, configs, "configs") })
                {
                    foreach (var reference in refs.Where(r => !defined.ContainsKey(r.Source)))
                    {
                        Errors.Add(Diagnostic.Error($"services.{service.Name}.{kind}: '{reference.Source}' is not declared under the top-level {kind}", service.Location));
                    }
                }
            }

            return new ComposeProject(Str(document, "name"), services, networks, volumes, secrets, configs);
        }

        /// <summary>`ipam: {driver, config: [{subnet, gateway, ip_range}]}`: the subnets a network is made with.</summary>
        private IReadOnlyList<ComposeSubnet> Ipam(JsonObject network, string path)
        {
            if (network["ipam"] is not JsonObject ipam)
            {
                return [];
            }

            CheckKeys(ipam, path + "ipam.", ["driver", "config"]);
            if (Str(ipam, "driver") is { } driver && driver != "default")
            {
                Error(ipam["driver"], $"{path}ipam.driver: '{driver}' is not supported (only the engine's default IPAM driver is)", "remove driver");
            }

            var subnets = new List<ComposeSubnet>();
            foreach (var item in ipam["config"] as JsonArray ?? [])
            {
                if (item is not JsonObject config)
                {
                    continue;
                }

                CheckKeys(config, path + "ipam.config[].", ["subnet", "gateway", "ip_range"]);
                if (Str(config, "subnet") is not { } subnet || !IPNetwork.TryParse(subnet, out _))
                {
                    Error(config, $"{path}ipam.config: '{Str(config, "subnet")}' is not a subnet", "write it as CIDR, e.g. 172.28.0.0/16");
                    continue;
                }

                subnets.Add(new ComposeSubnet(subnet, Str(config, "gateway"), Str(config, "ip_range")));
            }

            return subnets;
        }

        private static bool InSubnet(string address, string subnet) =>
            System.Net.IPAddress.TryParse(address, out var ip) && IPNetwork.TryParse(subnet, out var network) && network.Contains(ip);

        private static ComposeFileObject FileObject(string name, JsonObject o) =>
            new(name, Str(o, "content"), Bool(o, "external"), Bool(o, "external") ? Str(o, "name") ?? name : Str(o, "name"));

        private SortedDictionary<string, T> Section<T>(JsonObject document, string section, string[] keys, Func<string, JsonObject, T> build)
        {
            var result = new SortedDictionary<string, T>(StringComparer.Ordinal);
            if (document[section] is not JsonObject items)
            {
                return result;
            }

            foreach (var (name, node) in items)
            {
                var obj = node as JsonObject ?? new JsonObject();
                CheckKeys(obj, $"{section}.{name}.", keys);
                result[name] = build(name, obj);
            }

            return result;
        }

        private ComposeService Service(string name, JsonObject s)
        {
            var path = $"services.{name}.";
            CheckKeys(s, path, ServiceKeys);
            var replicas = s["scale"] is JsonValue scale ? scale.GetValue<long>() : 1;
            var mode = "replicated";
            string? endpointMode = null;
            if (s["deploy"] is JsonObject deploy)
            {
                CheckKeys(deploy, path + "deploy.", ["replicas", "mode", "endpoint_mode"]);
                if (deploy["replicas"] is JsonValue r)
                {
                    replicas = r.GetValue<long>();
                }

                mode = Str(deploy, "mode") ?? mode;
                endpointMode = Str(deploy, "endpoint_mode");
                if (mode is not ("replicated" or "global" or "replicated-job" or "global-job"))
                {
                    Error(deploy["mode"], $"{path}deploy.mode: '{mode}' is not a mode", "use replicated, global, replicated-job or global-job");
                }
                else if (mode.StartsWith("global", StringComparison.Ordinal) && deploy["replicas"] is not null)
                {
                    Error(deploy["replicas"], $"{path}deploy.replicas: a {mode} service runs one task per node and takes no replica count", "remove replicas, or use mode: replicated");
                }
            }

            if (replicas is < 0 or > 100)
            {
                Error(s, $"{path}replicas: {replicas} is out of range", "give 0 to 100 replicas");
            }

            return new ComposeService
            {
                Name = name,
                Image = Str(s, "image"),
                Command = Words(s, "command", path),
                Entrypoint = Words(s, "entrypoint", path),
                Environment = new SortedDictionary<string, string>(StringMap(s["environment"]), StringComparer.Ordinal),
                Ports = (s["ports"] as JsonArray ?? []).SelectMany(p => Ports(p, path)).ToList(),
                Volumes = (s["volumes"] as JsonArray ?? []).Select(v => Mount(v, path)).OfType<ComposeMount>().ToList(),
                Networks = Networks(s, path),
                NetworkAddresses = NetworkAddresses(s, path),
                DependsOn = DependsOn(s, path),
                Healthcheck = s["healthcheck"] is JsonObject h ? Healthcheck(h, path) : null,
                Restart = Restart(s, path),
                Replicas = (int)Math.Clamp(replicas, 0, 100),
                Mode = mode,
                EndpointMode = endpointMode,
                Labels = new SortedDictionary<string, string>(StringMap(s["labels"]), StringComparer.Ordinal),
                Profiles = (s["profiles"] as JsonArray ?? []).Select(p => p!.GetValue<string>()).ToList(),
                Secrets = References(s, "secrets", path),
                Configs = References(s, "configs", path),
                WorkingDir = Str(s, "working_dir"),
                User = Str(s, "user"),
                Location = locations.Of(s),
            };
        }

        private IReadOnlyList<string>? Words(JsonObject s, string key, string path)
        {
            switch (s[key])
            {
                case null:
                    return null;
                case JsonArray list:
                    return list.Select(w => Scalar(w)).ToList();
                case var value:
                    try
                    {
                        return ShellWords(value.GetValue<string>());
                    }
                    catch (FormatException e)
                    {
                        Error(value, $"{path}{key}: {e.Message}", "close the quote, or write the command as a list");
                        return null;
                    }
            }
        }

        private string? Restart(JsonObject s, string path)
        {
            var restart = Str(s, "restart");
            if (restart is null or "no" or "always" or "unless-stopped" or "on-failure")
            {
                return restart;
            }

            if (restart.StartsWith("on-failure:", StringComparison.Ordinal) && int.TryParse(restart[11..], NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                return restart;
            }

            Error(s["restart"], $"{path}restart: '{restart}' is not a restart policy", "use no, always, on-failure[:N] or unless-stopped");
            return null;
        }

        private IEnumerable<ComposePort> Ports(JsonNode? node, string path)
        {
            if (node is JsonObject o)
            {
                CheckKeys(o, path + "ports[].", ["target", "published", "host_ip", "protocol", "mode", "name"]);
                var mode = Str(o, "mode");
                if (mode is not (null or "host" or "ingress"))
                {
                    Error(o["mode"], $"{path}ports: mode '{mode}' is not a publish mode", "write mode: host or mode: ingress");
                }

                var published = o["published"] is { } p ? Scalar(p) : null;
                return [new ComposePort((int)o["target"]!.GetValue<long>(), published, Str(o, "host_ip"), Str(o, "protocol") ?? "tcp") { Mode = mode, Location = At(o) }];
            }

            var text = Scalar(node);

            // [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]; an IPv6 host is in brackets.
            var protocol = "tcp";
            var slash = text.LastIndexOf('/');
            if (slash >= 0)
            {
                protocol = text[(slash + 1)..];
                text = text[..slash];
            }

            string? hostIp = null;
            if (text.StartsWith('['))
            {
                var close = text.IndexOf(']', StringComparison.Ordinal);
                hostIp = close > 0 ? text[1..close] : null;
                text = close > 0 && close + 1 < text.Length ? text[(close + 2)..] : "";
            }

            var parts = text.Split(':');
            if (parts.Length == 3)
            {
                hostIp = parts[0];
                parts = parts[1..];
            }

            var (host, container) = parts.Length == 2 ? (parts[0], parts[1]) : (null, parts[0]);
            var targets = Range(container);
            var hosts = host is null or "" ? null : Range(host);
            if (targets is null || (host is not null && host.Length > 0 && hosts is null) || parts.Length > 2 || protocol is not ("tcp" or "udp" or "sctp"))
            {
                Error(node, $"{path}ports: '{Scalar(node)}' is not a port mapping", "write [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]");
                return [];
            }

            if (hosts is not null && hosts.Count != targets.Count)
            {
                Error(node, $"{path}ports: '{Scalar(node)}' maps ranges of different sizes", "give host and container ranges of the same size");
                return [];
            }

            return targets.Select((t, i) => new ComposePort(t, hosts?[i].ToString(CultureInfo.InvariantCulture), hostIp is "" ? null : hostIp, protocol) { Location = At(node) }).ToList();
        }

        private static List<int>? Range(string text)
        {
            var dash = text.IndexOf('-', StringComparison.Ordinal);
            if (dash < 0)
            {
                return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535 ? [port] : null;
            }

            if (int.TryParse(text[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var from)
                && int.TryParse(text[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var to) && from is > 0 and <= 65535 && to >= from && to <= 65535)
            {
                return Enumerable.Range(from, to - from + 1).ToList();
            }

            return null;
        }

        private ComposeMount? Mount(JsonNode? node, string path)
        {
            if (node is JsonObject o)
            {
                CheckKeys(o, path + "volumes[].", ["type", "source", "target", "read_only"]);
                var type = Str(o, "type") ?? "volume";
                if (type is not ("volume" or "bind" or "tmpfs"))
                {
                    Error(o["type"], $"{path}volumes: type '{type}' is not supported", "use volume, bind or tmpfs");
                    return null;
                }

                var source = Str(o, "source");
                if (type == "bind" && (source is null || !source.StartsWith('/')))
                {
                    Error(o, $"{path}volumes: a bind mount needs an absolute or ./relative source");
                    return null;
                }

                return new ComposeMount(type, source is "" ? null : source, Str(o, "target") ?? "", Bool(o, "read_only"));
            }

            var text = Scalar(node);
            var parts = text.Split(':');
            var mode = parts.Length == 3 ? parts[2] : null;
            if (parts.Length > 3 || (mode is not null && mode.Split(',').Any(m => m is not ("ro" or "rw" or "z" or "Z"))))
            {
                Error(node, $"{path}volumes: '{text}' is not SOURCE:TARGET[:ro|rw]", "write the long syntax for other options");
                return null;
            }

            var readOnly = mode?.Split(',').Contains("ro") == true;
            if (parts.Length == 1)
            {
                return new ComposeMount("volume", null, parts[0], false);
            }

            var src = parts[0];
            return new ComposeMount(src.StartsWith('/') ? "bind" : "volume", src, parts[1], readOnly);
        }

        private IReadOnlyDictionary<string, IReadOnlyList<string>> Networks(JsonObject s, string path)
        {
            var result = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            if (s["networks"] is not JsonObject networks)
            {
                return result;
            }

            foreach (var (name, value) in networks)
            {
                var aliases = new List<string>();
                if (value is JsonObject o)
                {
                    CheckKeys(o, $"{path}networks.{name}.", ["aliases", "ipv4_address"]);
                    aliases.AddRange((o["aliases"] as JsonArray ?? []).Select(a => a!.GetValue<string>()));
                }

                result[name] = aliases;
            }

            return result;
        }

        private IReadOnlyDictionary<string, string> NetworkAddresses(JsonObject s, string path)
        {
            var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, value) in s["networks"] as JsonObject ?? [])
            {
                if (value is JsonObject o && Str(o, "ipv4_address") is { } address)
                {
                    if (!System.Net.IPAddress.TryParse(address, out var ip) || ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
                    {
                        Error(o["ipv4_address"], $"{path}networks.{name}.ipv4_address: '{address}' is not an IPv4 address");
                        continue;
                    }

                    result[name] = address;
                }
            }

            return result;
        }

        private IReadOnlyDictionary<string, ComposeDependency> DependsOn(JsonObject s, string path)
        {
            var result = new SortedDictionary<string, ComposeDependency>(StringComparer.Ordinal);
            if (s["depends_on"] is not JsonObject dependsOn)
            {
                return result;
            }

            foreach (var (name, value) in dependsOn)
            {
                var o = value as JsonObject ?? new JsonObject();
                CheckKeys(o, $"{path}depends_on.{name}.", ["condition", "restart", "required"]);
                result[name] = new ComposeDependency(Str(o, "condition") ?? "service_started", Bool(o, "restart"), o["required"]?.GetValue<bool>() ?? true);
            }

            return result;
        }

        private ComposeHealthcheck Healthcheck(JsonObject h, string path)
        {
            CheckKeys(h, path + "healthcheck.", ["test", "interval", "timeout", "start_period", "start_interval", "retries", "disable"]);
            IReadOnlyList<string>? test = h["test"] switch
            {
                null => null,
                JsonArray list => list.Select(t => Scalar(t)).ToList(),
                var text => ["CMD-SHELL", text.GetValue<string>()],
            };
            if (test is { Count: > 0 } && test[0] is not ("CMD" or "CMD-SHELL" or "NONE"))
            {
                Error(h["test"], $"{path}healthcheck.test: a list starts with CMD, CMD-SHELL or NONE");
            }

            TimeSpan? Duration(string key)
            {
                if (Str(h, key) is not { } text)
                {
                    return null;
                }

                var parsed = ParseDuration(text);
                if (parsed is null)
                {
                    Error(h[key], $"{path}healthcheck.{key}: '{text}' is not a duration", "write e.g. 10s, 1m30s or 500ms");
                }

                return parsed;
            }

            return new ComposeHealthcheck(test, Duration("interval"), Duration("timeout"), Duration("start_period"), Duration("start_interval"),
                h["retries"] is JsonValue r ? (int)r.GetValue<long>() : null, Bool(h, "disable") || test is ["NONE", ..]);
        }

        private IReadOnlyList<ComposeFileReference> References(JsonObject s, string key, string path)
        {
            var result = new List<ComposeFileReference>();
            foreach (var item in s[key] as JsonArray ?? [])
            {
                if (item is JsonObject o)
                {
                    CheckKeys(o, $"{path}{key}[].", ["source", "target"]);
                    var source = Str(o, "source")!;
                    result.Add(new ComposeFileReference(source, Str(o, "target") ?? source));
                }
                else
                {
                    var source = item!.GetValue<string>();
                    result.Add(new ComposeFileReference(source, source));
                }
            }

            return result;
        }

        private static string Scalar(JsonNode? node) => node switch
        {
            null => "",
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            _ => node.ToJsonString(),
        };

        private static string? Str(JsonObject o, string key) => o[key] is { } v ? Scalar(v) : null;

        private static bool Bool(JsonObject o, string key) => o[key] is JsonValue v && v.GetValueKind() == JsonValueKind.True;

        private static Dictionary<string, string> StringMap(JsonNode? node)
        {
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            switch (node)
            {
                case JsonObject o:
                    foreach (var (key, value) in o)
                    {
                        map[key] = Scalar(value);
                    }

                    break;
                case JsonArray list:
                    foreach (var item in list)
                    {
                        var text = Scalar(item);
                        var eq = text.IndexOf('=', StringComparison.Ordinal);
                        map[eq < 0 ? text : text[..eq]] = eq < 0 ? "" : text[(eq + 1)..];
                    }

                    break;
            }

            return map;
        }
    }
}
