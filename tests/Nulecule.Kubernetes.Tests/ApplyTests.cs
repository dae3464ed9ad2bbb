using System.Text.Json.Nodes;
using Nulecule.Kubernetes.Tests.Support;
using Nulecule.Providers;

namespace Nulecule.Kubernetes.Tests;

public sealed class ApplyTests : IClassFixture<TestNamespace>
{
    private readonly TestNamespace _ns;

    public ApplyTests(TestNamespace ns)
    {
        _ns = ns;
    }

    [ClusterFact]
    public async Task Should_apply_every_document_labelled_and_converge_on_a_second_run()
    {
        // Given: a List (ConfigMap + Service) and a Deployment, in one component
        var list = $$"""{ "apiVersion": "v1", "kind": "List", "items": [ {{TestApps.Service("web")}}, {{TestApps.ConfigMap("web-config", "one")}} ] }""";
        var app = TestApps.App("web-app", [("web", [list, TestApps.Deployment("web", "sleep 3600")])]);
        var provider = new KubernetesProvider(Cluster.Settings(_ns.Name));

        // When
        var first = await provider.RunAsync(app, TestApps.Options("conv", wait: false), CancellationToken.None);
        var second = await provider.RunAsync(app, TestApps.Options("conv", wait: false), CancellationToken.None);

        // Then: ConfigMap first (dependency kinds lead), all created, then all unchanged
        first.Objects.Select(o => o.Kind).ShouldBe(["ConfigMap", "Service", "Deployment"]);
        first.Objects.ShouldAllBe(o => o.Action == ObjectAction.Created && o.Namespace == _ns.Name && o.Hash.Length == 64);
        second.Objects.ShouldAllBe(o => o.Action == ObjectAction.Unchanged);
        var deployment = (await _ns.GetAsync($"/apis/apps/v1/namespaces/{_ns.Name}/deployments/web"))!;
        var labels = deployment["metadata"]!["labels"]!;
        ((string?)labels[Labels.ManagedBy]).ShouldBe("nulecule");
        ((string?)labels[Labels.Release]).ShouldBe("conv");
        ((string?)labels[Labels.AppId]).ShouldBe("web-app");
        ((string?)labels[Labels.Component]).ShouldBe("web");
        ((string?)labels[Labels.Revision]).ShouldBe("1");
        var podLabels = deployment["spec"]!["template"]!["metadata"]!["labels"]!;
        ((string?)podLabels[Labels.Release]).ShouldBe("conv");
        ((string?)podLabels["app"]).ShouldBe("web");
    }

    [ClusterFact]
    public async Task Should_update_what_changed_and_remove_a_field_dropped_from_the_artifact()
    {
        var provider = new KubernetesProvider(Cluster.Settings(_ns.Name));
        var withExtra = """{ "apiVersion": "v1", "kind": "ConfigMap", "metadata": { "name": "cm" }, "data": { "a": "1", "b": "2" } }""";
        var without = """{ "apiVersion": "v1", "kind": "ConfigMap", "metadata": { "name": "cm" }, "data": { "a": "1" } }""";
        await provider.RunAsync(TestApps.App("a", [("c", [withExtra])]), TestApps.Options("upd", wait: false), CancellationToken.None);

        var result = await provider.RunAsync(TestApps.App("a", [("c", [without])]), TestApps.Options("upd", wait: false) with { Revision = 2 }, CancellationToken.None);

        result.Objects.Single().Action.ShouldBe(ObjectAction.Updated);
        var cm = (await _ns.GetAsync($"/api/v1/namespaces/{_ns.Name}/configmaps/cm"))!;
        cm["data"]!.AsObject().Select(p => p.Key).ShouldBe(["a"]);
        ((string?)cm["metadata"]!["labels"]![Labels.Revision]).ShouldBe("2");
    }

