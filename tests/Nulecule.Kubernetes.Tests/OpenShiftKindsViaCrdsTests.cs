using System.Text.Json.Nodes;
using Nulecule.Kubernetes.Internal;
using Nulecule.Kubernetes.Tests.Support;
using Nulecule.Providers;
using Nulecule.Spec;

namespace Nulecule.Kubernetes.Tests;

/// <summary>
/// No OpenShift server exists here: these tests register the OpenShift groups and kinds on the
/// real Kubernetes API server as CustomResourceDefinitions (schemaless), so discovery, apply,
/// labels, scale and stop are exercised for real, but no OpenShift controller acts on them.
/// </summary>
public sealed class OpenShiftKindsViaCrdsTests : IClassFixture<TestNamespace>, IClassFixture<OpenShiftCrds>
{
    private readonly TestNamespace _ns;

    public OpenShiftKindsViaCrdsTests(TestNamespace ns, OpenShiftCrds crds)
    {
        _ns = ns;
        crds.ShouldNotBeNull();
    }

    private const string DeploymentConfig = """
        { "apiVersion": "apps.openshift.io/v1", "kind": "DeploymentConfig", "metadata": { "name": "frontend" },
          "spec": { "replicas": 1, "selector": { "app": "frontend" },
                    "template": { "metadata": { "labels": { "app": "frontend" } },
                                  "spec": { "containers": [ { "name": "web", "image": "local/busybox:latest", "ports": [ { "containerPort": 8080 } ] } ] } } } }
        """;

    [ClusterFact]
    public async Task OpenShiftKindsViaCrds_Should_apply_scale_and_stop_DeploymentConfig_Route_ImageStream_BuildConfig()
    {
        // Given
        var route = """{ "apiVersion": "route.openshift.io/v1", "kind": "Route", "metadata": { "name": "frontend" }, "spec": { "host": "www.example.com", "to": { "kind": "Service", "name": "frontend" } } }""";
        var stream = """{ "apiVersion": "image.openshift.io/v1", "kind": "ImageStream", "metadata": { "name": "frontend" } }""";
        var build = """{ "apiVersion": "build.openshift.io/v1", "kind": "BuildConfig", "metadata": { "name": "frontend" }, "spec": { "strategy": { "type": "Docker" } } }""";
        var app = TestApps.App("os", [("frontend", [stream, build, DeploymentConfig, route])], provider: "openshift");
        var provider = new OpenShiftProvider(Cluster.Settings(_ns.Name));

        // When
        var first = await provider.RunAsync(app, TestApps.Options("os", wait: false), CancellationToken.None);
        var second = await provider.RunAsync(app, TestApps.Options("os", wait: false), CancellationToken.None);
        await provider.ScaleAsync("os", "frontend", 3, CancellationToken.None);

        // Then
        first.Objects.Select(o => o.Kind).ShouldBe(["ImageStream", "BuildConfig", "DeploymentConfig", "Route"]);
        first.Objects.ShouldAllBe(o => o.Action == ObjectAction.Created);
        second.Objects.ShouldAllBe(o => o.Action == ObjectAction.Unchanged);
        var dc = (await _ns.GetAsync($"/apis/apps.openshift.io/v1/namespaces/{_ns.Name}/deploymentconfigs/frontend"))!;
        ((string?)dc["metadata"]!["labels"]![Labels.Release]).ShouldBe("os");
        ((string?)dc["spec"]!["template"]!["metadata"]!["labels"]![Labels.Release]).ShouldBe("os");
        ((int?)dc["spec"]!["replicas"]).ShouldBe(3);
        var stopped = await provider.StopAsync("os", new StopOptions(), CancellationToken.None);
        stopped.Objects.Select(o => o.Kind).ShouldBe(["Route", "DeploymentConfig", "BuildConfig", "ImageStream"]);
        (await _ns.GetAsync($"/apis/route.openshift.io/v1/namespaces/{_ns.Name}/routes/frontend")).ShouldBeNull();
    }

