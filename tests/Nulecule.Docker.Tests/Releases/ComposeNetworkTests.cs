using System.Diagnostics;
using Docker.DotNet;
using Docker.DotNet.Models;
using Nulecule.Actions;
using Nulecule.Docker.Tests.Export;
using Nulecule.Providers;

namespace Nulecule.Docker.Tests.Releases;

/// <summary>
/// Compose services on several networks, and external networks and volumes, on the real engine:
/// the container is on every network it names, reachable there by its aliases, keeps its
/// networks and fixed address through a replacement, and agrees with what `docker-compose up`
/// (1.29, the oracle) makes from the same file. External objects are used by name, checked before
/// anything is made, and outlive `stop --volumes`.
/// </summary>
public sealed class ComposeNetworkTests : IDisposable
{
    // A /24 of its own per test run: two runs (or engineers) at once never ask for the same pool.
    private static readonly string Prefix = $"10.{200 + Random.Shared.Next(50)}.{Random.Shared.Next(256)}";

    private static readonly string Compose = $$"""
        services:
          api:
            image: {{TestImages.Busybox}}
            command: {{ComposeTestApp.Loop}}
            environment: {GREETING: "${GREETING:-hi}", TOKEN: "${token}"}
            networks:
              back:
                aliases: [backend]
                ipv4_address: ${SUBNET_PREFIX}.10
              front:
                aliases: [frontend]
          probe-back:
            image: {{TestImages.Busybox}}
            command: {{ComposeTestApp.Loop}}
            networks: [back]
          probe-front:
            image: {{TestImages.Busybox}}
            command: {{ComposeTestApp.Loop}}
            networks: [front]
        networks:
          front: {labels: {tier: front} }
          back:
            ipam:
              config: [{subnet: "${SUBNET_PREFIX}.0/24"}]
        """;

    private static string ExternalCompose => $$"""
        services:
          app:
            image: {{TestImages.Busybox}}
            command: {{ComposeTestApp.Loop}}
            environment: {TOKEN: "${token}"}
            networks: [outside, default]
            volumes: ["shared:/shared", "own:/own"]
        networks:
          outside:
            external: true
            name: ${OUTSIDE}
        volumes:
          shared:
            external: true
            name: ${SHARED}
          own: {}
        """;

    private readonly List<DockerReleaseHarness> _harnesses = [];
    private readonly List<Func<Task>> _cleanUp = [];

    public void Dispose()
    {
        // docker-compose's project first (its file is in the harness's directory), then the releases, then what the tests made outside them.
        foreach (var step in _cleanUp)
        {
            try
            {
                step().GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // already gone, or the test's own failure says more
            }
        }

        foreach (var harness in _harnesses)
        {
            harness.Dispose();
        }
    }

    private DockerReleaseHarness Harness(string compose)
    {
        var harness = new DockerReleaseHarness(d => ComposeTestApp.Write(d, compose, ["GREETING", "SUBNET_PREFIX", "OUTSIDE", "SHARED"]));
        _harnesses.Add(harness);
        return harness;
    }

    [DockerFact]
    public async Task Should_put_a_service_on_every_network_it_names_reachable_by_its_aliases_as_docker_compose_does()
    {
        // Given: api on back (alias backend, a fixed address) and front (alias frontend); a probe on each network
        var h = Harness(Compose);
        string[] values = [$"SUBNET_PREFIX={Prefix}", "GREETING=v1"];

        // When
        await h.RunAsync(values);

        // Then: api is on both networks, with its aliases and the fixed address; each probe reaches it by alias on its own network only
        var api = (await h.InspectAsync("api-1"))!;
        var networks = api.NetworkSettings!.Networks!;
        networks.Keys.ShouldBe([$"{h.Release}_back", $"{h.Release}_front"], ignoreOrder: true);
        networks[$"{h.Release}_back"].IPAddress.ShouldBe($"{Prefix}.10");
        networks[$"{h.Release}_back"].Aliases.ShouldContain("backend");
        networks[$"{h.Release}_front"].Aliases.ShouldContain("frontend");
        api.HostConfig!.NetworkMode.ShouldBe($"{h.Release}_back"); // created on the first by name, connected to the others
        (await h.Client.Networks.InspectNetworkAsync($"{h.Release}_front")).Labels["tier"].ShouldBe("front");
        Exec(h.Container("probe-back-1"), "ping", "-c1", "-W2", "backend").ShouldBe(0);
        Exec(h.Container("probe-back-1"), "ping", "-c1", "-W2", "api").ShouldBe(0);
        Exec(h.Container("probe-front-1"), "ping", "-c1", "-W2", "frontend").ShouldBe(0);
        Exec(h.Container("probe-front-1"), "ping", "-c1", "-W2", "backend").ShouldNotBe(0);

        // When: api changes (safe replace: the new container is tried, then takes over the fixed address)
        var upgraded = await h.RunAsync($"SUBNET_PREFIX={Prefix}", "GREETING=v2");

        // Then: the new container has every network again, and the same address
        upgraded.Result.Objects.Single(o => o.Name == h.Container("api-1")).Action.ShouldBe(ObjectAction.Updated);
        var replaced = (await h.InspectAsync("api-1"))!;
        replaced.ID.ShouldNotBe(api.ID);
        replaced.Config!.Env.ShouldContain("GREETING=v2");
        replaced.NetworkSettings!.Networks!.Keys.ShouldBe([$"{h.Release}_back", $"{h.Release}_front"], ignoreOrder: true);
        replaced.NetworkSettings.Networks[$"{h.Release}_back"].IPAddress.ShouldBe($"{Prefix}.10");
        Exec(h.Container("probe-back-1"), "ping", "-c1", "-W2", "backend").ShouldBe(0);
        Exec(h.Container("probe-front-1"), "ping", "-c1", "-W2", "frontend").ShouldBe(0);
        var ours = Attachments(replaced, $"{h.Release}_", ["api-1"]);

        // When: stopped (the pool is free again), docker-compose runs the same file
        await new UninstallAction(h.Config) { Release = h.Release, RemoveVolumes = true, Timeout = TimeSpan.FromSeconds(10) }.RunAsync();
        (await h.Client.Networks.ListNetworksAsync()).ShouldAllBe(n => !n.Name.StartsWith(h.Release, StringComparison.Ordinal));
        var project = "net" + Guid.NewGuid().ToString("N")[..8];
        var file = Path.Combine(h.Root, "compose-oracle.yaml");
        await File.WriteAllTextAsync(file, Compose);
        var environment = new Dictionary<string, string> { ["SUBNET_PREFIX"] = Prefix, ["GREETING"] = "v2", ["token"] = "x" };
        _cleanUp.Add(() => Task.Run(() => DockerCli.Run("docker-compose", ["-p", project, "-f", file, "down", "--volumes"], environment)));
        DockerCli.Run("docker-compose", ["-p", project, "-f", file, "up", "-d"], environment);
        var theirs = await h.Client.Containers.InspectContainerAsync($"{project}_api_1");

        // Then: the same networks, the same aliases on each (beyond our replica name), the same address
        Attachments(theirs, $"{project}_", []).ShouldBe(ours);
    }

