using System.Text.Json.Nodes;
using Nulecule.Providers;

namespace Nulecule.Kubernetes.Internal;

internal static class Selectors
{
    public static string Release(string release) =>
        $"{Labels.ManagedBy}={Labels.ManagedByValue},{Labels.Release}={LabelValue.From(release)}";

    public static string PodsOf(string release, string? component) =>
        component is null
            ? $"{Labels.Release}={LabelValue.From(release)}"
            : $"{Labels.Release}={LabelValue.From(release)},{Labels.Component}={LabelValue.From(component)}";

    /// <summary>The label selector of a workload's pods, or null when it has none we can express.</summary>
    public static string? OfWorkload(JsonObject workload)
    {
        var selector = workload["spec"]?["selector"];
        if (selector is not JsonObject map)
        {
            return null;
        }

        var parts = new List<string>();
        var matchLabels = map["matchLabels"] as JsonObject;
        var isStructured = matchLabels is not null || map["matchExpressions"] is not null;
        foreach (var (key, value) in isStructured ? matchLabels ?? [] : map)
        {
            parts.Add($"{key}={(string?)value}");
        }

        foreach (var expression in (map["matchExpressions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var key = (string?)expression["key"];
            var values = string.Join(',', (expression["values"] as JsonArray ?? []).Select(v => (string?)v));
            parts.Add(((string?)expression["operator"]) switch
            {
                "In" => $"{key} in ({values})",
                "NotIn" => $"{key} notin ({values})",
                "Exists" => $"{key}",
                "DoesNotExist" => $"!{key}",
                _ => "",
            });
        }

        return parts.Count == 0 ? null : string.Join(',', parts.Where(p => p.Length > 0));
    }

    public static string Query(string selector) => "labelSelector=" + Uri.EscapeDataString(selector);
}
