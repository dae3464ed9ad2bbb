using System.Text.Json.Nodes;

namespace Nulecule.Kubernetes.Internal;

/// <summary>
/// Gives every container without an `imagePullPolicy` the one the user chose: in a Pod's spec,
/// in the pod template of a workload (`spec.template`), of a CronJob (`spec.jobTemplate.spec.template`)
/// and of a PodTemplate (`template`). A policy the artifact sets itself is kept.
/// </summary>
internal static class PullPolicyDefaults
{
    private static readonly string[] ContainerLists = ["initContainers", "containers"];

    /// <returns>How many containers got the policy.</returns>
    public static int Apply(JsonObject body, string policy)
    {
        var changed = 0;
        foreach (var spec in PodSpecs(body))
        {
            foreach (var list in ContainerLists)
            {
                if (spec[list] is not JsonArray containers)
                {
                    continue;
                }

                foreach (var container in containers.OfType<JsonObject>())
                {
                    if (container["imagePullPolicy"] is null)
                    {
                        container["imagePullPolicy"] = policy;
                        changed++;
                    }
                }
            }
        }

        return changed;
    }

    private static IEnumerable<JsonObject> PodSpecs(JsonObject body)
    {
        var kind = (string?)body["kind"];
        JsonNode?[] candidates = kind switch
        {
            "Pod" => [body["spec"]],
            "PodTemplate" => [body["template"]?["spec"]],
            _ => [body["spec"]?["template"]?["spec"], body["spec"]?["jobTemplate"]?["spec"]?["template"]?["spec"]],
        };
        return candidates.OfType<JsonObject>();
    }
}
