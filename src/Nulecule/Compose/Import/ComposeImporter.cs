using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Nulecule.Compose.Import;

/// <summary>
/// `nulecule import`: compose files become a Nulecule app. The files are read as the compose
/// loader reads them (YAML, anchors, schema, `include`, `-f` merge, `env_file`) but without
/// interpolating, so every `${VAR...}` survives: the variables become the app's params, each
/// service a component (in dependency order) with a compose file for docker and swarm (still
/// interpolated by compose's rules) and Kubernetes manifests (with `$param` references). Every key
/// a target does not get as written is a <see cref="FidelityItem"/>; nothing is written when the
/// input is bad, and nothing is written into a non-empty directory unless forced.
/// </summary>
public static partial class ComposeImporter
{
    private const long MaxCopiedBytes = 8 * 1024 * 1024;

    public static ImportResult Import(ImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var destination = Path.GetFullPath(options.Destination);
        if (!options.Force && Directory.Exists(destination) && Directory.EnumerateFileSystemEntries(destination).Any())
        {
            throw new NuleculeException($"{destination} is not empty", null, "choose another --destination, or add --force to write into it");
        }

        if (File.Exists(destination))
        {
            throw new NuleculeException($"{destination} is a file", null, "choose a directory for --destination");
        }

        var project = ImportSource.Load(options.Files);
        var plan = Plan(project, DeriveId(project, options.Files));
        Write(destination, plan);
        return new ImportResult(options.Destination, plan.Id, project.Displays, plan.Components, plan.Params, plan.Fidelity,
            plan.Files.Keys.Select(k => Path.Combine(destination, k)).Concat(plan.Copies.Keys.Select(k => Path.Combine(destination, k))).Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>Everything the import writes, built in memory first so that bad input writes nothing.</summary>
    internal sealed record ImportPlan(
        string Id,
        IReadOnlyList<string> Components,
        IReadOnlyList<ImportedParam> Params,
        IReadOnlyList<FidelityItem> Fidelity,
        IReadOnlyDictionary<string, string> Files,
        IReadOnlyDictionary<string, string> Copies);

    internal static ImportPlan Plan(ImportSource project, string id)
    {
        var fidelity = new List<FidelityItem>();
        var services = project.Document["services"] as JsonObject ?? [];
        if (services.Count == 0)
        {
            throw new NuleculeException("the compose files define no services", new SourceLocation(project.Displays[0], 1, 1), "import needs at least one service");
        }

        var order = DependencyOrder(project, services);
        var variables = project.Values.SelectMany(v => v.References).Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, service) in services)
        {
            if (service?["image"] is JsonValue literal && literal.GetValueKind() == JsonValueKind.String && literal.GetValue<string>() is var image
                && !image.Contains('$', StringComparison.Ordinal) && DockerArtifact.ImageParam(name) is var imageParam && !variables.Contains(imageParam))
            {
                // Users swap images (a mirror, a pinned digest, a local build): a written image becomes a param defaulting to it.
                var at = project.Locations.Of(literal) ?? project.Locations.OfKey((JsonObject)service, "image") ?? new SourceLocation(project.Displays[0], 0, 0);
                var text = "${" + imageParam + ":-" + image + "}";
                variables.Add(imageParam);
                service["image"] = text;
                project.Locations.Set(service["image"], at);
                project.Values.Add(new ComposeRawValue(text, ["services", name, "image"], [new ComposeReference(imageParam, ":-", image)], at));
            }
            else if (service?["image"] is null)
            {
                // A service that is only built runs an image the user names.
                var param = DockerArtifact.ImageParam(name);
                project.Values.Add(new ComposeRawValue("${" + param + "}", ["services", name, "image"], [new ComposeReference(param, ":?", $"the image of the service {name} (compose builds it; nulecule runs an image)")],
                    project.Locations.OfKey(services, name) ?? new SourceLocation(project.Displays[0], 0, 0)));
            }

            if (service is JsonObject withPorts)
            {
                HostPortParams(project, name, withPorts, variables);
            }
        }

        var parameters = ImportParams.Infer(project, order);
        var hidden = parameters.Where(p => p.Hidden).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        TopLevel(project, fidelity);
        foreach (var (key, note, at) in project.Notes)
        {
            foreach (var target in ImportTargets.All)
            {
                fidelity.Add(new(target, key, key == "version" ? FidelityItem.Dropped : FidelityItem.Changed, note, at));
            }
        }

        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var copies = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var kubernetes = new KubernetesManifests(project, hidden, fidelity);
        var graph = new JsonArray();
        foreach (var name in order)
        {
            var service = (JsonObject)services[name]!;
            var compose = DockerArtifact.Build(project, name, service, fidelity, copies);
            var composePath = $"artifacts/docker/{name}.yaml";
            files[composePath] = ImportYaml.Write(compose, $"service {name} of {string.Join(", ", project.Displays)}, imported by nulecule import: ${{VAR}} are the app's params");
            var manifests = kubernetes.Build(name, service);
            var kubePath = $"artifacts/kubernetes/{name}.yaml";
            files[kubePath] = ImportYaml.WriteAll(manifests, $"service {name} of {string.Join(", ", project.Displays)}, imported by nulecule import: $VAR are the app's params");
            graph.Add((JsonNode)new JsonObject
            {
                ["name"] = name,
                ["artifacts"] = new JsonObject
                {
                    ["docker"] = new JsonArray("file://" + composePath),
                    ["kubernetes"] = new JsonArray("file://" + kubePath),
                },
            });
        }

        var nulecule = new JsonObject
        {
            ["specversion"] = "0.0.2",
            ["id"] = id,
            ["metadata"] = new JsonObject
            {
                ["name"] = id,
                ["appversion"] = "0.1.0",
                ["description"] = $"Imported from {string.Join(", ", project.Displays.Select(Path.GetFileName))} by nulecule import",
            },
        };
        if (parameters.Count > 0)
        {
            nulecule["params"] = new JsonArray(parameters.Select(p =>
            {
                var param = new JsonObject { ["name"] = p.Name, ["description"] = p.Description };
                if (p.Default is not null)
                {
                    param["default"] = p.Default.DeepClone();
                }

                if (p.Hidden)
                {
                    param["hidden"] = true;
                }

                return (JsonNode)param;
            }).ToArray());
        }

        nulecule["graph"] = graph;
        files["Nulecule"] = ImportYaml.Write(nulecule, "Imported by nulecule import: one component per compose service, in dependency order");
        return new ImportPlan(id, order, parameters, Sorted(fidelity), files, copies);
    }