    [ClusterFact]
    public async Task OpenShiftKindsViaCrds_Should_process_a_Template_on_the_client_and_apply_its_objects()
    {
        // Given: a Template with a required, a typed and a generated parameter
        var template = """
            { "apiVersion": "template.openshift.io/v1", "kind": "Template", "metadata": { "name": "shop" },
              "labels": { "template": "shop" },
              "parameters": [
                { "name": "NAME", "required": true },
                { "name": "REPLICAS", "value": "2" },
                { "name": "PASSWORD", "generate": "expression", "from": "[a-zA-Z0-9]{12}" } ],
              "objects": [
                { "apiVersion": "apps.openshift.io/v1", "kind": "DeploymentConfig", "metadata": { "name": "${NAME}" },
                  "spec": { "replicas": "${{REPLICAS}}", "template": { "spec": { "containers": [ { "name": "app", "image": "local/busybox:latest",
                    "env": [ { "name": "PASSWORD", "value": "${PASSWORD}" } ] } ] } } } },
                { "apiVersion": "route.openshift.io/v1", "kind": "Route", "metadata": { "name": "${NAME}" }, "spec": { "host": "${NAME}.example.com" } } ] }
            """;
        var contexts = new Dictionary<string, IReadOnlyDictionary<string, Scalar>> { ["shop"] = new Dictionary<string, Scalar> { ["NAME"] = Scalar.String("myshop") } };
        var app = TestApps.App("tpl", [("shop", [template])], contexts: contexts, provider: "openshift");

        // When
        var result = await new OpenShiftProvider(Cluster.Settings(_ns.Name)).RunAsync(app, TestApps.Options("tpl", wait: false), CancellationToken.None);

        // Then
        result.Objects.Select(o => $"{o.Kind}/{o.Name}").ShouldBe(["DeploymentConfig/myshop", "Route/myshop"]);
        var dc = (await _ns.GetAsync($"/apis/apps.openshift.io/v1/namespaces/{_ns.Name}/deploymentconfigs/myshop"))!;
        dc["spec"]!["replicas"]!.GetValueKind().ShouldBe(System.Text.Json.JsonValueKind.Number);
        ((int?)dc["spec"]!["replicas"]).ShouldBe(2);
        ((string?)dc["metadata"]!["labels"]!["template"]).ShouldBe("shop");
        var password = (string?)dc["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]![0]!["value"];
        password.ShouldNotBeNull().ShouldMatch("^[a-zA-Z0-9]{12}$");
        var route = (await _ns.GetAsync($"/apis/route.openshift.io/v1/namespaces/{_ns.Name}/routes/myshop"))!;
        ((string?)route["spec"]!["host"]).ShouldBe("myshop.example.com");
    }
}

/// <summary>CRDs standing in for the OpenShift API groups on a plain Kubernetes API server.</summary>
public sealed class OpenShiftCrds : IAsyncLifetime
{
    private static readonly (string Group, string Kind, string Plural, bool Namespaced, bool Scale)[] Kinds =
    [
        ("apps.openshift.io", "DeploymentConfig", "deploymentconfigs", true, true),
        ("route.openshift.io", "Route", "routes", true, false),
        ("image.openshift.io", "ImageStream", "imagestreams", true, false),
        ("build.openshift.io", "BuildConfig", "buildconfigs", true, false),
        ("project.openshift.io", "Project", "projects", false, false),
    ];

    private KubernetesConnection? _connection;

    public async Task InitializeAsync()
    {
        if (Cluster.Kubeconfig is null)
        {
            return;
        }

        _connection = KubernetesConnection.Resolve(Cluster.Settings("default"));
        foreach (var (group, kind, plural, namespaced, scale) in Kinds)
        {
            var version = new JsonObject
            {
                ["name"] = "v1",
                ["served"] = true,
                ["storage"] = true,
                ["schema"] = new JsonObject { ["openAPIV3Schema"] = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true } },
            };
            if (scale)
            {
                version["subresources"] = new JsonObject
                {
                    ["scale"] = new JsonObject { ["specReplicasPath"] = ".spec.replicas", ["statusReplicasPath"] = ".status.replicas" },
                };
            }

            var crd = new JsonObject
            {
                ["apiVersion"] = "apiextensions.k8s.io/v1",
                ["kind"] = "CustomResourceDefinition",
                ["metadata"] = new JsonObject { ["name"] = $"{plural}.{group}" },
                ["spec"] = new JsonObject
                {
                    ["group"] = group,
                    ["scope"] = namespaced ? "Namespaced" : "Cluster",
                    ["names"] = new JsonObject { ["kind"] = kind, ["plural"] = plural, ["singular"] = kind.ToLowerInvariant(), ["listKind"] = kind + "List" },
                    ["versions"] = new JsonArray(version),
                },
            };
            await _connection.Api.SendAsync(HttpMethod.Patch, $"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{plural}.{group}?fieldManager=nulecule-tests&force=true",
                crd, "application/apply-patch+yaml", CancellationToken.None);
        }

        // Served once Established.
        foreach (var (group, _, plural, _, _) in Kinds)
        {
            for (var i = 0; i < 100; i++)
            {
                var crd = await _connection.Api.GetAsync($"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{plural}.{group}", CancellationToken.None);
                if ((crd?["status"]?["conditions"] as JsonArray ?? []).Any(c => (string?)c?["type"] == "Established" && (string?)c?["status"] == "True")
                    && await _connection.Api.GetAsync($"/apis/{group}/v1", CancellationToken.None) is not null)
                {
                    break;
                }

                await Task.Delay(100);
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (_connection is null)
        {
            return;
        }

        foreach (var (group, _, plural, _, _) in Kinds)
        {
            try
            {
                await _connection.Api.SendAsync(HttpMethod.Delete, $"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{plural}.{group}", null, null, CancellationToken.None);
            }
            catch (KubeApiException)
            {
                // Gone already.
            }
        }

        _connection.Dispose();
    }
}
