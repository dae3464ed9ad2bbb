using Nulecule.Actions;
using Nulecule.Providers;
using Nulecule.Releases;

namespace Nulecule.Tests.Actions;

public class InstallOrUpgradeActionTests
{
    [Fact]
    public async Task Should_install_revision_1_as_deployed_with_inventory_and_no_plain_hidden_value()
    {
        // Given
        var h = new ReleaseHarness();

        // When
        var outcome = await h.RunAsync(ReleaseTestApps.Make(password: "pw-install-1"));

        // Then
        outcome.Upgraded.ShouldBeFalse();
        var record = (await h.Store.LatestAsync(ReleaseHarness.Name))!;
        record.Revision.ShouldBe(1);
        record.State.ShouldBe(ReleaseState.Deployed);
        record.AppId.ShouldBe("shop");
        record.AppVersion.ShouldBe("1.0");
        record.Provider.ShouldBe("kubernetes");
        record.Target.ShouldBe("cluster-a/shop");
        record.Objects.Select(o => $"{o.Component} {o.Kind}/{o.Name} {o.Action}").ShouldBe(["web Deployment/web Created", "db Service/db Created"]);
        record.Objects.ShouldAllBe(o => o.Hash.Length == 16);
        record.Values.Single(v => v.Name == "image").Value.ShouldBe("nginx:1.25");
        var password = record.Values.Single(v => v.Name == "password");
        password.Hidden.ShouldBeTrue();
        password.Value.ShouldBeNull();
        password.Display.ShouldBe(SecretMasker.Stars);
        ((MemoryReleaseStore)h.Store).RawRecords.ShouldAllBe(json => !json.Contains("pw-install-1"));
        h.Provider.Runs.Single().Options.Revision.ShouldBe(1);
        (await h.Store.GetLockAsync(ReleaseHarness.Name)).ShouldBeNull();
    }

    [Fact]
    public async Task Should_upgrade_as_revision_2_and_supersede_revision_1_and_prune_what_left_the_app()
    {
        // Given
        var h = new ReleaseHarness();
        await h.RunAsync(ReleaseTestApps.Make());

        // When
        var outcome = await h.RunAsync(ReleaseTestApps.Make(image: "nginx:1.27", withDb: false));

        // Then
        outcome.Upgraded.ShouldBeTrue();
        (await h.StatesAsync()).ShouldBe([(1, ReleaseState.Superseded), (2, ReleaseState.Deployed)]);
        h.Provider.Runs[^1].Options.Revision.ShouldBe(2);
        outcome.Release!.Objects.Select(o => $"{o.Kind}/{o.Name} {o.Action}").ShouldBe(["Deployment/web Updated", "Service/db Deleted"]);
        h.Provider.Objects(ReleaseHarness.Name).Keys.ShouldBe([("web", "Deployment", "web")]);
    }

    [Fact]
    public async Task Should_mark_a_failed_upgrade_failed_and_keep_the_previous_revision_deployed_without_atomic()
    {
        // Given
        var h = new ReleaseHarness();
        await h.RunAsync(ReleaseTestApps.Make());
        h.Provider.FailWhen = (app, _) => ReleaseTestApps.ImageOf(app) == "broken:1" ? "image broken:1 not found (password s3cret-pass)" : null;

        // When
        var error = await Should.ThrowAsync<OperationFailedException>(() => h.RunAsync(ReleaseTestApps.Make(image: "broken:1")));

        // Then
        error.Message.ShouldContain("revision 2");
        error.Message.ShouldContain("image broken:1 not found");
        error.Message.ShouldNotContain("s3cret-pass");
        (await h.StatesAsync()).ShouldBe([(1, ReleaseState.Deployed), (2, ReleaseState.Failed)]);
        var failed = (await h.Store.GetAsync(ReleaseHarness.Name, 2))!;
        failed.Description.ShouldContain("failed");
        failed.Description.ShouldNotContain("s3cret-pass");
    }

