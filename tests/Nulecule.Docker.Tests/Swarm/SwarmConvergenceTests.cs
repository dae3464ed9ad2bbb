#nullable disable
using Docker.DotNet.Models;
using Nulecule.Docker.Swarm;
using TaskStatus = Docker.DotNet.Models.TaskStatus;
using Version = Docker.DotNet.Models.Version;

namespace Nulecule.Docker.Tests.Swarm;

/// <summary>The convergence rule fed with task lists as the engine reports them during updates.</summary>
public sealed class SwarmConvergenceTests
{
    private static SwarmService Service(ulong replicas = 1, string restart = "any", string updateState = null, string message = null) => new()
    {
        Spec = new ServiceSpec
        {
            Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = replicas } },
            TaskTemplate = new TaskSpec { RestartPolicy = new SwarmRestartPolicy { Condition = restart } },
        },
        UpdateStatus = updateState is null ? null : new UpdateStatus { State = updateState, Message = message },
    };

    private static ulong _index;

    private static TaskResponse Task(long slot, TaskState desired, TaskState state, string err = null, string message = null) => new()
    {
        Slot = slot,
        DesiredState = desired,
        Status = new TaskStatus { State = state, Err = err, Message = message },
        Version = new Version { Index = ++_index },
    };

    [Fact]
    public void Should_converge_when_every_slot_runs()
    {
        var state = SwarmConvergence.Judge(Service(2), [Task(1, TaskState.Running, TaskState.Running), Task(2, TaskState.Running, TaskState.Running)]);

        state.Converged.ShouldBeTrue();
        state.Failure.ShouldBeNull();
        state.Progress.ShouldBe("2/2 running");
    }

    [Fact]
    public void Should_not_converge_while_a_slot_starts_and_say_why()
    {
        var state = SwarmConvergence.Judge(Service(2), [
            Task(1, TaskState.Running, TaskState.Running),
            Task(2, TaskState.Running, TaskState.Pending, message: "no suitable node (host-mode port already in use on 1 node)")]);

        state.Converged.ShouldBeFalse();
        state.Failure.ShouldBeNull();
        state.Progress.ShouldBe("1/2 running; slot 2 pending (no suitable node (host-mode port already in use on 1 node))");
    }

    [Fact]
    public void Should_take_the_task_meant_to_run_in_a_slot_during_a_rolling_update()
    {
        // start-first: the old task still runs but is to shut down; the new one is starting (health check).
        var tasks = new[] { Task(1, TaskState.Shutdown, TaskState.Running), Task(1, TaskState.Running, TaskState.Starting) };

        SwarmConvergence.Judge(Service(), tasks).Converged.ShouldBeFalse();
        SwarmConvergence.Judge(Service(), [tasks[0], Task(1, TaskState.Running, TaskState.Running)]).Converged.ShouldBeTrue();
    }

    [Fact]
    public void Should_count_a_one_shot_that_completed_as_done()
    {
        // docker/cli#5299: restart on-failure, exit 0: the task completes and is not restarted.
        var state = SwarmConvergence.Judge(Service(restart: "on-failure"), [Task(1, TaskState.Complete, TaskState.Complete)]);

        state.Converged.ShouldBeTrue();
        state.Progress.ShouldBe("1/1 complete");
        SwarmConvergence.Judge(Service(restart: "any"), [Task(1, TaskState.Running, TaskState.Complete)]).Converged.ShouldBeFalse();
    }

    [Fact]
    public void Should_fail_at_once_on_a_rejected_task_with_its_reason()
    {
        var state = SwarmConvergence.Judge(Service(), [Task(1, TaskState.Ready, TaskState.Rejected, err: "No such image: local/nope:1")]);

        state.Converged.ShouldBeFalse();
        state.Failure.ShouldBe("task slot 1 was rejected: No such image: local/nope:1");
    }

    [Fact]
    public void Should_give_up_on_a_slot_that_keeps_failing()
    {
        var failed = Enumerable.Range(0, 2).Select(_ => Task(1, TaskState.Shutdown, TaskState.Failed, err: "task: non-zero exit (3)")).ToList();
        SwarmConvergence.Judge(Service(), [.. failed, Task(1, TaskState.Running, TaskState.Starting)]).Failure.ShouldBeNull();

        failed.Add(Task(1, TaskState.Shutdown, TaskState.Failed, err: "task: non-zero exit (3)"));
        SwarmConvergence.Judge(Service(), failed).Failure.ShouldBe("task slot 1 failed 3 times: task: non-zero exit (3)");
        SwarmConvergence.Judge(Service(restart: "none"), [failed[0]]).Failure.ShouldStartWith("task slot 1 failed and is not restarted");
    }

    [Theory]
    [InlineData("paused", "the update is paused: update paused due to failure")]
    [InlineData("rollback_paused", "the engine rolled the update back: update paused due to failure")]
    public void Should_fail_when_the_engine_paused_or_rolled_back_the_update(string updateState, string expected)
    {
        var state = SwarmConvergence.Judge(Service(updateState: updateState, message: "update paused due to failure"), [Task(1, TaskState.Running, TaskState.Running)]);

        state.Failure.ShouldBe(expected);
    }

    [Fact]
    public void Should_wait_for_the_engine_to_complete_an_update()
    {
        var running = new[] { Task(1, TaskState.Running, TaskState.Running) };

        SwarmConvergence.Judge(Service(updateState: "updating"), running).Converged.ShouldBeFalse();
        SwarmConvergence.Judge(Service(updateState: "completed"), running).Converged.ShouldBeTrue();
    }

    [Fact]
    public void Should_count_a_replicated_job_by_its_completions()
    {
        var job = new SwarmService { Spec = new ServiceSpec { Mode = new ServiceMode { ReplicatedJob = new ReplicatedJob { MaxConcurrent = 2, TotalCompletions = 2 } } } };

        SwarmConvergence.Judge(job, [Task(1, TaskState.Complete, TaskState.Complete), Task(2, TaskState.Complete, TaskState.Running)]).Converged.ShouldBeFalse();
        SwarmConvergence.Judge(job, [Task(1, TaskState.Complete, TaskState.Complete), Task(2, TaskState.Complete, TaskState.Complete)]).Converged.ShouldBeTrue();
    }

    [Fact]
    public void Should_count_a_global_service_per_active_node()
    {
        var global = new SwarmService { Spec = new ServiceSpec { Mode = new ServiceMode { Global = new GlobalService() } } };
        var onOne = new TaskResponse { NodeID = "node-a", DesiredState = TaskState.Running, Status = new TaskStatus { State = TaskState.Running } };

        SwarmConvergence.Judge(global, [onOne], activeNodes: 1).Converged.ShouldBeTrue();
        SwarmConvergence.Judge(global, [onOne], activeNodes: 2).Converged.ShouldBeFalse();
    }
}
