using System.Diagnostics;
using System.Globalization;
using k8s;

namespace Nulecule.Cli.Tests.EndToEnd;

/// <summary>
/// A daemon the fault tests kill and start again exactly as it ran: the same executable and
/// arguments (read from /proc before the kill), its output appended to the same log, detached in
/// its own session (`setsid`), with no descriptor of the test process (a test run holds the team's
/// build lock: a daemon that inherited it would hold it for ever).
/// </summary>
internal sealed record Daemon(int Pid, string Executable, IReadOnlyList<string> Arguments, string Log)
{
    /// <summary>The process <paramref name="pid"/> as it runs now, or null when it does not run.</summary>
    public static Daemon? Read(int pid, string fallbackLog)
    {
        if (!Alive(pid))
        {
            return null;
        }

        try
        {
            var exe = File.ResolveLinkTarget($"/proc/{pid}/exe", returnFinalTarget: false)?.FullName;
            var args = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.None).SkipLast(1).Skip(1).ToList();
            var log = File.ResolveLinkTarget($"/proc/{pid}/fd/1", returnFinalTarget: false)?.FullName;
            return exe is null ? null : new Daemon(pid, exe, args, log is not null && log.StartsWith('/') && File.Exists(log) ? log : fallbackLog);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Running (not a zombie): a killed daemon whose parent does not reap it stays as one.</summary>
    public static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>SIGKILL, then waits (at most 20 s) until the process is gone.</summary>
    public async Task KillAsync()
    {
        using (var process = Process.GetProcessById(Pid))
        {
            process.Kill();
        }

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (Alive(Pid) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Alive(Pid).ShouldBeFalse($"pid {Pid} ({Executable}) still runs 20 s after SIGKILL");
    }

    /// <summary>Starts it again, detached; <paramref name="wrapper"/> goes before the executable (the test bed's `kube _exec NAME`).</summary>
    public void Start(params string[] wrapper)
    {
        // bash closes every inherited descriptor above 2, then execs the daemon with its log.
        const string Script = """
            log=$1; shift
            for fd in /proc/$$/fd/*; do
              fd=${fd##*/}
              case $fd in 0|1|2|255) ;; *) eval "exec $fd>&-" 2>/dev/null || true ;; esac
            done
            printf '=== %s restarted by the nulecule fault tests\n' "$(date -u +%FT%TZ)" >> "$log"
            exec "$@" >> "$log" 2>&1 < /dev/null
            """;
        var info = new ProcessStartInfo("setsid") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["-f", "bash", "-c", Script, "nulecule-fault-restart", Log, .. wrapper, Executable, .. Arguments])
        {
            info.ArgumentList.Add(arg);
        }

        using var setsid = Process.Start(info)!;
        setsid.StandardInput.Close();
        setsid.WaitForExit(10_000).ShouldBeTrue("setsid -f did not return");
    }
}

/// <summary>The local dockerd (from /var/run/docker.pid).</summary>
internal static class Dockerd
{
    public const string PidFile = "/var/run/docker.pid";

    public static Daemon? Current() =>
        File.Exists(PidFile) && int.TryParse(File.ReadAllText(PidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            ? Daemon.Read(pid, "/var/log/dockerd.log")
            : null;

    /// <summary>
    /// Starts dockerd again as <paramref name="dockerd"/> ran. Its PID file names the killed
    /// process, and dockerd refuses to start while /proc holds that PID (also as an unreaped
    /// zombie): wait for it to go, and remove the file of a process that no longer runs.
    /// </summary>
    public static async Task StartAsync(Daemon dockerd)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Directory.Exists($"/proc/{dockerd.Pid}") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        if (File.Exists(PidFile) && int.TryParse(File.ReadAllText(PidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && !Daemon.Alive(pid))
        {
            File.Delete(PidFile);
        }

        dockerd.Start();
    }

    public static async Task<bool> AnswersAsync()
    {
        try
        {
            using var client = DockerEngine.Client();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            await client.System.PingAsync(cts.Token);
            return true;
        }
        catch (Exception e) when (e is not ShouldAssertException)
        {
            return false;
        }
    }
}

/// <summary>The Kubernetes test bed (../shared/testbed/kube) and its kube-apiserver.</summary>
internal static class Testbed
{
    public static string Dir => Environment.GetEnvironmentVariable("KUBE_TESTBED_DIR") is { Length: > 0 } dir ? dir : "/opt/nulecule-kube";

    /// <summary>The test bed's control script, or null.</summary>
    public static string? Script { get; } = FindScript();

    /// <summary>Why the test bed cannot be stopped and started here, or null.</summary>
    public static string? Unavailable =>
        Script is null ? "the Kubernetes test bed script (../shared/testbed/kube) is not beside the repository"
        : Environment.UserName != "root" ? "stopping the test bed's API server needs root"
        : ApiServer() is null ? $"the test bed's kube-apiserver does not run ({Dir}/run/apiserver.pid)"
        : null;

    /// <summary>kube-apiserver as `kube up` started it (its PID file holds "PID STARTTIME").</summary>
    public static Daemon? ApiServer()
    {
        var file = Path.Combine(Dir, "run", "apiserver.pid");
        if (!File.Exists(file))
        {
            return null;
        }

        var pid = File.ReadAllText(file).Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? Daemon.Read(id, Path.Combine(Dir, "logs", "apiserver.log")) : null;
    }

    /// <summary>Starts kube-apiserver again as the script's `start` does: `setsid kube _exec apiserver ARGS`, which writes the PID file.</summary>
    public static void StartApiServer(Daemon apiserver) => apiserver.Start(Script!, "_exec", "apiserver");

    /// <summary>`kube status`: 0 when every component runs, the API answers and the node is Ready.</summary>
    public static async Task<int> StatusAsync()
    {
        var info = new ProcessStartInfo(Script!, ["status"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var output = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return -1;
        }

        await output;
        return process.ExitCode;
    }

    /// <summary>`kube up` (a no-op when everything runs; restarts what does not), bounded by its own readiness timeout.</summary>
    public static async Task<string> UpAsync()
    {
        var info = new ProcessStartInfo(Script!, ["up"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(cts.Token);
        return $"exit {process.ExitCode}: {await stderr}{await stdout}";
    }

    public static async Task<bool> ApiAnswersAsync()
    {
        try
        {
            using var client = KubeCluster.Client();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            await client.Version.GetCodeAsync(cts.Token);
            return true;
        }
        catch (Exception e) when (e is not ShouldAssertException)
        {
            return false;
        }
    }

    /// <summary>The API server URL of the test kubeconfig, as nulecule names it.</summary>
    public static string Server => KubernetesClientConfiguration.BuildConfigFromConfigFile(KubeCluster.Kubeconfig).Host.TrimEnd('/');

    private static string? FindScript()
    {
        var env = Environment.GetEnvironmentVariable("KUBE_TESTBED");
        if (!string.IsNullOrEmpty(env) && File.Exists(env))
        {
            return env;
        }

        var path = Path.GetFullPath(Path.Combine(Repo.Root, "..", "shared", "testbed", "kube"));
        return File.Exists(path) ? path : null;
    }
}
