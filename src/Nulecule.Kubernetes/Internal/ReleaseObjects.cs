using System.Text.Json.Nodes;

namespace Nulecule.Kubernetes.Internal;

/// <summary>
/// Finds what a release owns on the cluster by its labels, across every discovered kind:
/// the objects nulecule applied (labelled managed-by), not what controllers made from them.
/// </summary>
internal static class ReleaseObjects
{
    // Copies of our labels made by controllers, not objects we applied.
    private static readonly HashSet<string> Ignored = new(StringComparer.Ordinal) { "Endpoints", "EndpointSlice", "Event" };

    /// <summary>
    /// The release's objects (by <paramref name="selector"/>) of every kind the server serves, or
    /// of the <paramref name="kinds"/> named (in every group that serves them: the release's record
    /// knows kinds, not groups); <paramref name="fresh"/>: the kinds asked of the server now, never
    /// from the discovery kept on disk (`stop` must not miss a kind served since);
    /// <paramref name="metadataOnly"/>: the caller reads their metadata alone.
    /// </summary>
    public static async Task<List<LiveObject>> FindAsync(KubeApi api, Discovery discovery, string ns, string selector, CancellationToken cancellationToken, bool fresh = false, IReadOnlySet<string>? kinds = null, bool metadataOnly = false)
    {
        var resources = (await discovery.AllAsync(cancellationToken, fromDisk: !fresh)).Where(r => kinds is null || kinds.Contains(r.Kind));
        return await InAsync(api, resources, ns, selector, cancellationToken, metadataOnly);
    }

    /// <summary>
    /// The release's objects (by <paramref name="selector"/>) of these kinds: one list per kind, side by side;
    /// <paramref name="metadataOnly"/>: the caller reads their metadata alone (<see cref="Answer.ItemsMetadata"/>).
    /// </summary>
    public static async Task<List<LiveObject>> InAsync(KubeApi api, IEnumerable<ApiResource> kinds, string ns, string selector, CancellationToken cancellationToken, bool metadataOnly = false)
    {
        var resources = kinds.Where(r => !Ignored.Contains(r.Kind)).DistinctBy(r => r.CollectionPath(ns), StringComparer.Ordinal).ToList();
        var lists = await Task.WhenAll(resources.Select(async r =>
        {
            var list = await api.GetAsync($"{r.CollectionPath(ns)}?{Selectors.Query(selector)}", cancellationToken, metadataOnly ? Answer.ItemsMetadata : Answer.Whole);
            return (list?["items"] as JsonArray ?? []).OfType<JsonObject>().Select(o => new LiveObject(r, o)).ToList();
        }));

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var found = new List<LiveObject>();
        foreach (var item in lists.SelectMany(l => l))
        {
            var uid = (string?)item.Body["metadata"]?["uid"] ?? item.Path;
            if (item.Body["metadata"]?["ownerReferences"] is JsonArray { Count: > 0 } || !seen.Add(uid))
            {
                continue;
            }

            // A cluster-scoped object belongs to the release of the namespace it was applied from.
            if (!item.Resource.Namespaced && item.Annotation(ManifestPlanner.NamespaceAnnotation) != ns)
            {
                continue;
            }

            found.Add(item);
        }

        return found.OrderBy(o => o.Order).ToList();
    }

    public static async Task<List<JsonObject>> PodsAsync(KubeApi api, string ns, string selector, CancellationToken cancellationToken)
    {
        var list = await api.GetAsync($"/api/v1/namespaces/{Uri.EscapeDataString(ns)}/pods?{Selectors.Query(selector)}", cancellationToken);
        return (list?["items"] as JsonArray ?? []).OfType<JsonObject>().ToList();
    }
}
