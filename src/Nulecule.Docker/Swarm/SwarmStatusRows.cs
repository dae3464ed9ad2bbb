using Docker.DotNet.Models;
using Nulecule.Providers;
using static Nulecule.Docker.Swarm.SwarmObjects;

namespace Nulecule.Docker.Swarm;

/// <summary>A service and the current task of each of its slots, as rows of `nulecule status`.</summary>
internal static class SwarmStatusRows
{
    public static IEnumerable<ObjectStatus> Rows(SwarmService service, IReadOnlyList<TaskResponse> tasks)
    {
        var state = SwarmConvergence.Judge(service, tasks);
        var oneShot = service.Spec is { } spec && SwarmConvergence.IsOneShot(spec);
        var current = tasks
            .GroupBy(t => t.Slot is > 0 ? $"{t.Slot}" : t.NodeID ?? "")
            .Select(g => g.OrderBy(t => t.DesiredState ?? TaskState.Running).ThenByDescending(t => t.Version?.Index ?? 0).First())
            .OrderBy(t => t.Slot ?? 0)
            .ToList();
        var complete = oneShot && current.Count > 0 && current.All(t => t.Status?.State == TaskState.Complete);
        var ports = service.Spec?.EndpointSpec?.Ports is { Count: > 0 } published
            ? string.Join(", ", published.Select(p => $"{p.PublishedPort}->{p.TargetPort}/{p.Protocol} ({p.PublishMode})"))
            : null;
        var serviceState = complete ? "Complete"
            : state.Failure is not null ? "failing"
            : service.UpdateStatus?.State is "updating" or "paused" or "rollback_started" or "rollback_paused" ? service.UpdateStatus.State
            : state.Converged ? "running"
            : "converging";
        yield return new ObjectStatus(
            "service",
            NameOf(service),
            serviceState,
            state.Converged && !complete,
            Ports: ports,
            Message: state.Failure ?? state.Progress,
            Revision: RevisionOf(service));
        foreach (var task in current)
        {
            var taskState = SwarmConvergence.State(task);
            var done = oneShot && task.Status?.State == TaskState.Complete;
            yield return new ObjectStatus(
                "task",
                $"{NameOf(service)}.{(task.Slot is > 0 ? task.Slot.ToString() : task.NodeID)}",
                done ? "Complete" : taskState,
                task.Status?.State == TaskState.Running,
                Message: SwarmConvergence.Reason(task) is { Length: > 0 } why ? why : Describe(task, DateTimeOffset.UtcNow));
        }
    }

    /// <summary>How long a running task has run, or how a finished one ended (the engine's own message says `started` for both).</summary>
    internal static string Describe(TaskResponse task, DateTimeOffset now)
    {
        var state = SwarmConvergence.State(task);
        var since = task.Status?.Timestamp is { } at ? now - new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : (TimeSpan?)null;
        return task.Status?.State switch
        {
            TaskState.Running when since is { } running => $"running for {Human(running)}",
            TaskState.Complete or TaskState.Failed or TaskState.Shutdown when task.Status.ContainerStatus is { ContainerID.Length: > 0 } container =>
                $"{state}, exit code {container.ExitCode}" + (since is { } ago ? $", {Human(ago)} ago" : ""),
            _ => state + (task.Status?.Message is { Length: > 0 } message && message != state ? $" ({message})" : ""),
        };
    }

    private static string Human(TimeSpan span) =>
        span < TimeSpan.Zero ? "0s"
        : span.TotalMinutes < 1 ? $"{(int)span.TotalSeconds}s"
        : span.TotalHours < 1 ? $"{(int)span.TotalMinutes}m{span.Seconds}s"
        : $"{(int)span.TotalHours}h{span.Minutes}m";

    /// <summary>A secret or config of the release: present (its value is never read back).</summary>
    public static ObjectStatus FileObject(string kind, string name) => new(kind, name, "present", true, Message: "named by a digest of its value");
}