    [ClusterFact]
    public async Task Should_list_operations_on_a_dry_run_without_creating_anything()
    {
        var provider = new KubernetesProvider(Cluster.Settings(_ns.Name));
        var app = TestApps.App("dry", [("web", [TestApps.Deployment("dry-web", "sleep 1"), TestApps.Service("dry-web")])]);

        var result = await provider.RunAsync(app, TestApps.Options("dry") with { DryRun = true }, CancellationToken.None);

        result.PlannedOperations.ShouldBe([
            $"PATCH apps/v1 deployments {_ns.Name}/dry-web (server-side apply)",
            $"PATCH v1 services {_ns.Name}/dry-web (server-side apply)",
        ]);
        result.Objects.ShouldAllBe(o => o.Action == ObjectAction.Planned);
        (await _ns.GetAsync($"/apis/apps/v1/namespaces/{_ns.Name}/deployments/dry-web")).ShouldBeNull();
    }

    [ClusterFact]
    public async Task Should_report_a_conflict_with_the_fields_and_take_them_over_when_forced()
    {
        // Given: an object we applied, whose data another manager then changed
        var provider = new KubernetesProvider(Cluster.Settings(_ns.Name));
        var app = TestApps.App("cf", [("c", [TestApps.ConfigMap("contested", "ours")])]);
        await provider.RunAsync(app, TestApps.Options("cf", wait: false), CancellationToken.None);
        await _ns.Api.SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/{_ns.Name}/configmaps/contested?fieldManager=someone-else",
            JsonNode.Parse("""{ "data": { "key": "theirs" } }"""), "application/merge-patch+json", CancellationToken.None);
        var changed = TestApps.App("cf", [("c", [TestApps.ConfigMap("contested", "ours-again")])]);

        // When
        var failure = await Should.ThrowAsync<OperationFailedException>(() => provider.RunAsync(changed, TestApps.Options("cf", wait: false), CancellationToken.None));
        var forced = await new KubernetesProvider(Cluster.Settings(_ns.Name) with { ForceConflicts = true })
            .RunAsync(changed, TestApps.Options("cf", wait: false), CancellationToken.None);

        // Then
        failure.Message.ShouldContain("conflict");
        failure.Message.ShouldContain(".data.key");
        failure.Message.ShouldContain("--force-conflicts");
        forced.Objects.Single().Action.ShouldBe(ObjectAction.Updated);
        var cm = (await _ns.GetAsync($"/api/v1/namespaces/{_ns.Name}/configmaps/contested"))!;
        ((string?)cm["data"]!["key"]).ShouldBe("ours-again");
    }

    [ClusterFact]
    public async Task Should_name_an_unknown_kind_instead_of_guessing_its_plural()
    {
        var provider = new KubernetesProvider(Cluster.Settings(_ns.Name));
        var app = TestApps.App("unk", [("c", ["""{ "apiVersion": "example.com/v1", "kind": "Gizmo", "metadata": { "name": "g" } }"""])]);

        var failure = await Should.ThrowAsync<OperationFailedException>(() => provider.RunAsync(app, TestApps.Options("unk", wait: false), CancellationToken.None));

        failure.Message.ShouldContain("does not serve kind Gizmo in apiVersion example.com/v1");
    }

    [ClusterFact]
    public async Task Should_mask_secret_values_in_failure_messages()
    {
        // Given: a hidden value that ends up in an invalid object name (upper case is not allowed)
        var secret = "S3CR3T-VALUE";
        var parameters = new List<Nulecule.Answers.ResolvedParam>
        {
            new("c", "password", Nulecule.Spec.Scalar.String(secret), Nulecule.Answers.ValueOrigin.AnswersFile, null, true, null),
        };
        var bad = $$"""{ "apiVersion": "v1", "kind": "ConfigMap", "metadata": { "name": "{{secret}}" }, "data": { "k": "v" } }""";
        var app = TestApps.App("mask", [("c", [bad])], parameters: parameters);
        var provider = new KubernetesProvider(Cluster.Settings(_ns.Name));

        // When
        var failure = await Should.ThrowAsync<OperationFailedException>(() => provider.RunAsync(app, TestApps.Options("mask", wait: false), CancellationToken.None));

        // Then
        failure.Message.ShouldNotContain(secret);
        failure.Message.ShouldContain(SecretMasker.Stars);
    }
}
