using Nulecule.Actions;
using Nulecule.Releases;

namespace Nulecule.Tests.Actions;

public class PendingRecoveryTests
{
    [Fact]
    public async Task Should_finish_a_pending_revision_that_reached_the_engine()
    {
        // Given: revision 2 applied, then the process died before recording it
        var h = new ReleaseHarness();
        await h.RunAsync(ReleaseTestApps.Make(image: "a:1"));
        h.Provider.KillNextRun = true;
        await Should.ThrowAsync<SimulatedKillException>(() => h.RunAsync(ReleaseTestApps.Make(image: "a:2")));
        await h.AbandonLockAsync();
        (await h.StatesAsync()).ShouldBe([(1, ReleaseState.Deployed), (2, ReleaseState.Pending)]);

        // When: the next command on that release
        await h.RunAsync(ReleaseTestApps.Make(image: "a:3"));

        // Then: revision 2 was finished (converged with its own manifest), then 3 deployed
        (await h.StatesAsync()).ShouldBe([(1, ReleaseState.Superseded), (2, ReleaseState.Superseded), (3, ReleaseState.Deployed)]);
        var finish = h.Provider.Runs[^2];
        finish.Options.Revision.ShouldBe(2);
        ReleaseTestApps.ImageOf(finish.App).ShouldBe("a:2");
        // One look at the engine by the recovery, and one by each upgrade asking whether it is up to date.
        h.Provider.StatusCalls.ShouldBe(3);
        h.Reporter.Text.ShouldContain("revision 2 was left pending");
        h.Reporter.Text.ShouldContain("finishing it");
        (await h.Store.GetAsync(ReleaseHarness.Name, 2))!.Description.ShouldContain("finished after an interruption");
    }

    [Fact]
    public async Task Should_roll_back_a_pending_revision_that_never_reached_the_engine()
    {
        // Given: the process died before applying revision 2
        var h = new ReleaseHarness();
        await h.RunAsync(ReleaseTestApps.Make(image: "a:1"));
        h.Provider.KillNextRun = false;
        await Should.ThrowAsync<SimulatedKillException>(() => h.RunAsync(ReleaseTestApps.Make(image: "a:2")));
        await h.AbandonLockAsync();

        // When
        await new RollbackAction(h.Config) { Release = ReleaseHarness.Name, Revision = 1 }.RunAsync();

        // Then: recovery recorded 2 failed and redeployed 1 as 3; the rollback asked for made 4
        (await h.StatesAsync()).ShouldBe([(1, ReleaseState.Superseded), (2, ReleaseState.Failed), (3, ReleaseState.Superseded), (4, ReleaseState.Deployed)]);
        ReleaseTestApps.ImageOf(h.Provider.Runs[^2].App).ShouldBe("a:1");
        h.Provider.Runs[^2].Options.Revision.ShouldBe(3);
        (await h.Store.GetAsync(ReleaseHarness.Name, 2))!.Description.ShouldContain("rolled back to 1");
        h.Reporter.Text.ShouldContain("rolling back to revision 1");
    }

    [Fact]
    public async Task Should_remove_an_interrupted_first_install()
    {
        var h = new ReleaseHarness();
        h.Provider.KillNextRun = false;
        await Should.ThrowAsync<SimulatedKillException>(() => h.RunAsync(ReleaseTestApps.Make()));
        await h.AbandonLockAsync();

        await h.RunAsync(ReleaseTestApps.Make());

        h.Provider.Stops.Single().Release.ShouldBe(ReleaseHarness.Name);
        (await h.StatesAsync()).ShouldBe([(1, ReleaseState.Failed), (2, ReleaseState.Deployed)]);
        h.Reporter.Text.ShouldContain("removing what it created");
    }

    [Fact]
    public async Task Should_leave_a_pending_revision_alone_while_its_process_lives()
    {
        var h = new ReleaseHarness();
        h.Provider.KillNextRun = false;
        await Should.ThrowAsync<SimulatedKillException>(() => h.RunAsync(ReleaseTestApps.Make()));
        await h.Store.TryLockAsync(new ReleaseLock(ReleaseHarness.Name, 777, Environment.MachineName, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "run"));

        await Should.ThrowAsync<OperationFailedException>(() => h.RunAsync(ReleaseTestApps.Make()));

        (await h.StatesAsync()).ShouldBe([(1, ReleaseState.Pending)]);
        h.Provider.StatusCalls.ShouldBe(0);
    }
}
