using System.Text.Json.Nodes;
using Nulecule.Kubernetes.Internal;

namespace Nulecule.Kubernetes.Tests;

public sealed class ReadinessJudgeTests
{
    private static JsonObject Json(string text) => JsonNode.Parse(text)!.AsObject();

    [Theory]
    [InlineData("ErrImageNeverPull")]
    [InlineData("CrashLoopBackOff")]
    public void Should_fail_a_pod_at_once_on_a_reason_that_will_not_fix_itself(string reason)
    {
        var pod = Json($$"""{ "status": { "phase": "Pending", "containerStatuses": [ { "name": "app", "state": { "waiting": { "reason": "{{reason}}", "message": "why" } } } ] } }""");

        var readiness = ReadinessJudge.Pod(pod);

        readiness.State.ShouldBe(ReadyState.Failed);
        readiness.Summary.ShouldBe($"container app: {reason}: why");
    }

    [Fact]
    public void Should_judge_pods_by_condition_phase_and_scheduling()
    {
        ReadinessJudge.Pod(Json("""{ "status": { "phase": "Running", "conditions": [ { "type": "Ready", "status": "True" } ] } }""")).State.ShouldBe(ReadyState.Ready);
        ReadinessJudge.Pod(Json("""{ "status": { "phase": "Succeeded" } }""")).State.ShouldBe(ReadyState.Ready);
        ReadinessJudge.Pod(Json("""{ "status": { "phase": "Failed", "containerStatuses": [ { "name": "a", "state": { "terminated": { "exitCode": 3, "reason": "Error" } } } ] } }"""))
            .ShouldBe(Readiness.Failed("Failed: exit code 3 (Error)"));
        ReadinessJudge.Pod(Json("""{ "status": { "phase": "Pending", "conditions": [ { "type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": "pod has unbound immediate PersistentVolumeClaims" } ] } }"""))
            .Summary.ShouldContain("unbound immediate PersistentVolumeClaims");
    }

    [Theory]
    [InlineData("""{ "metadata": { "generation": 2 }, "spec": { "replicas": 2 }, "status": { "observedGeneration": 1 } }""", "Waiting")]
    [InlineData("""{ "metadata": { "generation": 1 }, "spec": { "replicas": 2 }, "status": { "observedGeneration": 1, "replicas": 2, "updatedReplicas": 2, "availableReplicas": 1 } }""", "Waiting")]
    [InlineData("""{ "metadata": { "generation": 1 }, "spec": { "replicas": 2 }, "status": { "observedGeneration": 1, "replicas": 3, "updatedReplicas": 2, "availableReplicas": 2 } }""", "Waiting")]
    [InlineData("""{ "metadata": { "generation": 1 }, "spec": { "replicas": 2 }, "status": { "observedGeneration": 1, "replicas": 2, "updatedReplicas": 2, "availableReplicas": 2 } }""", "Ready")]
    [InlineData("""{ "metadata": { "generation": 1 }, "status": { "conditions": [ { "type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded" } ] } }""", "Failed")]
    public void Should_judge_a_deployment_like_rollout_status(string deployment, string expected) =>
        ReadinessJudge.Judge("Deployment", Json(deployment))!.State.ToString().ShouldBe(expected);

    [Fact]
    public void Should_judge_jobs_claims_and_leave_other_kinds_unwaited()
    {
        ReadinessJudge.Judge("Job", Json("""{ "status": { "conditions": [ { "type": "Complete", "status": "True" } ], "succeeded": 1 } }"""))!.State.ShouldBe(ReadyState.Ready);
        ReadinessJudge.Judge("Job", Json("""{ "status": { "conditions": [ { "type": "Failed", "status": "True", "reason": "BackoffLimitExceeded" } ] } }"""))!.State.ShouldBe(ReadyState.Failed);
        ReadinessJudge.Judge("PersistentVolumeClaim", Json("""{ "status": { "phase": "Pending" } }"""))!.State.ShouldBe(ReadyState.Waiting);
        ReadinessJudge.Judge("ConfigMap", Json("{}")).ShouldBeNull();
        ReadinessJudge.WaitedKinds.ShouldNotContain("PersistentVolumeClaim");
    }

    [Fact]
    public void Should_split_log_timestamps_with_nanoseconds()
    {
        var (time, text) = PodLogs.SplitTimestamp("2024-05-06T07:08:09.123456789Z hello world");

        time.ShouldBe(new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero).AddTicks(1234567));
        text.ShouldBe("hello world");
        PodLogs.SplitTimestamp("no stamp here").Time.ShouldBeNull();
    }

    [Fact]
    public void Should_express_a_workloads_selector_as_a_label_selector()
    {
        Selectors.OfWorkload(Json("""{ "spec": { "selector": { "app": "a", "tier": "b" } } }""")).ShouldBe("app=a,tier=b");
        Selectors.OfWorkload(Json("""{ "spec": { "selector": { "matchLabels": { "app": "a" }, "matchExpressions": [ { "key": "env", "operator": "In", "values": ["x", "y"] } ] } } }"""))
            .ShouldBe("app=a,env in (x,y)");
    }
}
