using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nulecule.Compose.Import;

/// <summary>
/// The compose file of one imported service, for the docker provider (and the swarm provider,
/// which reads the docker artifacts): the service as written, with `${VAR}` interpolation kept, cut to what
/// nulecule's compose support deploys; every key cut or changed is a fidelity item for docker and swarm.
/// </summary>
internal static class DockerArtifact
{
    private static readonly Dictionary<string, string> Notes = new(StringComparer.Ordinal)
    {
        ["build"] = "images are not built: the service runs the image param",
        ["container_name"] = "containers are named <release>-<service>-<n>",
        ["expose"] = "not needed: every port of a service is reachable on the release network",
        ["hostname"] = "the container is reachable by its service name",
        ["links"] = "every service is reachable by its name on the release network",
        ["extends"] = "not supported",
    };

    public static JsonObject Build(ImportSource project, string name, JsonObject service, List<FidelityItem> fidelity, IDictionary<string, string> copies)
    {
        void Both(string key, string effect, string note, SourceLocation? at)
        {
            fidelity.Add(new(ImportTargets.Docker, $"services.{name}.{key}", effect, note, at));
            fidelity.Add(new(ImportTargets.Swarm, $"services.{name}.{key}", effect, note, at));
        }

        var locations = project.Locations;
        var result = new JsonObject();
        foreach (var (key, value) in service)
        {
            var at = locations.OfKey(service, key);
            switch (key)
            {
                case "depends_on":
                    foreach (var (dependency, spec) in ComposeImporter.DependsOn(service))
                    {
                        var condition = spec["condition"]?.GetValue<string>() ?? "service_started";
                        Both($"depends_on.{dependency}", FidelityItem.Changed, condition switch
                        {
                            "service_healthy" => "the component comes after it in the graph; with --wait it starts once that one is healthy",
                            "service_completed_successfully" => "the component comes after it in the graph; --wait waits until that one runs, not until it has exited 0",
                            _ => "the component comes after it in the graph",
                        }, (service["depends_on"] is JsonObject map ? locations.OfKey(map, dependency) : null) ?? at);
                    }

                    break;
                case "networks":
                    var aliases = new JsonArray();
                    foreach (var (network, spec) in value as JsonObject ?? [])
                    {
                        foreach (var alias in spec?["aliases"] as JsonArray ?? [])
                        {
                            aliases.Add(alias?.DeepClone());
                        }

                        if (spec is JsonObject options && options.Any(p => p.Key != "aliases"))
                        {
                            Both($"networks.{network}", FidelityItem.Dropped, $"only aliases are kept ({string.Join(", ", options.Select(p => p.Key).Where(k => k != "aliases"))} dropped)", locations.OfKey((JsonObject)value!, network));
                        }
                    }

                    Both("networks", FidelityItem.Changed, "the service joins the release's one network (its aliases kept)", at);
                    if (aliases.Count > 0)
                    {
                        result["networks"] = new JsonObject { ["default"] = new JsonObject { ["aliases"] = aliases } };
                    }

                    break;
                case "deploy":
                    foreach (var (sub, subValue) in value as JsonObject ?? [])
                    {
                        if (sub == "replicas")
                        {
                            result["deploy"] = new JsonObject { ["replicas"] = subValue?.DeepClone() };
                        }
                        else
                        {
                            Both($"deploy.{sub}", FidelityItem.Dropped, "only deploy.replicas is deployed", locations.OfKey((JsonObject)value!, sub));
                        }
                    }

                    break;
                case "labels":
                    var labels = project.EnvironmentMap(service, "labels");
                    foreach (var reserved in labels.Select(p => p.Key).Where(k => k.StartsWith("com.docker.compose.", StringComparison.Ordinal)).ToList())
                    {
                        labels.Remove(reserved);
                        Both($"labels.{reserved}", FidelityItem.Dropped, "the com.docker.compose. labels are compose's own", at);
                    }

                    if (labels.Count > 0)
                    {
                        result["labels"] = labels;
                    }

                    break;
                case "healthcheck" when value is JsonObject check:
                    var kept = (JsonObject)check.DeepClone();
                    if (kept.Remove("start_interval"))
                    {
                        Both("healthcheck.start_interval", FidelityItem.Dropped, "needs Docker API 1.44 (nulecule speaks 1.41)", locations.OfKey(check, "start_interval"));
                    }

                    result["healthcheck"] = kept;
                    break;
                case "ports":
                    result["ports"] = Ports((JsonArray)value!, name, locations, Both);
                    break;
                case "volumes":
                    result["volumes"] = Volumes(project, service, (JsonArray)value!, name, copies, Both);
                    break;
                case "secrets" or "configs":
                    var refs = new JsonArray();
                    foreach (var item in value as JsonArray ?? [])
                    {
                        if (item is JsonObject o)
                        {
                            var copy = new JsonObject();
                            foreach (var (k, v) in o)
                            {
                                if (k is "source" or "target")
                                {
                                    copy[k] = v?.DeepClone();
                                }
                                else
                                {
                                    Both($"{key}[].{k}", FidelityItem.Dropped, "only source and target are kept", locations.OfKey(o, k));
                                }
                            }

                            refs.Add((JsonNode)copy);
                        }
                        else
                        {
                            refs.Add(item?.DeepClone());
                        }
                    }

                    result[key] = refs;
                    break;
                case "profiles":
                    result[key] = value?.DeepClone();
                    Both(key, FidelityItem.Changed, "the component is always deployed; its service runs only when the param COMPOSE_PROFILES enables one of its profiles", at);
                    break;
                default:
                    if (ComposeModel.ServiceKeys.Contains(key))
                    {
                        result[key] = value?.DeepClone();
                    }
                    else
                    {
                        Both(key, FidelityItem.Dropped, Notes.GetValueOrDefault(key, "nulecule's compose support does not deploy it"), at);
                    }

                    break;
            }
        }

        if (!result.ContainsKey("image"))
        {
            var param = ImageParam(name);
            result["image"] = "${" + param + "}";
            Both("image", FidelityItem.Changed, $"the service has no image: it runs the image the param {param} names", locations.Of(service));
        }

        var document = new JsonObject { ["services"] = new JsonObject { [name] = result } };
        TopLevelFor(project, name, result, document, copies, Both);
        return document;
    }

