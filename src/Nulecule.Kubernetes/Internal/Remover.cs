using System.Net;
using System.Text.Json.Nodes;
using Nulecule.Providers;

namespace Nulecule.Kubernetes.Internal;

/// <summary>
/// Deletes objects and waits until they are gone: workloads and kinds it does not know with
/// foreground propagation (the object stays until what it owns, pods included, is gone), kinds
/// that own nothing to wait for in the background (<see cref="Propagation"/>). The DELETEs go out
/// side by side, at most <see cref="Applier.Concurrency"/> at once, in the apply's steps reversed
/// (<see cref="ParallelApply.Step(string)"/>): workloads first, then what they refer to, then
/// Namespaces and CustomResourceDefinitions one by one. The wait reads one labelled list per kind
/// and namespace where several objects of it are waited for, one GET where one is.
/// </summary>
internal sealed class Remover
{
    /// <summary>A message names at most this many objects per list and counts the rest.</summary>
    internal const int NamesShown = 10;

    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestPause = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Kinds (by API group) that own nothing <c>stop</c> waits for: no controller makes objects
    /// with an ownerReference to them that must be gone before the release is, so deleting them
    /// in the background removes them at once instead of waiting for the garbage collector to take
    /// a foregroundDeletion finalizer off each (a few objects a second on a busy cluster). A
    /// Service's EndpointSlices (owned by it) and a ServiceAccount's token Secrets are removed by
    /// their controllers afterwards; neither is an object of the release. Every other kind,
    /// workloads (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob,
    /// ReplicationController, Pod, OpenShift's DeploymentConfig and BuildConfig), Namespaces,
    /// CustomResourceDefinitions and custom resources an operator may own things through, is
    /// deleted in the foreground.
    /// </summary>
    private static readonly HashSet<(string Group, string Kind)> OwnNothing =
    [
        ("", "ConfigMap"), ("", "Secret"), ("", "Service"), ("", "Endpoints"), ("", "ServiceAccount"),
        ("", "PersistentVolumeClaim"), ("", "PersistentVolume"), ("", "LimitRange"), ("", "ResourceQuota"), ("", "PodTemplate"),
        ("networking.k8s.io", "Ingress"), ("networking.k8s.io", "IngressClass"), ("networking.k8s.io", "NetworkPolicy"),
        ("extensions", "Ingress"), ("extensions", "NetworkPolicy"),
        ("discovery.k8s.io", "EndpointSlice"),
        ("policy", "PodDisruptionBudget"), ("policy", "PodSecurityPolicy"),
        ("autoscaling", "HorizontalPodAutoscaler"),
        ("rbac.authorization.k8s.io", "Role"), ("rbac.authorization.k8s.io", "RoleBinding"),
        ("rbac.authorization.k8s.io", "ClusterRole"), ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
        ("storage.k8s.io", "StorageClass"), ("scheduling.k8s.io", "PriorityClass"),
        ("route.openshift.io", "Route"),
    ];

    private readonly KubeApi _api;
    private readonly SemaphoreSlim? _requests;

    /// <param name="requests">Shared by removers working side by side: each DELETE and each read of
    /// the wait holds one of its slots while in flight (a wait between reads holds none).</param>
    public Remover(KubeApi api, SemaphoreSlim? requests = null)
    {
        _api = api;
        _requests = requests;
    }

    private enum Outcome
    {
        NotSent,
        Accepted,
        AlreadyGone,
        Refused,

        /// <summary>The server went away while the DELETE was in flight: it may or may not have been accepted.</summary>
        NoAnswer,

        /// <summary>No connection could be made: the DELETE never reached a server.</summary>
        NotReached,
    }