    /// <summary>
    /// A host port written as a number becomes a param defaulting to it (`"8443:443"` gives
    /// `"${WEB_PORT:-8443}:443"`), as an image does: a fixed host port is the first thing that
    /// clashes on a shared host. The param is SERVICE_PORT when the service publishes one such port,
    /// else SERVICE_PORT_TARGET; a name another variable (or the .env) has already leaves the port as written.
    /// </summary>
    private static void HostPortParams(ImportSource project, string name, JsonObject service, HashSet<string> variables)
    {
        if (service["ports"] is not JsonArray ports)
        {
            return;
        }

        var found = new List<(int Index, string Host, string Target, Func<string, string> Rewrite)>();
        for (var i = 0; i < ports.Count; i++)
        {
            switch (ports[i])
            {
                case JsonValue v when v.GetValueKind() == JsonValueKind.String && ShortPort().Match(v.GetValue<string>()) is { Success: true } m:
                    var (ip, host, rest) = (m.Groups["ip"].Value, m.Groups["host"].Value, m.Groups["rest"].Value);
                    found.Add((i, host, m.Groups["target"].Value, reference => ip + reference + ":" + rest));
                    break;
                case JsonObject o when o["published"] is JsonValue published && o["target"] is { } target
                    && published.ToString() is var text && text.Length > 0 && text.All(char.IsAsciiDigit):
                    found.Add((i, text, target.ToString(), reference => reference));
                    break;
            }
        }

        var prefix = DockerArtifact.ImageParam(name)[..^"IMAGE".Length] + "PORT";
        foreach (var (index, host, target, rewrite) in found)
        {
            var param = found.Count == 1 ? prefix : $"{prefix}_{target}";
            if (project.DotEnv.ContainsKey(param) || project.IncludedEnv.ContainsKey(param) || !variables.Add(param))
            {
                continue;
            }

            var reference = "${" + param + ":-" + host + "}";
            var text = rewrite(reference);
            JsonNode node = ports[index]!;
            var at = project.Locations.Of(node is JsonObject o ? o["published"] : node) ?? project.Locations.OfKey(service, "ports") ?? new SourceLocation(project.Displays[0], 0, 0);
            List<string> path = ["services", name, "ports", index.ToString(CultureInfo.InvariantCulture)];
            if (node is JsonObject map)
            {
                map["published"] = text;
                project.Locations.Set(map["published"], at);
                path.Add("published");
            }
            else
            {
                ports[index] = text;
                project.Locations.Set(ports[index], at);
            }

            project.Values.Add(new ComposeRawValue(text, path, [new ComposeReference(param, ":-", host)], at));
        }
    }

