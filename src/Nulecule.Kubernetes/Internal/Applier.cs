using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Nulecule.Providers;

namespace Nulecule.Kubernetes.Internal;

/// <summary>An object after server-side apply (or its plan, in a dry run).</summary>
internal sealed record AppliedObject(PlannedObject Planned, LiveObject Live, ObjectAction Action, string Hash);

/// <summary>
/// Applies planned objects with server-side apply (fieldManager=nulecule), so a second run
/// converges instead of answering 409, and a removed field is removed from the object.
/// </summary>
internal sealed class Applier
{
    public const string FieldManager = "nulecule";
    private static readonly TimeSpan CrdWait = TimeSpan.FromSeconds(30);
    private readonly KubeApi _api;
    private readonly Discovery _discovery;
    private readonly string _namespace;
    private readonly bool _force;
    private readonly SecretMasker _masker;
    private bool _crdApplied;

    /// <summary>How many requests the preflight and the apply have in flight at once.</summary>
    public const int Concurrency = 8;

    /// <summary>Objects as the preflight read them (path -> object, null: absent), so apply does not read them again.</summary>
    private readonly ConcurrentDictionary<string, JsonObject?> _live = new(StringComparer.Ordinal);

    public Applier(KubeApi api, Discovery discovery, string ns, bool force, SecretMasker masker)
    {
        _api = api;
        _discovery = discovery;
        _namespace = ns;
        _force = force;
        _masker = masker;
    }

    public static string HashWithoutRevision(JsonObject body)
    {
        var copy = (JsonObject)body.DeepClone();
        (copy["metadata"]?["labels"] as JsonObject)?.Remove(Labels.Revision);
        (copy["metadata"]?["annotations"] as JsonObject)?.Remove(Labels.ConfigHash);
        return Hash(copy);
    }

