using System.Text.Json.Nodes;
using Nulecule.Kubernetes.Tests.Support;
using Nulecule.Spec;

namespace Nulecule.Kubernetes.Tests;

public sealed class VolumeTests : IClassFixture<TestNamespace>
{
    private readonly TestNamespace _ns;

    public VolumeTests(TestNamespace ns)
    {
        _ns = ns;
    }

    [ClusterFact]
    public async Task Should_turn_a_persistentVolume_requirement_into_a_bound_claim_kept_by_stop()
    {
        // Given: a hostPath PV (no provisioner on the test bed) and an app requiring 1 (GiB) ReadWrite
        var pv = $"{_ns.Name}-pv";
        var claim = $"data-{Guid.NewGuid().ToString("N")[..6]}";
        await _ns.Api.SendAsync(HttpMethod.Post, "/api/v1/persistentvolumes", JsonNode.Parse($$"""
            { "apiVersion": "v1", "kind": "PersistentVolume", "metadata": { "name": "{{pv}}" },
              "spec": { "capacity": { "storage": "1Gi" }, "accessModes": ["ReadWriteOnce"], "persistentVolumeReclaimPolicy": "Delete",
                        "hostPath": { "path": "/tmp/{{pv}}", "type": "DirectoryOrCreate" },
                        "claimRef": { "namespace": "{{_ns.Name}}", "name": "{{claim}}" } } }
            """), null, CancellationToken.None);
        try
        {
            var volumes = new List<PersistentVolumeRequirement> { new(claim, "ReadWrite", "1", new SourceLocation("Nulecule", 10, 5)) };
            var app = TestApps.App("vol", [("db", [TestApps.Deployment("db", "sleep 3600")])], volumes);
            var provider = new KubernetesProvider(Cluster.Settings(_ns.Name));

            // When
            var result = await provider.RunAsync(app, TestApps.Options("vol"), CancellationToken.None);

            // Then: the claim is applied first, asks for 1Gi ReadWriteOnce, and binds
            result.Objects[0].Kind.ShouldBe("PersistentVolumeClaim");
            result.Objects[0].Name.ShouldBe(claim);
            JsonObject? pvc = null;
            for (var i = 0; i < 30 && (string?)(pvc = await _ns.GetAsync($"/api/v1/namespaces/{_ns.Name}/persistentvolumeclaims/{claim}"))?["status"]?["phase"] != "Bound"; i++)
            {
                await Task.Delay(500);
            }

            ((string?)pvc!["status"]!["phase"]).ShouldBe("Bound");
            ((string?)pvc["spec"]!["resources"]!["requests"]!["storage"]).ShouldBe("1Gi");
            ((string?)pvc["spec"]!["accessModes"]![0]).ShouldBe("ReadWriteOnce");

            // When: stop keeps the claim; stop with RemoveVolumes deletes it
            var stopped = await provider.StopAsync("vol", new Nulecule.Providers.StopOptions(), CancellationToken.None);
            stopped.Objects.ShouldNotContain(o => o.Kind == "PersistentVolumeClaim");
            (await _ns.GetAsync($"/api/v1/namespaces/{_ns.Name}/persistentvolumeclaims/{claim}")).ShouldNotBeNull();
            var removed = await provider.StopAsync("vol", new Nulecule.Providers.StopOptions { RemoveVolumes = true }, CancellationToken.None);
            removed.Objects.ShouldContain(o => o.Kind == "PersistentVolumeClaim" && o.Name == claim);
            (await _ns.GetAsync($"/api/v1/namespaces/{_ns.Name}/persistentvolumeclaims/{claim}")).ShouldBeNull();
        }
        finally
        {
            try
            {
                await _ns.Api.SendAsync(HttpMethod.Delete, $"/api/v1/persistentvolumes/{pv}", null, null, CancellationToken.None);
            }
            catch (Nulecule.Kubernetes.Internal.KubeApiException)
            {
                // Reclaimed already.
            }
        }
    }
}
