using Nulecule.Actions;
using Nulecule.Releases;

namespace Nulecule.Tests.Actions;

public class UninstallHistoryListActionTests
{
    [Fact]
    public async Task Should_stop_the_release_and_mark_it_uninstalled_keeping_history()
    {
        var h = new ReleaseHarness();
        await h.RunAsync(ReleaseTestApps.Make(image: "a:1"));
        await h.RunAsync(ReleaseTestApps.Make(image: "a:2"));

        var result = await new UninstallAction(h.Config) { Release = ReleaseHarness.Name, RemoveVolumes = true }.RunAsync();

        result.Objects.Count.ShouldBe(2);
        h.Provider.Stops.Single().Options.RemoveVolumes.ShouldBeTrue();
        (await h.StatesAsync()).ShouldBe([(1, ReleaseState.Superseded), (2, ReleaseState.Uninstalled)]);
        (await new ListAction(h.Store).RunAsync()).ShouldBeEmpty();
        (await new ListAction(h.Store) { All = true }.RunAsync()).Single().State.ShouldBe(ReleaseState.Uninstalled);
        (await new HistoryAction(h.Store) { Release = ReleaseHarness.Name }.RunAsync()).Select(r => r.Revision).ShouldBe([1, 2]);
    }

    [Fact]
    public async Task Should_purge_history_on_request_and_fail_clearly_for_an_unknown_release()
    {
        var h = new ReleaseHarness();
        await h.RunAsync(ReleaseTestApps.Make());

        await new UninstallAction(h.Config) { Release = ReleaseHarness.Name, Purge = true }.RunAsync();

        (await h.Store.HistoryAsync(ReleaseHarness.Name)).ShouldBeEmpty();
        (await Should.ThrowAsync<ReleaseNotFoundException>(() => new UninstallAction(h.Config) { Release = ReleaseHarness.Name }.RunAsync()))
            .Message.ShouldContain("release 'shop' not found");
        (await Should.ThrowAsync<ReleaseNotFoundException>(() => new HistoryAction(h.Store) { Release = ReleaseHarness.Name }.RunAsync()))
            .Message.ShouldContain("not found");
    }

    [Fact]
    public async Task Should_keep_the_last_revisions_and_list_releases_by_name()
    {
        var h = new ReleaseHarness();
        for (var i = 1; i <= 4; i++)
        {
            await h.RunAsync(ReleaseTestApps.Make(image: $"a:{i}"));
        }

        await new InstallOrUpgradeAction(h.Config) { Release = "another" }.RunAsync(ReleaseTestApps.Make());

        (await new HistoryAction(h.Store) { Release = ReleaseHarness.Name, Max = 2 }.RunAsync()).Select(r => r.Revision).ShouldBe([3, 4]);
        (await new ListAction(h.Store).RunAsync()).Select(r => (r.Name, r.Revision)).ShouldBe([("another", 1), ("shop", 4)]);
    }
}
