using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Nulecule.Kubernetes.Internal;
using Nulecule.Kubernetes.Tests.Support;
using Nulecule.Providers;

namespace Nulecule.Kubernetes.Tests;

/// <summary>
/// `stop` on the real API server: a later component's objects are gone before an earlier
/// component's are deleted (a finalizer holds them, so the order shows without timing anything),
/// errors name at most ten objects per list, many objects are waited for by one labelled list
/// per kind instead of a GET each, workloads are deleted in the foreground (stop returns when
/// their pods are gone) and what owns nothing in the background.
/// </summary>
public sealed class RemoverTests : IClassFixture<TestNamespace>
{
    private const string Hold = "nulecule.test/hold";
    private readonly TestNamespace _ns;

    public RemoverTests(TestNamespace ns)
    {
        _ns = ns;
    }

    [ClusterFact]
    public async Task Should_not_delete_a_component_while_a_later_one_that_names_it_is_still_there_and_stop_the_others()
    {
        // Given: db, side, web in graph order; web's 12 ConfigMaps name db's (so web depends on it)
        // and carry a finalizer nobody removes; side names nothing of the others
        var held = Enumerable.Range(0, 12).Select(i => Held($"order-web-{i:00}", "host order-db")).ToArray();
        var app = TestApps.App("order", [("db", [TestApps.ConfigMap("order-db", "x")]), ("side", [TestApps.ConfigMap("order-side", "x")]), ("web", held)]);
        var provider = new KubernetesProvider(Cluster.Settings(_ns.Name));
        await provider.RunAsync(app, TestApps.Options("order", wait: false), CancellationToken.None);

        try
        {
            // When: stop, with a timeout the finalizer outlives whatever it is
            var error = await Should.ThrowAsync<OperationFailedException>(() =>
                provider.StopAsync("order", new StopOptions { Timeout = TimeSpan.FromSeconds(3) }, CancellationToken.None));

            // Then: web's objects are reported still there (ten named, two counted), db's not
            // deleted and untouched; side, which web does not name, was stopped beside web
            error.Message.ShouldStartWith($"still present after the timeout: ConfigMap {_ns.Name}/order-web-");
            error.Message.ShouldContain(" and 2 more (12 in all) (deletion is under way");
            error.Message.ShouldEndWith($"; not deleted: ConfigMap {_ns.Name}/order-db");
            var db = (await _ns.GetAsync($"/api/v1/namespaces/{_ns.Name}/configmaps/order-db")).ShouldNotBeNull();
            db["metadata"]!["deletionTimestamp"].ShouldBeNull();
            (await _ns.GetAsync($"/api/v1/namespaces/{_ns.Name}/configmaps/order-side")).ShouldBeNull();
            var web = await _ns.ListAsync($"/api/v1/namespaces/{_ns.Name}/configmaps?labelSelector={Labels.Component}%3Dweb");
            web.Count.ShouldBe(12);
            web.ShouldAllBe(o => o["metadata"]!["deletionTimestamp"] != null);
        }
        finally
        {
            // When: the finalizers are released (also when the test failed: the namespace could not go otherwise)
            await ReleaseAsync("order-web-");
        }

        var stopped = await provider.StopAsync("order", new StopOptions { Timeout = TimeSpan.FromMinutes(3) }, CancellationToken.None);

        // Then: db went too (web's were gone already or are waited for again), nothing is left
        stopped.Objects.ShouldContain(o => o.Name == "order-db" && o.Action == ObjectAction.Deleted);
        (await _ns.ListAsync($"/api/v1/namespaces/{_ns.Name}/configmaps?labelSelector={Labels.Release}%3Dorder")).ShouldBeEmpty();
    }