    /// <summary>Short port syntax with a literal host port: `[IP:]HOST:TARGET[/PROTOCOL]` (no ranges, no variables).</summary>
    [GeneratedRegex(@"^(?<ip>(?:\[[0-9A-Fa-f:.]+\]|[0-9.]+):)?(?<host>[0-9]+):(?<rest>(?<target>[0-9]+)(?:/[a-z]+)?)$")]
    private static partial Regex ShortPort();

    private static List<FidelityItem> Sorted(List<FidelityItem> items) =>
        items.Distinct()
            .OrderBy(i => Array.IndexOf(ImportTargets.All, i.Target))
            .ThenBy(i => i.At?.File, StringComparer.Ordinal).ThenBy(i => i.At?.Line ?? 0).ThenBy(i => i.At?.Column ?? 0)
            .ThenBy(i => i.Key, StringComparer.Ordinal)
            .ToList();

    /// <summary>Top-level keys: `name` becomes the release, networks collapse into the release's one network, extensions go.</summary>
    private static void TopLevel(ImportSource project, List<FidelityItem> fidelity)
    {
        foreach (var (key, _) in project.Document)
        {
            var at = project.Locations.OfKey(project.Document, key);
            switch (key)
            {
                case "services" or "volumes" or "secrets" or "configs":
                    break;
                case "name":
                    foreach (var target in ImportTargets.All)
                    {
                        fidelity.Add(new(target, "name", FidelityItem.Changed, "the project name is not kept: objects are named after the release (nulecule run --name)", at));
                    }

                    break;
                case "networks":
                    foreach (var target in ImportTargets.All)
                    {
                        fidelity.Add(new(target, "networks", FidelityItem.Dropped,
                            target == ImportTargets.Kubernetes ? "every pod reaches every Service of the namespace: network isolation is not kept" : "every service joins the release's one network: network isolation is not kept", at));
                    }

                    break;
                default:
                    foreach (var target in ImportTargets.All)
                    {
                        fidelity.Add(new(target, key, FidelityItem.Dropped, key.StartsWith("x-", StringComparison.Ordinal) ? "an extension key (compose ignores it too)" : "not imported", at));
                    }

                    break;
            }
        }
    }

