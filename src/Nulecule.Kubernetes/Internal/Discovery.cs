using System.Text.Json.Nodes;

namespace Nulecule.Kubernetes.Internal;

/// <summary>
/// Maps apiVersion + kind to the server's resource (plural and scope) through API discovery
/// (/api, /apis, each group-version's resource list). Cached for the life of one operation;
/// plurals are never guessed.
/// </summary>
internal sealed class Discovery
{
    private readonly KubeApi _api;
    private readonly Dictionary<string, IReadOnlyList<ApiResource>?> _byGroupVersion = new(StringComparer.Ordinal);
    private readonly Dictionary<(string ApiVersion, string Kind), ApiResource> _declared = [];

    public Discovery(KubeApi api)
    {
        _api = api;
    }

    /// <summary>The resource serving <paramref name="kind"/> in <paramref name="apiVersion"/>, or null.</summary>
    public async Task<ApiResource?> FindAsync(string apiVersion, string kind, CancellationToken cancellationToken)
    {
        var resources = await GroupVersionAsync(apiVersion, cancellationToken);
        var found = resources?.FirstOrDefault(r => string.Equals(r.Kind, kind, StringComparison.Ordinal));
        return found ?? _declared.GetValueOrDefault((apiVersion, kind));
    }

    /// <summary>Forget a group-version (after a CRD was applied, its kinds appear).</summary>
    public void Invalidate(string apiVersion) => _byGroupVersion.Remove(apiVersion);

    /// <summary>A kind a CRD of the plan will serve: lets a dry run name it before the CRD exists.</summary>
    public void Declare(ApiResource resource) => _declared[(resource.ApiVersion, resource.Kind)] = resource;

    /// <summary>
    /// Every top-level kind that can be listed and deleted, in each group's preferred version
    /// (one version per group, so an object is not seen twice through two versions).
    /// </summary>
    public async Task<IReadOnlyList<ApiResource>> AllAsync(CancellationToken cancellationToken)
    {
        var versions = new List<string> { "v1" };
        var groups = await _api.SendAsync(HttpMethod.Get, "/apis", null, null, cancellationToken);
        foreach (var group in (groups["groups"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var preferred = (string?)group["preferredVersion"]?["groupVersion"];
            if (preferred is not null)
            {
                versions.Add(preferred);
            }
        }

        var all = new List<ApiResource>();
        foreach (var version in versions)
        {
            var resources = await GroupVersionAsync(version, cancellationToken);
            all.AddRange((resources ?? []).Where(r => r.Verbs.Contains("list") && r.Verbs.Contains("delete")));
        }

        return all;
    }

    private async Task<IReadOnlyList<ApiResource>?> GroupVersionAsync(string apiVersion, CancellationToken cancellationToken)
    {
        if (_byGroupVersion.TryGetValue(apiVersion, out var cached))
        {
            return cached;
        }

        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        var (group, version) = slash < 0 ? ("", apiVersion) : (apiVersion[..slash], apiVersion[(slash + 1)..]);
        var path = group.Length == 0 ? $"/api/{Uri.EscapeDataString(version)}" : $"/apis/{Uri.EscapeDataString(group)}/{Uri.EscapeDataString(version)}";
        var list = await _api.GetAsync(path, cancellationToken);
        IReadOnlyList<ApiResource>? result = null;
        if (list?["resources"] is JsonArray items)
        {
            var names = items.OfType<JsonObject>().Select(r => (string?)r["name"] ?? "").ToHashSet(StringComparer.Ordinal);
            result = items.OfType<JsonObject>()
                .Where(r => ((string?)r["name"])?.Contains('/', StringComparison.Ordinal) == false)
                .Select(r =>
                {
                    var plural = (string)r["name"]!;
                    var verbs = (r["verbs"] as JsonArray ?? []).Select(v => (string?)v ?? "").ToList();
                    return new ApiResource(group, version, (string?)r["kind"] ?? "", plural, (bool?)r["namespaced"] ?? false, verbs, names.Contains(plural + "/scale"));
                })
                .ToList();
        }

        _byGroupVersion[apiVersion] = result;
        return result;
    }
}
