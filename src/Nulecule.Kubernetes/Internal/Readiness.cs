using System.Text.Json.Nodes;

namespace Nulecule.Kubernetes.Internal;

internal enum ReadyState
{
    Ready,
    Waiting,
    Failed,
}

/// <summary>What an object's status says about it: ready, still getting there, or failed (and why).</summary>
internal sealed record Readiness(ReadyState State, string Summary)
{
    public static Readiness Ready(string summary) => new(ReadyState.Ready, summary);

    public static Readiness Waiting(string summary) => new(ReadyState.Waiting, summary);

    public static Readiness Failed(string summary) => new(ReadyState.Failed, summary);
}

/// <summary>Judges objects by their status fields, the way `kubectl rollout status` does.</summary>
internal static class ReadinessJudge
{
    /// <summary>Container waiting reasons that will not fix themselves: fail at once, do not wait for the timeout.</summary>
    public static readonly IReadOnlySet<string> FatalWaitingReasons = new HashSet<string>(StringComparer.Ordinal)
    {
        "ErrImageNeverPull", "ErrImagePull", "ImagePullBackOff", "InvalidImageName", "CrashLoopBackOff",
        "CreateContainerConfigError", "CreateContainerError", "RunContainerError",
    };

    /// <summary>Kinds whose readiness <see cref="Judge"/> knows; the others are ready once applied.</summary>
    public static readonly IReadOnlySet<string> WaitedKinds = new HashSet<string>(StringComparer.Ordinal)
    {
        "Deployment", "ReplicationController", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "Pod", "DeploymentConfig",
    };

    /// <summary>The readiness of an object, or null when its kind has no notion of it.</summary>
    public static Readiness? Judge(string kind, JsonObject obj) => kind switch
    {
        "Pod" => Pod(obj),
        "Deployment" => Deployment(obj),
        "ReplicationController" or "ReplicaSet" => ReplicaSet(obj),
        "StatefulSet" => StatefulSet(obj),
        "DaemonSet" => DaemonSet(obj),
        "Job" => Job(obj),
        "DeploymentConfig" => DeploymentConfig(obj),
        "PersistentVolumeClaim" => Claim(obj),
        _ => null,
    };

    public static Readiness Pod(JsonObject pod)
    {
        var status = pod["status"] as JsonObject ?? [];
        var phase = (string?)status["phase"] ?? "Pending";
        if (phase == "Succeeded")
        {
            return Readiness.Ready("Succeeded");
        }

        foreach (var container in ContainerStatuses(status))
        {
            var name = (string?)container["name"];
            var waiting = container["state"]?["waiting"];
            var reason = (string?)waiting?["reason"];
            if (reason is not null && FatalWaitingReasons.Contains(reason))
            {
                var message = (string?)waiting!["message"];
                var last = container["lastState"]?["terminated"];
                var exit = last is null ? "" : $" (last exit code {(int?)last["exitCode"]}, {(string?)last["reason"]})";
                return Readiness.Failed($"container {name}: {reason}{(message is null ? "" : ": " + message)}{exit}");
            }
        }

        if (phase == "Failed")
        {
            var terminated = ContainerStatuses(status).Select(c => c["state"]?["terminated"]).FirstOrDefault(t => t is not null && (int?)t["exitCode"] != 0);
            var detail = terminated is null
                ? (string?)status["message"] ?? (string?)status["reason"] ?? "pod failed"
                : $"exit code {(int?)terminated["exitCode"]} ({(string?)terminated["reason"]})";
            return Readiness.Failed($"Failed: {detail}");
        }

        var conditions = Conditions(status);
        if (conditions.TryGetValue("Ready", out var ready) && (string?)ready["status"] == "True")
        {
            return Readiness.Ready("Running, ready");
        }

        if (conditions.TryGetValue("PodScheduled", out var scheduled) && (string?)scheduled["status"] == "False")
        {
            return Readiness.Waiting($"not scheduled: {(string?)scheduled["reason"]}: {(string?)scheduled["message"]}");
        }

        var waitingReason = ContainerStatuses(status).Select(c => (string?)c["state"]?["waiting"]?["reason"]).FirstOrDefault(r => r is not null);
        return Readiness.Waiting(waitingReason is null ? $"{phase}, not ready" : $"{phase}: {waitingReason}");
    }

    private static Readiness Deployment(JsonObject obj)
    {
        var status = obj["status"] as JsonObject ?? [];
        if (Conditions(status).TryGetValue("Progressing", out var progressing) && (string?)progressing["reason"] == "ProgressDeadlineExceeded")
        {
            return Readiness.Failed($"progress deadline exceeded: {(string?)progressing["message"]}");
        }

        if (NotObserved(obj, status) is { } pending)
        {
            return pending;
        }

        var want = Replicas(obj);
        var updated = Int(status, "updatedReplicas");
        var total = Int(status, "replicas");
        var available = Int(status, "availableReplicas");
        if (updated < want)
        {
            return Readiness.Waiting($"{updated} of {want} replicas updated");
        }

        if (total > updated)
        {
            return Readiness.Waiting($"{total - updated} old replicas are pending termination");
        }

        return available < want ? Readiness.Waiting($"{available} of {want} replicas available") : Readiness.Ready($"{available}/{want} available");
    }

