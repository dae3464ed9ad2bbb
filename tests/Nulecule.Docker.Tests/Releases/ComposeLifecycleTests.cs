using Nulecule.Actions;
using Nulecule.Providers;
using Nulecule.Releases;

namespace Nulecule.Docker.Tests.Releases;

/// <summary>
/// examples/compose-shop (a compose file: web gated on a healthy db and a finished migration; the
/// db reads its password from a secret) through the whole lifecycle on the real engine: install
/// with --wait, converge, upgrade, a failed upgrade that leaves the running revision serving,
/// rollback, scale by replicas, status, logs, diff, stop.
/// </summary>
public sealed class ComposeLifecycleTests : IDisposable
{
    // The harness gives the hidden param `token` its canary: here it is the db password.
    private readonly DockerReleaseHarness _h = new(ComposeShopApp.Write);

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public void Dispose() => _h.Dispose();

    private async Task<string> ServedAsync(string logical = "web-1")
    {
        var inspect = (await _h.InspectAsync(logical))!;
        var port = inspect.NetworkSettings!.Ports!["80/tcp"]![0]!.HostPort;
        return (await Http.GetStringAsync($"http://127.0.0.1:{port}/")).Trim();
    }

    private Task<InstallOrUpgradeResult> UpAsync(params string[] sets) => _h.RunAsync(["WEB_PORT=\"\"", .. sets]);

    [DockerFact]
    public async Task Should_run_a_compose_app_through_its_whole_lifecycle()
    {
        // When: install with --wait
        var installed = await UpAsync("GREETING=v1");

        // Then: every service ran in dependency order; the one-shot finished; web serves
        installed.Release!.Revision.ShouldBe(1);
        installed.Result.Objects.Where(o => o.Kind == "container").Select(o => o.Name)
            .ShouldBe([_h.Container("db-1"), _h.Container("migrate-1"), _h.Container("web-1")]);
        (await ServedAsync()).ShouldBe("v1");
        var migrate = (await _h.InspectAsync("migrate-1"))!;
        (migrate.State!.Status, migrate.State.ExitCode).ShouldBe(("exited", 0L));
        var db = (await _h.InspectAsync("db-1"))!;
        db.State!.Health!.Status.ShouldBe("healthy");
        db.Config!.Labels!["com.docker.compose.project"].ShouldBe(_h.Release);
        db.Config.Labels["com.docker.compose.service"].ShouldBe("db");
        db.Config.Env!.ShouldAllBe(e => !e.Contains(_h.Canary, StringComparison.Ordinal));
        var status = await new StatusAction(_h.Provider, _h.Store) { Release = _h.Release }.RunAsync();
        status.Degraded.ShouldBeFalse();

        // When: the same values again
        var again = await UpAsync("GREETING=v1");

        // Then: nothing is touched
        again.Result.Objects.Where(o => o.Kind == "container").ShouldAllBe(o => o.Action == ObjectAction.Unchanged);
        (await _h.InspectAsync("db-1"))!.ID.ShouldBe(db.ID);

        // When: upgrade the greeting
        var upgraded = await UpAsync("GREETING=v2");

        // Then: only web is replaced
        upgraded.Result.Objects.Single(o => o.Name == _h.Container("web-1")).Action.ShouldBe(ObjectAction.Updated);
        upgraded.Result.Objects.Single(o => o.Name == _h.Container("db-1")).Action.ShouldBe(ObjectAction.Unchanged);
        upgraded.Result.Objects.Single(o => o.Name == _h.Container("migrate-1")).Action.ShouldBe(ObjectAction.Unchanged);
        (await ServedAsync()).ShouldBe("v2");
        var web2 = (await _h.InspectAsync("web-1"))!.ID;

        // When: an upgrade to an image that does not exist
        await _h.FailsAsync<OperationFailedException>(() => UpAsync("GREETING=v3", "WEB_IMAGE=local/busybox:no-such-tag"));

        // Then: the running revision still serves, untouched
        (await _h.InspectAsync("web-1"))!.ID.ShouldBe(web2);
        (await ServedAsync()).ShouldBe("v2");
        (await _h.StatesAsync()).Last().State.ShouldBe(ReleaseState.Failed);

        // When: diff against what runs
        var diff = await new DiffAction(_h.Store, _h.Key) { Release = _h.Release, Engine = _h.Provider }.RunAsync(await _h.RenderAsync(["WEB_PORT=\"\"", "GREETING=v9"]));

        // Then: the web service differs in the greeting only (the password stays masked)
        diff.HasChanges.ShouldBeTrue();
        var change = diff.Changes.ShouldHaveSingleItem();
        (change.Component, change.Kind, change.Name).ShouldBe(("shop", "service", "web"));
        change.Fields.ShouldBe(["environment.GREETING"]);
        diff.Lines.ShouldContain(l => l.StartsWith('+') && l.Contains("v9", StringComparison.Ordinal));
        diff.Lines.ShouldAllBe(l => !l.Contains(_h.Canary, StringComparison.Ordinal));

        // When: roll back to revision 1
        var back = await new RollbackAction(_h.Config) { Release = _h.Release, Revision = 1, Wait = true, Timeout = TimeSpan.FromSeconds(60) }.RunAsync();

        // Then
        back.Description.ShouldBe("Rollback to 1 complete");
        (await ServedAsync()).ShouldBe("v1");
        (await _h.InspectAsync("db-1"))!.ID.ShouldBe(db.ID);

        // When: scale web to two replicas
        var scaled = await UpAsync("GREETING=v1", "WEB_REPLICAS=2");

        // Then
        scaled.Result.Objects.Single(o => o.Name == _h.Container("web-2")).Action.ShouldBe(ObjectAction.Created);
        (await ServedAsync("web-2")).ShouldBe("v1");
        var rows = (await _h.Provider.StatusAsync(_h.Release, CancellationToken.None)).Components.SelectMany(c => c.Objects).ToList();
        rows.Select(r => r.Name).ShouldBe([_h.Container("db-1"), _h.Container("migrate-1"), _h.Container("web-1"), _h.Container("web-2")], ignoreOrder: true);
        rows.ShouldAllBe(r => r.Ready);

        // When: scale back down
        var down = await UpAsync("GREETING=v1", "WEB_REPLICAS=1");
        down.Result.Objects.ShouldContain(o => o.Name == _h.Container("web-2") && o.Action == ObjectAction.Deleted);

        // Then: logs of the release come from its containers
        var lines = new List<string>();
        await foreach (var line in _h.Provider.LogsAsync(_h.Release, new LogOptions(), CancellationToken.None))
        {
            lines.Add(line.Text);
        }

        lines.ShouldContain(l => l.Contains("migrated", StringComparison.Ordinal));

        // When: stop
        await new UninstallAction(_h.Config) { Release = _h.Release, Timeout = TimeSpan.FromSeconds(5) }.RunAsync();

        // Then: no container is left; the hidden password never left the engine
        (await _h.ContainerNamesAsync()).ShouldBeEmpty();
        _h.ShouldNotLeakTheCanary();
    }
}
