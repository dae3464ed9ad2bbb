using System.Collections.Concurrent;
using System.Diagnostics;
using Docker.DotNet.Models;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Xunit.Abstractions;

namespace Nulecule.Cli.Tests.EndToEnd;

/// <summary>
/// The fault tests take the engines away: nothing else may run beside them. xunit runs a
/// collection that disables parallelization after every other collection of the assembly, alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EngineFaultCollection
{
    public const string Name = "Engine faults (dockerd and kube-apiserver are killed: runs alone)";
}

/// <summary>Only when the engine can be killed and started again here (root, the daemon and its PID file).</summary>
public sealed class DockerdFaultFactAttribute : FactAttribute
{
    public DockerdFaultFactAttribute()
    {
        Skip = DockerEngine.Unavailable
            ?? (Environment.UserName != "root" ? "killing dockerd needs root"
            : Dockerd.Current() is null ? $"no dockerd process found through {Dockerd.PidFile}" : null);
    }
}

/// <summary>Only with the Kubernetes test bed running here (its API server is killed and started again).</summary>
public sealed class ApiServerFaultFactAttribute : FactAttribute
{
    public ApiServerFaultFactAttribute()
    {
        Skip = KubeCluster.Unavailable ?? Testbed.Unavailable ?? DockerEngine.Unavailable;
    }
}

