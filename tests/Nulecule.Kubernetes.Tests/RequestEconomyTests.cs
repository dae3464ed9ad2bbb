using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Nulecule.Actions;
using Nulecule.Kubernetes.Internal;
using Nulecule.Kubernetes.Releases;
using Nulecule.Kubernetes.Tests.Support;
using Nulecule.Providers;
using Nulecule.Releases;
using Nulecule.Templating;

namespace Nulecule.Kubernetes.Tests;

/// <summary>
/// How many requests a run sends to the real API server, counted through the same hook `-v`
/// prints (<see cref="EngineCalls"/>): objects are read by kind, not one by one; an unchanged run
/// changes nothing; discovery is kept on disk between commands and still sees a kind served since;
/// a run prunes, and `status` looks at, only the kinds the release's record and plan name, while
/// `stop` still looks at every kind. Counts per verb are upper bounds.
/// </summary>
public sealed class RequestEconomyTests : IClassFixture<TestNamespace>, IDisposable
{
    private readonly TestNamespace _ns;
    private readonly string _cache = Directory.CreateTempSubdirectory("nulecule-cache-").FullName;

    public RequestEconomyTests(TestNamespace ns)
    {
        _ns = ns;
    }

    public void Dispose() => Directory.Delete(_cache, recursive: true);

    private static RenderedApp TwelveObjects(string id)
    {
        var documents = Enumerable.Range(0, 8).Select(i => TestApps.ConfigMap($"{id}-cm-{i}", $"v{i}"))
            .Concat(Enumerable.Range(0, 3).Select(i => TestApps.Service($"{id}-svc-{i}")))
            .Append(TestApps.Deployment($"{id}-web", "sleep 3600", replicas: 0))
            .ToArray();
        return TestApps.App(id, [("web", documents)]);
    }

    private static async Task<(T Result, List<EngineCall> Calls)> CountAsync<T>(Func<Task<T>> action)
    {
        var calls = new ConcurrentQueue<EngineCall>();
        EngineCalls.Observer = calls.Enqueue;
        try
        {
            var result = await action();
            return (result, calls.ToList());
        }
        finally
        {
            EngineCalls.Observer = null;
        }
    }

    [ClusterFact]
    public async Task Should_read_objects_by_kind_and_send_no_change_when_a_second_run_is_identical()
    {
        var provider = new KubernetesProvider(Cluster.Settings(_ns.Name));
        var app = TwelveObjects("econ");
        var (first, created) = await CountAsync(() => provider.RunAsync(app, TestApps.Options("econ", wait: false), CancellationToken.None));
        first.Objects.Count.ShouldBe(12);
        first.Objects.ShouldAllBe(o => o.Action == ObjectAction.Created);
        created.Count(c => c.Method == "PATCH").ShouldBe(12);

        var (second, calls) = await CountAsync(() => provider.RunAsync(app, TestApps.Options("econ", wait: false) with { Revision = 2 }, CancellationToken.None));

        second.Objects.ShouldAllBe(o => o.Action == ObjectAction.Unchanged);
        calls.ShouldNotContain(c => c.Method != "GET", "an unchanged run sends nothing but reads");
        // No object is read on its own: ConfigMaps and Services are listed once each by the
        // preflight (and once more, by label, by the prune); the one Deployment is read by name.
        var objectReads = calls.Where(c => c.Path.Contains("/econ-cm-", StringComparison.Ordinal) || c.Path.Contains("/econ-svc-", StringComparison.Ordinal)).ToList();
        objectReads.ShouldBeEmpty();
        calls.Count(c => c.Path == $"/api/v1/namespaces/{_ns.Name}/configmaps").ShouldBe(2);
        calls.Count(c => c.Path == $"/api/v1/namespaces/{_ns.Name}/services").ShouldBe(2);
    }

