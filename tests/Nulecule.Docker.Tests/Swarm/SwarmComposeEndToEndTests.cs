#nullable disable
using Docker.DotNet.Models;
using Nulecule.Actions;
using Nulecule.Docker.Tests.Releases;
using Nulecule.Providers;
using Nulecule.Releases;

namespace Nulecule.Docker.Tests.Swarm;

/// <summary>
/// examples/compose-shop (the app <see cref="ComposeLifecycleTests"/> runs with the docker
/// provider) on the real single-node swarm: install with --wait in depends_on order (db healthy,
/// the migration finished, then the web), converge, upgrade, an upgrade to a missing image that
/// changes nothing while the web keeps serving, two rollbacks in a row, scale (the count holds
/// across runs that do not change it), a new secret value, status, logs, diff, stop.
/// </summary>
public sealed class SwarmComposeEndToEndTests : IDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private readonly SwarmReleaseHarness _h = new(ComposeShopApp.Write);

    public void Dispose() => _h.Dispose();

    // No fixed host port: the engine picks one per task (host mode), so web can have replicas on one node.
    private Task<InstallOrUpgradeResult> UpAsync(params string[] sets) => _h.RunAsync(["WEB_PORT=\"\"", .. sets]);

    [SwarmFact]
    public async Task Should_run_the_compose_shop_through_its_whole_lifecycle_on_a_swarm()
    {
        // Install: the web is created only once the db is healthy and the migration has completed.
        var installed = await UpAsync("GREETING=v1");
        installed.Release!.Revision.ShouldBe(1);
        installed.Result.Objects.Where(o => o.Kind == "service").Select(o => o.Name)
            .ShouldBe([_h.Service("db"), _h.Service("migrate"), _h.Service("web")]);
        var lines = _h.Reporter.Lines.ToList();
        lines.FindIndex(l => l.Contains($"waiting for {_h.Service("migrate")} (service_completed_successfully)", StringComparison.Ordinal))
            .ShouldBeLessThan(lines.FindIndex(l => l.Contains($"creating service {_h.Service("web")}", StringComparison.Ordinal)));
        lines.ShouldContain(l => l.Contains("asks for the routing mesh", StringComparison.Ordinal));
        (await PagesAsync()).ShouldBe(["v1"]);
        var status = await new StatusAction(_h.Provider, _h.Store) { Release = _h.Release }.RunAsync();
        var rows = status.Components.Single().Objects;
        status.Degraded.ShouldBeFalse(string.Join("; ", rows.Select(r => $"{r.Kind} {r.Name} {r.State} {r.Ready} {r.Message}")));
        rows.ShouldContain(o => o.Kind == "service" && o.Name == _h.Service("migrate") && o.State == "Complete");
        rows.ShouldContain(o => o.Kind == "task" && o.Name.StartsWith(_h.Service("web"), StringComparison.Ordinal) && o.State == "running" && o.Ready);

        // The password is a swarm secret named by a digest; the db service names it and holds no value.
        var secret = (await SecretsAsync()).ShouldHaveSingleItem();
        secret.ShouldStartWith(_h.Service("db_password") + "_");
        var db = await ServiceAsync("db");
        db.Spec.TaskTemplate.ContainerSpec.Secrets.ShouldHaveSingleItem().SecretName.ShouldBe(secret);
        db.Spec.TaskTemplate.ContainerSpec.Env?.ShouldAllBe(e => !e.Contains(_h.Canary, StringComparison.Ordinal));

        // Converge: the same values change nothing; a new greeting updates the web only.
        (await UpAsync("GREETING=v1")).UpToDate.ShouldBeTrue();
        var v2 = await UpAsync("GREETING=v2");
        v2.Result.Objects.Where(o => o.Kind == "service").Select(o => (o.Name, o.Action))
            .ShouldBe([(_h.Service("db"), ObjectAction.Unchanged), (_h.Service("migrate"), ObjectAction.Unchanged), (_h.Service("web"), ObjectAction.Updated)]);
        (await PagesAsync()).ShouldBe(["v2"]);
        (await UpAsync("GREETING=v3")).Release!.Revision.ShouldBe(3);
        (await PagesAsync()).ShouldBe(["v3"]);

        // A missing image: refused before any service changes; the web serves v3 throughout.
        await using (var poller = new HttpPoller((await ServedAsync()).Single().Url, "v3"))
        {
            var error = await _h.FailsAsync<OperationFailedException>(() => UpAsync("GREETING=v4", $"WEB_IMAGE={DockerReleaseApp.MissingImage}"));
            error.Message.ShouldContain("is not present locally and could not be pulled");
            var (successes, failures) = await poller.StopAsync();
            failures.ShouldBeEmpty();
            successes.ShouldBeGreaterThan(0);
        }

        // Two rollbacks in a row, each further back: 3 -> 2 -> 1.
        (await new RollbackAction(_h.Config) { Release = _h.Release, Wait = true, Timeout = TimeSpan.FromSeconds(90) }.RunAsync()).Description.ShouldBe("Rollback to 2 complete");
        (await PagesAsync()).ShouldBe(["v2"]);
        (await new RollbackAction(_h.Config) { Release = _h.Release, Revision = 1, Wait = true, Timeout = TimeSpan.FromSeconds(90) }.RunAsync()).Description.ShouldBe("Rollback to 1 complete");
        (await PagesAsync()).ShouldBe(["v1"]);
        (await _h.StatesAsync()).ShouldBe([
            (1, ReleaseState.Superseded), (2, ReleaseState.Superseded), (3, ReleaseState.Superseded), (4, ReleaseState.Failed),
            (5, ReleaseState.Superseded), (6, ReleaseState.Deployed)]);

        // Scale the component: two tasks of the web; the count holds across a run that changes nothing and one that changes the web.
        await new ScaleAction(SwarmReleaseHarness.Registry, _h.Provider) { Release = _h.Release, Component = "shop", Replicas = 2 }.RunAsync(default);
        await EventuallyAsync(async () => (await TasksAsync()).Count == 2);
        (await UpAsync("GREETING=v1")).UpToDate.ShouldBeTrue();
        (await UpAsync("GREETING=v5")).Result.Objects.Single(o => o.Name == _h.Service("web")).Action.ShouldBe(ObjectAction.Updated);
        (await ServiceAsync("web")).Spec.Mode.Replicated.Replicas.ShouldBe(2UL);
        await EventuallyAsync(async () => (await TasksAsync()).Count == 2);
        (await PagesAsync()).ShouldBe(["v5", "v5"]);

        // A new password: a new secret, the db updated to it, the old secret gone.
        var rotated = await UpAsync("GREETING=v5", "token=another-value");
        rotated.Result.Objects.Single(o => o.Name == _h.Service("db")).Action.ShouldBe(ObjectAction.Updated);
        rotated.Result.Objects.ShouldContain(o => o.Kind == "secret" && o.Name == secret && o.Action == ObjectAction.Deleted);
        (await SecretsAsync()).ShouldHaveSingleItem().ShouldNotBe(secret);

        // Logs of the one-shot; diff against new values (the password stays masked).
        var logs = new List<LogLine>();
        await foreach (var line in _h.Provider.LogsAsync(_h.Release, new LogOptions(), default))
        {
            logs.Add(line);
        }

        logs.ShouldContain(l => l.Text == "migrated" && l.Source == _h.Service("migrate"));
        var diff = await new DiffAction(_h.Store, _h.Key) { Release = _h.Release, Engine = _h.Provider }.RunAsync(await _h.RenderAsync("WEB_PORT=\"\"", "GREETING=v9", "token=another-value"));
        diff.HasChanges.ShouldBeTrue();
        diff.Lines.ShouldContain(l => l.StartsWith('+') && l.Contains("v9", StringComparison.Ordinal));
        diff.Lines.ShouldAllBe(l => !l.Contains("another-value", StringComparison.Ordinal) && !l.Contains(_h.Canary, StringComparison.Ordinal));

        // Stop: nothing left but the db's volume, which --volumes removes.
        await new UninstallAction(_h.Config) { Release = _h.Release, Timeout = TimeSpan.FromSeconds(60) }.RunAsync();
        (await _h.LeftoversAsync()).ShouldBe([$"volume {_h.Service("dbdata")}"]);
        await _h.Provider.StopAsync(_h.Release, new StopOptions { RemoveVolumes = true }, default);
        (await _h.LeftoversAsync()).ShouldBeEmpty();

        _h.ShouldNotLeakTheCanary();
    }

    private async Task<SwarmService> ServiceAsync(string logical) => await _h.Client.Swarm.InspectServiceAsync(_h.Service(logical));

    private async Task<List<string>> SecretsAsync() =>
        (await _h.Client.Secrets.ListAsync()).Select(s => s.Spec.Name ?? "").Where(n => n.StartsWith(_h.Release + "_", StringComparison.Ordinal)).ToList();

    /// <summary>
    /// The web's current task containers, each with the URLs of the host ports the engine gave it.
    /// (Docker 20.10 gives a swarm task's unpublished-port binding different IPv4 and IPv6 ports, and
    /// here only one of them forwards, so each is tried.)
    /// </summary>
    private async Task<List<List<string>>> TasksAsync()
    {
        var containers = await _h.Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"com.docker.swarm.service.name={_h.Service("web")}"] = true },
                ["status"] = new Dictionary<string, bool> { ["running"] = true },
            },
        });
        var current = (await _h.Client.Tasks.ListAsync(new TasksListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["service"] = new Dictionary<string, bool> { [_h.Service("web")] = true },
                ["desired-state"] = new Dictionary<string, bool> { ["running"] = true },
            },
        })).Select(t => t.Status?.ContainerStatus?.ContainerID).ToHashSet();

        // Only the tasks meant to run: a replaced one may still be stopping.
        return containers
            .Where(c => current.Contains(c.ID))
            .Select(c => (c.Ports ?? []).Where(p => p.PrivatePort == 80 && p.PublicPort > 0)
                .Select(p => p.IP is { } ip && ip.Contains(':', StringComparison.Ordinal) ? $"http://[::1]:{p.PublicPort}/" : $"http://127.0.0.1:{p.PublicPort}/")
                .Distinct(StringComparer.Ordinal).ToList())
            .Where(urls => urls.Count > 0)
            .ToList();
    }

    /// <summary>For every running web task, the URL that answers and what it serves, once each answers (an update may still be replacing one).</summary>
    private async Task<List<(string Url, string Page)>> ServedAsync()
    {
        string last = null;
        for (var i = 0; i < 80; i++)
        {
            var tasks = await TasksAsync();
            var served = new List<(string Url, string Page)>();
            foreach (var urls in tasks)
            {
                foreach (var url in urls)
                {
                    try
                    {
                        served.Add((url, (await Http.GetStringAsync(url)).Trim()));
                        break;
                    }
                    catch (HttpRequestException e)
                    {
                        last = $"{url}: {e.Message}";
                    }
                }
            }

            if (tasks.Count > 0 && served.Count == tasks.Count)
            {
                return served;
            }

            last ??= "no running web task publishes port 80";
            await Task.Delay(250);
        }

        throw new ShouldAssertException($"the web did not answer: {last}");
    }

    private async Task<List<string>> PagesAsync() => (await ServedAsync()).Select(s => s.Page).ToList();

    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 120 && !await condition(); i++)
        {
            await Task.Delay(250);
        }

        (await condition()).ShouldBeTrue();
    }
}
