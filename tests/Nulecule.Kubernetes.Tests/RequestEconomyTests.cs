using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Nulecule.Kubernetes.Internal;
using Nulecule.Kubernetes.Tests.Support;
using Nulecule.Providers;
using Nulecule.Templating;

namespace Nulecule.Kubernetes.Tests;

/// <summary>
/// How many requests a run sends to the real API server, counted through the same hook `-v`
/// prints (<see cref="EngineCalls"/>): objects are read by kind, not one by one; an unchanged run
/// changes nothing; discovery is kept on disk between commands and still sees a kind served since.
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