    [KubectlFact]
    public async Task Should_stop_an_app_of_several_components_side_by_side_and_leave_nothing()
    {
        // Given: four components with a running pod each; web reaches db by its Service's name,
        // cache and worker name nothing of the others
        const string Linger = "trap 'sleep 2; exit 0' TERM; while sleep 1; do :; done";
        var components = new[] { "db", "cache", "worker", "web" }.Select(c => (c, new[]
        {
            TestApps.Service($"multi-{c}"),
            TestApps.ConfigMap($"multi-{c}-config", c == "web" ? "mysql://multi-db:3306/app" : "x"),
            Lingering("apps/v1", "Deployment", $"multi-{c}", Linger),
        })).ToArray();
        var provider = new KubernetesProvider(Cluster.Settings(_ns.Name));
        await provider.RunAsync(TestApps.App("multi", components), TestApps.Options("multi", wait: true, timeoutSeconds: 180), CancellationToken.None);
        var ofRelease = $"labelSelector={Labels.Release}%3Dmulti";
        (await _ns.ListAsync($"/api/v1/namespaces/{_ns.Name}/pods?{ofRelease}")).Count.ShouldBe(4);

        // When
        var stopped = await provider.StopAsync("multi", new StopOptions { Timeout = TimeSpan.FromMinutes(3) }, CancellationToken.None);

        // Then: every object reported deleted, in stop order (web before db), and kubectl finds nothing of the release, not even a pod
        stopped.Objects.Count.ShouldBe(12);
        var names = stopped.Objects.Select(o => o.Name).ToList();
        names.IndexOf("multi-web").ShouldBeLessThan(names.IndexOf("multi-db"));
        Kubectl.Run("get", "all,configmaps", "-n", _ns.Name, "-l", $"{Labels.Release}=multi", "-o", "name").Trim().ShouldBeEmpty();
    }

    [ClusterFact]
    public async Task Should_delete_many_objects_and_wait_for_them_by_one_list_per_kind()
    {
        // Given: 40 ConfigMaps and 2 Deployments (one running a pod) in one component
        var documents = Enumerable.Range(0, 40).Select(i => TestApps.ConfigMap($"many-{i:00}", "v"))
            .Append(TestApps.Deployment("many-web", "sleep 3600"))
            .Append(TestApps.Deployment("many-idle", "sleep 3600", replicas: 0))
            .ToArray();
        var provider = new KubernetesProvider(Cluster.Settings(_ns.Name));
        await provider.RunAsync(TestApps.App("many", [("web", documents)]), TestApps.Options("many", wait: true, timeoutSeconds: 180), CancellationToken.None);

        // When
        var calls = new ConcurrentQueue<EngineCall>();
        EngineCalls.Observer = calls.Enqueue;
        DeployResult stopped;
        try
        {
            stopped = await provider.StopAsync("many", new StopOptions { Timeout = TimeSpan.FromMinutes(3) }, CancellationToken.None);
        }
        finally
        {
            EngineCalls.Observer = null;
        }

        // Then: every object deleted once, none read on its own (the ConfigMaps are waited for
        // by a labelled list of them); the pod is gone when stop returns (foreground propagation)
        stopped.Objects.Count.ShouldBe(42);
        calls.Count(c => c.Method == "DELETE").ShouldBe(42);
        calls.ShouldNotContain(c => c.Method == "GET" && c.Path.Contains("/configmaps/many-", StringComparison.Ordinal));
        calls.ShouldContain(c => c.Method == "GET" && c.Path == $"/api/v1/namespaces/{_ns.Name}/configmaps");
        (await _ns.ListAsync($"/api/v1/namespaces/{_ns.Name}/pods?labelSelector={Labels.Release}%3Dmany")).ShouldBeEmpty();
        (await _ns.ListAsync($"/api/v1/namespaces/{_ns.Name}/configmaps?labelSelector={Labels.Release}%3Dmany")).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("", "ConfigMap", "Background")]
    [InlineData("", "Secret", "Background")]
    [InlineData("", "Service", "Background")]
    [InlineData("", "ServiceAccount", "Background")]
    [InlineData("", "PersistentVolumeClaim", "Background")]
    [InlineData("networking.k8s.io", "Ingress", "Background")]
    [InlineData("networking.k8s.io", "NetworkPolicy", "Background")]
    [InlineData("policy", "PodDisruptionBudget", "Background")]
    [InlineData("autoscaling", "HorizontalPodAutoscaler", "Background")]
    [InlineData("rbac.authorization.k8s.io", "ClusterRoleBinding", "Background")]
    [InlineData("route.openshift.io", "Route", "Background")]
    [InlineData("apps", "Deployment", "Foreground")]
    [InlineData("apps", "ReplicaSet", "Foreground")]
    [InlineData("apps", "StatefulSet", "Foreground")]
    [InlineData("apps", "DaemonSet", "Foreground")]
    [InlineData("batch", "Job", "Foreground")]
    [InlineData("batch", "CronJob", "Foreground")]
    [InlineData("", "ReplicationController", "Foreground")]
    [InlineData("", "Pod", "Foreground")]
    [InlineData("apps.openshift.io", "DeploymentConfig", "Foreground")]
    [InlineData("build.openshift.io", "BuildConfig", "Foreground")]
    [InlineData("", "Namespace", "Foreground")]
    [InlineData("apiextensions.k8s.io", "CustomResourceDefinition", "Foreground")]
    [InlineData("example.com", "Widget", "Foreground")]
    [InlineData("example.com", "ConfigMap", "Foreground")]
    public void Should_choose_the_propagation_by_kind_and_group(string group, string kind, string expected)
    {
        // A custom resource is deleted in the foreground even when it shares a built-in kind's name: its operator may own things
        var resource = new ApiResource(group, "v1", kind, kind.ToLowerInvariant() + "s", true, ["delete"], false);

        Remover.Propagation(resource).ShouldBe(expected);
    }

