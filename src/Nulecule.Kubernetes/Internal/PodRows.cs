using System.Globalization;
using System.Text.Json.Nodes;
using Nulecule.Providers;

namespace Nulecule.Kubernetes.Internal;

/// <summary>Pods as rows of `nulecule ps`, in `kubectl get pods` words.</summary>
internal static class PodRows
{
    /// <param name="scopes">Component label value to the component's full scope (labels cannot hold `:`).</param>
    public static ProcessRow From(JsonObject pod, IReadOnlyDictionary<string, string> scopes)
    {
        var metadata = pod["metadata"];
        var label = (string?)metadata?["labels"]?[Labels.Component] ?? "";
        var component = (string?)metadata?["annotations"]?[ManifestPlanner.ComponentAnnotation] ?? scopes.GetValueOrDefault(label, label);
        var containers = (pod["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var ports = containers.SelectMany(c => (c["ports"] as JsonArray ?? []).OfType<JsonObject>())
            .Select(p => ((int?)p["hostPort"] is { } host ? $"{host}->" : "") + $"{(int?)p["containerPort"]}/{((string?)p["protocol"] ?? "TCP").ToLowerInvariant()}");
        var created = DateTimeOffset.TryParse((string?)metadata?["creationTimestamp"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : (DateTimeOffset?)null;
        return new ProcessRow(
            (string?)metadata?["labels"]?[Labels.Release] ?? "",
            component,
            "pod",
            (string?)metadata?["name"] ?? "",
            string.Join(",", containers.Select(c => (string?)c["image"] ?? "")),
            State(pod),
            string.Join(", ", ports),
            created);
    }

    /// <summary>`Running 1/1`, `CrashLoopBackOff 0/1`, `Terminating`: the pod's phase or its first container's reason, and ready containers.</summary>
    public static string State(JsonObject pod)
    {
        if (pod["metadata"]?["deletionTimestamp"] is not null)
        {
            return "Terminating";
        }

        var statuses = (pod["status"]?["containerStatuses"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var reason = statuses.Select(s => (string?)s["state"]?["waiting"]?["reason"] ?? (string?)s["state"]?["terminated"]?["reason"]).FirstOrDefault(r => r is not null);
        var phase = reason ?? (string?)pod["status"]?["phase"] ?? "Pending";
        var total = (pod["spec"]?["containers"] as JsonArray)?.Count ?? 0;
        var ready = statuses.Count(s => (bool?)s["ready"] == true);
        return $"{phase} {ready}/{total}";
    }

    /// <summary>The pod's Ready condition is true.</summary>
    public static bool IsReady(JsonObject pod) =>
        (pod["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>()
            .Any(c => (string?)c["type"] == "Ready" && (string?)c["status"] == "True");
}
