using System.Diagnostics;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Nulecule.Cli.Tests.EndToEnd;

/// <summary>The Kubernetes testbed with the local busybox image its kubelet runs from the Docker engine.</summary>
public sealed class KubernetesFactAttribute : FactAttribute
{
    public KubernetesFactAttribute()
    {
        Skip = KubeCluster.Unavailable ?? new DockerFactAttribute().Skip;
    }
}

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM sent by the test to the real `nulecule` in each phase of a first
/// install on the Kubernetes testbed: before anything is applied, after the first component's
/// object, and while `--wait` waits for a Deployment that never becomes ready. Each leaves nothing
/// of the release in its namespace and a `failed` (not pending) revision.
/// </summary>
public sealed class KubernetesInterruptedRunTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nulecule-kint-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly string _namespace = "nulecule-int-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _release = "kint-" + Guid.NewGuid().ToString("N")[..8];
    private k8s.Kubernetes? _kube;

    public async Task InitializeAsync()
    {
        var app = Path.Combine(_dir, "app");
        Directory.CreateDirectory(Path.Combine(app, "artifacts"));
        File.WriteAllText(Path.Combine(app, "Nulecule"), """
            specversion: 0.0.2
            id: slow-kube-app
            graph:
              - name: first
                params:
                  - {name: token, description: a secret, hidden: true, default: canary-7e1c22}
                artifacts:
                  kubernetes:
                    - file://artifacts/first.yaml
              - name: second
                artifacts:
                  kubernetes:
                    - file://artifacts/second.yaml
            """);
        File.WriteAllText(Path.Combine(app, "artifacts", "first.yaml"), """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: first}
            data: {token: $token}
            """);
        // Never ready: `--wait` is surely still waiting for it when the signal comes.
        File.WriteAllText(Path.Combine(app, "artifacts", "second.yaml"), """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: second}
            spec:
              replicas: 1
              selector: {matchLabels: {app: second}}
              template:
                metadata: {labels: {app: second}}
                spec:
                  terminationGracePeriodSeconds: 0
                  containers:
                    - name: second
                      image: local/busybox:latest
                      imagePullPolicy: Never
                      command: [sh, -c, 'exec sleep 3600']
                      readinessProbe:
                        exec: {command: [test, -f, /tmp/never]}
                        periodSeconds: 1
            """);
        if (KubeCluster.Unavailable is not null)
        {
            return;
        }

        _kube = KubeCluster.Client();
        await KubeCluster.CreateNamespaceAsync(_kube, _namespace, TimeSpan.FromSeconds(20));
    }

    public async Task DisposeAsync()
    {
        if (_kube is not null)
        {
            await KubeCluster.DeleteNamespaceAsync(_kube, _namespace);

            _kube.Dispose();
        }

        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [KubernetesFact]
    public Task Should_leave_nothing_when_interrupted_before_anything_is_applied() =>
        InterruptedFirstInstallLeavesNothingAsync("INT", "deploying release");

    [KubernetesFact]
    public Task Should_leave_nothing_when_interrupted_after_the_first_component() =>
        InterruptedFirstInstallLeavesNothingAsync("INT", "ConfigMap {0}/first: created");

    [KubernetesFact]
    public Task Should_leave_nothing_when_interrupted_while_waiting() =>
        InterruptedFirstInstallLeavesNothingAsync("INT", "Deployment {0}/second: created");

    [KubernetesFact]
    public Task Should_leave_nothing_when_terminated_while_waiting() =>
        InterruptedFirstInstallLeavesNothingAsync("TERM", "Deployment {0}/second: created");

    private async Task InterruptedFirstInstallLeavesNothingAsync(string signal, string phase)
    {
        // When: the signal comes as the run reports the phase
        var trigger = string.Format(System.Globalization.CultureInfo.InvariantCulture, phase, _namespace);
        var (code, output) = await Signalled.InterruptAsync(StartInfo(
            "run", Path.Combine(_dir, "app"), "--provider", "kubernetes", "--name", _release, "-n", _namespace,
            "--kubeconfig", KubeCluster.Kubeconfig, "--wait", "--timeout", "3m", "-v"), trigger, signal);

        // Then: it says so, and the namespace holds nothing of the release
        code.ShouldBe(130, output);
        output.ShouldContain("interrupted");
        output.ShouldNotContain("canary-7e1c22");
        var selector = $"io.nulecule.release={_release}";
        (await _kube!.CoreV1.ListNamespacedConfigMapAsync(_namespace, labelSelector: selector)).Items.ShouldBeEmpty(output);
        (await _kube.AppsV1.ListNamespacedDeploymentAsync(_namespace, labelSelector: selector)).Items.ShouldBeEmpty(output);

        // And: the history says the revision failed (it is not left pending)
        var history = await RunAsync("history", _release, "-n", _namespace, "--kubeconfig", KubeCluster.Kubeconfig, "-o", "json");
        history.Out.ShouldContain("\"failed\"", customMessage: history.Err);
        history.Out.ShouldNotContain("\"pending\"");
    }

    private ProcessStartInfo StartInfo(params string[] args)
    {
        var info = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "nulecule")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["NULECULE_STATE_DIR"] = Path.Combine(_dir, "state");
        info.Environment["NO_COLOR"] = "1";
        return info;
    }

    private async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        using var process = Process.Start(StartInfo(args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }
}
