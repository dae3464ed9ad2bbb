using Nulecule.Kubernetes.Tests.Support;
using Nulecule.Providers;

namespace Nulecule.Kubernetes.Tests;

public sealed class WaitTests : IClassFixture<TestNamespace>
{
    private readonly TestNamespace _ns;

    public WaitTests(TestNamespace ns)
    {
        _ns = ns;
    }

    [ClusterFact]
    public async Task Should_wait_until_the_deployment_is_available()
    {
        var provider = new KubernetesProvider(Cluster.Settings(_ns.Name));
        var app = TestApps.App("ok", [("web", [TestApps.Deployment("ok-web", "sleep 3600", replicas: 2)])]);

        await provider.RunAsync(app, TestApps.Options("ok"), CancellationToken.None);

        var deployment = (await _ns.GetAsync($"/apis/apps/v1/namespaces/{_ns.Name}/deployments/ok-web"))!;
        ((int?)deployment["status"]!["availableReplicas"]).ShouldBe(2);
    }

    [ClusterFact]
    public async Task Should_wait_for_a_job_to_complete()
    {
        var job = $$"""
            { "apiVersion": "batch/v1", "kind": "Job", "metadata": { "name": "once" },
              "spec": { "backoffLimit": 0, "template": { "spec": { "restartPolicy": "Never", "terminationGracePeriodSeconds": 1,
                "containers": [ { "name": "main", "image": "{{Cluster.Image}}", "imagePullPolicy": "Never", "command": ["sh", "-c", "echo done"] } ] } } } }
            """;
        var provider = new KubernetesProvider(Cluster.Settings(_ns.Name));

        await provider.RunAsync(TestApps.App("job", [("task", [job])]), TestApps.Options("job"), CancellationToken.None);

        var status = (await _ns.GetAsync($"/apis/batch/v1/namespaces/{_ns.Name}/jobs/once"))!["status"]!;
        ((int?)status["succeeded"]).ShouldBe(1);
    }

    [ClusterFact]
    public async Task Should_fail_with_ErrImageNeverPull_and_remove_what_the_first_run_created()
    {
        // Given: an image that is not in the local engine, with pullPolicy Never
        var provider = new KubernetesProvider(Cluster.Settings(_ns.Name));
        var app = TestApps.App("noimg", [("web", [TestApps.ConfigMap("noimg-cfg", "x"), TestApps.Deployment("noimg", "sleep 1", image: "local/does-not-exist:1")])]);

        // When
        var failure = await Should.ThrowAsync<OperationFailedException>(() => provider.RunAsync(app, TestApps.Options("noimg"), CancellationToken.None));

        // Then
        failure.Message.ShouldContain("component web");
        failure.Message.ShouldContain($"Deployment {_ns.Name}/noimg");
        failure.Message.ShouldContain("ErrImageNeverPull");
        failure.Message.ShouldContain("removed the 2 objects");
        (await _ns.GetAsync($"/apis/apps/v1/namespaces/{_ns.Name}/deployments/noimg")).ShouldBeNull();
        (await _ns.GetAsync($"/api/v1/namespaces/{_ns.Name}/configmaps/noimg-cfg")).ShouldBeNull();
    }

    [ClusterFact]
    public async Task Should_report_CrashLoopBackOff_with_the_last_log_lines_and_keep_objects_when_asked()
    {
        var provider = new KubernetesProvider(Cluster.Settings(_ns.Name));
        var app = TestApps.App("crash", [("worker", [TestApps.Deployment("crash", "echo starting up; echo fatal: database unreachable; exit 1")])]);

        var failure = await Should.ThrowAsync<OperationFailedException>(() =>
            provider.RunAsync(app, TestApps.Options("crash", timeoutSeconds: 120) with { KeepFailed = true }, CancellationToken.None));

        failure.Message.ShouldContain("component worker");
        failure.Message.ShouldContain("CrashLoopBackOff");
        failure.Message.ShouldContain("fatal: database unreachable");
        failure.Message.ShouldContain("events of pod");
        failure.Message.ShouldContain("--keep-failed");
        (await _ns.GetAsync($"/apis/apps/v1/namespaces/{_ns.Name}/deployments/crash")).ShouldNotBeNull();
    }

    [ClusterFact]
    public async Task Should_time_out_naming_the_object_and_why_it_is_not_ready()
    {
        // A readiness probe that never passes: the pod runs but is never Ready.
        var deployment = TestApps.Deployment("never-ready", "sleep 3600").Replace(
            "\"command\"", "\"readinessProbe\": { \"exec\": { \"command\": [\"false\"] }, \"periodSeconds\": 1 }, \"command\"", StringComparison.Ordinal);
        var provider = new KubernetesProvider(Cluster.Settings(_ns.Name));

        var failure = await Should.ThrowAsync<OperationFailedException>(() =>
            provider.RunAsync(TestApps.App("slow", [("web", [deployment])]), TestApps.Options("slow", timeoutSeconds: 8), CancellationToken.None));

        failure.Message.ShouldContain($"Deployment {_ns.Name}/never-ready: not ready after 8s: 0 of 1 replicas available");
        failure.Message.ShouldContain("Running, not ready");
    }
}
