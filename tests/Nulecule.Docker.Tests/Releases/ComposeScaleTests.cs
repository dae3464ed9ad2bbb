using Nulecule.Actions;
using Nulecule.Providers;

namespace Nulecule.Docker.Tests.Releases;

/// <summary>
/// `scale` of compose services on the real engine: one service (COMPONENT/SERVICE) or every
/// service of a component, as `<release>-<service>-<n>` containers; the count holds across later
/// runs until the artifact's own count changes; what already runs is not touched.
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
