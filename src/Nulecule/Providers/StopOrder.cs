using System.Text.Json.Nodes;

namespace Nulecule.Providers;

/// <summary>
/// What one component of a release has on the engine and what its objects say, as
/// <see cref="StopOrder"/> reads them: <see cref="Holds"/> the names others can reach it by
/// (Kubernetes: its objects' names; Docker: its containers' names, network aliases and ids, the
/// volumes it mounts), <see cref="Says"/> the words of what it was made with (Kubernetes: every
/// string outside metadata and status; Docker: environment values, command, entrypoint, links,
/// volumes-from, `--network container:X`, extra hosts; labels never).
/// </summary>
/// <param name="RelatedToEvery">It holds something every other component may live in or be an
/// instance of (a Kubernetes Namespace or CustomResourceDefinition).</param>
public sealed record StopReferences(IReadOnlySet<string> Holds, IReadOnlySet<string> Says, bool RelatedToEvery = false);

/// <summary>
/// Which components of a release `stop` must have removed before it touches another, on every
/// engine. A Nulecule graph is a list: it orders components but names no edges, so two components
/// are taken to depend on each other when what one says names something the other holds as a
/// whole word (<c>DB_HOST=mariadb</c>, <c>http://api.shop.svc:8080</c>), or when either is
/// <see cref="StopReferences.RelatedToEvery"/>; the graph order then says which goes first (the
/// later one, as stop has always done). A false match only keeps two components in graph order;
/// components related to nothing stop side by side.
/// </summary>
public static class StopOrder
{
    /// <summary>
    /// For each component of <paramref name="components"/>, listed in stop order (reverse graph
    /// order: index 0 goes first), the earlier-listed components it is related to: they must be
    /// gone before it is touched.
    /// </summary>
    public static int[][] Prerequisites(IReadOnlyList<StopReferences> components)
    {
        var count = components.Count;
        var related = new bool[count, count];

        // Who holds each name, then whose words name it.
        var holders = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var c = 0; c < count; c++)
        {
            foreach (var name in components[c].Holds.Where(n => n.Length > 0))
            {
                (holders.TryGetValue(name, out var list) ? list : holders[name] = []).Add(c);
            }
        }

        for (var c = 0; c < count; c++)
        {
            foreach (var word in components[c].Says)
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
            prerequisites[c] = Enumerable.Range(0, c)
                .Where(before => components[c].RelatedToEvery || components[before].RelatedToEvery || related[c, before])
                .ToArray();
        }

        return prerequisites;
    }

    /// <summary>
    /// Every word of every string under <paramref name="node"/> that could be an object's name
    /// (<see cref="Words"/> with DNS names' characters).
    /// </summary>
    public static void CollectNames(JsonNode? node, ISet<string> into)
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

    /// <summary>
    /// The runs of name characters in <paramref name="text"/>, and of each run its dot-separated
    /// prefixes, so that <c>mariadb.shop.svc.cluster.local</c> also yields <c>mariadb</c> and
    /// <c>mariadb.shop</c>. Name characters are ASCII letters, digits, <c>-</c> and <c>.</c> (a
    /// Kubernetes name, a DNS name), and with <paramref name="underscore"/> also <c>_</c> (a
    /// Docker container name or alias may hold one, so <c>db_1</c> is one word there). A name is
    /// compared exactly, case included.
    /// </summary>
    public static void Words(string text, ISet<string> into, bool underscore = false)
    {
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inName = i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '-' or '.' || (underscore && text[i] == '_'));
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
}