    [DockerFact]
    public async Task Should_use_external_networks_and_volumes_by_name_check_them_first_and_leave_them_on_stop()
    {
        var h = Harness(ExternalCompose);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var outside = $"ext-net-{suffix}";
        var shared = $"ext-vol-{suffix}";
        string[] values = [$"OUTSIDE={outside}", $"SHARED={shared}"];

        // When: the external network and volume do not exist yet
        var error = await h.FailsAsync<NuleculeException>(() => h.RunAsync(values));

        // Then: both are named, located in the compose file, and nothing was made
        error.Message.ShouldContain($"the external network {outside} does not exist");
        error.Message.ShouldContain($"the external volume {shared} does not exist");
        error.Message.ShouldContain("compose.yaml:");
        (await h.ContainerNamesAsync()).ShouldBeEmpty();
        (await h.Client.Networks.ListNetworksAsync()).ShouldAllBe(n => !n.Name.Contains(h.Release, StringComparison.Ordinal));
        (await h.Client.Volumes.ListAsync(CancellationToken.None)).Volumes.ShouldAllBe(v => !v.Name.StartsWith(h.Release, StringComparison.Ordinal));

        // When: made outside the app, then the release runs
        await h.Client.Networks.CreateNetworkAsync(new NetworksCreateParameters { Name = outside });
        await h.Client.Volumes.CreateAsync(new VolumesCreateParameters { Name = shared });
        _cleanUp.Add(async () =>
        {
            await h.Provider.StopAsync(h.Release, new StopOptions { RemoveVolumes = true, Timeout = TimeSpan.FromSeconds(2) }, CancellationToken.None);
            await h.Client.Networks.DeleteNetworkAsync(outside);
            await h.Client.Volumes.RemoveAsync(shared, true);
        });
        await h.RunAsync(values);

        // Then: the container uses them by name; the release's own volume is the release's
        var app = (await h.InspectAsync("app-1"))!;
        app.NetworkSettings!.Networks!.Keys.ShouldBe([outside, $"nulecule-{h.Release}"], ignoreOrder: true);
        app.Mounts!.ShouldContain(m => m.Name == shared && m.Destination == "/shared");
        app.Mounts!.ShouldContain(m => m.Name == $"{h.Release}-own" && m.Destination == "/own");
        (await h.Client.Networks.InspectNetworkAsync(outside)).Labels.ShouldNotContainKey(Labels.Release);

        // When: stop --volumes
        await new UninstallAction(h.Config) { Release = h.Release, RemoveVolumes = true, Timeout = TimeSpan.FromSeconds(10) }.RunAsync();

        // Then: the release's own volume and network are gone; the external ones are not
        (await h.ContainerNamesAsync()).ShouldBeEmpty();
        var volumes = (await h.Client.Volumes.ListAsync(CancellationToken.None)).Volumes.Select(v => v.Name).ToList();
        volumes.ShouldContain(shared);
        volumes.ShouldNotContain($"{h.Release}-own");
        (await h.Client.Networks.InspectNetworkAsync(outside)).Name.ShouldBe(outside);
        h.ShouldNotLeakTheCanary();
    }

    /// <summary>Network key (the tool's prefix taken off) to its aliases and address; the container's own short id and the given names left out.</summary>
    private static SortedDictionary<string, string> Attachments(ContainerInspectResponse container, string prefix, string[] ownNames) =>
        new(container.NetworkSettings!.Networks!.ToDictionary(
            n => n.Key.StartsWith(prefix, StringComparison.Ordinal) ? n.Key[prefix.Length..] : n.Key,
            n => string.Join(",", (n.Value.Aliases ?? []).Where(a => !container.ID.StartsWith(a, StringComparison.Ordinal) && !ownNames.Contains(a)).Order(StringComparer.Ordinal))
                + "@" + n.Value.IPAMConfig?.IPv4Address),
            StringComparer.Ordinal);

    private static int Exec(string container, params string[] command)
    {
        var start = new ProcessStartInfo("docker", ["exec", container, .. command]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode;
    }
}