    [ClusterFact]
    public async Task Should_delete_a_workload_in_the_foreground_and_a_config_map_in_the_background()
    {
        // Given: a ConfigMap and a Deployment (no pods), each the owner of an object outside the
        // release that a finalizer holds: an owner deleted in the foreground stays until it is gone
        var app = TestApps.App("owners", [("web", [TestApps.ConfigMap("owners-config", "v"), TestApps.Deployment("owners-web", "sleep 3600", replicas: 0)])]);
        var provider = new KubernetesProvider(Cluster.Settings(_ns.Name));
        await provider.RunAsync(app, TestApps.Options("owners", wait: false), CancellationToken.None);
        var configPath = $"/api/v1/namespaces/{_ns.Name}/configmaps/owners-config";
        var webPath = $"/apis/apps/v1/namespaces/{_ns.Name}/deployments/owners-web";
        await HeldDependentAsync("owners-config-dependent", "v1", "ConfigMap", (await _ns.GetAsync(configPath))!);
        await HeldDependentAsync("owners-web-dependent", "apps/v1", "Deployment", (await _ns.GetAsync(webPath))!);

        try
        {
            // When: stop, with a timeout the held dependent outlives whatever it is
            var error = await Should.ThrowAsync<OperationFailedException>(() =>
                provider.StopAsync("owners", new StopOptions { Timeout = TimeSpan.FromSeconds(5) }, CancellationToken.None));

            // Then: the Deployment waits for what it owns (its DELETE asked for foreground
            // propagation: the server marked it foregroundDeletion), the ConfigMap did not (background:
            // gone although its dependent is still there)
            error.Message.ShouldStartWith($"still present after the timeout: Deployment {_ns.Name}/owners-web (deletion is under way;");
            var web = (await _ns.GetAsync(webPath)).ShouldNotBeNull();
            web["metadata"]!["finalizers"]!.AsArray().Select(f => (string?)f).ShouldContain("foregroundDeletion");
            (await _ns.GetAsync(configPath)).ShouldBeNull();
            (await _ns.GetAsync($"/api/v1/namespaces/{_ns.Name}/configmaps/owners-config-dependent")).ShouldNotBeNull();
        }
        finally
        {
            await ReleaseAsync("owners-");
        }

        // When: the dependents may go; Then: stop finishes with the Deployment gone (it may
        // have gone already, the garbage collector finishing the first stop's deletion)
        await provider.StopAsync("owners", new StopOptions { Timeout = TimeSpan.FromMinutes(3) }, CancellationToken.None);
        (await _ns.GetAsync(webPath)).ShouldBeNull();
    }

