using Nulecule.Actions;
using Nulecule.Releases;

namespace Nulecule.Tests.Actions;

public class RollbackActionTests
{
    [Fact]
    public async Task Should_redeploy_the_previous_manifest_as_a_new_revision()
    {
        // Given
        var h = new ReleaseHarness();
        await h.RunAsync(ReleaseTestApps.Make(image: "nginx:1.25", password: "old-secret"));
        await h.RunAsync(ReleaseTestApps.Make(image: "nginx:1.27", password: "new-secret", withDb: false));

        // When
        var record = await new RollbackAction(h.Config) { Release = ReleaseHarness.Name }.RunAsync();

        // Then
        record.Revision.ShouldBe(3);
        record.Description.ShouldBe("Rollback to 1 complete");
        (await h.StatesAsync()).ShouldBe([(1, ReleaseState.Superseded), (2, ReleaseState.Superseded), (3, ReleaseState.Deployed)]);
        var run = h.Provider.Runs[^1];
        run.Options.Revision.ShouldBe(3);
        ReleaseTestApps.ImageOf(run.App).ShouldBe("nginx:1.25");
        run.App.Components.Select(c => c.Scope).ShouldBe(["web", "db"]);
        run.App.Root.App.Id.ShouldBe("shop");
        run.App.Values.Masker.Mask("pw=old-secret").ShouldBe("pw=" + SecretMasker.Stars);
        h.Provider.Objects(ReleaseHarness.Name).Keys.ShouldContain(("db", "Service", "db"));
    }

    [Fact]
    public async Task Should_roll_back_to_a_named_revision()
    {
        var h = new ReleaseHarness();
        await h.RunAsync(ReleaseTestApps.Make(image: "a:1"));
        await h.RunAsync(ReleaseTestApps.Make(image: "a:2"));
        await h.RunAsync(ReleaseTestApps.Make(image: "a:3"));

        var record = await new RollbackAction(h.Config) { Release = ReleaseHarness.Name, Revision = 2 }.RunAsync();

        record.Revision.ShouldBe(4);
        ReleaseTestApps.ImageOf(h.Provider.Runs[^1].App).ShouldBe("a:2");
    }

    [Fact]
    public async Task Should_say_so_when_there_is_nothing_to_roll_back_to()
    {
        var h = new ReleaseHarness();
        await h.RunAsync(ReleaseTestApps.Make());

        var error = await Should.ThrowAsync<NuleculeException>(() => new RollbackAction(h.Config) { Release = ReleaseHarness.Name }.RunAsync());

        error.Message.ShouldContain("no earlier deployed revision");
        (await Should.ThrowAsync<NuleculeException>(() => new RollbackAction(h.Config) { Release = ReleaseHarness.Name, Revision = 7 }.RunAsync()))
            .Message.ShouldContain("no revision 7");
        (await Should.ThrowAsync<ReleaseNotFoundException>(() => new RollbackAction(h.Config) { Release = "nothing" }.RunAsync()))
            .Message.ShouldContain("not found");
    }
}
