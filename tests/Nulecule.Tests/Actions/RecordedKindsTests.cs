using Nulecule.Actions;
using Nulecule.Providers;
using Nulecule.Releases;

namespace Nulecule.Tests.Actions;

/// <summary>
/// Which kinds a release's history lets an engine look at instead of every kind it serves: the
/// last finished revision's, and none of that when a newer revision failed or is pending.
/// </summary>
public sealed class RecordedKindsTests
{
    private static Release Revision(int number, ReleaseState state, params (string Kind, ObjectAction Action)[] objects) => new()
    {
        Name = "shop",
        Revision = number,
        AppId = "shop",
        Provider = "kubernetes",
        Target = "t",
        State = state,
        Created = DateTimeOffset.UnixEpoch,
        Updated = DateTimeOffset.UnixEpoch,
        Objects = objects.Select((o, i) => new DeployedObject("web", o.Kind, $"o{i}", "ns", "h", o.Action)).ToList(),
        SealedManifest = "",
    };

    [Fact]
    public void Should_name_no_kind_before_a_first_install_and_after_a_stop()
    {
        RecordedKinds.Before([]).ShouldNotBeNull().ShouldBeEmpty();
        RecordedKinds.Before([Revision(1, ReleaseState.Uninstalled, ("Secret", ObjectAction.Created))]).ShouldNotBeNull().ShouldBeEmpty();
    }

    [Fact]
    public void Should_name_the_kinds_the_deployed_revision_kept_and_not_those_it_deleted()
    {
        var history = new[]
        {
            Revision(1, ReleaseState.Superseded, ("Job", ObjectAction.Created)),
            Revision(2, ReleaseState.Deployed, ("ConfigMap", ObjectAction.Created), ("Service", ObjectAction.Unchanged), ("Job", ObjectAction.Deleted)),
        };

        RecordedKinds.Before(history).ShouldNotBeNull().OrderBy(k => k, StringComparer.Ordinal).ShouldBe(["ConfigMap", "Service"]);
        RecordedKinds.Of(history).ShouldNotBeNull().OrderBy(k => k, StringComparer.Ordinal).ShouldBe(["ConfigMap", "Service"]);
    }

    [Theory]
    [InlineData(ReleaseState.Failed)]
    [InlineData(ReleaseState.Pending)]
    public void Should_name_nothing_when_the_newest_revision_did_not_finish(ReleaseState newest)
    {
        // The unfinished revision may have created objects of kinds no finished record names.
        var history = new[] { Revision(1, ReleaseState.Deployed, ("ConfigMap", ObjectAction.Created)), Revision(2, newest) };

        RecordedKinds.Before(history).ShouldBeNull();
        RecordedKinds.Of(history).ShouldBeNull();
    }

    [Fact]
    public void Should_name_the_newest_revisions_kinds_for_scale_restart_and_ps_only_when_it_is_deployed()
    {
        RecordedKinds.OfNewest(Revision(2, ReleaseState.Deployed, ("Deployment", ObjectAction.Created), ("Secret", ObjectAction.Deleted)))
            .ShouldNotBeNull().ShouldBe(["Deployment"]);
        RecordedKinds.OfNewest(Revision(2, ReleaseState.Failed, ("Deployment", ObjectAction.Created))).ShouldBeNull();
        RecordedKinds.OfNewest(Revision(2, ReleaseState.Uninstalled, ("Deployment", ObjectAction.Created))).ShouldBeNull();
        RecordedKinds.OfNewest(null).ShouldBeNull();
    }

    [Fact]
    public void Should_let_status_look_everywhere_without_a_deployed_revision()
    {
        RecordedKinds.Of([]).ShouldBeNull();
        RecordedKinds.Of([Revision(1, ReleaseState.Uninstalled, ("ConfigMap", ObjectAction.Created))]).ShouldBeNull();
    }

    [Fact]
    public async Task Should_hand_the_provider_the_kinds_of_the_revision_before_and_every_kind_after_a_failure()
    {
        // Given
        var h = new ReleaseHarness();
        h.Provider.FailWhen = (app, _) => ReleaseTestApps.ImageOf(app) == "broken:1" ? "image broken:1 not found" : null;

        // When
        await h.RunAsync(ReleaseTestApps.Make());
        await h.RunAsync(ReleaseTestApps.Make(image: "nginx:1.26", withDb: false));
        await Should.ThrowAsync<OperationFailedException>(() => h.RunAsync(ReleaseTestApps.Make(image: "broken:1")));
        await h.RunAsync(ReleaseTestApps.Make(image: "nginx:1.27"));

        // Then
        var kinds = h.Provider.Runs.Select(r => r.Options.RecordedKinds?.OrderBy(k => k, StringComparer.Ordinal).ToList()).ToList();
        kinds[0].ShouldNotBeNull().ShouldBeEmpty();
        kinds[1].ShouldBe(["Deployment", "Service"]);
        kinds[2].ShouldBe(["Deployment"]);
        kinds[3].ShouldBeNull();
    }

    [Fact]
    public async Task Should_ask_the_engine_for_the_recorded_kinds_in_status_and_for_every_kind_without_a_record()
    {
        // Given
        var h = new ReleaseHarness();
        await h.RunAsync(ReleaseTestApps.Make());

        // When
        await new StatusAction(h.Provider, h.Store) { Release = ReleaseHarness.Name }.RunAsync();
        await new StatusAction(h.Provider, null) { Release = ReleaseHarness.Name }.RunAsync();

        // Then
        h.Provider.StatusKinds[^2].ShouldNotBeNull().OrderBy(k => k, StringComparer.Ordinal).ShouldBe(["Deployment", "Service"]);
        h.Provider.StatusKinds[^1].ShouldBeNull();
    }
}
