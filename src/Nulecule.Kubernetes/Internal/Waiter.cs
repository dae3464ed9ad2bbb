using System.Text;
using System.Text.Json.Nodes;
using Nulecule.Providers;

namespace Nulecule.Kubernetes.Internal;

/// <summary>
/// Waits until applied workloads are ready, judged by their status; fails fast on reasons that
/// will not fix themselves (ErrImageNeverPull, CrashLoopBackOff ...) and explains a failure with
/// the pod's reason, its events and the last log lines of the failing container.
/// PVCs are not waited for: with no provisioner (or WaitForFirstConsumer) a claim stays Pending
/// until a pod needs it, and a pod held up by an unbound claim reports that itself.
/// </summary>
internal sealed class Waiter
{
    private const int LogLines = 20;
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    private readonly KubeApi _api;
    private readonly SecretMasker _masker;
    private readonly IReporter _reporter;

    /// <summary>The object being looked at, for the message when the API server stops answering.</summary>
    private AppliedObject? _looking;

    public Waiter(KubeApi api, SecretMasker masker, IReporter reporter)
    {
        _api = api;
        _masker = masker;
        _reporter = reporter;
    }

    public async Task WaitAsync(IReadOnlyList<AppliedObject> objects, DateTimeOffset deadline, TimeSpan timeout, CancellationToken cancellationToken)
    {
        _looking = null;
        try
        {
            await WaitForAllAsync(objects, deadline, timeout, cancellationToken);
        }
        catch (OperationFailedException e) when (KubeApi.IsUnreachable(e) && _looking is { } item)
        {
            // The API server went away while we waited: say for what, so the message names the component.
            throw new OperationFailedException(_masker.Mask($"component {item.Planned.Component}: waiting for {item.Live.Display} to be ready: {e.Message}"), e);
        }
    }

    private async Task WaitForAllAsync(IReadOnlyList<AppliedObject> objects, DateTimeOffset deadline, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var pending = objects.Where(o => ReadinessJudge.WaitedKinds.Contains(o.Live.Kind)).ToList();
        var last = new Dictionary<AppliedObject, string>();
        // What each was when last read: the apply's answer holds its metadata alone.
        var read = new Dictionary<AppliedObject, JsonObject>();
        while (pending.Count > 0)
        {
            foreach (var item in pending.ToList())
            {
                _looking = item;
                var live = await _api.GetAsync(item.Live.Path, cancellationToken) as JsonObject;
                if (live is null)
                {
                    throw Fail(item, "it disappeared while waiting for it (deleted by someone else?)");
                }

                read[item] = live;
                var readiness = ReadinessJudge.Judge(item.Live.Kind, live) ?? Readiness.Ready("present");
                last[item] = readiness.Summary;
                if (readiness.State == ReadyState.Ready)
                {
                    _reporter.Detail(_masker.Mask($"{item.Live.Display} ready: {readiness.Summary}"));
                    pending.Remove(item);
                    continue;
                }

                var pods = await PodsOfAsync(item.Live with { Body = live }, cancellationToken);
                var podsReady = pods.Count(p => ReadinessJudge.Pod(p).State == ReadyState.Ready);
                _reporter.Progress(new ProgressEvent(item.Planned.Component, ProgressState.Waiting)
                {
                    Object = item.Live.Display,
                    Detail = _masker.Mask(readiness.Summary + (pods.Count == 0 || item.Live.Kind == "Pod" ? "" : $", ready {podsReady}/{pods.Count} pods")),
                });
                if (readiness.State == ReadyState.Failed)
                {
                    var failing = pods.FirstOrDefault(p => ReadinessJudge.Pod(p).State == ReadyState.Failed) ?? pods.FirstOrDefault();
                    throw Fail(item, readiness.Summary + (failing is null ? "" : await DiagnoseAsync(failing, cancellationToken)));
                }

                var failed = pods.FirstOrDefault(p => ReadinessJudge.Pod(p).State == ReadyState.Failed);
                if (failed is not null && item.Live.Kind != "Job")
                {
                    throw Fail(item, $"{readiness.Summary}; pod {PodName(failed)}: {ReadinessJudge.Pod(failed).Summary}{await DiagnoseAsync(failed, cancellationToken)}");
                }
            }

            if (pending.Count == 0)
            {
                return;
            }

            if (DateTimeOffset.UtcNow >= deadline)
            {
                var first = pending[0];
                _looking = first;
                var pods = await PodsOfAsync(first.Live with { Body = read[first] }, cancellationToken);
                var notReady = pods.FirstOrDefault(p => ReadinessJudge.Pod(p).State != ReadyState.Ready);
                var detail = notReady is null ? "" : $"; pod {PodName(notReady)}: {ReadinessJudge.Pod(notReady).Summary}{await DiagnoseAsync(notReady, cancellationToken)}";
                var others = pending.Count > 1 ? $" (also not ready: {string.Join(", ", pending.Skip(1).Select(p => p.Live.Display))})" : "";
                throw Fail(first, $"not ready after {timeout.TotalSeconds:0}s: {last.GetValueOrDefault(first)}{detail}{others}", "raise --timeout if it is only slow");
            }

            await Task.Delay(Poll, cancellationToken);
        }
    }

