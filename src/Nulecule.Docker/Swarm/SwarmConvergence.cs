using Docker.DotNet.Models;

namespace Nulecule.Docker.Swarm;

/// <summary>Where a service stands, judged from its spec, its update status and the tasks of its current spec.</summary>
/// <param name="Converged">Every slot (or node) runs a task of the current spec, or has completed it for a one-shot service.</param>
/// <param name="Failure">Why it cannot converge without a change (an image the node lacks, a task that keeps failing), or null.</param>
/// <param name="Progress">`1/2 running`, and for a slot that is not there yet, its task's state and reason.</param>
public sealed record ConvergenceState(bool Converged, string? Failure, string Progress);

/// <summary>
/// The convergence rule of `docker service create|update --detach=false`, with the known hang
/// fixed: tasks of the current spec (the `_up-to-date` filter) are grouped per slot (per node
/// for global services); a slot counts when its task runs (a task with a health check only
/// reaches `running` once healthy), or, for a one-shot service (restart condition none or
/// on-failure, or a job), when its task completed. The docker CLI waits forever on a one-shot
/// that exited 0 (docker/cli#5299); here it is done.
/// </summary>
public static class SwarmConvergence
{
    /// <summary>A task of a slot that failed this often (of the current spec) is not going to start.</summary>
    public const int FailuresBeforeGivingUp = 3;

    public static bool IsOneShot(ServiceSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Mode?.ReplicatedJob is not null || spec.Mode?.GlobalJob is not null
            || spec.TaskTemplate?.RestartPolicy?.Condition is "none" or "on-failure";
    }

    /// <param name="service">The service as inspected (its spec and update status).</param>
    /// <param name="tasks">The service's tasks of its current spec.</param>
    /// <param name="activeNodes">Nodes that are not down, for a global service.</param>
    public static ConvergenceState Judge(SwarmService service, IReadOnlyList<TaskResponse> tasks, int activeNodes = 1)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(tasks);
        var spec = service.Spec ?? new ServiceSpec();
        var oneShot = IsOneShot(spec);
        var neverRestarts = spec.TaskTemplate?.RestartPolicy?.Condition == "none";

        // A task the node rejected (no such image, a mount source that is missing) or one that keeps failing will not get better.
        var rejected = tasks.Where(t => t.Status?.State == TaskState.Rejected).OrderByDescending(Newest).FirstOrDefault();
        string? failure = rejected is null ? null : $"task {Describe(rejected)} was rejected: {Reason(rejected)}";
        var failing = tasks
            .Where(t => t.Status?.State == TaskState.Failed)
            .GroupBy(t => Key(spec, t))
            .FirstOrDefault(g => neverRestarts || g.Count() >= FailuresBeforeGivingUp);
        if (failure is null && failing is not null)
        {
            var last = failing.OrderByDescending(Newest).First();
            failure = neverRestarts
                ? $"task {Describe(last)} failed and is not restarted (restart condition none): {Reason(last)}"
                : $"task {Describe(last)} failed {failing.Count()} times: {Reason(last)}";
        }

        switch (service.UpdateStatus?.State)
        {
            case "paused":
                failure ??= $"the update is paused: {service.UpdateStatus.Message}";
                break;
            case "rollback_started" or "rollback_paused" or "rollback_completed":
                failure ??= $"the engine rolled the update back: {service.UpdateStatus.Message}";
                break;
        }

        // Per slot, the task that is meant to be there: the one with the lowest desired state (a
        // replaced task's is shutdown), the newest one of those.
        var current = tasks
            .GroupBy(t => Key(spec, t))
            .Select(g => g.OrderBy(t => t.DesiredState ?? TaskState.Running).ThenByDescending(Newest).First())
            .ToList();
        var running = current.Count(t => t.DesiredState is <= TaskState.Running && t.Status?.State == TaskState.Running);
        var completed = oneShot ? current.Count(t => t.Status?.State == TaskState.Complete) : 0;

        ulong expected;
        if (spec.Mode?.ReplicatedJob is { } job)
        {
            expected = job.TotalCompletions ?? 1;
            completed = tasks.Count(t => t.Status?.State == TaskState.Complete);
        }
        else if (spec.Mode?.Global is not null || spec.Mode?.GlobalJob is not null)
        {
            expected = (ulong)Math.Max(activeNodes, 0);
        }
        else
        {
            expected = spec.Mode?.Replicated?.Replicas ?? 1;
        }

        var done = (ulong)(running + completed);
        var progress = completed > 0 && running == 0 ? $"{completed}/{expected} complete" : $"{running}/{expected} running" + (completed > 0 ? $", {completed} complete" : "");
        var waiting = current
            .Where(t => !(t.Status?.State == TaskState.Running || oneShot && t.Status?.State == TaskState.Complete))
            .OrderBy(t => t.Slot ?? 0)
            .Select(t => $"{Describe(t)} {State(t)}" + (Reason(t) is { Length: > 0 } why ? $" ({why})" : ""))
            .FirstOrDefault();
        if (waiting is not null && done < expected)
        {
            progress += $"; {waiting}";
        }

        // An update counts once the engine says it completed (it watches each new task for its monitor period first).
        var converged = done >= expected && service.UpdateStatus?.State is null or "completed";
        return new ConvergenceState(converged && failure is null, failure, progress);
    }

    /// <summary>`slot 1` (or the node of a global task).</summary>
    public static string Describe(TaskResponse task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return task.Slot is > 0 ? $"slot {task.Slot}" : $"on node {task.NodeID?[..Math.Min(12, task.NodeID.Length)]}";
    }

    public static string State(TaskResponse task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return task.Status?.State?.ToString().ToLowerInvariant() ?? "unknown";
    }

    /// <summary>The task's error, else its status message (`no suitable node (host-mode port already in use on 1 node)`).</summary>
    public static string Reason(TaskResponse task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return task.Status?.Err is { Length: > 0 } err ? err
            : task.Status?.Message is { Length: > 0 } message && task.Status.State is not (TaskState.Running or TaskState.Complete) ? message
            : "";
    }

    private static string Key(ServiceSpec spec, TaskResponse task) =>
        spec.Mode?.Global is not null || spec.Mode?.GlobalJob is not null ? task.NodeID ?? "" : (task.Slot ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static ulong Newest(TaskResponse task) => task.Version?.Index ?? 0;
}