    [Fact]
    public async Task Should_roll_a_failing_upgrade_back_to_the_last_deployed_manifest_with_atomic()
    {
        // Given
        var h = new ReleaseHarness();
        await h.RunAsync(ReleaseTestApps.Make(image: "nginx:1.25"));
        h.Provider.FailWhen = (app, _) => ReleaseTestApps.ImageOf(app) == "broken:1" ? "not ready in time" : null;

        // When
        var error = await Should.ThrowAsync<OperationFailedException>(() => h.RunAsync(ReleaseTestApps.Make(image: "broken:1"), atomic: true));

        // Then
        error.Message.ShouldContain("rolled back to revision 1 (recorded as revision 3)");
        (await h.StatesAsync()).ShouldBe([(1, ReleaseState.Superseded), (2, ReleaseState.Failed), (3, ReleaseState.Deployed)]);
        var last = h.Provider.Runs[^1];
        last.Options.Revision.ShouldBe(3);
        last.Options.Wait.ShouldBeTrue();
        ReleaseTestApps.ImageOf(last.App).ShouldBe("nginx:1.25");
        (await h.Store.GetAsync(ReleaseHarness.Name, 3))!.Description.ShouldContain("Rollback to 1");
        h.Reporter.Text.ShouldContain("--atomic: rolling back to revision 1");
    }

    [Fact]
    public async Task Should_remove_a_failed_first_install_with_atomic()
    {
        // Given
        var h = new ReleaseHarness();
        h.Provider.FailWhen = (_, _) => "pod crashloop";

        // When
        await Should.ThrowAsync<OperationFailedException>(() => h.RunAsync(ReleaseTestApps.Make(), atomic: true));

        // Then
        h.Provider.Stops.Single().Release.ShouldBe(ReleaseHarness.Name);
        (await h.StatesAsync()).ShouldBe([(1, ReleaseState.Failed)]);
    }

    [Fact]
    public async Task Should_install_again_after_a_failed_install()
    {
        var h = new ReleaseHarness();
        h.Provider.FailWhen = (_, _) => "no";
        await Should.ThrowAsync<OperationFailedException>(() => h.RunAsync(ReleaseTestApps.Make()));
        h.Provider.FailWhen = (_, _) => null;

        var outcome = await h.RunAsync(ReleaseTestApps.Make());

        outcome.Upgraded.ShouldBeFalse();
        (await h.StatesAsync()).ShouldBe([(1, ReleaseState.Failed), (2, ReleaseState.Deployed)]);
    }

    [Fact]
    public async Task Should_refuse_to_upgrade_a_release_deployed_to_another_target()
    {
        var h = new ReleaseHarness();
        await h.RunAsync(ReleaseTestApps.Make());
        var elsewhere = new ReleaseConfiguration { Provider = h.Provider, Store = h.Store, Key = h.Key, Target = "cluster-b/other" };

        var error = await Should.ThrowAsync<NuleculeException>(() => new InstallOrUpgradeAction(elsewhere) { Release = ReleaseHarness.Name }.RunAsync(ReleaseTestApps.Make()));

        error.Message.ShouldContain("cluster-a/shop");
        h.Provider.Runs.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Should_record_nothing_on_a_dry_run()
    {
        var h = new ReleaseHarness();

        var outcome = await new InstallOrUpgradeAction(h.Config) { Release = ReleaseHarness.Name, DryRun = true }.RunAsync(ReleaseTestApps.Make());

        outcome.Release.ShouldBeNull();
        outcome.Result.PlannedOperations.ShouldNotBeEmpty();
        h.Provider.Runs.Single().Options.DryRun.ShouldBeTrue();
        (await h.Store.ListAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_reject_a_release_name_that_cannot_be_a_label()
    {
        var h = new ReleaseHarness();

        var error = await Should.ThrowAsync<NuleculeException>(() => new InstallOrUpgradeAction(h.Config) { Release = "bad name!" }.RunAsync(ReleaseTestApps.Make()));

        error.Message.ShouldContain("'bad name!'");
        h.Provider.Runs.ShouldBeEmpty();
    }
}
