using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Nulecule.Kubernetes.Tests.Support;
using Nulecule.Providers;

namespace Nulecule.Kubernetes.Tests;

/// <summary>
/// `stop` on the real API server: a later component's objects are gone before an earlier
/// component's are deleted (a finalizer holds them, so the order shows without timing anything),
/// errors name at most ten objects per list, and many objects are waited for by one labelled list
/// per kind instead of a GET each.
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
    public async Task Should_not_delete_an_earlier_component_while_a_later_ones_objects_are_still_there()
    {
        // Given: db first, web after it; web's 12 ConfigMaps carry a finalizer nobody removes
        var held = Enumerable.Range(0, 12).Select(i => Held($"order-web-{i:00}")).ToArray();
        var app = TestApps.App("order", [("db", [TestApps.ConfigMap("order-db", "x")]), ("web", held)]);
        var provider = new KubernetesProvider(Cluster.Settings(_ns.Name));
        await provider.RunAsync(app, TestApps.Options("order", wait: false), CancellationToken.None);

        try
        {
            // When: stop, with a timeout the finalizer outlives whatever it is
            var error = await Should.ThrowAsync<OperationFailedException>(() =>
                provider.StopAsync("order", new StopOptions { Timeout = TimeSpan.FromSeconds(3) }, CancellationToken.None));

            // Then: web's objects are reported still there (ten named, two counted), db's not deleted, and db's ConfigMap is untouched
            error.Message.ShouldStartWith($"still present after the timeout: ConfigMap {_ns.Name}/order-web-");
            error.Message.ShouldContain(" and 2 more (12 in all) (deletion is under way");
            error.Message.ShouldEndWith($"; not deleted: ConfigMap {_ns.Name}/order-db");
            var db = (await _ns.GetAsync($"/api/v1/namespaces/{_ns.Name}/configmaps/order-db")).ShouldNotBeNull();
            db["metadata"]!["deletionTimestamp"].ShouldBeNull();
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

    private async Task ReleaseAsync(string prefix)
    {
        foreach (var name in (await _ns.ListAsync($"/api/v1/namespaces/{_ns.Name}/configmaps")).Select(o => (string)o["metadata"]!["name"]!).Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            await _ns.Api.SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/{_ns.Name}/configmaps/{name}",
                JsonNode.Parse("""{"metadata":{"finalizers":null}}"""), "application/merge-patch+json", CancellationToken.None);
        }
    }

    private static string Held(string name) => $$"""
        { "apiVersion": "v1", "kind": "ConfigMap", "metadata": { "name": "{{name}}", "finalizers": ["{{Hold}}"] }, "data": { "key": "v" } }
        """;
}
