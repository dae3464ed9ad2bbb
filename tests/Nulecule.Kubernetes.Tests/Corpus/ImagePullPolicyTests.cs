using System.Text.Json.Nodes;
using Nulecule.Kubernetes.Internal;

namespace Nulecule.Kubernetes.Tests.Corpus;

/// <summary>`--image-pull-policy`: filled into containers that set none, kept where the artifact sets one.</summary>
public sealed class ImagePullPolicyTests
{
    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    private static List<string?> Policies(JsonNode? podSpec) =>
        new[] { "initContainers", "containers" }
            .SelectMany(list => (podSpec?[list] as JsonArray ?? []).OfType<JsonObject>())
            .Select(c => (string?)c["imagePullPolicy"]).ToList();

    [Fact]
    public void Should_fill_every_container_and_init_container_of_a_pod_but_keep_an_explicit_policy()
    {
        // Given the corpus helloapache pod plus an init container and one container with its own policy
        var pod = Parse("""
            { "apiVersion": "v1", "kind": "Pod", "metadata": { "name": "helloapache" },
              "spec": {
                "initContainers": [ { "name": "init", "image": "local/busybox:latest" } ],
                "containers": [
                  { "name": "helloapache", "image": "centos/httpd" },
                  { "name": "pinned", "image": "x:1", "imagePullPolicy": "Always" } ] } }
            """);

        // When
        var changed = PullPolicyDefaults.Apply(pod, "Never");

        // Then
        changed.ShouldBe(2);
        Policies(pod["spec"]).ShouldBe(["Never", "Never", "Always"]);
    }

    [Theory]
    [InlineData("ReplicationController")]
    [InlineData("Deployment")]
    [InlineData("StatefulSet")]
    [InlineData("DaemonSet")]
    [InlineData("Job")]
    [InlineData("DeploymentConfig")]
    public void Should_fill_the_pod_template_of_a_workload(string kind)
    {
        var workload = Parse($$"""
            { "apiVersion": "v1", "kind": "{{kind}}", "metadata": { "name": "w" },
              "spec": { "template": { "spec": {
                "initContainers": [ { "name": "i", "image": "a" } ],
                "containers": [ { "name": "c", "image": "b" } ] } } } }
            """);

        PullPolicyDefaults.Apply(workload, "IfNotPresent").ShouldBe(2);

        Policies(workload["spec"]!["template"]!["spec"]).ShouldBe(["IfNotPresent", "IfNotPresent"]);
    }

    [Fact]
    public void Should_fill_the_pod_template_of_a_cronjob_and_of_a_podtemplate()
    {
        var cronJob = Parse("""
            { "apiVersion": "batch/v1beta1", "kind": "CronJob", "metadata": { "name": "c" },
              "spec": { "schedule": "* * * * *", "jobTemplate": { "spec": { "template": { "spec": {
                "containers": [ { "name": "c", "image": "b" } ] } } } } } }
            """);
        var podTemplate = Parse("""
            { "apiVersion": "v1", "kind": "PodTemplate", "metadata": { "name": "t" },
              "template": { "spec": { "containers": [ { "name": "c", "image": "b" } ] } } }
            """);

        PullPolicyDefaults.Apply(cronJob, "Never").ShouldBe(1);
        PullPolicyDefaults.Apply(podTemplate, "Never").ShouldBe(1);

        Policies(cronJob["spec"]!["jobTemplate"]!["spec"]!["template"]!["spec"]).ShouldBe(["Never"]);
        Policies(podTemplate["template"]!["spec"]).ShouldBe(["Never"]);
    }

    [Fact]
    public void Should_leave_objects_without_pods_untouched()
    {
        var service = Parse("""{ "apiVersion": "v1", "kind": "Service", "metadata": { "name": "s" }, "spec": { "ports": [ { "port": 80 } ] } }""");
        var before = service.ToJsonString();

        PullPolicyDefaults.Apply(service, "Never").ShouldBe(0);

        service.ToJsonString().ShouldBe(before);
    }

    [Theory]
    [InlineData("never", "Never")]
    [InlineData("IFNOTPRESENT", "IfNotPresent")]
    [InlineData(" Always ", "Always")]
    [InlineData(null, null)]
    [InlineData("", null)]
    public void Should_accept_a_policy_in_any_letter_case(string? given, string? expected) =>
        KubernetesSettings.ParseImagePullPolicy(given).ShouldBe(expected);

    [Fact]
    public void Should_reject_an_unknown_policy_with_the_accepted_values()
    {
        var error = Should.Throw<NuleculeException>(() => KubernetesSettings.ParseImagePullPolicy("sometimes"));

        error.Message.ShouldContain("--image-pull-policy must be Always, IfNotPresent or Never, not 'sometimes'");
    }

    [Fact]
    public void Should_read_the_policy_from_the_general_answers_that_keep_it_with_the_release()
    {
        var settings = KubernetesSettings.FromAnswers(new Dictionary<string, string> { ["image-pull-policy"] = "never" });

        settings.ImagePullPolicy.ShouldBe("Never");
        KubernetesSettings.AnswerKeys.ShouldContain("image-pull-policy");
        Should.Throw<NuleculeException>(() => KubernetesSettings.FromAnswers(new Dictionary<string, string> { ["image-pull-policy"] = "often" }))
            .Message.ShouldContain("image-pull-policy must be Always, IfNotPresent or Never, not 'often'");
    }

    [Fact]
    public void Should_let_a_flag_policy_win_over_a_lower_one_and_keep_the_lower_one_otherwise()
    {
        new KubernetesSettings { ImagePullPolicy = "Never" }.Over(new KubernetesSettings { ImagePullPolicy = "Always" }).ImagePullPolicy.ShouldBe("Never");
        new KubernetesSettings().Over(new KubernetesSettings { ImagePullPolicy = "Always" }).ImagePullPolicy.ShouldBe("Always");
    }
}
