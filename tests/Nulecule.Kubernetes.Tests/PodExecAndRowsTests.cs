using System.Text;
using System.Text.Json.Nodes;
using Nulecule.Kubernetes.Internal;

namespace Nulecule.Kubernetes.Tests;

/// <summary>The exit status exec reads from the error channel, and pods as `ps` rows.</summary>
public class PodExecAndRowsTests
{
    [Theory]
    [InlineData("""{"metadata":{},"status":"Success"}""", 0)]
    [InlineData("""{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}""", 3)]
    public void Should_read_the_exit_code_from_the_status(string status, int expected)
    {
        PodExec.ExitCode(Encoding.UTF8.GetBytes(status), "ns/pod").ShouldBe(expected);
    }

    [Theory]
    [InlineData("""{"status":"Failure","message":"OCI runtime exec failed: exec failed: executable file not found in $PATH","reason":"InternalError"}""", "executable file not found")]
    [InlineData("", "ended without the command's exit status")]
    [InlineData("{not json", "ended without the command's exit status")]
    public void Should_fail_with_the_servers_message_when_there_is_no_exit_code(string status, string message)
    {
        var error = Should.Throw<OperationFailedException>(() => PodExec.ExitCode(Encoding.UTF8.GetBytes(status), "ns/pod"));

        error.Message.ShouldContain("exec in pod ns/pod");
        error.Message.ShouldContain(message);
    }

    [Fact]
    public void Should_show_a_pod_as_kubectl_get_pods_does()
    {
        var pod = JsonNode.Parse("""
            {
              "metadata": {"name": "web-5d9f-abcde", "creationTimestamp": "2026-11-30T15:00:00Z",
                           "labels": {"io.nulecule.release": "blog", "io.nulecule.component": "wordpress.mariadb-1a2b3c4d"}},
              "spec": {"containers": [{"name": "db", "image": "local/mariadb:10", "ports": [{"containerPort": 3306, "hostPort": 13306}]},
                                      {"name": "side", "image": "local/busybox:latest"}]},
              "status": {"phase": "Running", "containerStatuses": [{"name": "db", "ready": true, "state": {"running": {}}},
                                                                   {"name": "side", "ready": false, "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}
            }
            """)!.AsObject();

        var row = PodRows.From(pod, new Dictionary<string, string> { ["wordpress.mariadb-1a2b3c4d"] = "wordpress:mariadb" });

        row.ShouldBe(new Nulecule.Providers.ProcessRow("blog", "wordpress:mariadb", "pod", "web-5d9f-abcde", "local/mariadb:10,local/busybox:latest",
            "CrashLoopBackOff 1/2", "13306->3306/tcp", new DateTimeOffset(2026, 11, 30, 15, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Should_show_a_deleted_pod_as_terminating()
    {
        var pod = JsonNode.Parse("""{"metadata": {"name": "p", "deletionTimestamp": "2026-11-30T15:00:00Z"}, "status": {"phase": "Running"}}""")!.AsObject();

        PodRows.State(pod).ShouldBe("Terminating");
    }
}
