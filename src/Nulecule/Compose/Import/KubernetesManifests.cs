using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Nulecule.Compose.Import;

/// <summary>
/// Kubernetes objects for one imported service (the mapping kompose documents): a Deployment (a
/// Job for a service others wait on to complete), a Service for its ports, a PVC per named volume,
/// a ConfigMap and a Secret for its environment (names that look like secrets go to the Secret),
/// a ConfigMap per config and a Secret per secret, a readiness probe from its healthcheck. Compose
/// `${VAR}` values become Nulecule `${VAR}` references; every key that does not arrive as written
/// is a fidelity item for kubernetes.
/// </summary>
internal sealed partial class KubernetesManifests(ImportSource project, IReadOnlySet<string> hidden, List<FidelityItem> fidelity)
{
    private const string Selector = "app.kubernetes.io/name";
    private const char Open = '\u0002';
    private const char Close = '\u0003';

    private readonly HashSet<string> _emitted = new(StringComparer.Ordinal);

    private static readonly HashSet<string> Handled = new(StringComparer.Ordinal)
    {
        "image", "command", "entrypoint", "environment", "ports", "expose", "volumes", "healthcheck", "deploy", "scale", "labels", "secrets", "configs",
        "working_dir", "user", "restart", "depends_on", "profiles", "networks", "stop_grace_period", "build",
    };

    /// <summary>A name Kubernetes accepts (DNS-1035 label) for a compose name.</summary>
    public static string Name(string name)
    {
        var text = NotDnsChars().Replace(name.ToLowerInvariant(), "-").Trim('-');
        if (text.Length == 0 || !char.IsAsciiLetter(text[0]))
        {
            text = "s-" + text;
        }

        return text.Length > 63 ? text[..63].TrimEnd('-') : text;
    }

    /// <summary>
    /// A compose value as a Nulecule template: `${VAR}`, `${VAR:-x}`, `${VAR:?m}` and `$VAR` become
    /// `${VAR}` (the param carries the default), `$$` stays `$$` (a literal `$` in both), and a
    /// literal `$` is doubled. `${VAR:+alt}` cannot be said with params: it becomes the alternate.
    /// </summary>
    public static string Template(string compose, out bool changed)
    {
        changed = false;
        if (!compose.Contains('$', StringComparison.Ordinal))
        {
            return compose;
        }

        changed = ComposeTemplate.References(compose).Any(r => r.Operator.EndsWith('+'));
        var marked = ComposeTemplate.Substitute(compose, name => Open + name + Close);
        return Marker().Replace(marked.Replace("$", "$$", StringComparison.Ordinal), m => "${" + m.Groups[1].Value + "}");
    }

    /// <summary>Literal text (a file's content) as a Nulecule template: every `$` doubled.</summary>
    public static string Literal(string text) => text.Replace("$", "$$", StringComparison.Ordinal);

