using System.Diagnostics;
using Nulecule.Actions;
using Nulecule.Releases;

namespace Nulecule.Tests.Actions;

public class ReleaseLockingTests
{
    [Fact]
    public async Task Should_refuse_a_concurrent_operation_on_the_same_release()
    {
        // Given: an install held open inside the engine call
        var h = new ReleaseHarness();
        h.Provider.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = h.RunAsync(ReleaseTestApps.Make());
        await h.Provider.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // When
        var error = await Should.ThrowAsync<OperationFailedException>(() => new RollbackAction(h.Config) { Release = ReleaseHarness.Name }.RunAsync());

        // Then
        error.Message.ShouldStartWith($"release 'shop' is locked by pid {Environment.ProcessId} on {Environment.MachineName} since ");
        error.Message.ShouldEndWith("if that process is gone, rerun with --force-unlock");
        h.Provider.Gate.SetResult();
        (await first).Release!.State.ShouldBe(ReleaseState.Deployed);
        (await h.Store.GetLockAsync(ReleaseHarness.Name)).ShouldBeNull();
        h.Provider.Runs.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Should_refuse_a_lock_held_on_another_host_even_when_that_pid_is_not_here()
    {
        var h = new ReleaseHarness();
        h.Probe.Dead.Add(4242);
        await h.Store.TryLockAsync(new ReleaseLock(ReleaseHarness.Name, 4242, "other-host", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "run"));

        var error = await Should.ThrowAsync<OperationFailedException>(() => h.RunAsync(ReleaseTestApps.Make()));

        error.Message.ShouldContain("locked by pid 4242 on other-host");
        h.Provider.Runs.ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_proceed_after_force_unlock_and_say_whose_lock_it_removed()
    {
        var h = new ReleaseHarness();
        await h.Store.TryLockAsync(new ReleaseLock(ReleaseHarness.Name, 4242, "other-host", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "run"));

        var outcome = await h.RunAsync(ReleaseTestApps.Make(), forceUnlock: true);

        outcome.Release!.State.ShouldBe(ReleaseState.Deployed);
        h.Reporter.Text.ShouldContain("removed the lock of release 'shop' held by pid 4242 on other-host");
        (await h.Store.GetLockAsync(ReleaseHarness.Name)).ShouldBeNull();
    }

    [Fact]
    public async Task Should_take_over_a_lock_whose_process_is_gone_on_this_host()
    {
        var h = new ReleaseHarness();
        await h.AbandonLockAsync(deadPid: 31337);

        var outcome = await h.RunAsync(ReleaseTestApps.Make());

        outcome.Release!.State.ShouldBe(ReleaseState.Deployed);
        h.Reporter.Text.ShouldContain("locked by pid 31337");
        h.Reporter.Text.ShouldContain("no longer running");
    }

    [Fact]
    public void Should_tell_a_running_process_from_an_exited_one()
    {
        using var self = Process.GetCurrentProcess();
        var started = new DateTimeOffset(self.StartTime.ToUniversalTime(), TimeSpan.Zero);
        ProcessProbe.Instance.IsAlive(Environment.ProcessId, started).ShouldBeTrue();

        // The same pid with another start time is a reused pid: another process.
        ProcessProbe.Instance.IsAlive(Environment.ProcessId, started.AddHours(-3)).ShouldBeFalse();

        using var exited = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        exited.WaitForExit();
        ProcessProbe.Instance.IsAlive(exited.Id, started).ShouldBeFalse();
    }
}