    /// <summary>Service names in an order that puts every dependency first; a cycle is an error.</summary>
    private static List<string> DependencyOrder(ImportSource project, JsonObject services)
    {
        var model = new SortedDictionary<string, ComposeService>(StringComparer.Ordinal);
        foreach (var (name, node) in services)
        {
            if (node is not JsonObject)
            {
                throw new NuleculeException($"services.{name} is empty", project.Locations.OfKey(services, name), "give it at least an image");
            }

            if (!Nulecule.Spec.Reader.IsSafeComponentName(name))
            {
                throw new NuleculeException($"services.{name}: the name cannot be a component name", project.Locations.OfKey(services, name), "use letters, digits, '.', '_' and '-'");
            }

            var dependencies = DependsOn(node).Keys.ToList();
            foreach (var dependency in dependencies.Where(d => !services.ContainsKey(d)))
            {
                throw new NuleculeException($"services.{name}.depends_on: no service '{dependency}'", project.Locations.OfKey((JsonObject)node, "depends_on"));
            }

            model[name] = new ComposeService { Name = name, DependsOn = dependencies.ToDictionary(d => d, _ => new ComposeDependency("service_started", false, true), StringComparer.Ordinal) };
        }

        var order = new ComposeProject(null, model, new Dictionary<string, ComposeNetwork>(), new Dictionary<string, ComposeVolume>(),
            new Dictionary<string, ComposeFileObject>(), new Dictionary<string, ComposeFileObject>()).InDependencyOrder().Select(s => s.Name).ToList();
        var position = order.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i, StringComparer.Ordinal);
        foreach (var service in model.Values)
        {
            if (service.DependsOn.Keys.FirstOrDefault(d => position[d] >= position[service.Name]) is { } back)
            {
                throw new NuleculeException($"services.{service.Name} and {back} depend on each other (a cycle)", project.Locations.OfKey((JsonObject)services[service.Name]!, "depends_on"),
                    "remove one of the depends_on entries");
            }
        }

        return order;
    }

    /// <summary>`depends_on` as a map of service to its long form (the short list gives `service_started`).</summary>
    internal static Dictionary<string, JsonObject> DependsOn(JsonNode? service)
    {
        var result = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        switch (service?["depends_on"])
        {
            case JsonArray list:
                foreach (var item in list)
                {
                    result[item!.GetValue<string>()] = new JsonObject { ["condition"] = "service_started" };
                }

                break;
            case JsonObject map:
                foreach (var (name, spec) in map)
                {
                    result[name] = spec as JsonObject ?? new JsonObject { ["condition"] = "service_started" };
                }

                break;
        }

        return result;
    }

    private static string DeriveId(ImportSource project, IReadOnlyList<string> files)
    {
        var name = project.Document["name"] is JsonValue v && v.GetValueKind() == JsonValueKind.String && !v.GetValue<string>().Contains('$', StringComparison.Ordinal)
            ? v.GetValue<string>()
            : Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(files[0]))) ?? "app";
        var id = NotIdChars().Replace(name.ToLowerInvariant(), "-").Trim('-');
        if (id.Length == 0 || !char.IsAsciiLetter(id[0]))
        {
            id = "app-" + id;
        }

        return id.Length > 52 ? id[..52].TrimEnd('-') : id;
    }

    private static void Write(string destination, ImportPlan plan)
    {
        Directory.CreateDirectory(destination);
        foreach (var (relative, text) in plan.Files)
        {
            var path = Path.Combine(destination, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            AtomicFile.Write(path, text);
        }

        foreach (var (relative, source) in plan.Copies)
        {
            var path = Path.Combine(destination, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.Copy(source, path, overwrite: true);
        }
    }

    /// <summary>Files a service names (bind sources, secret and config files) are copied beside its compose artifact, up to 8 MiB in all.</summary>
    internal static bool TryCopy(string source, string relativeTarget, IDictionary<string, string> copies)
    {
        var kind = SafeFiles.KindOf(source);
        if (kind != FileKind.Regular)
        {
            return false;
        }

        var size = copies.Values.Sum(f => new FileInfo(f).Length) + new FileInfo(source).Length;
        if (size > MaxCopiedBytes)
        {
            return false;
        }

        copies[relativeTarget] = source;
        return true;
    }

    [GeneratedRegex("[^a-z0-9-]+")]
    private static partial Regex NotIdChars();
}
