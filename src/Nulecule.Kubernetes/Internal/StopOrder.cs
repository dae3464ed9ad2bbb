using System.Text.Json.Nodes;

namespace Nulecule.Kubernetes.Internal;

/// <summary>
/// Which components of a release `stop` must have removed before it touches another. A Nulecule
/// graph is a list: it orders components but names no edges, so two components are taken to
/// depend on each other when their objects say so, and the graph order then says which goes
/// first (the later one, as stop has always done). Related are two components when
/// <list type="bullet">
/// <item>a string anywhere in one's objects (outside metadata and status) names an object of the
/// other: a volume's ConfigMap, Secret or claim, a ServiceAccount, an Ingress backend, a Service
/// host name in an environment value or a config file (<c>DB_HOST=mariadb</c>,
/// <c>http://api.shop.svc:8080</c>), a RoleBinding's Role, a scale target;</item>
/// <item>or either holds a Namespace or a CustomResourceDefinition, which what others hold may
/// live in or be an instance of: such a component is related to every other.</item>
/// </list>
/// A false match only keeps two components in graph order; components related to nothing stop
/// side by side.
/// </summary>
internal static class StopOrder
{
    /// <summary>
    /// For each component of <paramref name="components"/>, listed in stop order (reverse graph
    /// order: index 0 goes first), the earlier-listed components it is related to: they must be
    /// gone before it is touched.
    /// </summary>
    public static int[][] Prerequisites(IReadOnlyList<IReadOnlyList<LiveObject>> components)
    {
        var count = components.Count;
        var related = new bool[count, count];
        var everyone = components.Select(c => c.Any(o => ParallelApply.Step(o.Kind) == 0)).ToArray();

        // Who holds an object of each name, then whose strings name it.
        var holders = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var c = 0; c < count; c++)
        {
            foreach (var name in components[c].Select(o => o.Name).Where(n => n.Length > 0).Distinct(StringComparer.Ordinal))
            {
                (holders.TryGetValue(name, out var list) ? list : holders[name] = []).Add(c);
            }
        }

        for (var c = 0; c < count; c++)
        {
            var words = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in components[c])
            {
                foreach (var (key, value) in item.Body)
                {
                    if (key is not ("metadata" or "status" or "apiVersion" or "kind"))
                    {
                        CollectNames(value, words);
                    }
                }
            }

            foreach (var word in words)
            {
                foreach (var other in holders.GetValueOrDefault(word) ?? [])
                {
                    related[c, other] = related[other, c] = true;
                }
            }
        }

        var prerequisites = new int[count][];
        for (var c = 0; c < count; c++)
        {
            prerequisites[c] = Enumerable.Range(0, c).Where(before => everyone[c] || everyone[before] || related[c, before]).ToArray();
        }

        return prerequisites;
    }

    /// <summary>
    /// The components in the waves a stop with no bound and equal durations would take them:
    /// each wave holds those whose prerequisites are all in earlier waves (for `--dry-run` and tests).
    /// </summary>
    public static List<List<int>> Waves(int[][] prerequisites)
    {
        var wave = new int[prerequisites.Length];
        var waves = new List<List<int>>();
        for (var c = 0; c < prerequisites.Length; c++)
        {
            wave[c] = prerequisites[c].Length == 0 ? 0 : prerequisites[c].Max(p => wave[p]) + 1;
            if (wave[c] == waves.Count)
            {
                waves.Add([]);
            }

            waves[wave[c]].Add(c);
        }

        return waves;
    }

    /// <summary>
    /// Every word of every string under <paramref name="node"/> that could be an object's name:
    /// the runs of name characters, and of each run its dot-separated prefixes, so that
    /// <c>mariadb.shop.svc.cluster.local</c> also yields <c>mariadb</c> and <c>mariadb.shop</c>.
    /// </summary>
    internal static void CollectNames(JsonNode? node, HashSet<string> into)
    {
        switch (node)
        {
            case JsonObject map:
                foreach (var (_, value) in map)
                {
                    CollectNames(value, into);
                }

                break;
            case JsonArray list:
                foreach (var value in list)
                {
                    CollectNames(value, into);
                }

                break;
            case JsonValue value when value.TryGetValue<string>(out var text):
                Words(text, into);
                break;
        }
    }

    private static void Words(string text, HashSet<string> into)
    {
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inName = i < text.Length && IsNameChar(text[i]);
            if (inName && start < 0)
            {
                start = i;
            }
            else if (!inName && start >= 0)
            {
                var run = text[start..i];
                into.Add(run);
                for (var dot = run.IndexOf('.'); dot > 0; dot = run.IndexOf('.', dot + 1))
                {
                    into.Add(run[..dot]);
                }

                start = -1;
            }
        }
    }

    /// <summary>What an object's name may hold (DNS subdomain), in either case: a name is compared exactly.</summary>
    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.';
}