    public IReadOnlyList<JsonNode> Build(string name, JsonObject service)
    {
        var k8s = Name(name);
        var documents = new List<JsonNode>();
        void Report(string key, string effect, string note, SourceLocation? at) =>
            fidelity.Add(new(ImportTargets.Kubernetes, $"services.{name}.{key}", effect, note, at));
        SourceLocation? At(string key) => project.Locations.OfKey(service, key);

        if (k8s != name)
        {
            Report("", FidelityItem.Changed, $"Kubernetes names it {k8s}: other services reach it as {k8s}, not {name}", project.Locations.Of(service));
        }

        foreach (var (key, _) in service)
        {
            if (!Handled.Contains(key))
            {
                Report(key, FidelityItem.Dropped, "not imported for Kubernetes", At(key));
            }
        }

        var oneShot = (project.Document["services"] as JsonObject ?? []).Any(s =>
            ComposeImporter.DependsOn(s.Value).TryGetValue(name, out var spec) && spec["condition"]?.ToString() == "service_completed_successfully");
        var container = new JsonObject { ["name"] = k8s };
        container["image"] = service["image"] is { } image ? Value(image, "image", Report) : "${" + DockerArtifact.ImageParam(name) + "}";
        container["imagePullPolicy"] = "IfNotPresent";
        if (Words(service, "entrypoint", Report) is { } entrypoint)
        {
            container["command"] = entrypoint;
        }

        if (Words(service, "command", Report) is { } command)
        {
            container["args"] = command;
        }

        if (service["working_dir"] is { } workingDir)
        {
            container["workingDir"] = Value(workingDir, "working_dir", Report);
        }

        var volumes = new JsonArray();
        var mounts = new JsonArray();
        Environment(name, k8s, service, container, documents, Report);
        var ports = Ports(service, container, Report);
        Volumes(name, service, mounts, volumes, documents, Report);
        Files(name, service, "configs", mounts, volumes, documents, Report);
        Files(name, service, "secrets", mounts, volumes, documents, Report);
        if (mounts.Count > 0)
        {
            container["volumeMounts"] = mounts;
        }

        if (service["healthcheck"] is JsonObject health && Probe(health, Report) is { } probe)
        {
            container["readinessProbe"] = probe;
            Report("healthcheck", FidelityItem.Changed, "a readinessProbe: a failing check takes the pod out of its Service (and --wait waits for it); nothing restarts it, as in compose", At("healthcheck"));
        }

        if (service["user"] is { } user)
        {
            var text = user.ToString();
            var parts = text.Split(':');
            if (parts.All(p => long.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _)) && parts.Length <= 2)
            {
                var context = new JsonObject { ["runAsUser"] = long.Parse(parts[0], CultureInfo.InvariantCulture) };
                if (parts.Length == 2)
                {
                    context["runAsGroup"] = long.Parse(parts[1], CultureInfo.InvariantCulture);
                }

                container["securityContext"] = context;
            }
            else
            {
                Report("user", FidelityItem.Dropped, "Kubernetes takes a numeric user id (runAsUser), not a name", At("user"));
            }
        }

        var pod = new JsonObject { ["containers"] = new JsonArray(container) };
        if (service["stop_grace_period"]?.ToString() is { } grace && GoDuration.Parse(grace) is { } graceTime)
        {
            pod["terminationGracePeriodSeconds"] = (long)Math.Ceiling(graceTime.TotalSeconds);
        }

        if (volumes.Count > 0)
        {
            pod["volumes"] = volumes;
        }

        var labels = new JsonObject { [Selector] = k8s };
        var metadata = new JsonObject { ["name"] = k8s, ["labels"] = labels.DeepClone() };
        if (service["labels"] is not null)
        {
            var annotations = new JsonObject();
            foreach (var (key, value) in project.EnvironmentMap(service, "labels"))
            {
                annotations[key] = value is null ? "" : Template(value.ToString(), out _);
            }

            metadata["annotations"] = annotations;
            Report("labels", FidelityItem.Changed, "annotations of the workload (label values are too restricted in Kubernetes)", At("labels"));
        }