    [ClusterFact]
    public async Task Should_keep_discovery_on_disk_between_commands_and_still_see_a_kind_served_since()
    {
        var settings = Cluster.Settings(_ns.Name) with { CacheDirectory = _cache };
        var app = TwelveObjects("disc");
        await new KubernetesProvider(settings).RunAsync(app, TestApps.Options("disc", wait: false), CancellationToken.None);

        // A second command (a new provider, as a new process would be) asks nothing of discovery.
        var (_, calls) = await CountAsync(() => new KubernetesProvider(settings).RunAsync(app, TestApps.Options("disc", wait: false) with { Revision = 2 }, CancellationToken.None));
        calls.ShouldNotContain(c => c.Path == "/apis" || c.Path == "/api/v1" || c.Path == "/apis/apps/v1");
        Directory.EnumerateFiles(_cache, "*.json", SearchOption.AllDirectories).ShouldNotBeEmpty();

        // A CustomResourceDefinition applied by another client after the documents were kept:
        // its kind is found (asked again on a miss), and `stop` (which never trusts the disk) removes its object.
        var group = $"e{Guid.NewGuid():N}"[..12] + ".nulecule.test";
        await DefineKindAsync(group);
        var widget = $$"""{ "apiVersion": "{{group}}/v1", "kind": "Widget", "metadata": { "name": "w1" }, "spec": { "size": 3 } }""";
        var withWidget = TestApps.App("disc", [("web", [widget])]);
        var run = await new KubernetesProvider(settings).RunAsync(withWidget, TestApps.Options("disc2", wait: false), CancellationToken.None);
        run.Objects.ShouldContain(o => o.Kind == "Widget" && o.Action == ObjectAction.Created);

        var status = await new KubernetesProvider(settings).StatusAsync("disc2", CancellationToken.None);
        status.Components.SelectMany(c => c.Objects).ShouldContain(o => o.Kind == "Widget");
        await new KubernetesProvider(settings).StopAsync("disc2", new StopOptions { Reporter = NullReporter.Instance }, CancellationToken.None);
        (await _ns.GetAsync($"/apis/{group}/v1/namespaces/{_ns.Name}/widgets/w1")).ShouldBeNull();
        await _ns.Api.SendAsync(HttpMethod.Delete, $"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.{group}", null, null, CancellationToken.None);
    }

