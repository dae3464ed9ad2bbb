using Nulecule.Providers;

namespace Nulecule.Kubernetes.Internal;

/// <summary>
/// What a component's live objects hold and say for <see cref="StopOrder"/>, the rule `stop`
/// follows on every engine: it holds its objects' names; it says every string of its objects
/// outside metadata and status (a volume's ConfigMap, Secret or claim, a ServiceAccount, an
/// Ingress backend, a Service host name in an environment value or a config file, a
/// RoleBinding's Role, a scale target); a component holding a Namespace or a
/// CustomResourceDefinition, which what others hold may live in or be an instance of, is
/// related to every other.
/// </summary>
internal static class LiveStopOrder
{
    /// <summary><see cref="StopOrder.Prerequisites"/> of components listed in stop order (reverse graph order).</summary>
    public static int[][] Prerequisites(IReadOnlyList<IReadOnlyList<LiveObject>> components) =>
        StopOrder.Prerequisites(components.Select(References).ToList());

    public static StopReferences References(IReadOnlyList<LiveObject> component)
    {
        var holds = component.Select(o => o.Name).Where(n => n.Length > 0).ToHashSet(StringComparer.Ordinal);
        var says = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in component)
        {
            foreach (var (key, value) in item.Body)
            {
                if (key is not ("metadata" or "status" or "apiVersion" or "kind"))
                {
                    StopOrder.CollectNames(value, says);
                }
            }
        }

        return new StopReferences(holds, says, RelatedToEvery: component.Any(o => ParallelApply.Step(o.Kind) == 0));
    }
}
