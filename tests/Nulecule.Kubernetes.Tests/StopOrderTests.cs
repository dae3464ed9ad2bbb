using System.Text.Json.Nodes;
using Nulecule.Kubernetes.Internal;
using Nulecule.Providers;

namespace Nulecule.Kubernetes.Tests;

/// <summary>
/// Which components `stop` keeps in graph order (their objects name each other, or one holds a
/// Namespace or CRD) and which it stops side by side; with the scheduler's
/// <see cref="ParallelScheduler.Blocked"/>, what a held component keeps from being touched.
/// </summary>
public sealed class StopOrderTests
{
    [Fact]
    public void Should_stop_components_that_name_nothing_of_each_other_in_one_wave()
    {
        // Given: the benchmark's shape, each component a Deployment, a Service and ConfigMaps of its own
        // (s001-000 is no reference to s001; labels and annotations are not read)
        var components = new[] { "s002", "s001", "s000" }.Select(c => Component(
            Object("apps", "Deployment", c, $$"""{ "selector": { "matchLabels": { "app": "{{c}}" } }, "template": { "spec": { "containers": [ { "name": "main", "command": ["sh", "-c", "sleep 1"] } ] } } }""", c),
            Object("", "Service", c, $$"""{ "clusterIP": "None", "selector": { "app": "{{c}}" } }""", c),
            Object("", "ConfigMap", $"{c}-000", null, c, data: $$"""{ "index": "0" }"""))).ToList();

        // When
        var prerequisites = LiveStopOrder.Prerequisites(components);

        // Then
        prerequisites.ShouldAllBe(p => p.Length == 0);
        StopWaves.Of(prerequisites).ShouldBe([[0, 1, 2]]);
    }

    [Fact]
    public void Should_keep_a_component_in_graph_order_with_what_its_objects_name()
    {
        // Given, in stop order: etherpad (its DB_HOST names the Service of the nested app's
        // mariadb), a worker mounting the shared config, an unrelated one, the config, mariadb
        var components = new List<IReadOnlyList<LiveObject>>
        {
            Component(Object("", "ReplicationController", "etherpad", """{ "template": { "spec": { "containers": [ { "env": [ { "name": "DB_HOST", "value": "mariadb" } ] } ] } } }""", "etherpad")),
            Component(Object("apps", "Deployment", "worker", """{ "template": { "spec": { "volumes": [ { "name": "c", "configMap": { "name": "shared" } } ] } } }""", "worker")),
            Component(Object("apps", "Deployment", "lonely", """{ "template": { "spec": { "containers": [ { "name": "main" } ] } } }""", "lonely")),
            Component(Object("", "ConfigMap", "shared", null, "config", data: """{ "app.conf": "upstream http://api.shop.svc.cluster.local:8080/" }""")),
            Component(
                Object("", "Pod", "mariadb", """{ "containers": [ { "name": "mariadb" } ] }""", "mariadb-app:mariadb"),
                Object("", "Service", "mariadb", """{ "selector": { "name": "mariadb" } }""", "mariadb-app:mariadb")),
            Component(Object("", "Service", "api", """{ "selector": { "app": "api" } }""", "api")),
        };

        // When
        var prerequisites = LiveStopOrder.Prerequisites(components);

        // Then: mariadb after etherpad, the config after the worker, api after the config (its
        // file names api's host); the lonely one waits for nothing and nothing waits for it
        prerequisites.ShouldBe([[], [], [], [1], [0], [3]]);
        StopWaves.Of(prerequisites).ShouldBe([[0, 1, 2], [3, 4], [5]]);
        IEnumerable<int> Before(int c) => prerequisites[c];

        // A held worker keeps the config and, through it, api; etherpad and mariadb still go
        ParallelScheduler.Blocked(components.Count, Before, 1).ShouldBe([3, 5]);
        ParallelScheduler.Blocked(components.Count, Before, 0).ShouldBe([4]);
        ParallelScheduler.Blocked(components.Count, Before, 2).ShouldBeEmpty();
    }

    [Fact]
    public void Should_keep_a_component_holding_a_namespace_or_definition_in_order_with_every_other()
    {
        // Given, in stop order: two unrelated components, then one holding a Namespace, then one holding a CRD
        var components = new List<IReadOnlyList<LiveObject>>
        {
            Component(Object("", "ConfigMap", "a", null, "a", data: """{ "x": "1" }""")),
            Component(Object("", "ConfigMap", "b", null, "b", data: """{ "x": "2" }""")),
            Component(Object("", "Namespace", "team", null, "ns", namespaced: false)),
            Component(Object("apiextensions.k8s.io", "CustomResourceDefinition", "widgets.example.com", """{ "group": "example.com" }""", "crd", namespaced: false)),
        };

        // When
        var prerequisites = LiveStopOrder.Prerequisites(components);

        // Then
        prerequisites.ShouldBe([[], [], [0, 1], [0, 1, 2]]);
        StopWaves.Of(prerequisites).ShouldBe([[0, 1], [2], [3]]);
    }

    [Theory]
    [InlineData("mariadb", true)]
    [InlineData("mariadb:3306", true)]
    [InlineData("http://mariadb.shop.svc.cluster.local/x", true)]
    [InlineData("--db=mariadb", true)]
    [InlineData("mariadb-0", false)]
    [InlineData("mymariadb", false)]
    [InlineData("MARIADB", false)]
    public void Should_read_an_objects_name_in_a_string_only_as_a_whole_word(string text, bool names)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        StopOrder.CollectNames(JsonValue.Create(text), words);

        words.Contains("mariadb").ShouldBe(names);
    }

    [Fact]
    public void Should_report_one_failed_component_as_it_is_and_several_in_stop_order_the_first_three_in_full()
    {
        var one = new OperationFailedException("still present after the timeout: ConfigMap shop/a");
        KubernetesProvider.StopFailed(new Dictionary<int, Exception> { [2] = one }).ShouldBeSameAs(one);

        var five = Enumerable.Range(0, 5).Reverse().ToDictionary(i => i, i => (Exception)new OperationFailedException($"component {i} held"));
        var error = KubernetesProvider.StopFailed(five).ShouldBeOfType<OperationFailedException>();
        error.Message.ShouldBe("component 0 held; also: component 1 held; also: component 2 held; and 2 more components failed");
        error.InnerException.ShouldBeSameAs(five[0]);
    }

    private static IReadOnlyList<LiveObject> Component(params LiveObject[] objects) => objects;

    private static LiveObject Object(string group, string kind, string name, string? spec, string component, string? data = null, bool namespaced = true)
    {
        var body = new JsonObject
        {
            ["apiVersion"] = group.Length == 0 ? "v1" : $"{group}/v1",
            ["kind"] = kind,
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = namespaced ? "shop" : null,
                ["labels"] = new JsonObject { [Labels.Component] = component, [Labels.Release] = "shop" },
                ["annotations"] = new JsonObject { [ManifestPlanner.ComponentAnnotation] = component },
            },
        };
        if (spec is not null)
        {
            body["spec"] = JsonNode.Parse(spec);
        }

        if (data is not null)
        {
            body["data"] = JsonNode.Parse(data);
        }

        return new LiveObject(new ApiResource(group, "v1", kind, kind.ToLowerInvariant() + "s", namespaced, ["delete", "list"], false), body);
    }
}
