using System.Globalization;
using System.Text.Json.Nodes;
using Nulecule.Providers;
using Nulecule.Spec;
using Nulecule.Templating;

namespace Nulecule.Kubernetes.Internal;

/// <summary>
/// Turns a rendered app into the ordered, labelled list of objects to apply: requirement PVCs
/// first, then components in graph order; inside a component, artifact order except that the
/// kinds others depend on (Namespace, CRD, PVC, ConfigMap, Secret, ServiceAccount) go first.
/// </summary>
internal static class ManifestPlanner
{
    public const string ComponentAnnotation = Labels.Prefix + "component";
    public const string OrderAnnotation = Labels.Prefix + "order";
    public const string SourceAnnotation = Labels.Prefix + "source";
    public const string VolumeAnnotation = Labels.Prefix + "volume";
    public const string NamespaceAnnotation = Labels.Prefix + "namespace";
    public const string RequirementsComponent = "requirements";

    /// <summary>Kinds whose pod template gets the release labels, so pods are found by release.</summary>
    public static readonly IReadOnlySet<string> PodTemplateKinds = new HashSet<string>(StringComparer.Ordinal)
    {
        "Deployment", "ReplicationController", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "DeploymentConfig",
    };

    public static IReadOnlyList<PlannedObject> Plan(
        RenderedApp app,
        string release,
        int revision,
        Func<string, RenderedArtifact, JsonObject, IEnumerable<JsonObject>> expand)
    {
        var appId = app.Root.App.Id;
        var planned = new List<PlannedObject>();
        foreach (var volume in app.Volumes)
        {
            planned.Add(new PlannedObject(RequirementsComponent, volume.Location.ToString(), ClaimFor(volume)) { IsVolumeRequirement = true });
        }

        foreach (var component in app.Components)
        {
            var objects = new List<PlannedObject>();
            foreach (var artifact in component.Artifacts)
            {
                if (artifact.Format is not (ArtifactFormat.Json or ArtifactFormat.Yaml))
                {
                    throw new NuleculeException(
                        $"component {component.Scope}: artifact {artifact.Source} is not a YAML or JSON document",
                        hint: $"the {app.Provider} provider applies Kubernetes objects written in YAML or JSON");
                }

                var index = 0;
                foreach (var document in artifact.Documents)
                {
                    index++;
                    if (document is null)
                    {
                        continue;
                    }

                    if (document is not JsonObject body)
                    {
                        throw new NuleculeException($"component {component.Scope}: document {index} of {artifact.Source} is not an object");
                    }

                    foreach (var item in Flatten(body))
                    {
                        foreach (var expanded in expand(component.Scope, artifact, item))
                        {
                            foreach (var leaf in Flatten(expanded))
                            {
                                Validate(component.Scope, artifact.Source, index, leaf);
                                var copy = (JsonObject)leaf.DeepClone();
                                ServerDefaults.Apply(copy);
                                objects.Add(new PlannedObject(component.Scope, artifact.Source, copy));
                            }
                        }
                    }
                }
            }

            // OrderBy is stable: artifact order is kept inside each priority.
            planned.AddRange(objects.OrderBy(o => Priority(o.Kind)));
        }

        var order = 0;
        foreach (var item in planned)
        {
            Label(item, appId, release, revision, order++);
        }

        return planned;
    }

    /// <summary>`kind: List` (and any `*List` with items) become their items, recursively.</summary>
    public static IEnumerable<JsonObject> Flatten(JsonObject body)
    {
        var kind = (string?)body["kind"] ?? "";
        if (kind.EndsWith("List", StringComparison.Ordinal) && body["items"] is JsonArray items)
        {
            foreach (var item in items.OfType<JsonObject>())
            {
                foreach (var inner in Flatten(item))
                {
                    yield return inner;
                }
            }

            yield break;
        }

        yield return body;
    }

    public static int Priority(string kind) => kind switch
    {
        "Namespace" or "Project" => 0,
        "CustomResourceDefinition" => 1,
        "PersistentVolume" or "StorageClass" => 2,
        "PersistentVolumeClaim" => 3,
        "ConfigMap" or "Secret" => 4,
        "ServiceAccount" => 5,
        "Role" or "ClusterRole" or "RoleBinding" or "ClusterRoleBinding" => 6,
        _ => 10,
    };

    /// <summary>A PVC for a persistentVolume requirement: a plain number is GiB (the spec's unit).</summary>
    public static JsonObject ClaimFor(PersistentVolumeRequirement volume)
    {
        var size = volume.Size.Trim();
        if (decimal.TryParse(size, NumberStyles.Number, CultureInfo.InvariantCulture, out _))
        {
            size += "Gi";
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "PersistentVolumeClaim",
            ["metadata"] = new JsonObject { ["name"] = volume.Name },
            ["spec"] = new JsonObject
            {
                ["accessModes"] = new JsonArray(volume.KubernetesAccessMode),
                ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["storage"] = size } },
            },
        };
    }

    private static void Validate(string component, string source, int index, JsonObject body)
    {
        var where = $"component {component}: {source} (document {index})";
        if (string.IsNullOrEmpty((string?)body["apiVersion"]) || string.IsNullOrEmpty((string?)body["kind"]))
        {
            throw new NuleculeException($"{where}: an object without apiVersion or kind", hint: "every Kubernetes object needs apiVersion and kind");
        }

        if (string.IsNullOrEmpty((string?)body["metadata"]?["name"]))
        {
            var hint = body["metadata"]?["generateName"] is null ? "set metadata.name" : "server-side apply needs metadata.name; generateName is not supported";
            throw new NuleculeException($"{where}: {body["kind"]} without metadata.name", hint: hint);
        }
    }

    private static void Label(PlannedObject item, string appId, string release, int revision, int order)
    {
        var body = item.Body;
        var metadata = Child(body, "metadata");
        var labels = Child(metadata, "labels");
        labels[Labels.ManagedBy] = Labels.ManagedByValue;
        labels[Labels.AppId] = LabelValue.From(appId);
        labels[Labels.Release] = LabelValue.From(release);
        labels[Labels.Revision] = revision.ToString(CultureInfo.InvariantCulture);
        if (!item.IsVolumeRequirement)
        {
            labels[Labels.Component] = LabelValue.From(item.Component);
        }

        var annotations = Child(metadata, "annotations");
        annotations[ComponentAnnotation] = item.Component;
        annotations[OrderAnnotation] = order.ToString(CultureInfo.InvariantCulture);
        annotations[SourceAnnotation] = item.Source;
        if (item.IsVolumeRequirement)
        {
            annotations[VolumeAnnotation] = "true";
        }

        // Pods carry release and component, but not managed-by (so `stop` and `list` see only the
        // objects we applied) and not the revision (a new revision must not restart every pod).
        var template = item.Kind == "CronJob" ? body["spec"]?["jobTemplate"]?["spec"]?["template"] : body["spec"]?["template"];
        if ((PodTemplateKinds.Contains(item.Kind) || item.Kind == "CronJob") && template is JsonObject podTemplate)
        {
            var podLabels = Child(Child(podTemplate, "metadata"), "labels");
            podLabels[Labels.AppId] = LabelValue.From(appId);
            podLabels[Labels.Release] = LabelValue.From(release);
            podLabels[Labels.Component] = LabelValue.From(item.Component);
        }
    }

    private static JsonObject Child(JsonObject parent, string name)
    {
        if (parent[name] is JsonObject existing)
        {
            return existing;
        }

        var created = new JsonObject();
        parent[name] = created;
        return created;
    }
}
