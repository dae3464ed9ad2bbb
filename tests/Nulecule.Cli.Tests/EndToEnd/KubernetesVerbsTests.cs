using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using Nulecule.Providers;

namespace Nulecule.Cli.Tests.EndToEnd;

/// <summary>
/// `ps`, `exec`, `restart`, `logs --since/-t/--no-prefix` and `uninstall` on the Kubernetes
/// testbed, with kubectl as the oracle for exec. The release has a Deployment (`web`, writing a
/// numbered line each second) and a bare Pod (`solo`), in a namespace of its own per test.
/// </summary>
public sealed class KubernetesVerbsTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("nulecule-kverbs-").FullName;
    private readonly string _namespace = "nulecule-verbs-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _release = Probes.Release("kverbs");
    private readonly Dictionary<string, string> _environment;
    private k8s.Kubernetes? _kube;

    public KubernetesVerbsTests()
    {
        _environment = new Dictionary<string, string> { ["NO_COLOR"] = "1", ["NULECULE_STATE_DIR"] = Path.Combine(_root, "state") };
        App = Path.Combine(_root, "app");
        Directory.CreateDirectory(Path.Combine(App, "artifacts"));
        File.WriteAllText(Path.Combine(App, "Nulecule"), """
            specversion: 0.0.2
            id: kverbs-app
            graph:
              - name: web
                artifacts:
                  kubernetes:
                    - file://artifacts/web.yaml
              - name: solo
                artifacts:
                  kubernetes:
                    - file://artifacts/solo.yaml
            """);
        File.WriteAllText(Path.Combine(App, "artifacts", "web.yaml"), """
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
                      command: [sh, -c, "i=0; while true; do i=$((i+1)); echo tick $i; sleep 1; done"]
                      ports: [{containerPort: 8080}]
            """);
        File.WriteAllText(Path.Combine(App, "artifacts", "solo.yaml"), """
            apiVersion: v1
            kind: Pod
            metadata: {name: solo}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
                - name: solo
                  image: local/busybox:latest
                  imagePullPolicy: Never
                  command: [sleep, "3600"]
            """);
    }

    private string App { get; }

    public async Task InitializeAsync()
    {
        if (KubeCluster.Unavailable is not null || new DockerFactAttribute().Skip is not null)
        {
            return;
        }

        _kube = KubeCluster.Client();
        await KubeCluster.CreateNamespaceAsync(_kube, _namespace, TimeSpan.FromSeconds(20));
        var run = await Nulecule("run", App, "--name", _release, "--wait", "--timeout", "2m");
        run.ExitCode.ShouldBe(0, Probes.Describe(run));
    }

    public async Task DisposeAsync()
    {
        if (_kube is not null)
        {
            await KubeCluster.DeleteNamespaceAsync(_kube, _namespace);
            _kube.Dispose();
        }

        Directory.Delete(_root, recursive: true);
    }

    [KubernetesFact]
    public async Task Ps_lists_the_pods_exec_runs_in_the_ready_one_as_kubectl_exec_does_and_logs_since_keeps_later_lines()
    {
        // ps: one pod per component, running, with its image and port
        var ps = await Nulecule("ps", _release, "-o", "json");
        ps.ExitCode.ShouldBe(0, Probes.Describe(ps));
        var items = JsonNode.Parse(ps.Stdout)!["items"]!.AsArray();
        items.Select(i => (string?)i!["component"]).Order(StringComparer.Ordinal).ShouldBe(["solo", "web"]);
        items.ShouldAllBe(i => (string?)i!["kind"] == "pod" && (string?)i["image"] == "local/busybox:latest" && ((string?)i["state"] ?? "").StartsWith("Running 1/1", StringComparison.Ordinal));
        var webPod = (string)items.Single(i => (string?)i!["component"] == "web")!["name"]!;
        ((string?)items.Single(i => (string?)i!["component"] == "web")!["ports"]).ShouldBe("8080/tcp");

        // exec: output on each stream and the exit code, as kubectl exec gives them
        var script = "echo to-stdout; echo to-stderr >&2; exit 5";
        var exec = await Nulecule("exec", _release, "web", "--", "sh", "-c", script);
        var kubectl = await KubectlAsync("exec", webPod, "--", "sh", "-c", script);
        exec.ExitCode.ShouldBe(5, Probes.Describe(exec));
        exec.ExitCode.ShouldBe(kubectl.ExitCode);
        exec.Stdout.ShouldBe("to-stdout\n");
        exec.Stdout.ShouldBe(kubectl.Stdout);
        exec.Stderr.ShouldBe("to-stderr\n");
        var hostname = await Nulecule("exec", _release, "solo", "--", "hostname");
        hostname.ExitCode.ShouldBe(0, Probes.Describe(hostname));
        hostname.Stdout.Trim().ShouldBe("solo");

        // exec -i: the command reads what is given (the v4 channel protocol cannot close stdin, so it reads one line)
        var stdin = await NuleculeWithStdin("one line\n", "exec", _release, "web", "-i", "--", "head", "-n", "1");
        stdin.ExitCode.ShouldBe(0, Probes.Describe(stdin));
        stdin.Stdout.ShouldBe("one line\n");

        // logs: -t stamps each line; --since a line's time drops the lines before it; --no-prefix leaves the text
        var stamped = await Probes.EventuallyAsync(() => Nulecule("logs", _release, "web", "-t"), r => r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length >= 4, TimeSpan.FromSeconds(20));
        var lines = stamped.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.ShouldAllBe(l => l.Contains($" web/{webPod}/web | tick ", StringComparison.Ordinal));
        var third = lines[2][..lines[2].IndexOf(' ', StringComparison.Ordinal)];
        DateTimeOffset.TryParse(third, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _).ShouldBeTrue(third);
        var since = await Nulecule("logs", _release, "web", "--since", third, "--no-prefix");
        since.ExitCode.ShouldBe(0, Probes.Describe(since));
        since.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0].ShouldBe("tick 3");
        (await Nulecule("logs", _release, "web", "--since", "1h", "--no-prefix")).Stdout.ShouldStartWith("tick 1\n");
    }

    [KubernetesFact]
    public async Task Restart_rolls_the_deployment_leaves_the_bare_pod_and_says_so_and_records_no_revision()
    {
        var before = await PodNamesAsync("web");
        var solo = await _kube!.CoreV1.ReadNamespacedPodAsync("solo", _namespace);

        var restart = await Nulecule("restart", _release);

        restart.ExitCode.ShouldBe(0, Probes.Describe(restart));
        restart.Stdout.ShouldContain("restarted web");
        restart.Stderr.ShouldContain("not restarted: Pod solo (component solo): a bare Pod has no controller to recreate it");
        var deployment = await _kube.AppsV1.ReadNamespacedDeploymentAsync("web", _namespace);
        deployment.Spec.Template.Metadata.Annotations.ShouldContainKey("kubectl.kubernetes.io/restartedAt");
        var after = await Probes.EventuallyAsync(() => PodNamesAsync("web"), names => names.Count == 1 && !names.Intersect(before).Any(), TimeSpan.FromSeconds(90));
        after.ShouldNotBeEmpty();
        after.Intersect(before).ShouldBeEmpty("the Deployment's pod is replaced");
        (await _kube.CoreV1.ReadNamespacedPodAsync("solo", _namespace)).Metadata.Uid.ShouldBe(solo.Metadata.Uid, "the bare pod is left alone");
        // history takes no --provider: it finds the release where it is kept (the cluster's Secrets)
        var history = await Cli.RunAsync(["history", _release, "-o", "json", "--kubeconfig", KubeCluster.Kubeconfig, "--namespace", _namespace], _environment);
        history.ExitCode.ShouldBe(0, Probes.Describe(history));
        var revisions = JsonNode.Parse(history.Stdout)!.AsObject()["items"]!.AsArray().Select(r => (int)r!["revision"]!).ToList();
        revisions.ShouldBe([1], "a restart rolls the pods; it is not a new revision");

        // The next run keeps the annotation (another field manager's), so it does not roll the pods again.
        var again = await Nulecule("run", App, "--name", _release, "--wait", "--timeout", "2m");
        again.ExitCode.ShouldBe(0, Probes.Describe(again));
        (await _kube.AppsV1.ReadNamespacedDeploymentAsync("web", _namespace)).Spec.Template.Metadata.Annotations.ShouldContainKey("kubectl.kubernetes.io/restartedAt");
    }

    [KubernetesFact]
    public async Task Uninstall_removes_the_release()
    {
        var uninstall = await Nulecule("uninstall", _release);

        uninstall.ExitCode.ShouldBe(0, Probes.Describe(uninstall));
        var pods = await Probes.EventuallyAsync(() => PodNamesAsync(null), names => names.Count == 0, TimeSpan.FromSeconds(60));
        pods.ShouldBeEmpty();
        (await Nulecule("exec", _release, "web", "--", "true")).ExitCode.ShouldBe(4);
    }

    [KubernetesFact]
    public async Task Run_keeps_the_release_in_the_cluster_and_leaves_the_local_history_unopened()
    {
        // Given: the install (InitializeAsync) with a state directory of its own
        var state = _environment["NULECULE_STATE_DIR"];

        // When: the same run again (nothing changes)
        var again = await Nulecule("run", App, "--name", _release, "--wait", "--timeout", "2m");

        // Then: the key that seals the record is there, the SQLite history was never created
        again.ExitCode.ShouldBe(0, Probes.Describe(again));
        again.Stderr.ShouldContain("up to date at revision 1");
        File.Exists(Path.Combine(state, Releases.ReleaseKey.FileName)).ShouldBeTrue();
        File.Exists(Path.Combine(state, Releases.SqliteReleaseStore.FileName)).ShouldBeFalse();

        // status looks in the local history first (a release there of that name and provider
        // wins): with no history file there is nothing to find, and none is created
        var status = await Nulecule("status", _release);
        status.ExitCode.ShouldBe(0, Probes.Describe(status));
        File.Exists(Path.Combine(state, Releases.SqliteReleaseStore.FileName)).ShouldBeFalse();
    }

    private Task<Cli.Result> Nulecule(params string[] args) => Cli.RunAsync(OnCluster(args), _environment);

    private Task<Cli.Result> NuleculeWithStdin(string input, params string[] args) => Cli.RunWithStdinAsync(OnCluster(args), _environment, input);

    /// <summary>The arguments with the cluster's options, before `--` (after it every word is the command's).</summary>
    private string[] OnCluster(string[] args)
    {
        var end = Array.IndexOf(args, "--") is >= 0 and var at ? at : args.Length;
        return [.. args[..end], "--provider", "kubernetes", "--kubeconfig", KubeCluster.Kubeconfig, "--namespace", _namespace, .. args[end..]];
    }

    private Task<Cli.Result> KubectlAsync(params string[] args) =>
        Cli.ProgramAsync("kubectl", ["--kubeconfig", KubeCluster.Kubeconfig, "-n", _namespace, .. args]);

    /// <summary>Running, not terminating pods of the release (of one component).</summary>
    private async Task<List<string>> PodNamesAsync(string? component)
    {
        var selector = component is null ? $"{Labels.Release}={_release}" : $"{Labels.Release}={_release},{Labels.Component}={component}";
        var pods = await _kube!.CoreV1.ListNamespacedPodAsync(_namespace, labelSelector: selector);
        return pods.Items.Where(p => p.Metadata.DeletionTimestamp is null).Select(p => p.Metadata.Name).ToList();
    }
}
