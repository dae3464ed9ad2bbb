using System.Text.Json;
using System.Text.RegularExpressions;

namespace Nulecule.Cli.Tests.EndToEnd;

/// <summary>`--progress json` and `-v` on the Kubernetes testbed: pods counted while waiting, API calls timed.</summary>
public sealed partial class KubernetesProgressTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nulecule-kprog-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly string _release = "kprog-" + Guid.NewGuid().ToString("N")[..8];
    private TestNamespace? _namespace;

    private string App => Path.Combine(_dir, "app");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(App, "artifacts"));
        File.WriteAllText(Path.Combine(App, "Nulecule"), """
            specversion: 0.0.2
            id: progress-kube-app
            graph:
              - name: web
                artifacts:
                  kubernetes:
                    - file://artifacts/web.yaml
            """);
        File.WriteAllText(Path.Combine(App, "artifacts", "web.yaml"), """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: 2
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  terminationGracePeriodSeconds: 0
                  containers:
                    - name: web
                      image: local/busybox:latest
                      imagePullPolicy: Never
                      command: [sh, -c, 'sleep 2; touch /tmp/ready; exec sleep 3600']
                      readinessProbe:
                        exec: {command: [test, -f, /tmp/ready]}
                        periodSeconds: 1
            """);
        _namespace = await TestNamespace.CreateAsync("nulecule-prog");
    }

    public async Task DisposeAsync()
    {
        if (_namespace is not null)
        {
            await _namespace.DisposeAsync();
        }

        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [KubernetesFact]
    public async Task Should_report_pods_ready_while_waiting_and_time_each_API_call()
    {
        // Given
        var env = new Dictionary<string, string>
        {
            ["NO_COLOR"] = "1", ["NULECULE_STATE_DIR"] = Path.Combine(_dir, "state"),
            ["HOME"] = Environment.GetEnvironmentVariable("HOME") ?? "/root",
        };

        // When
        var run = await Cli.RunAsync(["run", App, "--provider", "kubernetes", "--kubeconfig", KubeCluster.Kubeconfig, "-n", _namespace!.Name, "--name", _release, "--wait", "--timeout", "2m", "--progress", "json", "-v"], env);

        // Then: every line is JSON; the waiting steps count the pods; the calls are logged with status and time
        run.ExitCode.ShouldBe(0, run.Stderr);
        var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var progress = lines.Where(e => e.GetProperty("type").GetString() == "progress" && e.GetProperty("component").GetString() == "web").ToList();
        progress.Select(e => e.GetProperty("state").GetString()).Distinct().ShouldBe(["creating", "waiting", "ready"]);
        progress.ShouldContain(e => e.GetProperty("state").GetString() == "waiting"
            && PodsReady().IsMatch(e.GetProperty("detail").GetString() ?? ""));
        var calls = lines.Where(e => e.TryGetProperty("level", out var level) && level.GetString() == "debug")
            .Select(e => e.GetProperty("message").GetString()!).Where(m => m.StartsWith("kubernetes: ", StringComparison.Ordinal)).ToList();
        calls.ShouldContain(c => ApiCall().IsMatch(c) && c.Contains($"/namespaces/{_namespace.Name}/deployments/web", StringComparison.Ordinal));
        run.Stderr.ShouldNotContain("Bearer");
    }

    [GeneratedRegex(@"ready \d/2 pods")]
    private static partial Regex PodsReady();

    [GeneratedRegex(@"^kubernetes: PATCH /apis/apps/v1/namespaces/\S+/deployments/web 20[01] \d+ ms$")]
    private static partial Regex ApiCall();
}