    /// <summary>
    /// Deletes <paramref name="objects"/>; returns those whose deletion was accepted (all gone by
    /// then). Throws when they outlive <paramref name="deadline"/>, or when the server refuses or
    /// stops answering: the message then says what was deleted, what was not seen to finish and
    /// what was not deleted, so nobody is told "removed" for what is still there.
    /// </summary>
    /// <param name="later">Objects the caller would delete afterwards (the next components): listed as not deleted when this fails.</param>
    public async Task<List<LiveObject>> DeleteAsync(IReadOnlyList<LiveObject> objects, DateTimeOffset deadline, IReporter reporter, CancellationToken cancellationToken, IReadOnlyList<LiveObject>? later = null)
    {
        later ??= [];
        var outcomes = new Outcome[objects.Count];
        var errors = new Exception?[objects.Count];
        await SendAllAsync(objects, outcomes, errors, reporter, cancellationToken);

        // A refusal says more than a lost answer: it is reported when there are both.
        var failed = Enumerable.Range(0, objects.Count).Where(i => outcomes[i] == Outcome.Refused)
            .Concat(Enumerable.Range(0, objects.Count).Where(i => outcomes[i] is Outcome.NoAnswer or Outcome.NotReached))
            .Select(i => (int?)i).FirstOrDefault();
        if (failed is { } index)
        {
            var item = objects[index];
            var left = Left(objects, outcomes, later);
            throw outcomes[index] == Outcome.Refused
                ? new OperationFailedException($"cannot delete {Named(item)}: {errors[index]!.Message}{left}", errors[index])
                : new OperationFailedException($"{errors[index]!.Message} while deleting {Named(item)}{left}; run stop again once it answers", errors[index]);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var accepted = objects.Where((_, i) => outcomes[i] == Outcome.Accepted).ToList();
        await WaitGoneAsync(accepted, deadline, later, cancellationToken);
        return accepted;
    }

    /// <summary>
    /// Sends the DELETEs step by step. A failure or an interruption stops new DELETEs; those in
    /// flight get their answer (sent without the caller's token), so each outcome is known.
    /// </summary>
    private async Task SendAllAsync(IReadOnlyList<LiveObject> objects, Outcome[] outcomes, Exception?[] errors, IReporter reporter, CancellationToken cancellationToken)
    {
        var stopped = 0;
        var steps = Enumerable.Range(0, objects.Count).GroupBy(i => ParallelApply.Step(objects[i].Kind)).OrderByDescending(g => g.Key);
        foreach (var step in steps)
        {
            var bound = new ParallelOptions { MaxDegreeOfParallelism = step.Key == 0 ? 1 : Applier.Concurrency };
            await Parallel.ForEachAsync(step, bound, async (i, _) =>
            {
                if (Volatile.Read(ref stopped) != 0 || !await EnterAsync(cancellationToken))
                {
                    return;
                }

                try
                {
                    // A failure beside it or an interruption may have come while this one waited for a slot.
                    if (Volatile.Read(ref stopped) != 0 || cancellationToken.IsCancellationRequested)
                    {
                        return;
                    }

                    (outcomes[i], errors[i]) = await DeleteOneAsync(objects[i]);
                }
                finally
                {
                    _requests?.Release();
                }

                if (outcomes[i] is Outcome.Refused or Outcome.NoAnswer or Outcome.NotReached)
                {
                    Interlocked.Exchange(ref stopped, 1);
                }
            });

            foreach (var i in step.Where(i => outcomes[i] == Outcome.Accepted))
            {
                reporter.Detail($"deleting {objects[i].Display}");
            }

            if (stopped != 0 || cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Takes a request slot; false when interrupted before one was free.</summary>
    private async Task<bool> EnterAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        if (_requests is null)
        {
            return true;
        }

        try
        {
            await _requests.WaitAsync(cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>The DELETE's propagationPolicy for objects of <paramref name="resource"/>: "Background" for <see cref="OwnNothing"/>, else "Foreground".</summary>
    internal static string Propagation(ApiResource resource) =>
        OwnNothing.Contains((resource.Group, resource.Kind)) ? "Background" : "Foreground";

    private async Task<(Outcome, Exception?)> DeleteOneAsync(LiveObject item)
    {
        var options = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "DeleteOptions", ["propagationPolicy"] = Propagation(item.Resource) };
        try
        {
            await _api.SendAsync(HttpMethod.Delete, item.Path, options, "application/json", CancellationToken.None);
            return (Outcome.Accepted, null);
        }
        catch (KubeApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return (Outcome.AlreadyGone, null);
        }
        catch (KubeApiException e)
        {
            return (Outcome.Refused, e);
        }
        catch (OperationFailedException e) when (KubeApi.IsUnreachable(e))
        {
            return (NeverConnected(e) ? Outcome.NotReached : Outcome.NoAnswer, e);
        }
    }

    /// <summary>The connection itself failed (refused, no route): nothing of the request was sent.</summary>
    private static bool NeverConnected(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads again, first at once and then less and less often, until every object is gone.</summary>
    private async Task WaitGoneAsync(List<LiveObject> accepted, DateTimeOffset deadline, IReadOnlyList<LiveObject> later, CancellationToken cancellationToken)
    {
        var remaining = accepted;
        var pause = FirstPause;
        while (remaining.Count > 0)
        {
            remaining = await StillPresentAsync(remaining, later, cancellationToken);
            if (remaining.Count == 0)
            {
                break;
            }

            if (DateTimeOffset.UtcNow >= deadline)
            {
                throw new OperationFailedException(
                    $"still present after the timeout: {Names(remaining)} "
                    + "(deletion is under way; finalizers or terminating pods may hold it; run stop again or raise --timeout)"
                    + (later.Count > 0 ? $"; not deleted: {Names(later)}" : ""));
            }

            await Task.Delay(pause, cancellationToken);
            pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
        }
    }

    /// <summary>Which of <paramref name="waited"/> the server still has: kind by kind (and namespace), side by side.</summary>
    private async Task<List<LiveObject>> StillPresentAsync(List<LiveObject> waited, IReadOnlyList<LiveObject> later, CancellationToken cancellationToken)
    {
        var groups = waited.GroupBy(o => o.Resource.CollectionPath(o.Namespace), StringComparer.Ordinal).ToList();
        var present = new HashSet<LiveObject>[groups.Count];
        var errors = new OperationFailedException?[groups.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, groups.Count), new ParallelOptions { MaxDegreeOfParallelism = Applier.Concurrency }, async (g, _) =>
        {
            if (_requests is not null)
            {
                await _requests.WaitAsync(cancellationToken);
            }

            try
            {
                present[g] = await PresentOfKindAsync(groups[g].ToList(), cancellationToken);
            }
            catch (OperationFailedException e) when (KubeApi.IsUnreachable(e))
            {
                errors[g] = e;
            }
            finally
            {
                _requests?.Release();
            }
        });

        cancellationToken.ThrowIfCancellationRequested();
        // Not seen gone: still listed, or of a kind the server did not answer for.
        var still = new HashSet<LiveObject>();
        for (var g = 0; g < groups.Count; g++)
        {
            still.UnionWith(errors[g] is null ? present[g] : groups[g]);
        }

        var ordered = waited.Where(still.Contains).ToList();
        var failed = Array.FindIndex(errors, e => e is not null);
        if (failed >= 0)
        {
            throw new OperationFailedException(
                $"{errors[failed]!.Message} while waiting for {Named(groups[failed].First())} to be gone; its deletion was accepted, but not seen to finish for: {Names(ordered)}"
                + (later.Count > 0 ? $"; not deleted: {Names(later)}" : "")
                + "; run stop again once it answers", errors[failed]);
        }

        return ordered;
    }

    /// <summary>
    /// Which objects of one kind and namespace are still there: one list by the labels they share
    /// (in pages) when there are several and they can be listed, else a GET each. An object is the
    /// one deleted only if its uid matches: one made again under the same name is not waited for.
    /// </summary>
    private async Task<HashSet<LiveObject>> PresentOfKindAsync(List<LiveObject> group, CancellationToken cancellationToken)
    {
        var first = group[0];
        if (group.Count > 1 && first.Resource.Verbs.Contains("list") && SharedSelector(group) is { } selector)
        {
            var listed = await ListAsync(first.Resource.CollectionPath(first.Namespace), selector, cancellationToken);
            if (listed is not null)
            {
                return group.Where(o => listed.Contains(Identity(o.Body))).ToHashSet();
            }
        }

        var present = new HashSet<LiveObject>();
        foreach (var item in group)
        {
            if (await _api.GetAsync(item.Path, cancellationToken) is { } live && Identity(live) == Identity(item.Body))
            {
                present.Add(item);
            }
        }

        return present;
    }

    /// <summary>The identities of every object the selector matches; null when the server does not let this user list them.</summary>
    private async Task<HashSet<string>?> ListAsync(string collection, string selector, CancellationToken cancellationToken) =>
        await _api.ListAllAsync(collection, Selectors.Query(selector), cancellationToken) is { } items
            ? items.Select(Identity).ToHashSet(StringComparer.Ordinal)
            : null;

    /// <summary>The uid (name when there is none): what tells the object deleted from one made again since.</summary>
    private static string Identity(JsonNode body) => (string?)body["metadata"]?["uid"] ?? "name:" + (string?)body["metadata"]?["name"];

    /// <summary>The release and component labels the objects all carry: the list then returns theirs, not the namespace's.</summary>
    private static string? SharedSelector(List<LiveObject> group)
    {
        var parts = new List<string>();
        foreach (var key in new[] { Labels.Release, Labels.Component })
        {
            var values = group.Select(o => o.Label(key)).Distinct(StringComparer.Ordinal).ToList();
            if (values is [{ } value])
            {
                parts.Add($"{key}={value}");
            }
            else if (key == Labels.Release)
            {
                return null;
            }
        }

        return string.Join(',', parts);
    }

    /// <summary>`Deployment ns/web (component web)`: the object and the component it belongs to.</summary>
    private static string Named(LiveObject item) =>
        item.Component.Length > 0 ? $"{item.Display} (component {item.Component})" : item.Display;

    /// <summary>`A, B, C`; past <see cref="NamesShown"/>, the first ones and how many more.</summary>
    internal static string Names(IReadOnlyCollection<LiveObject> objects) =>
        objects.Count <= NamesShown
            ? string.Join(", ", objects.Select(o => o.Display))
            : $"{string.Join(", ", objects.Take(NamesShown).Select(o => o.Display))} and {objects.Count - NamesShown} more ({objects.Count} in all)";

    /// <summary>What a failed removal did and did not do.</summary>
    private static string Left(IReadOnlyList<LiveObject> objects, Outcome[] outcomes, IReadOnlyList<LiveObject> later)
    {
        var deleted = objects.Where((_, i) => outcomes[i] == Outcome.Accepted).ToList();
        var unknown = objects.Where((_, i) => outcomes[i] == Outcome.NoAnswer).ToList();
        var kept = objects.Where((_, i) => outcomes[i] is Outcome.NotSent or Outcome.Refused or Outcome.NotReached).Concat(later).ToList();
        return (deleted.Count > 0 ? $"; deleted: {Names(deleted)}" : "; nothing was deleted")
            + (unknown.Count > 0 ? $"; sent but not seen to finish: {Names(unknown)}" : "")
            + (kept.Count > 0 ? $"; not deleted: {Names(kept)}" : "");
    }
}