    private OperationFailedException Fail(AppliedObject item, string reason, string? hint = null) =>
        new(_masker.Mask($"component {item.Planned.Component}: {item.Live.Display}: {reason}{(hint is null ? "" : $"\n  ({hint})")}"));

    private async Task<List<JsonObject>> PodsOfAsync(LiveObject workload, CancellationToken cancellationToken)
    {
        if (workload.Kind == "Pod")
        {
            return [workload.Body];
        }

        var selector = Selectors.OfWorkload(workload.Body);
        if (selector is null || workload.Namespace is null)
        {
            return [];
        }

        var ns = Uri.EscapeDataString(workload.Namespace);
        var list = await _api.GetAsync($"/api/v1/namespaces/{ns}/pods?{Selectors.Query(selector)}", cancellationToken);
        var pods = (list?["items"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        if (workload.Kind != "Deployment")
        {
            return pods;
        }

        // Only the pods of the Deployment's current ReplicaSet count: a broken pod of a rollout
        // that was abandoned (a failed upgrade rolled back) is being replaced, not waited for.
        const string RevisionAnnotation = "deployment.kubernetes.io/revision";
        if ((long?)workload.Body["status"]?["observedGeneration"] < (long?)workload.Body["metadata"]?["generation"])
        {
            return []; // the controller has not picked the current ReplicaSet yet: nothing to judge
        }

        var revision = (string?)workload.Body["metadata"]?["annotations"]?[RevisionAnnotation];
        if (revision is null)
        {
            return pods;
        }

        var sets = await _api.GetAsync($"/apis/apps/v1/namespaces/{ns}/replicasets?{Selectors.Query(selector)}", cancellationToken);
        var current = (sets?["items"] as JsonArray ?? []).OfType<JsonObject>()
            .FirstOrDefault(rs => (string?)rs["metadata"]?["annotations"]?[RevisionAnnotation] == revision);
        var hash = (string?)current?["metadata"]?["labels"]?["pod-template-hash"];
        return hash is null ? pods : pods.Where(p => (string?)p["metadata"]?["labels"]?["pod-template-hash"] == hash).ToList();
    }

    private static string PodName(JsonObject pod) => (string?)pod["metadata"]?["name"] ?? "";

    /// <summary>Events of the pod and the last log lines of its failing (or first) container, indented.</summary>
    internal async Task<string> DiagnoseAsync(JsonObject pod, CancellationToken cancellationToken)
    {
        var ns = (string?)pod["metadata"]?["namespace"] ?? "default";
        var name = PodName(pod);
        var text = new StringBuilder();
        var uid = (string?)pod["metadata"]?["uid"];
        var events = await _api.GetAsync($"/api/v1/namespaces/{Uri.EscapeDataString(ns)}/events?fieldSelector={Uri.EscapeDataString($"involvedObject.uid={uid}")}", cancellationToken);
        var lines = (events?["items"] as JsonArray ?? []).OfType<JsonObject>()
            .OrderBy(e => (string?)e["lastTimestamp"] ?? (string?)e["eventTime"] ?? "", StringComparer.Ordinal)
            .Select(e => $"{(string?)e["type"]} {(string?)e["reason"]}: {(string?)e["message"]}{((int?)e["count"] > 1 ? $" (x{(int?)e["count"]})" : "")}")
            .TakeLast(10).ToList();
        if (lines.Count > 0)
        {
            text.Append($"\n  events of pod {name}:");
            foreach (var line in lines)
            {
                text.Append("\n    ").Append(line);
            }
        }

        var statuses = (pod["status"]?["containerStatuses"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var container = statuses.FirstOrDefault(c => (int?)c["restartCount"] > 0 || c["state"]?["terminated"] is not null) ?? statuses.FirstOrDefault(c => c["state"]?["running"] is not null);
        if (container is not null)
        {
            var containerName = (string?)container["name"] ?? "";
            var previous = container["state"]?["terminated"] is null && (int?)container["restartCount"] > 0;
            var log = await TailAsync(ns, name, containerName, previous, cancellationToken);
            if (log.Count > 0)
            {
                text.Append($"\n  last log lines of container {containerName}{(previous ? " (previous run)" : "")}:");
                foreach (var line in log)
                {
                    text.Append("\n    ").Append(line);
                }
            }
        }

        return text.ToString();
    }

    private async Task<List<string>> TailAsync(string ns, string pod, string container, bool previous, CancellationToken cancellationToken)
    {
        try
        {
            var path = $"/api/v1/namespaces/{Uri.EscapeDataString(ns)}/pods/{Uri.EscapeDataString(pod)}/log?container={Uri.EscapeDataString(container)}&tailLines={LogLines}{(previous ? "&previous=true" : "")}";
            using var response = await _api.StreamAsync(path, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            return text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).TakeLast(LogLines).ToList();
        }
        catch (KubeApiException)
        {
            // No logs yet (container never started): the reason and events already say why.
            return [];
        }
    }
}
