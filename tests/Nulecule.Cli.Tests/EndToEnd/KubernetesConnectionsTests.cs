using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using k8s;
using Nulecule.Providers;
using Nulecule.Releases;

namespace Nulecule.Cli.Tests.EndToEnd;

/// <summary>
/// What each release verb costs outside the cluster, on the Kubernetes testbed: the TCP
/// connections it opens to the API server, counted by a proxy the kubeconfig points at (every
/// connection of its own is a kubeconfig read and a TLS handshake), and the local SQLite history,
/// which a Kubernetes release does not live in: it is looked at (a local record of the same name
/// wins) but never created, and an existing one is left byte for byte as it was.
/// </summary>
public sealed class KubernetesConnectionsTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("nulecule-kconn-").FullName;
    private readonly string _namespace = "nulecule-conn-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _release = Probes.Release("kconn");
    private readonly Dictionary<string, string> _environment;
    private CountingProxy? _proxy;
    private k8s.Kubernetes? _kube;

    public KubernetesConnectionsTests()
    {
        _environment = new Dictionary<string, string>
        {
            ["NO_COLOR"] = "1",
            ["NULECULE_STATE_DIR"] = Path.Combine(_root, "state"),
            ["NULECULE_CACHE_DIR"] = Path.Combine(_root, "cache"),
        };
        App = Path.Combine(_root, "app");
        Directory.CreateDirectory(Path.Combine(App, "artifacts"));
        File.WriteAllText(Path.Combine(App, "Nulecule"), """
            specversion: 0.0.2
            id: kconn-app
            graph:
              - name: web
                params:
                  - {name: greeting, description: what an upgrade changes, default: hello}
                artifacts:
                  kubernetes:
                    - file://artifacts/web.yaml
            """);
        File.WriteAllText(Path.Combine(App, "artifacts", "web.yaml"), """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: web}
            data: {greeting: $greeting}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: web-extra}
            data: {size: "1"}
            """);
    }

    private string App { get; }

    /// <summary>A release kept in the local history (as Docker's are).</summary>
    private static string Other { get; } = Probes.Release("local-only");

    private string Kubeconfig => Path.Combine(_root, "kubeconfig");

    private string State => _environment["NULECULE_STATE_DIR"];

    private string Database => Path.Combine(State, SqliteReleaseStore.FileName);

    public async Task InitializeAsync()
    {
        if (KubeCluster.Unavailable is not null)
        {
            return;
        }

        // The testbed's kubeconfig with its server replaced by a proxy that counts connections
        // (TLS passes through it untouched: the certificates are checked as without it).
        var text = File.ReadAllText(KubeCluster.Kubeconfig);
        var server = new Uri(Regex.Match(text, @"(?m)^\s*server:\s*(\S+)\s*$").Groups[1].Value);
        _proxy = new CountingProxy(server.Host, server.Port);
        File.WriteAllText(Kubeconfig, Regex.Replace(text, @"(?m)^(\s*server:\s*)\S+(\s*)$", $"${{1}}https://{server.Host}:{_proxy.Port}$2"));
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

        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }

        Directory.Delete(_root, recursive: true);
    }

    [KubernetesFact]
    public async Task Should_open_one_connection_per_command_and_never_create_or_write_the_local_history()
    {
        // Given: a state directory without a local history

        // When: the lifecycle of one release, each command counted
        var install = await CountedAsync("run", App, "--name", _release, "--provider", "kubernetes");
        var upgrade = await CountedAsync("upgrade", _release, "--set", "web.greeting=bye");
        var rollback = await CountedAsync("rollback", _release);
        var status = await CountedAsync("status", _release);
        var history = await CountedAsync("history", _release, "-o", "json");
        var diff = await CountedAsync("diff", _release);
        var list = await CountedAsync("list");

        // Then: each succeeded on one connection (the provider that found the release, the one
        // that deploys and the run itself share it), and no local history was created
        install.Result.ExitCode.ShouldBe(0, Probes.Describe(install.Result));
        upgrade.Result.ExitCode.ShouldBe(0, Probes.Describe(upgrade.Result));
        rollback.Result.ExitCode.ShouldBe(0, Probes.Describe(rollback.Result));
        status.Result.ExitCode.ShouldBe(0, Probes.Describe(status.Result));
        history.Result.ExitCode.ShouldBe(0, Probes.Describe(history.Result));
        diff.Result.ExitCode.ShouldBe(0, Probes.Describe(diff.Result));
        list.Result.ExitCode.ShouldBe(0, Probes.Describe(list.Result));
        history.Result.Stdout.ShouldContain("bye");
        (rollback.Result.Stdout + rollback.Result.Stderr).ShouldContain("revision 3");
        (await _kube!.CoreV1.ReadNamespacedConfigMapAsync("web", _namespace)).Data["greeting"].ShouldBe("hello", "the rollback put revision 1's value back");
        var counts = new[] { ("run", install), ("upgrade", upgrade), ("rollback", rollback), ("status", status), ("history", history), ("diff", diff), ("list", list) }
            .Select(c => $"{c.Item1} {c.Item2.Connections}");
        string.Join(", ", counts).ShouldBe("run 1, upgrade 1, rollback 1, status 1, history 1, diff 1, list 1", "connections to the API server per command");

        File.Exists(Database).ShouldBeFalse("a Kubernetes release's verbs find no local history without creating one");

        // Given: a local history that holds another release (kept by Docker)
        using (var local = new SqliteReleaseStore(Database))
        {
            await local.CreateAsync(Nulecule.Testing.Contracts.ReleaseStoreContract.Record(Other, 1));
        }

        var bytes = File.ReadAllBytes(Database);
        var written = File.GetLastWriteTimeUtc(Database);

        // When: the verbs that look there first
        var statusAgain = await CountedAsync("status", _release);
        var listAgain = await CountedAsync("list");
        var stop = await CountedAsync("stop", _release);

        // Then: they read it (list shows the other release) and wrote nothing: the same bytes, no
        // new write time, no write-ahead log or shared-memory file left beside it
        statusAgain.Result.ExitCode.ShouldBe(0, Probes.Describe(statusAgain.Result));
        listAgain.Result.ExitCode.ShouldBe(0, Probes.Describe(listAgain.Result));
        listAgain.Result.Stdout.ShouldContain(Other);
        listAgain.Result.Stdout.ShouldContain(_release);
        stop.Result.ExitCode.ShouldBe(0, Probes.Describe(stop.Result));
        (await _kube.CoreV1.ListNamespacedConfigMapAsync(_namespace, labelSelector: $"{Labels.Release}={_release}")).Items.ShouldBeEmpty();
        stop.Connections.ShouldBe(1);
        File.ReadAllBytes(Database).ShouldBe(bytes);
        File.GetLastWriteTimeUtc(Database).ShouldBe(written);
        Directory.EnumerateFiles(State, SqliteReleaseStore.FileName + "-*").ShouldBeEmpty();
    }

    /// <summary>Runs the command on the cluster through the proxy; the connections it opened.</summary>
    private async Task<(Cli.Result Result, int Connections)> CountedAsync(params string[] args)
    {
        var before = _proxy!.Accepted;
        var result = await Cli.RunAsync([.. args, "--kubeconfig", Kubeconfig, "--namespace", _namespace], _environment);
        return (result, _proxy.Accepted - before);
    }

    /// <summary>A TCP proxy to one address that counts the connections it accepts.</summary>
    private sealed class CountingProxy : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly string _host;
        private readonly int _port;
        private readonly Task _accepting;
        private int _accepted;

        public CountingProxy(string host, int port)
        {
            _host = host;
            _port = port;
            _listener.Start();
            _accepting = AcceptAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int Accepted => Volatile.Read(ref _accepted);

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }

                Interlocked.Increment(ref _accepted);
                _ = PipeAsync(client);
            }
        }

        private async Task PipeAsync(TcpClient client)
        {
            using (client)
            using (var upstream = new TcpClient())
            {
                try
                {
                    await upstream.ConnectAsync(_host, _port, _stop.Token);
                    var down = client.GetStream();
                    var up = upstream.GetStream();
                    await Task.WhenAny(down.CopyToAsync(up, _stop.Token), up.CopyToAsync(down, _stop.Token));
                }
                catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
                {
                    // One side closed or the proxy stops: the other side is closed with it.
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _accepting;
            _stop.Dispose();
        }
    }
}