/// <summary>
/// Faults in the middle of a command, through the real `nulecule` executable: dockerd killed
/// (SIGKILL) while `run --wait` waits for a component, the API server killed while `run --wait`
/// waits and while `stop` waits for a deletion. The failing command names the engine and the
/// component, exits 1 and prints no stack trace; once the engine is back, the next `run`,
/// `status` and `stop` recover, and the engine holds the whole release or nothing of it. The
/// "middle" is deterministic: each fault is triggered by a progress line after which the command
/// can only be waiting (a health check that cannot pass for 10 minutes, a readiness probe that
/// never passes, pods that take 20 s to stop). Every test starts the daemon again in `finally`
/// and returns only once the engine (and the test bed on it) answers again.
/// </summary>
[Collection(EngineFaultCollection.Name)]
public sealed class FaultTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nulecule-fault-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly string _release = Probes.Release("fault");
    private readonly string _namespace = "fault-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _app;
    private readonly ITestOutputHelper _log;
    private bool _kube;

    public FaultTests(ITestOutputHelper log)
    {
        _log = log;
        _app = Path.Combine(_dir, "app");
        Directory.CreateDirectory(Path.Combine(_app, "artifacts"));
        File.WriteAllText(Path.Combine(_app, "Nulecule"), """
            specversion: 0.0.2
            id: fault-app
            graph:
              - name: web
                artifacts:
                  docker:
                    - file://artifacts/web
                  kubernetes:
                    - file://artifacts/web.yaml
              - name: slow
                artifacts:
                  docker:
                    - file://artifacts/slow
                  kubernetes:
                    - file://artifacts/slow.yaml
            """);
        File.WriteAllText(Path.Combine(_app, "artifacts", "web"), "docker run -d --name web local/busybox:latest httpd -f -p 8080\n");
        // The first health check comes after 10 minutes: `run --wait` surely waits for it.
        File.WriteAllText(Path.Combine(_app, "artifacts", "slow"),
            "docker run -d --name slow --health-cmd 'test -f /tmp/ready' --health-interval 10m local/busybox:latest sleep 3600\n");
        File.WriteAllText(Path.Combine(_app, "artifacts", "web.yaml"), """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: web-config}
            data: {greeting: hello}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: 1
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  terminationGracePeriodSeconds: 1
                  containers:
                    - name: web
                      image: local/busybox:latest
                      imagePullPolicy: Never
                      command: [httpd, -f, -p, "8080"]
                      # Names the slow component, so stop keeps graph order (slow gone before web is touched).
                      env: [{name: SLOW_HOST, value: slow}]
            """);
        // Never ready (no /tmp/ready), and 20 s to stop (busybox sleep ignores SIGTERM): a run
        // with --wait waits for it, and a stop waits for its pods.
        File.WriteAllText(Path.Combine(_app, "artifacts", "slow.yaml"), """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: slow}
            spec:
              replicas: 1
              selector: {matchLabels: {app: slow}}
              template:
                metadata: {labels: {app: slow}}
                spec:
                  terminationGracePeriodSeconds: 20
                  containers:
                    - name: slow
                      image: local/busybox:latest
                      imagePullPolicy: Never
                      command: [sleep, "3600"]
                      readinessProbe:
                        exec: {command: [test, -f, /tmp/ready]}
                        periodSeconds: 1
            """);
    }

    [DockerdFaultFact]
    public async Task Should_recover_a_docker_run_whose_engine_was_killed_while_it_waited()
    {
        // Given: dockerd as it runs now, and the test bed's state (pods run on this engine)
        var dockerd = Dockerd.Current().ShouldNotBeNull();
        var testbedWasUp = Testbed.Script is not null && await Testbed.StatusAsync() == 0;
        Outcome failed;
        var started = Stopwatch.StartNew();
        try
        {
            // When: dockerd is killed as the run waits for the component that cannot be healthy
            failed = await RunWithFaultAsync(Line("waiting for slow"), dockerd.KillAsync,
                "run", _app, "--provider", "docker", "--name", _release, "--wait", "--timeout", "3m");
        }
        finally
        {
            await RestoreDockerAsync(dockerd, testbedWasUp);
        }

        _log.WriteLine($"fault and restart: {started.Elapsed.TotalSeconds:0.0}s\n{failed.Output}");

        // Then: it names the engine and the component, exits 1, no stack trace
        failed.Code.ShouldBe(1, failed.Output);
        failed.Output.ShouldContain("the Docker engine at unix:///var/run/docker.sock did not answer");
        failed.Output.ShouldContain("at component slow");
        ShouldHaveNoStackTrace(failed.Output);
        (await HistoryAsync()).ShouldBe(["1 failed"]);

        // And the next commands recover: status answers, run deploys the whole release, stop removes all of it
        var status = await RunAsync("status", _release);
        status.Code.ShouldBeOneOf([0, 3], status.Output);
        ShouldHaveNoStackTrace(status.Output);
        var again = await RunAsync("run", _app, "--provider", "docker", "--name", _release, "--timeout", "2m");
        again.Code.ShouldBe(0, again.Output);
        (await DockerObjectsAsync()).ShouldBe([
            $"container {_release}-slow running revision 2",
            $"container {_release}-web running revision 2",
            $"network nulecule-{_release}",
        ]);
        (await HistoryAsync()).ShouldBe(["1 failed", "2 deployed"]);
        var stop = await RunAsync("stop", _release, "--timeout", "30s");
        stop.Code.ShouldBe(0, stop.Output);
        (await DockerObjectsAsync()).ShouldBeEmpty();
        (await HistoryAsync()).ShouldBe(["1 failed", "2 uninstalled"]);
    }

    [ApiServerFaultFact]
    public async Task Should_recover_a_kubernetes_run_whose_api_server_was_killed_while_it_waited()
    {
        // Given
        await CreateNamespaceAsync();
        var apiserver = Testbed.ApiServer().ShouldNotBeNull();
        Outcome failed;
        try
        {
            // When: the API server is killed once the last object is applied (the run then waits for it)
            failed = await RunWithFaultAsync(SlowPodIsAsync("Running"), apiserver.KillAsync,
                "run", _app, "--provider", "kubernetes", "-n", _namespace, "--name", _release, "--wait", "--timeout", "3m");
        }
        finally
        {
            await RestoreApiServerAsync(apiserver);
        }

        _log.WriteLine(failed.Output);

        // Then: the API server and the component are named, what could not be removed is listed
        failed.Code.ShouldBe(1, failed.Output);
        failed.Output.ShouldContain($"component slow: waiting for Deployment {_namespace}/slow to be ready: the Kubernetes API server at {Testbed.Server} did not answer");
        failed.Output.ShouldContain($"not deleted: Deployment {_namespace}/slow, Deployment {_namespace}/web, ConfigMap {_namespace}/web-config");
        ShouldHaveNoStackTrace(failed.Output);
        (await KubeObjectsAsync()).ShouldBe(["ConfigMap web-config 1", "Deployment slow 1", "Deployment web 1"]);

        // And: the next run removes the interrupted first revision and deploys a whole one; stop removes all
        var status = await RunAsync("status", _release, "-n", _namespace);
        ShouldHaveNoStackTrace(status.Output);
        var again = await RunAsync("run", _app, "--provider", "kubernetes", "-n", _namespace, "--name", _release, "--timeout", "3m");
        again.Code.ShouldBe(0, again.Output);
        (await KubeObjectsAsync()).ShouldBe(["ConfigMap web-config 2", "Deployment slow 2", "Deployment web 2"]);
        (await HistoryAsync("-n", _namespace)).ShouldBe(["1 failed", "2 deployed"]);
        var stop = await RunAsync("stop", _release, "-n", _namespace, "--timeout", "3m");
        stop.Code.ShouldBe(0, stop.Output);
        (await KubeObjectsAsync()).ShouldBeEmpty();
        (await HistoryAsync("-n", _namespace)).ShouldBe(["1 failed", "2 uninstalled"]);
    }

    [ApiServerFaultFact]
    public async Task Should_recover_a_kubernetes_stop_whose_api_server_was_killed_while_it_deleted()
    {
        // Given: a deployed release whose slow component's pod runs (it takes 20 s to stop); web names
        // slow, so stop waits for slow to be gone before it touches web (docs/releases.md)
        await CreateNamespaceAsync();
        var run = await RunAsync("run", _app, "--provider", "kubernetes", "-n", _namespace, "--name", _release, "--timeout", "2m");
        run.Code.ShouldBe(0, run.Output);
        var running = await Probes.EventuallyAsync(() => PodPhasesAsync("slow"), p => p == "Running", Bound);
        running.ShouldBe("Running");
        var apiserver = Testbed.ApiServer().ShouldNotBeNull();
        Outcome failed;
        try
        {
            // When: the API server is killed once the slow Deployment's deletion was accepted (stop then waits for it)
            failed = await RunWithFaultAsync(SlowPodIsAsync("Terminating"), apiserver.KillAsync,
                "stop", _release, "-n", _namespace, "--timeout", "2m");
        }
        finally
        {
            await RestoreApiServerAsync(apiserver);
        }

        _log.WriteLine(failed.Output);

        // Then
        failed.Code.ShouldBe(1, failed.Output);
        failed.Output.ShouldContain($"the Kubernetes API server at {Testbed.Server} did not answer");
        failed.Output.ShouldContain($"while waiting for Deployment {_namespace}/slow (component slow) to be gone");
        var notDeleted = failed.Output[failed.Output.IndexOf("; not deleted: ", StringComparison.Ordinal)..];
        notDeleted.ShouldContain($"Deployment {_namespace}/web");
        notDeleted.ShouldContain($"ConfigMap {_namespace}/web-config");
        ShouldHaveNoStackTrace(failed.Output);
        (await KubeObjectsAsync()).ShouldContain("ConfigMap web-config 1");
        (await HistoryAsync("-n", _namespace)).ShouldBe(["1 deployed"]);

        // And: status answers, the next stop removes everything and records it
        var status = await RunAsync("status", _release, "-n", _namespace);
        ShouldHaveNoStackTrace(status.Output);
        status.Output.ShouldContain("web-config");
        var stop = await RunAsync("stop", _release, "-n", _namespace, "--timeout", "3m");
        stop.Code.ShouldBe(0, stop.Output);
        (await KubeObjectsAsync()).ShouldBeEmpty();
        (await PodPhasesAsync("slow")).ShouldBeEmpty();
        (await HistoryAsync("-n", _namespace)).ShouldBe(["1 uninstalled"]);
    }

    private sealed record Outcome(int Code, string Output);

    private static void ShouldHaveNoStackTrace(string output)
    {
        output.ShouldNotContain("   at ");
        output.ShouldNotContain("Unhandled exception");
        output.ShouldNotContain("Exception:");
    }

    /// <summary>When the command prints a line containing <paramref name="text"/>.</summary>
    private static Func<IReadOnlyCollection<string>, Task<bool>> Line(string text) =>
        lines => Task.FromResult(lines.Any(l => l.Contains(text, StringComparison.Ordinal)));

    /// <summary>
    /// When the pod of the slow component is in <paramref name="phase"/> (Running: its Deployment was
    /// applied seconds ago, the run waits for it to be ready; Terminating: its Deployment's deletion
    /// was accepted, stop waits for the pod's 20 s grace period).
    /// </summary>
    private Func<IReadOnlyCollection<string>, Task<bool>> SlowPodIsAsync(string phase) =>
        async _ => await PodPhasesAsync("slow") == phase;

    /// <summary>
    /// Starts nulecule, runs <paramref name="fault"/> once <paramref name="middle"/> holds (polled
    /// with the lines printed so far), and waits (bounded) for the command to end.
    /// </summary>
    private async Task<Outcome> RunWithFaultAsync(Func<IReadOnlyCollection<string>, Task<bool>> middle, Func<Task> fault, params string[] args)
    {
        var lines = new ConcurrentQueue<string>();
        using var process = new Process { StartInfo = StartInfo(args) };
        void OnLine(object? sender, DataReceivedEventArgs e)
        {
            if (e.Data is not null)
            {
                lines.Enqueue(e.Data);
            }
        }

        process.OutputDataReceived += OnLine;
        process.ErrorDataReceived += OnLine;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var deadline = DateTime.UtcNow + Bound;
            while (!await middle(lines.ToArray()))
            {
                process.HasExited.ShouldBeFalse($"ended before the fault:\n{string.Join("\n", lines)}");
                (DateTime.UtcNow < deadline).ShouldBeTrue($"the moment for the fault never came:\n{string.Join("\n", lines)}");
                await Task.Delay(200);
            }

            await fault();
            var exited = await Task.WhenAny(process.WaitForExitAsync(), Task.Delay(Bound));
            process.HasExited.ShouldBeTrue($"still running {Bound.TotalSeconds}s after the fault:\n{string.Join("\n", lines)}");
            await exited;
            process.WaitForExit();
            return new Outcome(process.ExitCode, string.Join("\n", lines));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>dockerd again as it ran, answering; the test bed (whose pods died with it) Ready again when it was.</summary>
    private async Task RestoreDockerAsync(Daemon dockerd, bool testbedWasUp)
    {
        var started = Stopwatch.StartNew();
        var answers = await Dockerd.AnswersAsync();
        for (var attempt = 0; !answers && attempt < 3; attempt++)
        {
            if (Dockerd.Current() is null)
            {
                await Dockerd.StartAsync(dockerd);
            }

            answers = await Probes.EventuallyAsync(Dockerd.AnswersAsync, ok => ok, TimeSpan.FromSeconds(30));
        }

        _log.WriteLine($"dockerd {(answers ? "answers again" : "DOES NOT ANSWER")} after {started.Elapsed.TotalSeconds:0.0}s");
        answers.ShouldBeTrue($"dockerd did not answer within 90 s of its restart (see {dockerd.Log})");
        if (testbedWasUp)
        {
            await RestoreTestbedAsync();
        }
    }

    /// <summary>kube-apiserver again as `kube up` started it, answering, with the node Ready.</summary>
    private async Task RestoreApiServerAsync(Daemon apiserver)
    {
        var started = Stopwatch.StartNew();
        var answers = await Testbed.ApiAnswersAsync();
        for (var attempt = 0; !answers && attempt < 3; attempt++)
        {
            if (Testbed.ApiServer() is null)
            {
                Testbed.StartApiServer(apiserver);
            }

            answers = await Probes.EventuallyAsync(Testbed.ApiAnswersAsync, ok => ok, TimeSpan.FromSeconds(30));
        }

        _log.WriteLine($"kube-apiserver {(answers ? "answers again" : "DOES NOT ANSWER")} after {started.Elapsed.TotalSeconds:0.0}s");
        await RestoreTestbedAsync();
        await GarbageCollectorWorksAsync();
        answers.ShouldBeTrue($"kube-apiserver did not answer within 90 s of its restart (see {apiserver.Log})");
    }

    /// <summary>`kube status` 0 (every component runs, node Ready); else `kube up`, which starts what is missing.</summary>
    private async Task RestoreTestbedAsync()
    {
        var started = Stopwatch.StartNew();
        var status = await Probes.EventuallyAsync(Testbed.StatusAsync, code => code == 0, Bound);
        if (status != 0)
        {
            _log.WriteLine($"kube status {status} after {started.Elapsed.TotalSeconds:0.0}s: kube up\n{await Testbed.UpAsync()}");
            status = await Testbed.StatusAsync();
        }

        _log.WriteLine($"test bed {(status == 0 ? "ready again" : "NOT READY")} after {started.Elapsed.TotalSeconds:0.0}s");
        status.ShouldBe(0, "the Kubernetes test bed did not come back (kube status)");
    }

    /// <summary>
    /// The controllers list and watch again after the API server restarts, but those that asked
    /// before its authorizer was ready back off for a while (their lists were forbidden), and
    /// until then the garbage collector does not delete dependents: a foreground deletion (as
    /// `stop` does for workloads) waits. Returns once a ConfigMap deleted here with foreground
    /// propagation, which owns another, is gone (at most 3 minutes).
    /// </summary>
    private async Task GarbageCollectorWorksAsync()
    {
        var started = Stopwatch.StartNew();
        using var client = KubeCluster.Client();
        var name = "nulecule-fault-gc-" + Guid.NewGuid().ToString("N")[..8];
        var owner = await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name } }, "default");
        await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta
            {
                Name = name + "-dependent",
                OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = name, Uid = owner.Metadata.Uid, BlockOwnerDeletion = true }],
            },
        }, "default");
        await client.CoreV1.DeleteNamespacedConfigMapAsync(name, "default", new V1DeleteOptions { PropagationPolicy = "Foreground" });
        var gone = await Probes.EventuallyAsync(async () =>
        {
            try
            {
                await client.CoreV1.ReadNamespacedConfigMapAsync(name, "default");
                return false;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                return true;
            }
        }, ok => ok, TimeSpan.FromMinutes(3));
        _log.WriteLine($"garbage collector {(gone ? "works again" : "STILL BLOCKED")} after {started.Elapsed.TotalSeconds:0.0}s");
        gone.ShouldBeTrue("the test bed's garbage collector did not delete a ConfigMap within 3 minutes of the API server's restart");
    }

    private ProcessStartInfo StartInfo(string[] args)
    {
        var info = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "nulecule")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["NULECULE_STATE_DIR"] = Path.Combine(_dir, "state");
        info.Environment["NO_COLOR"] = "1";
        if (KubeCluster.Unavailable is null)
        {
            info.Environment["KUBECONFIG"] = KubeCluster.Kubeconfig;
        }
        else
        {
            info.Environment.Remove("KUBECONFIG");
        }

        return info;
    }

    private async Task<Outcome> RunAsync(params string[] args)
    {
        using var process = Process.Start(StartInfo(args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"nulecule {string.Join(' ', args)} did not end within 5 minutes");
        }

        var output = $"{await stdout}\n{await stderr}";
        _log.WriteLine($"$ nulecule {string.Join(' ', args)} -> {process.ExitCode}\n{output}");
        return new Outcome(process.ExitCode, output);
    }

    /// <summary>`REVISION STATE` of each history row.</summary>
    private async Task<List<string>> HistoryAsync(params string[] where)
    {
        var history = await RunAsync(["history", _release, .. where]);
        history.Code.ShouldBe(0, history.Output);
        return history.Output.Split('\n')
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length > 3 && int.TryParse(f[0], out _))
            .Select(f => $"{f[0]} {f[3]}")
            .ToList();
    }

    /// <summary>The release's containers ("container NAME STATE revision N") and networks on the engine.</summary>
    private async Task<List<string>> DockerObjectsAsync()
    {
        using var client = DockerEngine.Client();
        var filter = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"io.nulecule.release={_release}"] = true } };
        var containers = await client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filter });
        var networks = await client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filter });
        return containers.Select(c => $"container {c.Names[0].TrimStart('/')} {c.State} revision {(c.Labels.TryGetValue("io.nulecule.revision", out var r) ? r : "-")}")
            .Concat(networks.Select(n => "network " + n.Name))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The release's ConfigMaps and Deployments ("Kind NAME REVISION"), read with the cluster's own client.</summary>
    private async Task<List<string>> KubeObjectsAsync()
    {
        using var client = KubeCluster.Client();
        var selector = $"io.nulecule.release={_release}";
        var maps = await client.CoreV1.ListNamespacedConfigMapAsync(_namespace, labelSelector: selector);
        var deployments = await client.AppsV1.ListNamespacedDeploymentAsync(_namespace, labelSelector: selector);
        return maps.Items.Select(m => $"ConfigMap {m.Metadata.Name} {m.Metadata.Labels["io.nulecule.revision"]}")
            .Concat(deployments.Items.Select(d => $"Deployment {d.Metadata.Name} {d.Metadata.Labels["io.nulecule.revision"]}"))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The phases of the pods with label app=<paramref name="app"/>, comma-separated ("" when none).</summary>
    private async Task<string> PodPhasesAsync(string app)
    {
        using var client = KubeCluster.Client();
        var pods = await client.CoreV1.ListNamespacedPodAsync(_namespace, labelSelector: $"app={app}");
        return string.Join(",", pods.Items.Select(p => p.Metadata.DeletionTimestamp is null ? p.Status.Phase : "Terminating"));
    }

    private async Task CreateNamespaceAsync()
    {
        using var client = KubeCluster.Client();
        _kube = true;
        await KubeCluster.CreateNamespaceAsync(client, _namespace, TimeSpan.FromSeconds(30));
    }

    public void Dispose()
    {
        if (_kube && KubeCluster.Unavailable is null)
        {
            try
            {
                using var client = KubeCluster.Client();
                client.CoreV1.DeleteNamespaceAsync(_namespace, new V1DeleteOptions { GracePeriodSeconds = 0 }).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is HttpRequestException or HttpOperationException)
            {
                _log.WriteLine($"namespace {_namespace} not deleted: {e.Message}");
            }
        }
        else
        {
            RunAsync("stop", _release, "--timeout", "5s").GetAwaiter().GetResult();
        }

        Directory.Delete(_dir, recursive: true);
    }
}
