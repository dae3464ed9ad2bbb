using System.Net;
using System.Net.Sockets;
using Nulecule.Actions;
using Nulecule.Docker.Tests.Releases;
using Nulecule.Providers;
using Nulecule.Releases;

namespace Nulecule.Docker.Tests.Swarm;

/// <summary>
/// The whole lifecycle of a three-service app on the real single-node swarm: install with
/// --wait in health-gated order, upgrades, an upgrade to a missing image that changes nothing
/// while the previous revision keeps serving, two rollbacks in a row to older and older
/// revisions (Swarm's own rollback would roll the second one forward), scale, status, logs, diff,
/// and stop leaving nothing but the volume that --volumes removes.
/// </summary>
public sealed class SwarmEndToEndTests : IDisposable
{
    private readonly int _port = FreePort();
    private readonly SwarmReleaseHarness _h;

    public SwarmEndToEndTests() => _h = new SwarmReleaseHarness(ShopApp.Writer(_port));

    public void Dispose() => _h.Dispose();

    private string Url => $"http://127.0.0.1:{_port}/";

    [SwarmFact]
    public async Task Should_run_upgrade_fail_safely_roll_back_twice_scale_and_stop_a_three_service_app()
    {
        // Install: db healthy, then the migration completes, then the web.
        var installed = await _h.RunAsync();
        installed.Release!.Revision.ShouldBe(1);
        (await PageAsync()).ShouldBe("v1");
        var lines = _h.Reporter.Lines.ToList();
        lines.FindIndex(l => l.Contains("waiting for migrate", StringComparison.Ordinal))
            .ShouldBeLessThan(lines.FindIndex(l => l.Contains($"creating service {_h.Service("web")}", StringComparison.Ordinal)));
        var health = await new StatusAction(_h.Provider, _h.Store) { Release = _h.Release }.RunAsync();
        health.Degraded.ShouldBeFalse();
        var migrate = health.Components.Single(c => c.Component == "migrate").Objects;
        migrate.ShouldContain(o => o.Kind == "service" && o.State == "Complete");
        health.Components.Single(c => c.Component == "web").Objects.ShouldContain(o => o.Kind == "task" && o.State == "running" && o.Ready);

        // Upgrades change the web only.
        var v2 = await _h.RunAsync("web.greeting=v2");
        v2.Result.Objects.Where(o => o.Kind == "service").Select(o => (o.Component, o.Action))
            .ShouldBe([("db", ObjectAction.Unchanged), ("migrate", ObjectAction.Unchanged), ("web", ObjectAction.Updated)]);
        (await PageAsync()).ShouldBe("v2");
        (await _h.RunAsync("web.greeting=v3")).Release!.Revision.ShouldBe(3);
        (await PageAsync()).ShouldBe("v3");
        (await _h.RunAsync("web.greeting=v3")).UpToDate.ShouldBeTrue();

        // A missing image: refused before any service changes, the web serves v3 throughout.
        await using (var poller = new HttpPoller(Url, "v3"))
        {
            var error = await _h.FailsAsync<OperationFailedException>(() => _h.RunAsync("web.greeting=v3", $"web.web_image={DockerReleaseApp.MissingImage}"));
            error.Message.ShouldContain("is not present locally and could not be pulled");
            var (successes, failures) = await poller.StopAsync();
            failures.ShouldBeEmpty();
            successes.ShouldBeGreaterThan(0);
        }

        // Two rollbacks in a row, each further back: 3 -> 2 -> 1.
        var back = await new RollbackAction(_h.Config) { Release = _h.Release, Wait = true, Timeout = TimeSpan.FromSeconds(90) }.RunAsync();
        back.Description.ShouldBe("Rollback to 2 complete");
        (await PageAsync()).ShouldBe("v2");
        var further = await new RollbackAction(_h.Config) { Release = _h.Release, Revision = 1, Wait = true, Timeout = TimeSpan.FromSeconds(90) }.RunAsync();
        further.Description.ShouldBe("Rollback to 1 complete");
        (await PageAsync()).ShouldBe("v1");
        (await _h.StatesAsync()).ShouldBe([
            (1, ReleaseState.Superseded), (2, ReleaseState.Superseded), (3, ReleaseState.Superseded), (4, ReleaseState.Failed),
            (5, ReleaseState.Superseded), (6, ReleaseState.Deployed)]);

        // Scale: the db to two tasks; the web publishes a host port, so one node holds one of it.
        await new ScaleAction(SwarmReleaseHarness.Registry, _h.Provider) { Release = _h.Release, Component = "db", Replicas = 2 }.RunAsync(default);
        await EventuallyAsync(async () => (await _h.Provider.StatusAsync(_h.Release, default)).Components.Single(c => c.Component == "db").Objects.Count(o => o.Kind == "task" && o.State == "running") == 2);
        (await Should.ThrowAsync<NuleculeException>(() => _h.Provider.ScaleAsync(_h.Release, "web", 2, default))).Message.ShouldContain("publishes host ports");

        // Logs of the one-shot, diff against a new value and against the running values.
        var logs = new List<LogLine>();
        await foreach (var line in _h.Provider.LogsAsync(_h.Release, new LogOptions { Component = "migrate" }, default))
        {
            logs.Add(line);
        }

        logs.ShouldContain(l => l.Text == "migrated to schema 1" && l.Source == _h.Service("migrate"));
        var diff = await new DiffAction(_h.Store, _h.Key) { Release = _h.Release, Engine = _h.Provider }.RunAsync(await _h.RenderAsync("web.greeting=v9"));
        diff.Changes.ShouldBe([new ObjectChange("web", "service", "web", ObjectChangeKind.Changed)]);
        diff.Lines.ShouldContain(l => l.StartsWith('+') && l.Contains("v9", StringComparison.Ordinal));
        (await new DiffAction(_h.Store, _h.Key) { Release = _h.Release, Engine = _h.Provider }.RunAsync(await _h.RenderAsync())).HasChanges.ShouldBeFalse();

        // Stop: nothing left but the db's volume, which --volumes removes.
        await new UninstallAction(_h.Config) { Release = _h.Release, Timeout = TimeSpan.FromSeconds(60) }.RunAsync();
        (await _h.LeftoversAsync()).ShouldBe([$"volume {_h.Service("data")}"]);
        await _h.Provider.StopAsync(_h.Release, new StopOptions { RemoveVolumes = true }, default);
        (await _h.LeftoversAsync()).ShouldBeEmpty();

        _h.ShouldNotLeakTheCanary();
    }

    private async Task<string> PageAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        string? last = null;
        for (var i = 0; i < 40; i++)
        {
            try
            {
                return (await http.GetStringAsync(Url)).Trim();
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
                await Task.Delay(250);
            }
        }

        throw new ShouldAssertException($"{Url} did not answer: {last}");
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 120 && !await condition(); i++)
        {
            await Task.Delay(250);
        }

        (await condition()).ShouldBeTrue();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