    /// <summary>The param naming the image of a service that only has `build`.</summary>
    public static string ImageParam(string service) => new string(service.ToUpperInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray()) + "_IMAGE";

    private static JsonArray Ports(JsonArray ports, string name, ComposeLocations locations, Action<string, string, string, SourceLocation?> both)
    {
        var result = new JsonArray();
        foreach (var port in ports)
        {
            if (port is JsonObject o)
            {
                var copy = new JsonObject();
                foreach (var (k, v) in o)
                {
                    if (k == "mode")
                    {
                        if (v?.ToString() != "host")
                        {
                            both("ports[].mode", FidelityItem.Changed, "published on the host (mode: host): there is no routing mesh", locations.OfKey(o, k));
                        }

                        copy[k] = "host";
                    }
                    else if (k is "target" or "published" or "host_ip" or "protocol" or "name")
                    {
                        copy[k] = v?.DeepClone();
                    }
                    else
                    {
                        both($"ports[].{k}", FidelityItem.Dropped, "not deployed", locations.OfKey(o, k));
                    }
                }

                result.Add((JsonNode?)copy);
            }
            else
            {
                result.Add(port?.DeepClone());
            }
        }

        return result;
    }

    private static JsonArray Volumes(ImportSource project, JsonObject service, JsonArray volumes, string name, IDictionary<string, string> copies, Action<string, string, string, SourceLocation?> both)
    {
        var result = new JsonArray();
        var directory = project.DirectoryOf(service);
        foreach (var volume in volumes)
        {
            var at = project.Locations.Of(volume);
            string? source;
            JsonNode copy;
            if (volume is JsonObject o)
            {
                var kept = new JsonObject();
                foreach (var (k, v) in o)
                {
                    if (k is "type" or "source" or "target" or "read_only")
                    {
                        kept[k] = v?.DeepClone();
                    }
                    else
                    {
                        both($"volumes[].{k}", FidelityItem.Dropped, "only type, source, target and read_only are deployed", project.Locations.OfKey(o, k));
                    }
                }

                if (o["type"]?.ToString() is { } type && type is not ("volume" or "bind" or "tmpfs"))
                {
                    both("volumes[]", FidelityItem.Dropped, $"a {type} mount is not deployed", at);
                    continue;
                }

                source = o["type"]?.ToString() == "bind" ? o["source"]?.ToString() : null;
                copy = kept;
            }
            else
            {
                var text = volume!.ToString();
                var colon = text.IndexOf(':', StringComparison.Ordinal);
                source = colon > 0 && (text.StartsWith('.') || text.StartsWith('/') || text.StartsWith('~')) ? text[..colon] : null;
                copy = JsonValue.Create(text);
            }

            if (source is not null && (source.StartsWith('.') || source.StartsWith('~')) && !source.Contains('$', StringComparison.Ordinal))
            {
                var full = source.StartsWith('~')
                    ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), source.TrimStart('~').TrimStart('/'))
                    : Path.GetFullPath(Path.Combine(directory, source));
                var relative = Path.GetRelativePath(directory, full);
                if (!relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative) && ComposeImporter.TryCopy(full, $"artifacts/docker/{relative}", copies))
                {
                    both("volumes[]", FidelityItem.Changed, $"the file {source} is copied into the app (beside the artifact)", at);
                    copy = Replace(copy, source, "./" + relative.Replace('\\', '/'));
                }
                else
                {
                    both("volumes[]", FidelityItem.Changed, $"{source} is not a file inside the compose directory: it becomes the host path {full}", at);
                    copy = Replace(copy, source, full);
                }
            }

            result.Add((JsonNode?)copy);
        }

        return result;
    }

    private static JsonNode Replace(JsonNode volume, string source, string replacement)
    {
        if (volume is JsonObject o)
        {
            o["source"] = replacement;
            return o;
        }

        return JsonValue.Create(replacement + volume.ToString()[source.Length..]);
    }

    /// <summary>The top-level volumes, secrets and configs the service uses, with secret and config files copied in.</summary>
    private static void TopLevelFor(ImportSource project, string name, JsonObject service, JsonObject document, IDictionary<string, string> copies, Action<string, string, string, SourceLocation?> both)
    {
        var named = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var volume in service["volumes"] as JsonArray ?? [])
        {
            var source = volume is JsonObject o ? (o["type"]?.ToString() is null or "volume" ? o["source"]?.ToString() : null)
                : volume!.ToString().Split(':') is { Length: > 1 } parts && !(parts[0].StartsWith('.') || parts[0].StartsWith('/') || parts[0].StartsWith('~')) ? parts[0] : null;
            if (source is { Length: > 0 })
            {
                named.Add(source);
            }
        }

        if (named.Count > 0)
        {
            var volumes = new JsonObject();
            foreach (var volume in named)
            {
                var spec = project.Document["volumes"]?[volume] as JsonObject;
                var kept = new JsonObject();
                foreach (var (k, v) in spec ?? [])
                {
                    if (k is "name" or "driver" or "driver_opts" or "labels")
                    {
                        kept[k] = v?.DeepClone();
                    }
                    else if (k == "external")
                    {
                        both($"volumes.{volume}.external", FidelityItem.Changed, "an external volume becomes a volume of the release (nulecule does not mount volumes it did not create)", project.Locations.OfKey(spec!, k));
                    }
                    else
                    {
                        both($"volumes.{volume}.{k}", FidelityItem.Dropped, "not deployed", project.Locations.OfKey(spec!, k));
                    }
                }

                volumes[volume] = kept;
            }

            document["volumes"] = volumes;
        }

        foreach (var section in new[] { "secrets", "configs" })
        {
            var used = (service[section] as JsonArray ?? []).Select(r => r is JsonObject o ? o["source"]!.ToString() : r!.ToString()).Distinct(StringComparer.Ordinal).ToList();
            if (used.Count == 0)
            {
                continue;
            }

            var items = new JsonObject();
            foreach (var item in used)
            {
                var spec = project.Document[section]?[item] as JsonObject ?? [];
                var kept = new JsonObject();
                foreach (var (k, v) in spec)
                {
                    if (k == "file" && v?.ToString() is { } file)
                    {
                        var full = Path.GetFullPath(Path.Combine(project.DirectoryOf(spec), file));
                        var target = $"artifacts/docker/{section}/{item}{Path.GetExtension(full)}";
                        if (!ComposeImporter.TryCopy(full, target, copies))
                        {
                            throw new NuleculeException($"{section}.{item}.file: {file} is not a readable file (or the files to copy pass 8 MiB)", project.Locations.OfKey(spec, k));
                        }

                        kept[k] = $"./{section}/{item}{Path.GetExtension(full)}";
                        both($"{section}.{item}.file", FidelityItem.Changed, $"the file is copied into the app ({target})", project.Locations.OfKey(spec, k));
                    }
                    else if (k is "name" or "content" or "environment" or "external")
                    {
                        kept[k] = v?.DeepClone();
                    }
                    else
                    {
                        both($"{section}.{item}.{k}", FidelityItem.Dropped, "not deployed", project.Locations.OfKey(spec, k));
                    }
                }

                if (kept["external"] is JsonValue e && e.GetValueKind() == JsonValueKind.True)
                {
                    fidelity(both, section, item, project.Locations.OfKey(spec, "external"));
                }

                items[item] = kept;
            }

            document[section] = items;
        }

        static void fidelity(Action<string, string, string, SourceLocation?> both, string section, string item, SourceLocation? at) =>
            both($"{section}.{item}.external", FidelityItem.Changed, "an external secret or config exists only on a swarm: the docker provider refuses it", at);
    }
}