        var restart = service["restart"]?.ToString();
        if (oneShot)
        {
            pod["restartPolicy"] = "OnFailure";
            documents.Insert(0, new JsonObject
            {
                ["apiVersion"] = "batch/v1",
                ["kind"] = "Job",
                ["metadata"] = metadata,
                ["spec"] = new JsonObject
                {
                    ["backoffLimit"] = 6,
                    ["template"] = new JsonObject { ["metadata"] = new JsonObject { ["labels"] = labels.DeepClone() }, ["spec"] = pod },
                },
            });
            Report("", FidelityItem.Changed, "a Job (other services wait for it to complete): its pod template cannot change on upgrade, stop the release first", project.Locations.Of(service));
        }
        else
        {
            if (restart is "no" or "on-failure" || restart?.StartsWith("on-failure:", StringComparison.Ordinal) == true || restart is null)
            {
                Report("restart", FidelityItem.Changed, $"a Deployment always restarts its pods (compose: {restart ?? "no, the default"})", At("restart"));
            }

            var spec = new JsonObject
            {
                ["replicas"] = Replicas(service, Report),
                ["selector"] = new JsonObject { ["matchLabels"] = labels.DeepClone() },
            };
            if (pod["volumes"] is JsonArray podVolumes && podVolumes.Any(v => v?["persistentVolumeClaim"] is not null))
            {
                spec["strategy"] = new JsonObject { ["type"] = "Recreate" };
            }

            spec["template"] = new JsonObject { ["metadata"] = new JsonObject { ["labels"] = labels.DeepClone() }, ["spec"] = pod };
            documents.Insert(0, new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = "Deployment", ["metadata"] = metadata, ["spec"] = spec });
        }

        if (ports.Count > 0)
        {
            documents.Insert(1, new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Service",
                ["metadata"] = new JsonObject { ["name"] = k8s, ["labels"] = labels.DeepClone() },
                ["spec"] = new JsonObject { ["selector"] = labels.DeepClone(), ["ports"] = ports },
            });
        }
        else
        {
            Report("", FidelityItem.Changed, $"it has no ports (nor expose): no Service, so other pods cannot reach it by the name {k8s}", project.Locations.Of(service));
        }

        if (service["depends_on"] is not null)
        {
            Report("depends_on", FidelityItem.Changed, "graph order: with --wait the component starts once the ones before it are ready", At("depends_on"));
        }

        if (service["profiles"] is not null)
        {
            Report("profiles", FidelityItem.Dropped, "the service always runs on Kubernetes", At("profiles"));
        }

        if (service["networks"] is not null)
        {
            Report("networks", FidelityItem.Dropped, "pods reach each other through Services: network aliases and isolation are not kept", At("networks"));
        }

        if (service["build"] is not null)
        {
            Report("build", FidelityItem.Dropped, $"images are not built: the param {DockerArtifact.ImageParam(name)} names the image", At("build"));
        }

        return documents;
    }

    private JsonNode Replicas(JsonObject service, Action<string, string, string, SourceLocation?> report)
    {
        var value = service["deploy"]?["replicas"] ?? service["scale"];
        foreach (var (key, _) in service["deploy"] as JsonObject ?? [])
        {
            if (key != "replicas")
            {
                report($"deploy.{key}", FidelityItem.Dropped, "only deploy.replicas is imported", project.Locations.OfKey((JsonObject)service["deploy"]!, key));
            }
        }

        return value is null ? 1 : Value(value, "deploy.replicas", report, typed: true);
    }

    /// <summary>A compose value for a manifest field: a lone reference to a typed field stays unquoted, so it takes the param's type.</summary>
    private JsonNode Value(JsonNode node, string key, Action<string, string, string, SourceLocation?> report, bool typed = false, SourceLocation? at = null)
    {
        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
        {
            return node.DeepClone();
        }

        var text = v.GetValue<string>();
        var converted = Template(text, out var changed);
        if (changed)
        {
            report(key, FidelityItem.Changed, "${VAR:+alternate} cannot be said with params: the alternate is written", at ?? project.Locations.Of(node));
        }

        if (typed)
        {
            if (ComposeTemplate.References(text) is [var only] && !changed && (text == "$" + only.Name || text.StartsWith("${" + only.Name, StringComparison.Ordinal) && text.EndsWith('}')))
            {
                return ImportYaml.Plain("${" + only.Name + "}");
            }

            if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            {
                return number;
            }
        }

        return converted;
    }

    private JsonArray? Words(JsonObject service, string key, Action<string, string, string, SourceLocation?> report)
    {
        switch (service[key])
        {
            case null:
                return null;
            case JsonArray list:
                return new JsonArray(list.Select(w => (JsonNode?)JsonValue.Create(Template(w?.ToString() ?? "", out _))).ToArray());
            case var value:
                try
                {
                    return new JsonArray(ComposeModel.ShellWords(value.ToString()).Select(w => (JsonNode?)JsonValue.Create(Template(w, out _))).ToArray());
                }
                catch (FormatException e)
                {
                    throw new NuleculeException($"services.{key}: {e.Message}", project.Locations.Of(value));
                }
        }
    }

    private void Environment(string name, string k8s, JsonObject service, JsonObject container, List<JsonNode> documents, Action<string, string, string, SourceLocation?> report)
    {
        var environment = project.EnvironmentMap(service);
        if (environment.Count == 0)
        {
            return;
        }

        var plain = new JsonObject();
        var secret = new JsonObject();
        foreach (var (key, value) in environment)
        {
            var text = value?.ToString() ?? "";
            var refs = text.Contains('$', StringComparison.Ordinal) ? ComposeTemplate.References(text) : [];
            var isSecret = ImportParams.LooksSecret(key) || refs.Any(r => hidden.Contains(r.Name));
            (isSecret ? secret : plain)[key] = Value(JsonValue.Create(text), $"environment.{key}", report, at: project.Locations.OfKey(environment, key));
        }

        var from = new JsonArray();
        if (plain.Count > 0)
        {
            documents.Add((JsonNode)new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "ConfigMap",
                ["metadata"] = new JsonObject { ["name"] = k8s + "-env" },
                ["data"] = plain,
            });
            from.Add((JsonNode)new JsonObject { ["configMapRef"] = new JsonObject { ["name"] = k8s + "-env" } });
        }

        if (secret.Count > 0)
        {
            documents.Add((JsonNode)new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Secret",
                ["metadata"] = new JsonObject { ["name"] = k8s + "-env" },
                ["type"] = "Opaque",
                ["stringData"] = secret,
            });
            from.Add((JsonNode)new JsonObject { ["secretRef"] = new JsonObject { ["name"] = k8s + "-env" } });
        }

        container["envFrom"] = from;
        if (secret.Count > 0)
        {
            report("environment", FidelityItem.Changed, $"{string.Join(", ", secret.Select(p => p.Key))} come{(secret.Count == 1 ? "s" : "")} from the Secret {k8s}-env{(plain.Count > 0 ? $", the others from the ConfigMap {k8s}-env" : "")}",
                project.Locations.OfKey(service, "environment"));
        }

        _ = name;
    }

    private JsonArray Ports(JsonObject service, JsonObject container, Action<string, string, string, SourceLocation?> report)
    {
        var servicePorts = new JsonArray();
        var containerPorts = new JsonArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(JsonNode target, string protocol)
        {
            var key = target.ToJsonString() + "/" + protocol;
            if (!seen.Add(key))
            {
                return;
            }

            var portName = $"p{servicePorts.Count}-{protocol}";
            containerPorts.Add((JsonNode)new JsonObject { ["containerPort"] = target.DeepClone(), ["protocol"] = protocol.ToUpperInvariant() });
            servicePorts.Add((JsonNode)new JsonObject { ["name"] = portName, ["port"] = target.DeepClone(), ["targetPort"] = target.DeepClone(), ["protocol"] = protocol.ToUpperInvariant() });
        }

        foreach (var port in service["ports"] as JsonArray ?? [])
        {
            var at = project.Locations.Of(port);
            if (port is JsonObject o)
            {
                if (o["target"] is { } target)
                {
                    Add(Value(target, "ports[].target", report, typed: true), o["protocol"]?.ToString() ?? "tcp");
                }

                if (o["published"] is not null)
                {
                    report("ports[]", FidelityItem.Changed, "the host port is not published: the Service serves the container port inside the cluster (kubectl port-forward, or a NodePort by hand)", at);
                }

                continue;
            }

            var text = port!.ToString();
            var protocol = "tcp";
            if (text.LastIndexOf('/') is var slash and >= 0)
            {
                protocol = text[(slash + 1)..];
                text = text[..slash];
            }

            var container_ = text[(text.LastIndexOf(':') + 1)..];
            if (container_.Contains('-', StringComparison.Ordinal) || container_.Contains('$', StringComparison.Ordinal) && ComposeTemplate.References(container_).Count != 1)
            {
                report("ports[]", FidelityItem.Dropped, $"'{port}': a port range (or a computed port) is not imported", at);
                continue;
            }

            Add(Value(JsonValue.Create(container_)!, "ports[]", report, typed: true, at: at), protocol);
            if (text.Contains(':', StringComparison.Ordinal))
            {
                report("ports[]", FidelityItem.Changed, $"'{port}': the host port is not published: the Service serves the container port inside the cluster (kubectl port-forward, or a NodePort by hand)", at);
            }
        }

        foreach (var expose in service["expose"] as JsonArray ?? [])
        {
            var text = expose!.ToString();
            var protocol = text.Contains('/', StringComparison.Ordinal) ? text[(text.IndexOf('/', StringComparison.Ordinal) + 1)..] : "tcp";
            var number = text.Split('/')[0];
            if (number.Contains('-', StringComparison.Ordinal))
            {
                report("expose[]", FidelityItem.Dropped, $"'{text}': a port range is not imported", project.Locations.Of(expose));
                continue;
            }

            Add(Value(JsonValue.Create(number)!, "expose[]", report, typed: true), protocol);
        }

        if (containerPorts.Count > 0)
        {
            container["ports"] = containerPorts;
        }

        return servicePorts;
    }

    private void Volumes(string name, JsonObject service, JsonArray mounts, JsonArray volumes, List<JsonNode> documents, Action<string, string, string, SourceLocation?> report)
    {
        var n = 0;
        foreach (var volume in service["volumes"] as JsonArray ?? [])
        {
            var at = project.Locations.Of(volume);
            string type;
            string? source;
            string target;
            bool readOnly;
            if (volume is JsonObject o)
            {
                type = o["type"]?.ToString() ?? "volume";
                source = o["source"]?.ToString();
                target = o["target"]?.ToString() ?? "";
                readOnly = o["read_only"] is JsonValue r && r.GetValueKind() == JsonValueKind.True;
            }
            else
            {
                var parts = volume!.ToString().Split(':');
                source = parts.Length > 1 ? parts[0] : null;
                target = parts.Length > 1 ? parts[1] : parts[0];
                readOnly = parts.Length > 2 && parts[2].Split(',').Contains("ro");
                type = source is null ? "volume" : source.StartsWith('.') || source.StartsWith('/') || source.StartsWith('~') ? "bind" : "volume";
            }

            var volumeName = $"v{n++}";
            JsonObject podVolume;
            if (type == "volume" && source is { Length: > 0 } && !source.Contains('$', StringComparison.Ordinal))
            {
                var claim = Name(source);
                podVolume = new JsonObject { ["name"] = volumeName, ["persistentVolumeClaim"] = new JsonObject { ["claimName"] = claim } };
                if (_emitted.Add("pvc/" + claim))
                {
                    documents.Add((JsonNode)new JsonObject
                    {
                        ["apiVersion"] = "v1",
                        ["kind"] = "PersistentVolumeClaim",
                        ["metadata"] = new JsonObject { ["name"] = claim },
                        ["spec"] = new JsonObject
                        {
                            ["accessModes"] = new JsonArray("ReadWriteOnce"),
                            ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["storage"] = "1Gi" } },
                        },
                    });
                    fidelity.Add(new(ImportTargets.Kubernetes, $"volumes.{source}", FidelityItem.Changed,
                        "a PersistentVolumeClaim of 1Gi, ReadWriteOnce (compose gives no size); the cluster needs a volume (or a provisioner) for it", project.Locations.OfKey(project.Document["volumes"] as JsonObject ?? [], source)));
                }
            }
            else if (type == "volume" || type == "tmpfs")
            {
                podVolume = new JsonObject { ["name"] = volumeName, ["emptyDir"] = type == "tmpfs" ? new JsonObject { ["medium"] = "Memory" } : new JsonObject() };
                if (type == "volume")
                {
                    report("volumes[]", FidelityItem.Changed, $"'{target}': an anonymous volume becomes an emptyDir (it lives as long as the pod)", at);
                }
            }
            else
            {
                report("volumes[]", FidelityItem.Dropped, $"the {type} mount of {source} at {target}: the host's files are not on the cluster's nodes", at);
                continue;
            }

            volumes.Add((JsonNode)podVolume);
            var mount = new JsonObject { ["name"] = volumeName, ["mountPath"] = Template(target, out _) };
            if (readOnly)
            {
                mount["readOnly"] = true;
            }

            mounts.Add((JsonNode)mount);
        }

        _ = name;
    }

    /// <summary>Configs as ConfigMaps, secrets as Secrets, each mounted as the one file compose puts it at.</summary>
    private void Files(string name, JsonObject service, string section, JsonArray mounts, JsonArray volumes, List<JsonNode> documents, Action<string, string, string, SourceLocation?> report)
    {
        foreach (var reference in service[section] as JsonArray ?? [])
        {
            var source = reference is JsonObject o ? o["source"]!.ToString() : reference!.ToString();
            foreach (var (key, _) in reference as JsonObject ?? [])
            {
                if (key is not ("source" or "target"))
                {
                    report($"{section}[].{key}", FidelityItem.Dropped,
                        "only source and target are kept: the file is mounted with Kubernetes' default mode (0644), owned by root", project.Locations.OfKey((JsonObject)reference!, key));
                }
            }

            var target = reference is JsonObject t && t["target"] is { } tt ? tt.ToString() : source;
            var path = target.StartsWith('/') ? target : section == "secrets" ? $"/run/secrets/{target}" : $"/{target}";
            var spec = project.Document[section]?[source] as JsonObject ?? [];
            var objectName = Name(source);
            var isSecret = section == "secrets";
            if (spec["external"] is JsonValue e && e.GetValueKind() == JsonValueKind.True)
            {
                objectName = Name(spec["name"]?.ToString() ?? source);
                report($"{section}.{source}", FidelityItem.Changed, $"external: the {(isSecret ? "Secret" : "ConfigMap")} {objectName} must exist in the namespace (key content)", project.Locations.Of(reference));
            }
            else if (_emitted.Add(section + "/" + objectName))
            {
                JsonNode content;
                if (spec["file"]?.ToString() is { } file)
                {
                    var full = Path.GetFullPath(Path.Combine(project.DirectoryOf(spec), file));
                    var text = TextFile.Read(full);
                    content = isSecret ? Convert.ToBase64String(Encoding.UTF8.GetBytes(text)) : Literal(text);
                }
                else if (spec["environment"]?.ToString() is { } variable)
                {
                    content = "${" + variable + "}";
                }
                else
                {
                    content = Value(spec["content"] ?? "", $"{section}.{source}.content", report);
                }

                var fromFile = isSecret && spec["file"] is not null;
                documents.Add((JsonNode)new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = isSecret ? "Secret" : "ConfigMap",
                    ["metadata"] = new JsonObject { ["name"] = objectName },
                    [isSecret ? (fromFile ? "data" : "stringData") : "data"] = new JsonObject { ["content"] = content },
                });
                if (fromFile)
                {
                    report($"{section}.{source}", FidelityItem.Changed, "the file's content is in the Secret manifest (base64, not encrypted): keep the app directory private", project.Locations.Of(reference));
                }
            }

            var volumeName = $"{(isSecret ? "s" : "c")}{volumes.Count}";
            volumes.Add((JsonNode)new JsonObject
            {
                ["name"] = volumeName,
                [isSecret ? "secret" : "configMap"] = isSecret ? new JsonObject { ["secretName"] = objectName } : new JsonObject { ["name"] = objectName },
            });
            mounts.Add((JsonNode)new JsonObject { ["name"] = volumeName, ["mountPath"] = path, ["subPath"] = "content", ["readOnly"] = true });
        }

        _ = name;
    }

    private JsonObject? Probe(JsonObject health, Action<string, string, string, SourceLocation?> report)
    {
        if (health["disable"] is JsonValue d && d.GetValueKind() == JsonValueKind.True)
        {
            return null;
        }

        string[]? command = health["test"] switch
        {
            JsonArray list when list.Count > 0 && list[0]?.ToString() == "CMD" => list.Skip(1).Select(x => Template(x?.ToString() ?? "", out _)).ToArray(),
            JsonArray list when list.Count > 1 && list[0]?.ToString() == "CMD-SHELL" => ["sh", "-c", Template(list[1]?.ToString() ?? "", out _)],
            JsonValue v when v.GetValueKind() == JsonValueKind.String => ["sh", "-c", Template(v.GetValue<string>(), out _)],
            _ => null,
        };
        if (command is null)
        {
            return null;
        }

        var probe = new JsonObject { ["exec"] = new JsonObject { ["command"] = new JsonArray(command.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray()) } };
        foreach (var (key, field) in new[] { ("interval", "periodSeconds"), ("timeout", "timeoutSeconds"), ("start_period", "initialDelaySeconds") })
        {
            if (health[key]?.ToString() is not { } text)
            {
                continue;
            }

            if (GoDuration.Parse(text) is { } time)
            {
                probe[field] = Math.Max(key == "start_period" ? 0 : 1, (long)Math.Ceiling(time.TotalSeconds));
            }
            else
            {
                report($"healthcheck.{key}", FidelityItem.Dropped, $"'{text}' is not a fixed duration: Kubernetes' default is used", project.Locations.Of(health[key]));
            }
        }

        if (health["retries"] is { } retries)
        {
            probe["failureThreshold"] = Value(retries, "healthcheck.retries", report, typed: true);
        }

        if (health["start_period"] is not null)
        {
            report("healthcheck.start_period", FidelityItem.Changed, "initialDelaySeconds: no check runs before it (compose runs them, not counting failures)", project.Locations.Of(health["start_period"]));
        }

        if (health["start_interval"] is not null)
        {
            report("healthcheck.start_interval", FidelityItem.Dropped, "Kubernetes has no faster checks while starting", project.Locations.Of(health["start_interval"]));
        }

        return probe;
    }

    [GeneratedRegex("\u0002([_A-Za-z][_A-Za-z0-9]*)\u0003")]
    private static partial Regex Marker();

    [GeneratedRegex("[^a-z0-9-]+")]
    private static partial Regex NotDnsChars();
}