    private static Readiness ReplicaSet(JsonObject obj)
    {
        var status = obj["status"] as JsonObject ?? [];
        if (NotObserved(obj, status) is { } pending)
        {
            return pending;
        }

        var want = Replicas(obj);
        var ready = Int(status, "readyReplicas");
        return ready < want ? Readiness.Waiting($"{ready} of {want} replicas ready") : Readiness.Ready($"{ready}/{want} ready");
    }

    private static Readiness StatefulSet(JsonObject obj)
    {
        var status = obj["status"] as JsonObject ?? [];
        if (NotObserved(obj, status) is { } pending)
        {
            return pending;
        }

        var want = Replicas(obj);
        var ready = Int(status, "readyReplicas");
        if (ready < want)
        {
            return Readiness.Waiting($"{ready} of {want} replicas ready");
        }

        var current = (string?)status["currentRevision"];
        var update = (string?)status["updateRevision"];
        return update is not null && current != update && Int(status, "updatedReplicas") < want
            ? Readiness.Waiting($"{Int(status, "updatedReplicas")} of {want} replicas updated")
            : Readiness.Ready($"{ready}/{want} ready");
    }

    private static Readiness DaemonSet(JsonObject obj)
    {
        var status = obj["status"] as JsonObject ?? [];
        if (NotObserved(obj, status) is { } pending)
        {
            return pending;
        }

        var desired = Int(status, "desiredNumberScheduled");
        var updated = Int(status, "updatedNumberScheduled");
        var available = Int(status, "numberAvailable");
        if (updated < desired)
        {
            return Readiness.Waiting($"{updated} of {desired} pods updated");
        }

        return available < desired ? Readiness.Waiting($"{available} of {desired} pods available") : Readiness.Ready($"{available}/{desired} available");
    }

    private static Readiness Job(JsonObject obj)
    {
        var status = obj["status"] as JsonObject ?? [];
        var conditions = Conditions(status);
        if (conditions.TryGetValue("Failed", out var failed) && (string?)failed["status"] == "True")
        {
            return Readiness.Failed($"job failed: {(string?)failed["reason"]}: {(string?)failed["message"]}");
        }

        if (conditions.TryGetValue("Complete", out var complete) && (string?)complete["status"] == "True")
        {
            return Readiness.Ready($"complete ({Int(status, "succeeded")} succeeded)");
        }

        var completions = (int?)obj["spec"]?["completions"] ?? 1;
        return Readiness.Waiting($"{Int(status, "succeeded")} of {completions} completions, {Int(status, "active")} active, {Int(status, "failed")} failed");
    }

    private static Readiness DeploymentConfig(JsonObject obj)
    {
        var status = obj["status"] as JsonObject ?? [];
        if (Conditions(status).TryGetValue("Progressing", out var progressing) && (string?)progressing["status"] == "False")
        {
            return Readiness.Failed($"rollout failed: {(string?)progressing["reason"]}: {(string?)progressing["message"]}");
        }

        if (NotObserved(obj, status) is { } pending)
        {
            return pending;
        }

        var want = Replicas(obj);
        var available = Int(status, "availableReplicas");
        return available < want ? Readiness.Waiting($"{available} of {want} replicas available") : Readiness.Ready($"{available}/{want} available");
    }

    private static Readiness Claim(JsonObject obj)
    {
        var phase = (string?)obj["status"]?["phase"] ?? "Pending";
        return phase switch
        {
            "Bound" => Readiness.Ready($"Bound to {(string?)obj["spec"]?["volumeName"]}"),
            "Lost" => Readiness.Failed("Lost: its PersistentVolume is gone"),
            _ => Readiness.Waiting($"{phase}: no PersistentVolume bound yet"),
        };
    }

    private static Readiness? NotObserved(JsonObject obj, JsonObject status)
    {
        var generation = (long?)obj["metadata"]?["generation"] ?? 0;
        var observed = (long?)status["observedGeneration"] ?? 0;
        return observed < generation ? Readiness.Waiting("waiting for the controller to observe the new spec") : null;
    }

    private static int Replicas(JsonObject obj) => (int?)obj["spec"]?["replicas"] ?? 1;

    private static int Int(JsonObject status, string name) => (int?)status[name] ?? 0;

    private static IEnumerable<JsonObject> ContainerStatuses(JsonObject status) =>
        (status["initContainerStatuses"] as JsonArray ?? []).Concat(status["containerStatuses"] as JsonArray ?? []).OfType<JsonObject>();

    private static Dictionary<string, JsonObject> Conditions(JsonObject status)
    {
        var result = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var condition in (status["conditions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if ((string?)condition["type"] is { } type)
            {
                result[type] = condition;
            }
        }

        return result;
    }
}
