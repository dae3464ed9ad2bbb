using Nulecule.Actions;
using Nulecule.Providers;
using Nulecule.Releases;

namespace Nulecule.Docker.Tests.Releases;

/// <summary>
/// `scale` of compose services on the real engine: one service (COMPONENT/SERVICE) or every
/// service of a component, as `<release>-<service>-<n>` containers; the count holds across later
/// runs until the artifact's own count changes (at 0 too, where the release's record holds it);
/// what already runs is not touched.
/// </summary>
public sealed class ComposeScaleTests : IDisposable
{
    private static readonly string Compose = $$"""
        services:
          web:
            image: {{TestImages.Busybox}}
            command: {{ComposeTestApp.Loop}}
            environment: {TOKEN: "${token}"}
            deploy: {replicas: "${WEB_REPLICAS:-1}"}
          db:
            image: {{TestImages.Busybox}}
            command: {{ComposeTestApp.Loop}}
        """;

    private static readonly ProviderRegistry Registry = [DockerEngine.Docker];

    private readonly DockerReleaseHarness _h = new(d => ComposeTestApp.Write(d, Compose, ["WEB_REPLICAS"]));

    public void Dispose() => _h.Dispose();

    private Task<string> ScaleAsync(string what, int replicas) =>
        new ScaleAction(Registry, _h.Provider) { Release = _h.Release, Component = what, Replicas = replicas, Store = _h.Store, Key = _h.Key, Reporter = _h.Reporter }.RunAsync(default);

    private async Task<IReadOnlyList<string>> RunningAsync() => (await _h.ContainerNamesAsync()).Select(n => n[(_h.Release.Length + 1)..]).ToList();

    [DockerFact]
    public async Task Should_scale_one_service_and_keep_the_count_until_the_artifact_changes_its_own()
    {
        // Given
        await _h.RunAsync();
        var web1 = (await _h.InspectAsync("web-1"))!.ID;
        var db1 = (await _h.InspectAsync("db-1"))!.ID;

        // When: one service of the component, by its component's short name
        (await ScaleAsync("stack/web", 3)).ShouldBe("stack/web");

        // Then: two more web containers; what ran is untouched
        (await RunningAsync()).ShouldBe(["db-1", "web-1", "web-2", "web-3"]);
        (await _h.InspectAsync("web-1"))!.ID.ShouldBe(web1);
        (await _h.InspectAsync("db-1"))!.ID.ShouldBe(db1);
        var web3 = (await _h.InspectAsync("web-3"))!;
        web3.State!.Running.ShouldBeTrue();
        web3.Config!.Labels!["com.docker.compose.container-number"].ShouldBe("3");
        web3.Config.Labels["io.nulecule.replicas"].ShouldBe("1");

        // When: the app runs again with the same values
        var again = await _h.RunAsync();

        // Then: the scaled count holds, and nothing is touched
        (await RunningAsync()).ShouldBe(["db-1", "web-1", "web-2", "web-3"]);
        again.Result.Objects.Where(o => o.Kind == "container").ShouldAllBe(o => o.Action == ObjectAction.Unchanged);

        // When: scaled down, then the whole component
        await ScaleAsync("stack/web", 2);
        (await RunningAsync()).ShouldBe(["db-1", "web-1", "web-2"]);
        (await ScaleAsync("stack", 2)).ShouldBe("stack");

        // Then: every service of the component has two
        (await RunningAsync()).ShouldBe(["db-1", "db-2", "web-1", "web-2"]);
        (await _h.InspectAsync("db-1"))!.ID.ShouldBe(db1);

        // When: the artifact's own web count changes (1 -> 4)
        await _h.RunAsync("WEB_REPLICAS=4");

        // Then: the artifact's count wins for web; db, whose count did not change in the artifact, keeps its two
        (await RunningAsync()).ShouldBe(["db-1", "db-2", "web-1", "web-2", "web-3", "web-4"]);
        (await _h.InspectAsync("db-1"))!.ID.ShouldBe(db1);
        _h.ShouldNotLeakTheCanary();
    }

    [DockerFact]
    public async Task Should_keep_a_service_scaled_to_zero_across_later_runs_until_the_artifact_changes_its_own()
    {
        // Given
        await _h.RunAsync();
        var db1 = (await _h.InspectAsync("db-1"))!.ID;

        // When: web is scaled to 0 (no container is left to carry its count)
        await ScaleAsync("stack/web", 0);

        // Then: the record of the deployed revision keeps the count
        (await RunningAsync()).ShouldBe(["db-1"]);
        var history = await _h.Store.HistoryAsync(_h.Release);
        history.Count.ShouldBe(1);
        history[0].Scaled.ShouldBe([new ScaledReplicas("stack/web", 0, 1)]);

        // When: the app runs again with the same values
        var again = await _h.RunAsync();

        // Then: still no web container, db untouched, no revision recorded
        again.UpToDate.ShouldBeTrue();
        (await RunningAsync()).ShouldBe(["db-1"]);

        // When: an upgrade that changes a value (the hidden token), then another run of it
        await _h.RunAsync("token=another-value");
        await _h.RunAsync("token=a-third-value");

        // Then: both revisions ran and each kept web at 0 and carried the count on
        (await _h.StatesAsync()).ShouldBe([(1, ReleaseState.Superseded), (2, ReleaseState.Superseded), (3, ReleaseState.Deployed)]);
        (await RunningAsync()).ShouldBe(["db-1"]);
        (await _h.InspectAsync("db-1"))!.ID.ShouldBe(db1);
        (await _h.Store.LatestAsync(_h.Release))!.Scaled.ShouldBe([new ScaledReplicas("stack/web", 0, 1)]);

        // When: the artifact's own web count changes (1 -> 2)
        await _h.RunAsync("WEB_REPLICAS=2");

        // Then: the artifact's count wins, and the record holds no scaled count any more
        (await RunningAsync()).ShouldBe(["db-1", "web-1", "web-2"]);
        (await _h.Store.LatestAsync(_h.Release))!.Scaled.ShouldBeNull();
        _h.ShouldNotLeakTheCanary();
    }

    [DockerFact]
    public async Task Should_refuse_a_service_the_component_does_not_have_and_change_nothing()
    {
        await _h.RunAsync();
        var before = await RunningAsync();

        var error = await _h.FailsAsync<NuleculeException>(() => ScaleAsync("stack/cache", 2));

        error.Message.ShouldContain("has no compose service 'cache'");
        error.Diagnostics[0].Hint!.ShouldContain("db, web");
        (await RunningAsync()).ShouldBe(before);
    }
}
