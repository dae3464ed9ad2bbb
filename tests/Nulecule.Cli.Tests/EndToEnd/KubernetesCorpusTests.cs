using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Nulecule.Providers;

namespace Nulecule.Cli.Tests.EndToEnd;

/// <summary>
/// Corpus apps on the Kubernetes testbed through `nulecule run/status/logs/scale/stop --provider
/// kubernetes`, each in a namespace of its own (deleted afterwards). The testbed cannot pull, and
/// the artifacts set no imagePullPolicy on `:latest`-ish images, so runs pass
/// `--image-pull-policy Never` and use the stand-in images of scripts/build-corpus-images.sh.
/// </summary>
public sealed class KubernetesCorpusTests : IAsyncLifetime
{
    private readonly CorpusCopy _corpus = new();
    private readonly string _namespace = "nulecule-e2e-" + Guid.NewGuid().ToString("N")[..8];
    private k8s.Kubernetes? _kube;

    public async Task InitializeAsync()
    {
        if (KubeCluster.Unavailable is not null)
        {
            return;
        }

        _kube = KubeCluster.Client();
        await KubeCluster.CreateNamespaceAsync(_kube, _namespace, TimeSpan.FromSeconds(20));
    }

    public async Task DisposeAsync()
    {
        if (_kube is not null)
        {
            await KubeCluster.DeleteNamespaceAsync(_kube, _namespace);

            _kube.Dispose();
        }

        _corpus.Dispose();
    }

    [KubernetesCorpusFact(StandIns.Httpd)]
    public async Task Helloapache_pod_runs_with_pull_policy_never_serves_its_host_port_and_stops_cleanly()
    {
        // Given: the corpus pod (image centos/httpd, no imagePullPolicy, a hostPort)
        var app = _corpus.App("helloapache");
        var release = Probes.Release("e2e-hello");
        var port = Probes.FreePort();

        // When
        var run = await Kube("run", app, "--name", release, "--image-pull-policy", "Never", "--set", $"hostport={port}", "--wait", "--timeout", "2m");

        // Then
        run.ExitCode.ShouldBe(0, Probes.Describe(run));
        var pod = await _kube!.CoreV1.ReadNamespacedPodAsync("helloapache", _namespace);
        pod.Spec.Containers.Single().ImagePullPolicy.ShouldBe("Never");
        pod.Status.Phase.ShouldBe("Running");
        var pods = await PodRowsAsync(release);
        pods.ShouldNotBeEmpty();
        pods.ShouldAllBe(p => (bool?)p["ready"] == true && ((string?)p["message"] ?? "").StartsWith("Running", StringComparison.Ordinal));
        (await Probes.GetAsync($"http://127.0.0.1:{port}/")).ShouldContain("Hello from the corpus centos/httpd stand-in");

        // When: upgraded without the flag, the policy kept with the release still applies
        // (dropping it would try to change the pod's immutable imagePullPolicy).
        var upgrade = await Kube("upgrade", release, "--wait", "--timeout", "1m");

        // Then
        upgrade.ExitCode.ShouldBe(0, Probes.Describe(upgrade));
        (await _kube.CoreV1.ReadNamespacedPodAsync("helloapache", _namespace)).Spec.Containers.Single().ImagePullPolicy.ShouldBe("Never");
        await StopAndAssertNothingLeftAsync(release);
    }

    [KubernetesCorpusFact(StandIns.Httpd)]
    public async Task A_verb_with_a_namespace_finds_the_deployed_cluster_release_over_an_uninstalled_docker_one_of_the_same_name()
    {
        // Given: release R ran on Docker and was stopped (its local record says uninstalled) ...
        var app = _corpus.App("helloapache");
        var release = Probes.Release("e2e-twice");
        var docker = await _corpus.Nulecule("run", app, "--provider", "docker", "--name", release, "--set", $"hostport={Probes.FreePort()}");
        docker.ExitCode.ShouldBe(0, Probes.Describe(docker));
        (await _corpus.Nulecule("stop", release)).ExitCode.ShouldBe(0);

        // ... and a release of the same name is deployed in the namespace
        var run = await Kube("run", app, "--name", release, "--image-pull-policy", "Never", "--set", $"hostport={Probes.FreePort()}", "--wait", "--timeout", "2m");
        run.ExitCode.ShouldBe(0, Probes.Describe(run));

        // When: status names the namespace only (no --provider)
        var status = await _corpus.Nulecule("status", release, "--kubeconfig", KubeCluster.Kubeconfig, "--namespace", _namespace);

        // Then: the cluster's deployed release, and the tool says which one it picked
        status.ExitCode.ShouldBe(0, Probes.Describe(status));
        status.Stdout.ShouldContain("on kubernetes");
        status.Stdout.ShouldContain("revision 1 deployed");
        status.Stderr.ShouldContain("locally: using the one on https://");
        await StopAndAssertNothingLeftAsync(release);
    }