    public static string Hash(JsonObject body) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body.ToJsonString())));

    public async Task<ApiResource> ResolveAsync(PlannedObject item, CancellationToken cancellationToken)
    {
        var resource = await _discovery.FindAsync(item.ApiVersion, item.Kind, cancellationToken);
        var started = DateTimeOffset.UtcNow;

        // A CRD applied earlier in this run needs a moment before the server serves its kinds.
        while (resource is null && _crdApplied && DateTimeOffset.UtcNow - started < CrdWait)
        {
            await Task.Delay(500, cancellationToken);
            _discovery.Invalidate(item.ApiVersion);
            resource = await _discovery.FindAsync(item.ApiVersion, item.Kind, cancellationToken);
        }

        return resource ?? throw new OperationFailedException(
            $"component {item.Component}: {item.Source}: the server does not serve kind {item.Kind} in apiVersion {item.ApiVersion} " +
            "(check the apiVersion against the cluster's version, or install the CustomResourceDefinition that defines it)");
    }

    /// <summary>
    /// Before anything is applied: every object must sit in the release namespace (so `stop`,
    /// which looks there, finds it) and must not exist already as another release's or as an
    /// object nulecule did not create, unless <paramref name="takeOwnership"/>. Every conflict is
    /// reported at once and nothing is changed.
    /// </summary>
    public async Task PreflightAsync(IReadOnlyList<PlannedObject> planned, string release, bool takeOwnership, CancellationToken cancellationToken)
    {
        var conflicts = new List<string>();
        var definesKinds = planned.Any(p => p.Kind == "CustomResourceDefinition");
        var targets = new List<(PlannedObject Item, ApiResource Resource, string? Namespace)>();
        foreach (var item in planned)
        {
            ApiResource resource;
            try
            {
                resource = await ResolveAsync(item, cancellationToken);
            }
            catch (OperationFailedException e) when (definesKinds && !KubeApi.IsUnreachable(e))
            {
                // A kind the app's own CustomResourceDefinition defines: it cannot exist yet.
                continue;
            }
            catch (OperationFailedException e) when (KubeApi.IsUnreachable(e))
            {
                throw NoAnswer(item, e, "nothing was changed");
            }

            var ns = resource.Namespaced ? item.Namespace ?? _namespace : null;
            if (ns is not null && ns != _namespace)
            {
                conflicts.Add($"component {item.Component}: {item.Kind} {ns}/{item.Name} ({item.Source}) is in namespace '{ns}', outside the release namespace '{_namespace}', where `stop` would not find it: "
                    + $"remove metadata.namespace from the artifact, or deploy the release with -n {ns}");
                continue;
            }

            targets.Add((item, resource, ns));
        }

        // What exists already: one list per kind (and namespace) the plan has several objects of,
        // one read for the others; side by side. 200 objects of 3 kinds: 3 requests, not 200.
        // Their metadata alone: the owner's label here, and the config hash and resourceVersion
        // when applying are all that is read of them (an object left unchanged is reported by its
        // kind and name; waiting reads it again).
        var groups = targets.GroupBy(t => t.Resource.CollectionPath(t.Namespace)).ToList();
        await Parallel.ForEachAsync(groups, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken }, async (group, ct) =>
        {
            var first = group.First();
            try
            {
                var listed = group.Count() > 1 && first.Resource.Verbs.Contains("list") ? await ListAsync(first.Resource, first.Namespace, ct) : null;
                foreach (var (item, resource, ns) in group)
                {
                    var path = resource.ObjectPath(ns, item.Name);
                    _live[path] = listed is null ? await _api.GetAsync(path, ct, Answer.Metadata) as JsonObject : listed.GetValueOrDefault(item.Name);
                }
            }
            catch (OperationFailedException e) when (KubeApi.IsUnreachable(e))
            {
                throw NoAnswer(first.Item, e, "nothing was changed");
            }
        });

        foreach (var (item, resource, ns) in targets)
        {
            var live = _live[resource.ObjectPath(ns, item.Name)];
            if (live is null || takeOwnership)
            {
                continue;
            }

            var owner = (string?)live["metadata"]?["labels"]?[Labels.Release];
            if (owner != release)
            {
                conflicts.Add($"component {item.Component}: {item.Kind} {(ns is null ? item.Name : $"{ns}/{item.Name}")} ({item.Source}) already exists and belongs to "
                    + (owner is null ? "no release (nulecule did not create it)" : $"release '{owner}'"));
            }
        }

        if (conflicts.Count > 0)
        {
            throw new OperationFailedException(_masker.Mask(
                string.Join(Environment.NewLine, conflicts) + Environment.NewLine
                + "nothing was changed; choose another release name or namespace, stop the other release, or pass --take-ownership to adopt these objects"));
        }
    }

    /// <summary>
    /// The metadata of every object of one kind in <paramref name="ns"/>, by name, read in pages;
    /// null when the server does not let this user list them (each is then read on its own).
    /// </summary>
    private async Task<Dictionary<string, JsonObject>?> ListAsync(ApiResource resource, string? ns, CancellationToken cancellationToken)
    {
        if (await _api.ListAllAsync(resource.CollectionPath(ns), "", cancellationToken, metadataOnly: true) is not { } items)
        {
            return null;
        }

        var byName = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if ((string?)item["metadata"]?["name"] is { } name)
            {
                // Whole list items come without their own apiVersion and kind, metadata items as
                // PartialObjectMetadata: named as the object's kind either way.
                item["apiVersion"] = resource.ApiVersion;
                item["kind"] = resource.Kind;
                byName[name] = item;
            }
        }

        return byName;
    }

    public async Task<AppliedObject> ApplyAsync(PlannedObject item, bool dryRun, List<string> plan, CancellationToken cancellationToken)
    {
        try
        {
            return await ApplyOneAsync(item, dryRun, plan, cancellationToken);
        }
        catch (OperationFailedException e) when (KubeApi.IsUnreachable(e))
        {
            throw NoAnswer(item, e, null);
        }
    }

    /// <summary>
    /// The API server stopped answering while <paramref name="item"/> was being worked on: the
    /// message names the component, the object and its source (after the server, from <paramref name="e"/>).
    /// </summary>
    private OperationFailedException NoAnswer(PlannedObject item, OperationFailedException e, string? outcome) =>
        new(_masker.Mask($"component {item.Component}: {item.Describe} ({item.Source}): {e.Message}{(outcome is null ? "" : "; " + outcome)}"), e);

    private async Task<AppliedObject> ApplyOneAsync(PlannedObject item, bool dryRun, List<string> plan, CancellationToken cancellationToken)
    {
        var resource = await ResolveAsync(item, cancellationToken);
        var body = item.Body;
        string? ns = null;
        if (resource.Namespaced)
        {
            // The artifact's own namespace wins; only objects without one go to the release namespace.
            ns = item.Namespace ?? _namespace;
        }
        else if (body["metadata"] is JsonObject metadata)
        {
            metadata.Remove("namespace");
        }

        // The hash leaves out the revision label, so a new revision alone changes nothing.
        var hash = HashWithoutRevision(body);
        ((JsonObject)body["metadata"]!)["annotations"]![Labels.ConfigHash] = hash;
        var path = resource.ObjectPath(ns, item.Name);
        var where = ns is null ? item.Name : $"{ns}/{item.Name}";
        if (dryRun)
        {
            plan.Add(_masker.Mask($"PATCH {resource.Display} {where} (server-side apply)"));
            return new AppliedObject(item, new LiveObject(resource, body), ObjectAction.Planned, hash);
        }

        var before = _live.TryRemove(path, out var read) ? read : await _api.GetAsync(path, cancellationToken, Answer.Metadata);
        if ((string?)before?["metadata"]?["annotations"]?[Labels.ConfigHash] == hash && before is JsonObject unchanged && !_force)
        {
            // What we applied last time is what we would apply now: leave the object alone, so
            // its resourceVersion, generation and pods stay as they are.
            return new AppliedObject(item, new LiveObject(resource, unchanged), ObjectAction.Unchanged, hash);
        }

        var query = $"?fieldManager={FieldManager}&force={(_force ? "true" : "false")}";
        JsonNode after;
        try
        {
            // Only the answer's metadata is read (its resourceVersion; name, uid and labels for a
            // clean-up): the server need not encode the whole object, nor this process parse it.
            after = await _api.SendAsync(HttpMethod.Patch, path + query, body, "application/apply-patch+yaml", cancellationToken, Answer.Metadata);
        }
        catch (KubeApiException e)
        {
            throw new OperationFailedException(_masker.Mask(Explain(item, resource, where, e)), e);
        }

        if (item.Kind == "CustomResourceDefinition")
        {
            _crdApplied = true;
        }

        var beforeVersion = (string?)before?["metadata"]?["resourceVersion"];
        var afterVersion = (string?)after["metadata"]?["resourceVersion"];
        var action = before is null ? ObjectAction.Created : beforeVersion == afterVersion ? ObjectAction.Unchanged : ObjectAction.Updated;
        return new AppliedObject(item, new LiveObject(resource, after as JsonObject ?? body), action, hash);
    }

    private static string Explain(PlannedObject item, ApiResource resource, string where, KubeApiException e)
    {
        var head = $"component {item.Component}: {item.Kind} {where} ({item.Source})";
        if (e.StatusCode == HttpStatusCode.Conflict)
        {
            var fields = e.Causes.Select(c => c.Field is null ? c.Message : $"{c.Field} ({c.Message})").ToList();
            return $"{head}: server-side apply conflict: fields owned by another manager: {string.Join("; ", fields)} " +
                   "(another tool changed them; run again with --force-conflicts to take them over, or remove them from the artifact)";
        }

        if (e.StatusCode == HttpStatusCode.NotFound && resource.Namespaced)
        {
            return $"{head}: {e.Message} (does namespace '{where.Split('/')[0]}' exist? create it, or set namespace in the answers)";
        }

        if (e.Causes.Count > 0)
        {
            var causes = string.Join("; ", e.Causes.Select(c => c.Field is null ? c.Message : $"{c.Field}: {c.Message}"));
            return $"{head}: rejected by the server ({e.Reason}): {causes}";
        }

        return $"{head}: {e.Message}";
    }
}
