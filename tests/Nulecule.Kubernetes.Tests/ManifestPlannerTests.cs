using Nulecule.Kubernetes.Internal;
using Nulecule.Kubernetes.Tests.Support;
using Nulecule.Providers;
using Nulecule.Spec;

namespace Nulecule.Kubernetes.Tests;

public sealed class ManifestPlannerTests
{
    private static IReadOnlyList<PlannedObject> Plan(Nulecule.Templating.RenderedApp app, int revision = 1) =>
        ManifestPlanner.Plan(app, "rel", revision, (_, _, d) => [d]);

    [Fact]
    public void Should_order_volumes_then_components_in_graph_order_with_dependency_kinds_first()
    {
        var app = TestApps.App("a", [
            ("db", [TestApps.Deployment("db", "x"), TestApps.ConfigMap("db-cfg", "1")]),
            ("web", [TestApps.Service("web"), """{ "apiVersion": "v1", "kind": "ServiceAccount", "metadata": { "name": "sa" } }"""]),
        ], [new PersistentVolumeRequirement("data", "ReadWrite", "4", new SourceLocation("Nulecule", 1, 1))]);

        var planned = Plan(app);

        planned.Select(p => $"{p.Component}:{p.Kind}").ShouldBe(["requirements:PersistentVolumeClaim", "db:ConfigMap", "db:Deployment", "web:ServiceAccount", "web:Service"]);
        planned.Select(p => (string?)p.Body["metadata"]!["annotations"]![ManifestPlanner.OrderAnnotation]).ShouldBe(["0", "1", "2", "3", "4"]);
    }

    [Fact]
    public void Should_expand_lists_and_label_objects_and_pod_templates_without_forcing_a_namespace()
    {
        var list = $$"""{ "apiVersion": "v1", "kind": "List", "items": [ {{TestApps.Deployment("d", "x")}}, { "apiVersion": "v1", "kind": "ConfigMapList", "items": [ {{TestApps.ConfigMap("c", "1")}} ] } ] }""";
        var pinned = """{ "apiVersion": "v1", "kind": "ConfigMap", "metadata": { "name": "p", "namespace": "elsewhere" } }""";
        var app = TestApps.App("my app", [("parent:child", [list, pinned])]);

        var planned = Plan(app, revision: 3);

        planned.Select(p => p.Name).ShouldBe(["c", "p", "d"]);
        planned[1].Namespace.ShouldBe("elsewhere");
        planned[0].Namespace.ShouldBeNull();
        var deployment = planned[2].Body;
        var labels = deployment["metadata"]!["labels"]!;
        ((string?)labels[Labels.ManagedBy]).ShouldBe("nulecule");
        ((string?)labels[Labels.Revision]).ShouldBe("3");
        ((string?)labels[Labels.Component]).ShouldStartWith("parent.child-");
        ((string?)labels[Labels.AppId]).ShouldStartWith("my.app-");
        ((string?)deployment["metadata"]!["annotations"]![ManifestPlanner.ComponentAnnotation]).ShouldBe("parent:child");
        var podLabels = deployment["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
        ((string?)podLabels[Labels.Release]).ShouldBe("rel");
        podLabels.ContainsKey(Labels.Revision).ShouldBeFalse();
        podLabels.ContainsKey(Labels.ManagedBy).ShouldBeFalse();
    }

    [Theory]
    [InlineData("4", "ReadWrite", "4Gi", "ReadWriteOnce")]
    [InlineData("0.5", "ReadOnly", "0.5Gi", "ReadOnlyMany")]
    [InlineData("500Mi", "ReadWriteMany", "500Mi", "ReadWriteMany")]
    public void Should_make_a_claim_from_a_persistentVolume_requirement(string size, string mode, string storage, string accessMode)
    {
        var claim = ManifestPlanner.ClaimFor(new PersistentVolumeRequirement("v", mode, size, new SourceLocation("N", 1, 1)));

        ((string?)claim["spec"]!["resources"]!["requests"]!["storage"]).ShouldBe(storage);
        ((string?)claim["spec"]!["accessModes"]![0]).ShouldBe(accessMode);
    }

    [Fact]
    public void Should_default_the_port_protocol_that_server_side_apply_needs()
    {
        var planned = Plan(TestApps.App("a", [("c", [TestApps.Service("s"), TestApps.Deployment("d", "x").Replace("\"command\"", "\"ports\": [ { \"containerPort\": 80 }, { \"containerPort\": 53, \"protocol\": \"UDP\" } ], \"command\"", StringComparison.Ordinal)])]));

        ((string?)planned[0].Body["spec"]!["ports"]![0]!["protocol"]).ShouldBe("TCP");
        var ports = planned[1].Body["spec"]!["template"]!["spec"]!["containers"]![0]!["ports"]!;
        ((string?)ports[0]!["protocol"]).ShouldBe("TCP");
        ((string?)ports[1]!["protocol"]).ShouldBe("UDP");
    }

    [Fact]
    public void Should_reject_objects_without_a_name_or_kind_saying_where()
    {
        var noName = Should.Throw<NuleculeException>(() => Plan(TestApps.App("a", [("c", ["""{ "apiVersion": "v1", "kind": "Pod", "metadata": { "generateName": "p-" } }"""])])));
        var noKind = Should.Throw<NuleculeException>(() => Plan(TestApps.App("a", [("c", ["""{ "apiVersion": "v1", "metadata": { "name": "p" } }"""])])));

        noName.Message.ShouldContain("component c: artifacts/kubernetes/c-0.json (document 1): Pod without metadata.name");
        noName.Message.ShouldContain("generateName is not supported");
        noKind.Message.ShouldContain("without apiVersion or kind");
    }

    [Theory]
    [InlineData("web", "web")]
    [InlineData("a:b", "a.b-")]
    [InlineData("-x-", "x-")]
    public void Should_make_valid_label_values(string text, string prefix)
    {
        var value = LabelValue.From(text);

        value.ShouldStartWith(prefix);
        value.Length.ShouldBeLessThanOrEqualTo(63);
        value.ShouldMatch("^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$");
        LabelValue.From(new string('a', 100)).Length.ShouldBeLessThanOrEqualTo(63);
    }
}