    // kubernetes/guestbook:v2 here is a stand-in (busybox httpd on :3000), not the guestbook-go
    // app: what is proven is the nested-app deployment (guestbook + external redis master/slave),
    // readiness of every workload, replication between the redis pods, scale and stop.
    [KubernetesCorpusFact(StandIns.Guestbook, StandIns.Redis)]
    public async Task Guestbook_with_its_nested_redis_app_gets_ready_scales_and_stops_cleanly()
    {
        // Given: the nested redis app where `nulecule fetch` puts it
        var app = _corpus.App("guestbookgo-atomicapp");
        _corpus.External(app, "redis-centos7-atomicapp");
        var release = Probes.Release("e2e-guestbook");

        // When
        var run = await Kube("run", app, "--name", release, "--image-pull-policy", "Never", "--wait", "--timeout", "3m");

        // Then: three components, every workload ready
        run.ExitCode.ShouldBe(0, Probes.Describe(run));
        var controllers = (await _kube!.CoreV1.ListNamespacedReplicationControllerAsync(_namespace, labelSelector: $"{Labels.Release}={release}")).Items;
        controllers.Select(c => c.Metadata.Name).ShouldBe(["guestbook", "redis-master", "redis-slave"], ignoreOrder: true);
        controllers.ShouldAllBe(c => c.Status.ReadyReplicas == c.Spec.Replicas);
        controllers.Single(c => c.Metadata.Name == "guestbook").Status.ReadyReplicas.ShouldBe(3);
        var pods = await PodRowsAsync(release);
        pods.Count.ShouldBe(5);
        pods.ShouldAllBe(p => (bool?)p["ready"] == true);

        // And the slave found the master by its Service name and synced from it
        var synced = await Probes.EventuallyAsync(
            () => Kube("logs", release, "redis-centos7-atomicapp:redisslave-app"),
            logs => logs.Stdout.Contains("MASTER <-> REPLICA sync: Finished with success", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60));
        synced.Stdout.ShouldContain("MASTER <-> REPLICA sync: Finished with success", customMessage: Probes.Describe(synced));

        // When: scaled through the CLI
        var scale = await Kube("scale", release, "guestbookfront-app", "--replicas", "1");

        // Then
        scale.ExitCode.ShouldBe(0, Probes.Describe(scale));
        // (The controller's count drops at once; the testbed takes ~10 s to finish deleting a pod.)
        var guestbook = await Probes.EventuallyAsync(
            () => _kube.CoreV1.ReadNamespacedReplicationControllerAsync("guestbook", _namespace),
            rc => rc.Status.Replicas == 1, TimeSpan.FromSeconds(60));
        guestbook.Spec.Replicas.ShouldBe(1);
        guestbook.Status.Replicas.ShouldBe(1, "active guestbook pods after scaling to 1");
        guestbook.Status.ReadyReplicas.ShouldBe(1);

        await StopAndAssertNothingLeftAsync(release);
    }

    [CorpusFact]
    public async Task An_unknown_image_pull_policy_is_refused_before_anything_is_deployed()
    {
        var app = _corpus.App("helloapache");

        var run = await _corpus.Nulecule("run", app, "--provider", "kubernetes", "--image-pull-policy", "sometimes");

        run.ExitCode.ShouldBe(2, Probes.Describe(run));
        run.Stderr.ShouldContain("--image-pull-policy must be Always, IfNotPresent or Never, not 'sometimes'");
    }

    private Task<Cli.Result> Kube(params string[] args) =>
        _corpus.Nulecule([.. args, "--provider", "kubernetes", "--kubeconfig", KubeCluster.Kubeconfig, "--namespace", _namespace]);

    /// <summary>`nulecule status -o json`: the Pod rows of every component.</summary>
    private async Task<List<JsonNode>> PodRowsAsync(string release)
    {
        var status = await Kube("status", release, "-o", "json");
        status.ExitCode.ShouldBe(0, Probes.Describe(status));
        var json = JsonNode.Parse(status.Stdout)!;
        return json["components"]!.AsArray().SelectMany(c => c!["objects"]!.AsArray()).Where(o => (string?)o!["kind"] == "Pod").Select(o => o!).ToList();
    }

    private async Task StopAndAssertNothingLeftAsync(string release)
    {
        var stop = await Kube("stop", release);
        stop.ExitCode.ShouldBe(0, Probes.Describe(stop));
        var selector = $"{Labels.Release}={release}";
        (await _kube!.CoreV1.ListNamespacedReplicationControllerAsync(_namespace, labelSelector: selector)).Items.ShouldBeEmpty();
        (await _kube.CoreV1.ListNamespacedServiceAsync(_namespace, labelSelector: selector)).Items.ShouldBeEmpty();
        var pods = await Probes.EventuallyAsync(
            async () => (await _kube.CoreV1.ListNamespacedPodAsync(_namespace, labelSelector: selector)).Items,
            items => items.Count == 0, TimeSpan.FromSeconds(60));
        pods.Select(p => p.Metadata.Name).ShouldBeEmpty("pods of the release are left");
        var list = await Kube("list");
        list.Stdout.ShouldNotContain(release);
    }
}
