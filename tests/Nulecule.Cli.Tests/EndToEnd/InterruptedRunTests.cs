using System.Diagnostics;

namespace Nulecule.Cli.Tests.EndToEnd;

/// <summary>
/// The release lifecycle through the real `nulecule` executable on the Docker engine: a run
/// killed half-way (SIGKILL while it waits for its second component) is recovered by the next
/// command, Ctrl-C (SIGINT, SIGTERM) in each phase of a first install leaves nothing behind and
/// during an upgrade puts the running containers back, and `diff` answers with its exit codes.
/// </summary>
public sealed class InterruptedRunTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nulecule-kill-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly string _release = "kill-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _app;

    public InterruptedRunTests()
    {
        _app = Path.Combine(_dir, "app");
        Directory.CreateDirectory(Path.Combine(_app, "artifacts"));
        File.WriteAllText(Path.Combine(_app, "Nulecule"), """
            specversion: 0.0.2
            id: slow-app
            graph:
              - name: first
                params:
                  - {name: greeting, description: a value that upgrades change, default: hello}
                  - {name: token, description: a secret, hidden: true, default: canary-0d3b51}
                artifacts:
                  docker:
                    - file://artifacts/first
              - name: second
                artifacts:
                  docker:
                    - file://artifacts/second
            """);
        File.WriteAllText(Path.Combine(_app, "artifacts", "first"), "docker run -d --name first -e GREETING=$greeting -e TOKEN=$token local/busybox:latest httpd -f -p 8080\n");
        // Healthy only after 60 s: a run with --wait is still waiting for it when it is killed.
        File.WriteAllText(Path.Combine(_app, "artifacts", "second"),
            "docker run -d --name second --health-cmd 'test -f /tmp/ready' --health-interval 1s local/busybox:latest sh -c 'sleep 60; touch /tmp/ready; exec sleep 3600'\n");
    }

    private static string Executable => Path.Combine(AppContext.BaseDirectory, "nulecule");

    private Process Start(params string[] args) => Process.Start(StartInfo(args))!;

    private ProcessStartInfo StartInfo(string[] args)
    {
        var info = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["NULECULE_STATE_DIR"] = Path.Combine(_dir, "state");
        info.Environment["NO_COLOR"] = "1";
        info.Environment.Remove("KUBECONFIG");
        return info;
    }

    private async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        using var process = Start(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    [DockerFact]
    public async Task Should_recover_a_run_killed_half_way_with_the_next_command()
    {
        // Given: a run killed while it waits for its second component
        using (var run = Start("run", _app, "--provider", "docker", "--name", _release, "--wait", "--timeout", "3m"))
        {
            using var client = DockerEngine.Client();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline)
            {
                var names = (await client.Containers.ListContainersAsync(new global::Docker.DotNet.Models.ContainersListParameters { All = true }))
                    .SelectMany(c => c.Names).ToList();
                if (names.Contains($"/{_release}-second"))
                {
                    break;
                }

                await Task.Delay(200);
            }

            run.Kill(entireProcessTree: true);
            await run.WaitForExitAsync();
        }

        var interrupted = await RunAsync("history", _release);
        interrupted.Out.ShouldContain("pending");

        // When: the next command on the release
        var next = await RunAsync("run", _app, "--provider", "docker", "--name", _release);

        // Then: it noticed, settled the pending revision, and deployed
        next.Code.ShouldBe(0, next.Err);
        next.Err.ShouldContain("left pending by an interrupted command");
        var history = await RunAsync("history", _release);
        history.Out.ShouldNotContain("pending");
        history.Out.ShouldContain("deployed");
        var status = await RunAsync("status", _release, "-o", "json");
        status.Out.ShouldContain($"{_release}-first");
        (next.Out + next.Err + history.Out + status.Out).ShouldNotContain("canary-0d3b51");
    }

    [DockerTheory]
    [InlineData("INT", "creating network")]
    [InlineData("INT", "creating {0}-first")]
    [InlineData("INT", "creating {0}-second")]
    [InlineData("INT", "waiting for second")]
    [InlineData("TERM", "waiting for second")]
    public async Task Should_leave_nothing_of_a_first_install_interrupted(string signal, string phase)
    {
        // When: the signal comes as the run reports the phase
        var (code, output) = await InterruptAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, phase, _release), signal,
            "run", _app, "--provider", "docker", "--name", _release, "--wait", "--timeout", "3m");

        // Then: it says so, and the engine holds nothing of the release
        code.ShouldBe(130, output);
        output.ShouldContain("interrupted; nothing of it was left on the engine");
        (await ReleaseObjectsAsync()).ShouldBeEmpty();
        var history = await RunAsync("history", _release);
        history.Out.ShouldContain("failed");
        history.Out.ShouldNotContain("pending");
        output.ShouldNotContain("canary-0d3b51");
    }

    [DockerFact]
    public async Task Should_put_the_running_containers_back_when_an_upgrade_is_interrupted()
    {
        // Given
        var install = await RunAsync("run", _app, "--provider", "docker", "--name", _release);
        install.Code.ShouldBe(0, install.Err);
        using var client = DockerEngine.Client();
        var first = await client.Containers.InspectContainerAsync($"{_release}-first");

        // When: interrupted as the upgrade replaces the first component
        var (code, output) = await InterruptAsync($"replacing {_release}-first", "INT",
            "upgrade", _release, "--set", "first.greeting=bye", "--wait", "--timeout", "3m");

        // Then: the same container runs as before, and the history says revision 1 runs
        code.ShouldBe(130, output);
        // Depending on how far the replacement got: either way the same container serves.
        output.ShouldMatch("interrupted; (the previous containers run again: .*first|no running container had been changed)");
        var now = await client.Containers.InspectContainerAsync($"{_release}-first");
        now.ID.ShouldBe(first.ID);
        now.State!.Running.ShouldBeTrue();
        (await ReleaseObjectsAsync()).ShouldBe([$"container {_release}-first", $"container {_release}-second", $"network nulecule-{_release}"]);
        var history = await RunAsync("history", _release);
        history.Out.ShouldContain("deployed");
        history.Out.ShouldContain("failed");
    }

    private Task<(int Code, string Output)> InterruptAsync(string trigger, string signal, params string[] args) =>
        Signalled.InterruptAsync(StartInfo(args), trigger, signal);

    /// <summary>Every container, network and volume labelled with the release, as "kind name".</summary>
    private async Task<List<string>> ReleaseObjectsAsync()
    {
        using var client = DockerEngine.Client();
        var filter = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"io.nulecule.release={_release}"] = true } };
        var containers = await client.Containers.ListContainersAsync(new global::Docker.DotNet.Models.ContainersListParameters { All = true, Filters = filter });
        var networks = await client.Networks.ListNetworksAsync(new global::Docker.DotNet.Models.NetworksListParameters { Filters = filter });
        var volumes = await client.Volumes.ListAsync(new global::Docker.DotNet.Models.VolumesListParameters { Filters = filter });
        return containers.Select(c => "container " + c.Names[0].TrimStart('/'))
            .Concat(networks.Select(n => "network " + n.Name))
            .Concat((volumes.Volumes ?? []).Select(v => "volume " + v.Name))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    [DockerFact]
    public async Task Should_answer_diff_with_0_for_no_change_1_for_changes_and_2_for_bad_input()
    {
        var install = await RunAsync("run", _app, "--provider", "docker", "--name", _release);
        install.Code.ShouldBe(0, install.Err);

        var same = await RunAsync("diff", _release);
        var changed = await RunAsync("diff", _release, "--set", "first.greeting=bye");
        var secret = await RunAsync("diff", _release, "--set", "first.token=canary-other-77");
        var bad = await RunAsync("diff", _release, "--set", "nosuch.x=1");

        same.Code.ShouldBe(0, same.Err);
        changed.Code.ShouldBe(1, changed.Err);
        changed.Out.ShouldContain("+GREETING=bye");
        secret.Code.ShouldBe(1, secret.Err);
        (secret.Out + secret.Err).ShouldNotContain("canary-other-77");
        (secret.Out + secret.Err).ShouldNotContain("canary-0d3b51");
        bad.Code.ShouldBe(2, bad.Err);
    }

    public void Dispose()
    {
        RunAsync("stop", _release, "--timeout", "5s").GetAwaiter().GetResult();
        Directory.Delete(_dir, recursive: true);
    }
}
