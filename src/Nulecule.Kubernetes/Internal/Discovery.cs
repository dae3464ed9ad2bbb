using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Nulecule.Kubernetes.Internal;

/// <summary>
/// Maps apiVersion + kind to the server's resource (plural and scope) through API discovery
/// (/api, /apis, each group-version's resource list). Asked once per operation and kept on disk
/// for a few minutes (<see cref="DiscoveryCache"/>); a kind the kept documents do not name is
/// asked for again before it counts as not served, so a new CustomResourceDefinition is seen at
/// once. Plurals are never guessed. Safe to use from concurrent applies.
/// </summary>
internal sealed class Discovery
{
    private readonly KubeApi _api;
    private readonly DiscoveryCache? _disk;
    private readonly ConcurrentDictionary<string, Task<IReadOnlyList<ApiResource>?>> _byGroupVersion = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _fresh = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string ApiVersion, string Kind), ApiResource> _declared = [];

    public Discovery(KubeApi api, DiscoveryCache? disk = null)
    {
        _api = api;
        _disk = disk;
    }

    /// <summary>The resource serving <paramref name="kind"/> in <paramref name="apiVersion"/>, or null.</summary>
    public async Task<ApiResource?> FindAsync(string apiVersion, string kind, CancellationToken cancellationToken)
    {
        var found = Find(await GroupVersionAsync(apiVersion, cancellationToken), kind);
        if (found is null && !_fresh.ContainsKey(apiVersion))
        {
            // Kept on disk before this run: the server may serve it by now.
            Invalidate(apiVersion);
            found = Find(await GroupVersionAsync(apiVersion, cancellationToken), kind);
        }

        return found ?? _declared.GetValueOrDefault((apiVersion, kind));
    }

    private static ApiResource? Find(IReadOnlyList<ApiResource>? resources, string kind) =>
        resources?.FirstOrDefault(r => string.Equals(r.Kind, kind, StringComparison.Ordinal));

    /// <summary>Forget a group-version (after a CRD was applied, its kinds appear).</summary>
    public void Invalidate(string apiVersion)
    {
        _byGroupVersion.TryRemove(apiVersion, out _);
        _disk?.Remove(PathOf(apiVersion));
    }

    /// <summary>A kind a CRD of the plan will serve: lets a dry run name it before the CRD exists.</summary>
    public void Declare(ApiResource resource) => _declared[(resource.ApiVersion, resource.Kind)] = resource;

    /// <summary>
    /// Every top-level kind that can be listed and deleted, in each group's preferred version
    /// (one version per group, so an object is not seen twice through two versions).
    /// </summary>
    public async Task<IReadOnlyList<ApiResource>> AllAsync(CancellationToken cancellationToken, bool fromDisk = false)
    {
        var versions = new List<string> { "v1" };
        JsonNode? groups = fromDisk && _disk?.Read(GroupsPath) is JsonObject kept ? kept : null;
        if (groups is null)
        {
            groups = await _api.SendAsync(HttpMethod.Get, GroupsPath, null, null, cancellationToken);
            _disk?.Write(GroupsPath, groups);
        }

        foreach (var group in (groups["groups"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var preferred = (string?)group["preferredVersion"]?["groupVersion"];
            if (preferred is not null)
            {
                versions.Add(preferred);
            }
        }

        // Not from disk for `stop` (fromDisk false): a kind served since the documents were kept
        // would be missed, and its objects left behind. The group-versions are asked for side by
        // side: about twenty of them on a plain cluster.
        var lists = await Task.WhenAll(versions.Select(v => GroupVersionAsync(v, cancellationToken, fromDisk)));
        return lists.SelectMany(l => l ?? []).Where(r => r.Verbs.Contains("list") && r.Verbs.Contains("delete")).ToList();
    }

    private const string GroupsPath = "/apis";

    /// <summary>Whether the `/apis` document names <paramref name="apiVersion"/> (the core `v1` is not in it).</summary>
    private static bool Names(JsonObject groups, string apiVersion) =>
        !apiVersion.Contains('/', StringComparison.Ordinal)
        || (groups["groups"] as JsonArray ?? []).OfType<JsonObject>()
            .SelectMany(g => (g["versions"] as JsonArray ?? []).OfType<JsonObject>())
            .Any(v => (string?)v["groupVersion"] == apiVersion);

    /// <summary>`apps/v1` is (apps, v1); the core `v1` is ("", v1).</summary>
    private static (string Group, string Version) Split(string apiVersion)
    {
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? ("", apiVersion) : (apiVersion[..slash], apiVersion[(slash + 1)..]);
    }

    private static string PathOf(string apiVersion)
    {
        var (group, version) = Split(apiVersion);
        return group.Length == 0 ? $"/api/{Uri.EscapeDataString(version)}" : $"/apis/{Uri.EscapeDataString(group)}/{Uri.EscapeDataString(version)}";
    }

    /// <summary>One request per group-version and operation, shared by concurrent callers.</summary>
    private Task<IReadOnlyList<ApiResource>?> GroupVersionAsync(string apiVersion, CancellationToken cancellationToken, bool fromDisk = true)
    {
        if (!fromDisk && _byGroupVersion.TryGetValue(apiVersion, out var known) && !_fresh.ContainsKey(apiVersion))
        {
            _byGroupVersion.TryRemove(new KeyValuePair<string, Task<IReadOnlyList<ApiResource>?>>(apiVersion, known));
        }

        return _byGroupVersion.GetOrAdd(apiVersion, v => LoadAsync(v, fromDisk, cancellationToken));
    }

    private async Task<IReadOnlyList<ApiResource>?> LoadAsync(string apiVersion, bool fromDisk, CancellationToken cancellationToken)
    {
        var (group, version) = Split(apiVersion);
        var path = PathOf(apiVersion);
        var list = fromDisk ? _disk?.Read(path) : null;
        if (list is null)
        {
            try
            {
                list = await _api.GetAsync(path, cancellationToken);
            }
            catch
            {
                // A failed ask is not kept: the next caller asks again.
                _byGroupVersion.TryRemove(apiVersion, out _);
                throw;
            }

            _fresh[apiVersion] = true;
            if (fromDisk && _disk?.Read(GroupsPath) is JsonObject groups && !Names(groups, apiVersion))
            {
                // A group served since the groups were kept: they are out of date.
                _disk.Remove(GroupsPath);
            }

            if (list is not null)
            {
                _disk?.Write(path, list);
            }
        }

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

        return result;
    }
}