    [ClusterFact]
    public async Task Should_prune_only_the_kinds_recorded_or_planned_and_leave_a_stray_of_another_kind_to_stop()
    {
        var provider = new KubernetesProvider(Cluster.Settings(_ns.Name) with { CacheDirectory = _cache });
        string[] withSecret = [TestApps.ConfigMap("kinds-cm-0", "a"), TestApps.ConfigMap("kinds-cm-1", "b"), Secret("kinds-secret")];
        var (_, install) = await CountAsync(() => provider.RunAsync(TestApps.App("kinds", [("web", withSecret)]), TestApps.Options("kinds", wait: false) with { RecordedKinds = new HashSet<string>() }, CancellationToken.None));
        ListedKinds(install).ShouldBe(["configmaps", "secrets"], ignoreOrder: true);

        // Revision 2 drops the Secret: the record names its kind, so the prune finds and deletes it.
        var options = TestApps.Options("kinds", wait: false) with { Revision = 2, RecordedKinds = new HashSet<string> { "ConfigMap", "Secret" } };
        var (upgrade, calls) = await CountAsync(() => provider.RunAsync(TestApps.App("kinds", [("web", withSecret[..2])]), options, CancellationToken.None));
        upgrade.Objects.ShouldContain(o => o.Kind == "Secret" && o.Name == "kinds-secret" && o.Action == ObjectAction.Deleted);
        (await _ns.GetAsync($"/api/v1/namespaces/{_ns.Name}/secrets/kinds-secret")).ShouldBeNull();
        ListedKinds(calls).ShouldBe(["configmaps", "secrets"], ignoreOrder: true);

        // An object of a kind no record names (made by hand, or by an older nulecule) with the
        // release's labels: a run does not look for it; `stop` looks at every kind and removes it.
        await _ns.Api.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{_ns.Name}/podtemplates", JsonNode.Parse($$"""
            { "apiVersion": "v1", "kind": "PodTemplate",
              "metadata": { "name": "kinds-stray", "labels": { "{{Labels.ManagedBy}}": "{{Labels.ManagedByValue}}", "{{Labels.Release}}": "kinds" } },
              "template": { "spec": { "containers": [ { "name": "main", "image": "{{Cluster.Image}}" } ] } } }
            """), null, CancellationToken.None);
        var (stop, stopping) = await CountAsync(() => provider.StopAsync("kinds", new StopOptions { Reporter = NullReporter.Instance }, CancellationToken.None));
        stop.Objects.Select(o => o.Kind).ShouldBe(["PodTemplate", "ConfigMap", "ConfigMap"], ignoreOrder: true);
        (await _ns.GetAsync($"/api/v1/namespaces/{_ns.Name}/podtemplates/kinds-stray")).ShouldBeNull();
        ListedKinds(stopping).Count.ShouldBeGreaterThan(20, "stop lists every kind the server serves");
    }

    [ClusterFact]
    public async Task Should_bound_the_requests_of_each_verb_by_the_kinds_the_release_records()
    {
        // A release driven as the CLI drives it: lock, records (Secrets), provider.
        var provider = new KubernetesProvider(Cluster.Settings(_ns.Name) with { CacheDirectory = _cache });
        using var store = new KubernetesSecretReleaseStore(provider.Connection);
        var config = new ReleaseConfiguration { Provider = provider, Store = store, Key = ReleaseKey.LoadOrCreate(_cache), Target = provider.Connection.Target };
        var app = TwelveObjects("verbs");
        await provider.RunAsync(TestApps.App("warm", [("web", [TestApps.ConfigMap("warm", "x")])]), TestApps.Options("warm", wait: false), CancellationToken.None);

        var (_, install) = await CountAsync(() => new InstallOrUpgradeAction(config) { Release = "verbs" }.RunAsync(app));
        var (second, unchanged) = await CountAsync(() => new InstallOrUpgradeAction(config) { Release = "verbs" }.RunAsync(app));
        var (_, status) = await CountAsync(() => new StatusAction(provider, store) { Release = "verbs" }.RunAsync());
        var kinds = RecordedKinds.OfNewest((await store.HistoryAsync("verbs", CancellationToken.None))[^1]).ShouldNotBeNull();
        var (_, scale) = await CountAsync(async () => { await provider.ScaleAsync("verbs", "web", 0, kinds, CancellationToken.None); return 0; });
        var (restarted, restart) = await CountAsync(() => provider.RestartAsync("verbs", null, kinds, NullReporter.Instance, CancellationToken.None));
        var (_, ps) = await CountAsync(() => provider.PsAsync("verbs", kinds, CancellationToken.None));
        var (_, scaleUnrecorded) = await CountAsync(async () => { await provider.ScaleAsync("verbs", "web", 0, CancellationToken.None); return 0; });
        var (_, stop) = await CountAsync(() => new UninstallAction(config) { Release = "verbs" }.RunAsync());

        // Discovery came from the disk (kept by the warm-up run); `stop` asks the server again.
        install.Concat(unchanged).Concat(status).Concat(scale).Concat(restart).Concat(ps).ShouldNotContain(c => IsDiscovery(c.Path));
        second.UpToDate.ShouldBeTrue();

        // Install: 12 applies; lists of 3 kinds twice (what exists, then the prune) and 1 read;
        // the Lease created and deleted; 1 read of the history, the record created and updated.
        install.Count(c => c.Method == "PATCH").ShouldBe(12);
        ListedKinds(install).ShouldBe(["configmaps", "services", "deployments", "secrets"], ignoreOrder: true);
        HistoryReads(install).ShouldBe(1);
        install.Count.ShouldBeLessThanOrEqualTo(12 + 7 + 2 + 1 + 2);

        // Unchanged: the Lease, the history, and the 3 recorded kinds and the pods of the check.
        unchanged.Where(c => c.Method != "GET").Select(c => $"{c.Method} {(c.Path.Contains("/leases", StringComparison.Ordinal) ? "lease" : c.Path)}").ShouldBe(["POST lease", "DELETE lease"]);
        ListedKinds(unchanged).ShouldBe(["configmaps", "services", "deployments", "secrets", "pods"], ignoreOrder: true);
        HistoryReads(unchanged).ShouldBe(1);
        unchanged.Count.ShouldBeLessThanOrEqualTo(2 + 1 + 3 + 1);

        // Status: the history once, the recorded kinds and the pods, side by side.
        ListedKinds(status).ShouldBe(["configmaps", "services", "deployments", "secrets", "pods"], ignoreOrder: true);
        status.Count.ShouldBeLessThanOrEqualTo(1 + 3 + 1);

        // Scale, restart and ps: the workload kinds the record names (the Deployment) and, for ps, the pods;
        // scale then patches the scale subresource, restart the pod template.
        ListedKinds(scale).ShouldBe(["deployments"]);
        scale.Count.ShouldBeLessThanOrEqualTo(1 + 1);
        restarted.ShouldContain(o => o.Kind == "Deployment" && o.Restarted);
        ListedKinds(restart).ShouldBe(["deployments"]);
        restart.Count.ShouldBeLessThanOrEqualTo(1 + 1);
        ListedKinds(ps).ShouldBe(["deployments", "pods"], ignoreOrder: true);
        ps.Count.ShouldBeLessThanOrEqualTo(2);

        // Without a record, scale still lists only the kinds it can scale.
        ListedKinds(scaleUnrecorded).ShouldBe(["deployments", "replicationcontrollers", "replicasets", "statefulsets"], ignoreOrder: true);

        // Stop keeps the full sweep: every served kind, discovery asked anew, so nothing is left behind.
        ListedKinds(stop).Count.ShouldBeGreaterThan(20);
        stop.ShouldContain(c => IsDiscovery(c.Path));
    }

    private static string Secret(string name) => $$"""
        { "apiVersion": "v1", "kind": "Secret", "metadata": { "name": "{{name}}" }, "stringData": { "key": "value" } }
        """;

    /// <summary>Lists of the namespace's Secrets: reads of the release history (the app itself has no Secret).</summary>
    private int HistoryReads(IEnumerable<EngineCall> calls) =>
        calls.Count(c => c.Method == "GET" && c.Path == $"/api/v1/namespaces/{_ns.Name}/secrets");

    /// <summary>`/api`, `/apis`, `/api/v1`, `/apis/GROUP/VERSION`: discovery documents.</summary>
    private static bool IsDiscovery(string path)
    {
        var parts = path.Trim('/').Split('/');
        return parts[0] == "api" ? parts.Length <= 2 : parts[0] == "apis" && parts.Length <= 3;
    }

    /// <summary>The plural of every collection read (a list of one kind), each once.</summary>
    private static List<string> ListedKinds(IEnumerable<EngineCall> calls) =>
        calls.Where(c => c.Method == "GET").Select(c => c.Path.Trim('/').Split('/'))
            .Where(p => p[0] == "api" ? p.Length == 3 || (p.Length == 5 && p[2] == "namespaces") : p[0] == "apis" && (p.Length == 4 || (p.Length == 6 && p[3] == "namespaces")))
            .Select(p => p[^1]).Distinct(StringComparer.Ordinal).ToList();

    private async Task DefineKindAsync(string group)
    {
        var version = new JsonObject
        {
            ["name"] = "v1", ["served"] = true, ["storage"] = true,
            ["schema"] = new JsonObject { ["openAPIV3Schema"] = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true } },
        };
        var crd = new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject { ["name"] = $"widgets.{group}" },
            ["spec"] = new JsonObject
            {
                ["group"] = group,
                ["scope"] = "Namespaced",
                ["names"] = new JsonObject { ["kind"] = "Widget", ["plural"] = "widgets", ["singular"] = "widget", ["listKind"] = "WidgetList" },
                ["versions"] = new JsonArray(version),
            },
        };
        await _ns.Api.SendAsync(HttpMethod.Post, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd, null, CancellationToken.None);
        for (var i = 0; i < 100 && await _ns.Api.GetAsync($"/apis/{group}/v1", CancellationToken.None) is null; i++)
        {
            await Task.Delay(200);
        }
    }
}
