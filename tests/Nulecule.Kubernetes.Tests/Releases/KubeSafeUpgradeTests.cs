using System.Text.Json.Nodes;
using Nulecule.Actions;
using Nulecule.Kubernetes.Tests.Support;
using Nulecule.Releases;

namespace Nulecule.Kubernetes.Tests.Releases;

/// <summary>
/// On Kubernetes the Deployment's rolling update keeps old pods until new ones are ready: an
/// upgrade that cannot work, and a rollback to it, leave the app answering throughout (a poller
/// asks the Service every 50 ms). A release never takes over another release's objects, nor
/// deploys outside its namespace; both are refused before anything changes.
/// </summary>
public sealed class KubeSafeUpgradeTests : IAsyncLifetime
{
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(25);
    private KubeReleaseHarness? _harness;

    private KubeReleaseHarness H => _harness!;

    public async Task InitializeAsync()
    {
        if (Cluster.SkipReason is null)
        {
            _harness = await KubeReleaseHarness.CreateAsync(KubeServedApp.Writer(hostPort: FreePort()));
        }
    }

    public async Task DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    [ClusterFact]
    public async Task Should_keep_serving_through_an_upgrade_to_a_missing_image_and_a_rollback_to_it()
    {
        await H.RunAsync();
        await ShouldKeepServingAsync(() => UpgradeAsync($"web.image={KubeReleaseApp.MissingImage}"), failed: 1);
        await ShouldKeepServingAsync(() => new RollbackAction(H.Config) { Release = H.Release, Revision = 2, Wait = true, Timeout = Short }.RunAsync(), failed: 2);
    }

    [ClusterFact]
    public async Task Should_keep_serving_through_an_upgrade_to_a_crashing_command()
    {
        await H.RunAsync();
        await ShouldKeepServingAsync(() => UpgradeAsync("web.mode=crash", "web.greeting=bye"), failed: 1);
    }

    [ClusterFact]
    public async Task Should_keep_serving_through_an_upgrade_to_a_host_port_another_pod_holds()
    {
        // Given: the release runs; a pod outside it holds another host port
        await H.RunAsync();
        var taken = FreePort();
        await H.Ns.Api.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{H.Ns.Name}/pods", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = "squatter" },
            ["spec"] = new JsonObject
            {
                ["terminationGracePeriodSeconds"] = 1,
                ["containers"] = new JsonArray(new JsonObject
                {
                    ["name"] = "main", ["image"] = Cluster.Image, ["imagePullPolicy"] = "Never", ["command"] = new JsonArray("sleep", "3600"),
                    ["ports"] = new JsonArray(new JsonObject { ["containerPort"] = 80, ["hostPort"] = taken, ["hostIP"] = "127.0.0.1" }),
                }),
            },
        }, null, CancellationToken.None);

        // When / Then: the new pod cannot be placed; the old one serves throughout
        await ShouldKeepServingAsync(() => UpgradeAsync($"web.hostport={taken}"), failed: 1);
    }

    [ClusterFact]
    public async Task Should_refuse_to_take_over_another_releases_objects_before_changing_anything()
    {
        // Given: release A runs the app in the namespace
        await H.RunAsync();
        var before = (string?)(await H.DeploymentAsync("web"))!["metadata"]!["resourceVersion"];
        var other = "other-" + Guid.NewGuid().ToString("N")[..6];

        // When: release B deploys the same objects into the same namespace
        var error = await H.FailsAsync<OperationFailedException>(async () => await H.RunOther(other).RunAsync(await H.RenderAsync(["web.greeting=bye"])));

        // Then: refused, naming the owner; A's objects untouched; A still deployed
        error.Message.ShouldContain($"Deployment {H.Ns.Name}/web");
        error.Message.ShouldContain($"belongs to release '{H.Release}'");
        error.Message.ShouldContain("nothing was changed");
        error.Message.ShouldContain("--take-ownership");
        ((string?)(await H.DeploymentAsync("web"))!["metadata"]!["resourceVersion"]).ShouldBe(before);
        (await H.EnvAsync("web", "GREETING")).ShouldBeNull();
        (await H.StatesAsync()).ShouldBe([(1, ReleaseState.Deployed)]);

        // And stopping B removes nothing of A's
        await new UninstallAction(H.Config) { Release = other, Timeout = Short }.RunAsync();
        (await H.DeploymentAsync("web")).ShouldNotBeNull();
    }

    [ClusterFact]
    public async Task Should_refuse_an_object_outside_the_release_namespace()
    {
        // Given: an app whose Deployment names another namespace
        var app = KubeServedApp.Writer("kube-public")(Path.Combine(H.Root, "elsewhere"));

        // When
        var error = await H.FailsAsync<OperationFailedException>(async () => await H.Run().RunAsync(await H.RenderAsync([], app)));

        // Then: refused before anything was applied
        error.Message.ShouldContain("Deployment kube-public/web");
        error.Message.ShouldContain($"outside the release namespace '{H.Ns.Name}'");
        (await H.Ns.GetAsync($"/api/v1/namespaces/{H.Ns.Name}/services/web")).ShouldBeNull();
        (await H.Ns.GetAsync("/apis/apps/v1/namespaces/kube-public/deployments/web")).ShouldBeNull();
    }

    /// <summary>A new Service answers once kube-proxy has programmed it, a moment after the pods are ready.</summary>
    private static async Task AnswersAsync(string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 60; i++)
        {
            try
            {
                if ((await http.GetStringAsync(url)).Contains("hello", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(500);
        }

        throw new TimeoutException($"{url} never answered");
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task UpgradeAsync(params string[] sets) =>
        await new InstallOrUpgradeAction(H.Config) { Release = H.Release, Wait = true, Timeout = Short }.RunAsync(await H.RenderAsync(sets));

    /// <summary>The change fails; the Service answers "hello" on every poll meanwhile; revision 1 is the deployed one.</summary>
    private async Task ShouldKeepServingAsync(Func<Task> change, int failed)
    {
        var ip = (string?)(await H.Ns.GetAsync($"/api/v1/namespaces/{H.Ns.Name}/services/web"))!["spec"]!["clusterIP"];
        await AnswersAsync($"http://{ip}:8080/");
        await using var poller = new HttpPoller($"http://{ip}:8080/", "hello");
        await H.FailsAsync<OperationFailedException>(change);
        var (successes, failures) = await poller.StopAsync();
        failures.ShouldBeEmpty();
        successes.ShouldBeGreaterThan(0);
        var history = await H.StatesAsync();
        history[0].ShouldBe((1, ReleaseState.Deployed));
        history.Count.ShouldBe(1 + failed);
        history.Skip(1).ShouldAllBe(r => r.State == ReleaseState.Failed);
        var health = await new StatusAction(H.Provider, H.Store) { Release = H.Release }.RunAsync();
        health.Running!.Revision.ShouldBe(1);
        health.Degraded.ShouldBeTrue();
    }
}