    [ClusterFact]
    public async Task Should_return_from_stop_only_when_no_pod_of_the_release_is_left()
    {
        // Given: a Deployment, a Job and a bare Pod whose containers take seconds to exit on SIGTERM,
        // beside a Service and ConfigMaps (deleted in the background); all three pods running
        const string Linger = "trap 'sleep 3; exit 0' TERM; while sleep 1; do :; done";
        var documents = Enumerable.Range(0, 5).Select(i => TestApps.ConfigMap($"pods-config-{i}", "v"))
            .Append(TestApps.Service("pods-web"))
            .Append(Lingering("apps/v1", "Deployment", "pods-web", Linger))
            .Append(Lingering("batch/v1", "Job", "pods-job", Linger))
            .Append(BarePod("pods-bare", Linger))
            .ToArray();
        var provider = new KubernetesProvider(Cluster.Settings(_ns.Name));
        await provider.RunAsync(TestApps.App("pods", [("web", documents)]), TestApps.Options("pods", wait: false), CancellationToken.None);
        var podsOfRelease = $"/api/v1/namespaces/{_ns.Name}/pods?labelSelector={Labels.Release}%3Dpods";
        for (var i = 0; i < 360 && (await _ns.ListAsync(podsOfRelease)).Count(p => (string?)p["status"]?["phase"] == "Running") < 3; i++)
        {
            await Task.Delay(500);
        }

        (await _ns.ListAsync(podsOfRelease)).Count(p => (string?)p["status"]?["phase"] == "Running").ShouldBe(3);

        // When
        var stopped = await provider.StopAsync("pods", new StopOptions { Timeout = TimeSpan.FromMinutes(3) }, CancellationToken.None);

        // Then: every object deleted, and not one pod of the release left, not even a terminating one
        stopped.Objects.Count.ShouldBe(9);
        (await _ns.ListAsync(podsOfRelease)).Select(p => (string?)p["metadata"]?["name"]).ShouldBeEmpty();
        (await _ns.ListAsync($"/api/v1/namespaces/{_ns.Name}/configmaps?labelSelector={Labels.Release}%3Dpods")).ShouldBeEmpty();
    }

    /// <summary>A ConfigMap outside any release, owned by <paramref name="owner"/> (blocking its foreground deletion) and held by a finalizer.</summary>
    private async Task HeldDependentAsync(string name, string apiVersion, string kind, JsonObject owner) =>
        await _ns.Api.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{_ns.Name}/configmaps", JsonNode.Parse($$"""
            {
              "apiVersion": "v1", "kind": "ConfigMap",
              "metadata": {
                "name": "{{name}}", "finalizers": ["{{Hold}}"],
                "ownerReferences": [ { "apiVersion": "{{apiVersion}}", "kind": "{{kind}}", "name": "{{owner["metadata"]!["name"]}}",
                                       "uid": "{{owner["metadata"]!["uid"]}}", "blockOwnerDeletion": true } ]
              }
            }
            """), null, CancellationToken.None);

    /// <summary>A one-pod Deployment or Job of local/busybox running <paramref name="script"/>, with time to finish it.</summary>
    private static string Lingering(string apiVersion, string kind, string name, string script)
    {
        var spec = kind == "Deployment" ? $$"""
            "replicas": 1, "selector": { "matchLabels": { "app": "{{name}}" } },
            """ : "\"backoffLimit\": 0,";
        var restart = kind == "Job" ? "\"restartPolicy\": \"Never\"," : "";
        return $$"""
            {
              "apiVersion": "{{apiVersion}}", "kind": "{{kind}}",
              "metadata": { "name": "{{name}}" },
              "spec": {
                {{spec}}
                "template": {
                  "metadata": { "labels": { "app": "{{name}}" } },
                  "spec": {
                    "terminationGracePeriodSeconds": 30, {{restart}}
                    "containers": [ { "name": "main", "image": "{{Cluster.Image}}", "imagePullPolicy": "Never", "command": ["sh", "-c", "{{script}}"] } ]
                  }
                }
              }
            }
            """;
    }

    private static string BarePod(string name, string script) => $$"""
        {
          "apiVersion": "v1", "kind": "Pod",
          "metadata": { "name": "{{name}}" },
          "spec": {
            "terminationGracePeriodSeconds": 30, "restartPolicy": "Never",
            "containers": [ { "name": "main", "image": "{{Cluster.Image}}", "imagePullPolicy": "Never", "command": ["sh", "-c", "{{script}}"] } ]
          }
        }
        """;

    private async Task ReleaseAsync(string prefix)
    {
        foreach (var name in (await _ns.ListAsync($"/api/v1/namespaces/{_ns.Name}/configmaps")).Select(o => (string)o["metadata"]!["name"]!).Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            await _ns.Api.SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/{_ns.Name}/configmaps/{name}",
                JsonNode.Parse("""{"metadata":{"finalizers":null}}"""), "application/merge-patch+json", CancellationToken.None);
        }
    }

    private static string Held(string name, string value = "v") => $$"""
        { "apiVersion": "v1", "kind": "ConfigMap", "metadata": { "name": "{{name}}", "finalizers": ["{{Hold}}"] }, "data": { "key": "{{value}}" } }
        """;
}
