using System.Globalization;
using System.Text.Json.Nodes;
using Docker.DotNet;
using Docker.DotNet.Models;
using Nulecule.Cli.Tests.Commands;
using Nulecule.Providers;

namespace Nulecule.Cli.Tests.EndToEnd;

/// <summary>
/// `ps`, `exec`, `restart`, `logs --since/-t/--no-prefix` and `down`/`uninstall` on the local
/// Docker engine, through the in-process CLI, with the docker CLI as the oracle where it has the
/// same verb. One release of two components (a ticking `web` and an idle `worker`) per test.
/// </summary>
public sealed class DockerVerbsTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("nulecule-verbs-").FullName;
    private readonly string _release = Probes.Release("verbs");
    private readonly DockerClient? _docker = DockerEngine.Unavailable is null ? DockerEngine.Client() : null;
    private readonly Dictionary<string, string> _environment;

    public DockerVerbsTests()
    {
        _environment = new Dictionary<string, string> { ["NO_COLOR"] = "1", ["NULECULE_STATE_DIR"] = Path.Combine(_root, "state") };
        var app = Path.Combine(_root, "app");
        Directory.CreateDirectory(Path.Combine(app, "artifacts"));
        File.WriteAllText(Path.Combine(app, "Nulecule"), """
            specversion: 0.0.2
            id: verbs-app
            graph:
              - name: web
                artifacts:
                  docker:
                    - file://artifacts/web
              - name: worker
                artifacts:
                  docker:
                    - file://artifacts/worker
            """);
        File.WriteAllText(Path.Combine(app, "artifacts", "web"),
            "docker run -d --name web -p 8080 --stop-signal KILL local/busybox:latest sh -c 'i=0; while true; do i=$((i+1)); echo tick $i; sleep 1; done'\n");
        File.WriteAllText(Path.Combine(app, "artifacts", "worker"), "docker run -d --name worker --stop-signal KILL local/busybox:latest sleep 3600\n");
        App = app;
    }

    private string App { get; }

    public async Task InitializeAsync()
    {
        if (_docker is not null)
        {
            var run = await Nulecule("run", App, "--provider", "docker", "--name", _release, "--wait", "--timeout", "60s");
            run.ExitCode.ShouldBe(0, Probes.Describe(run));
        }
    }

    public async Task DisposeAsync()
    {
        if (_docker is not null)
        {
            await Nulecule("stop", _release, "--ignore-not-found");
            foreach (var container in await ContainersAsync())
            {
                await _docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
            }

            _docker.Dispose();
        }

        Directory.Delete(_root, recursive: true);
    }

    [DockerEngineFact]
    public async Task Ps_lists_each_container_with_its_component_image_state_and_ports()
    {
        var table = await Nulecule("ps", _release);
        var json = await Nulecule("ps", _release, "-o", "json");
        var all = await Nulecule("ps", "-o", "json");

        table.ExitCode.ShouldBe(0, Probes.Describe(table));
        table.Stdout.ShouldStartWith("RELEASE");
        table.Stdout.ShouldContain($"{_release}-web");
        var items = JsonNode.Parse(json.Stdout)!["items"]!.AsArray();
        items.Select(i => (string?)i!["component"]).ShouldBe(["web", "worker"]);
        items.ShouldAllBe(i => (string?)i!["image"] == "local/busybox:latest" && (string?)i["state"] == "running");
        var published = (await _docker!.Containers.InspectContainerAsync($"{_release}-web")).NetworkSettings!.Ports!["8080/tcp"]!.First().HostPort;
        ((string?)items[0]!["ports"] ?? "").ShouldContain($":{published}->8080/tcp");
        JsonNode.Parse(all.Stdout)!["items"]!.AsArray().Where(i => (string?)i!["release"] == _release).Count().ShouldBe(2);
    }

    [DockerEngineFact]
    public async Task Exec_prints_the_commands_output_and_exits_with_its_exit_code_as_docker_exec_does()
    {
        var script = "echo to-stdout; echo to-stderr >&2; exit 3";

        var ours = await Nulecule("exec", _release, "web", "--", "sh", "-c", script);
        var docker = await DockerCliAsync("exec", $"{_release}-web", "sh", "-c", script);

        ours.ExitCode.ShouldBe(3, Probes.Describe(ours));
        ours.ExitCode.ShouldBe(docker.ExitCode);
        ours.Stdout.ShouldBe("to-stdout\n");
        ours.Stderr.ShouldBe("to-stderr\n");
        ours.Stdout.ShouldBe(docker.Stdout);
    }

    [DockerEngineFact]
    public async Task Exec_with_stdin_passes_it_to_the_command_until_its_end()
    {
        var input = "first line\nsecond line\n";

        var result = await NuleculeWithStdin(input, "exec", _release, "worker", "-i", "--", "wc", "-l");

        result.ExitCode.ShouldBe(0, Probes.Describe(result));
        result.Stdout.Trim().ShouldBe("2");
    }

    [DockerEngineFact]
    public async Task Exec_names_the_valid_components_when_the_component_is_unknown()
    {
        var result = await Nulecule("exec", _release, "wbe", "--", "true");

        result.ExitCode.ShouldBe(2, Probes.Describe(result));
        result.Stderr.ShouldContain("did you mean 'web'?");
        result.Stderr.ShouldContain("its components: web, worker");
    }

    [DockerEngineFact]
    public async Task Restart_starts_the_containers_again_in_place_and_records_no_revision()
    {
        var before = await _docker!.Containers.InspectContainerAsync($"{_release}-web");
        var worker = await _docker.Containers.InspectContainerAsync($"{_release}-worker");

        var restart = await Nulecule("restart", _release, "web");
        var history = await Nulecule("history", _release, "-o", "json");

        restart.ExitCode.ShouldBe(0, Probes.Describe(restart));
        restart.Stdout.ShouldContain($"restarted web");
        var after = await _docker.Containers.InspectContainerAsync($"{_release}-web");
        after.ID.ShouldBe(before.ID);
        after.State!.Running.ShouldBeTrue();
        DateTimeOffset.Parse(after.State.StartedAt!, CultureInfo.InvariantCulture).ShouldBeGreaterThan(DateTimeOffset.Parse(before.State!.StartedAt!, CultureInfo.InvariantCulture));
        (await _docker.Containers.InspectContainerAsync($"{_release}-worker")).State!.StartedAt.ShouldBe(worker.State!.StartedAt, "only the component named is restarted");
        history.ExitCode.ShouldBe(0, Probes.Describe(history));
        history.Stdout.ShouldContain("\"revision\": 1");
        history.Stdout.ShouldNotContain("\"revision\": 2");
    }

    [DockerEngineFact]
    public async Task Logs_since_a_time_keeps_only_later_lines_as_docker_logs_since_does_with_timestamps_and_without_prefix()
    {
        // Given: a few ticks written, with their times
        var stamped = await Probes.EventuallyAsync(() => Nulecule("logs", _release, "web", "-t"), r => r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length >= 4, TimeSpan.FromSeconds(20));
        var lines = stamped.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.ShouldAllBe(l => l.Contains($" web/{_release}-web | tick ", StringComparison.Ordinal));
        var third = lines[2][..lines[2].IndexOf(' ', StringComparison.Ordinal)];
        DateTimeOffset.TryParse(third, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _).ShouldBeTrue(third);

        // When
        var since = await Nulecule("logs", _release, "web", "--since", third, "--no-prefix");
        var docker = await DockerCliAsync("logs", "--since", third, $"{_release}-web");

        // Then: the first two ticks are gone, the third is the first line, and docker agrees
        since.ExitCode.ShouldBe(0, Probes.Describe(since));
        var kept = since.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        kept[0].ShouldBe("tick 3");
        kept.ShouldNotContain("tick 1");
        kept.ShouldNotContain("tick 2");
        var theirs = docker.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        theirs[0].ShouldBe(kept[0]);
        (await Nulecule("logs", _release, "web", "--since", "1h")).Stdout.ShouldContain($"web/{_release}-web | tick 1\n");
    }

    [DockerEngineFact]
    public async Task Down_and_uninstall_remove_the_release_as_stop_does()
    {
        var down = await Nulecule("down", _release);

        down.ExitCode.ShouldBe(0, Probes.Describe(down));
        (await ContainersAsync()).ShouldBeEmpty();
        (await Nulecule("ps", _release)).ExitCode.ShouldBe(4);

        (await Nulecule("run", App, "--provider", "docker", "--name", _release)).ExitCode.ShouldBe(0);
        var uninstall = await Nulecule("uninstall", _release);

        uninstall.ExitCode.ShouldBe(0, Probes.Describe(uninstall));
        (await ContainersAsync()).ShouldBeEmpty();
    }

    private Task<Cli.Result> Nulecule(params string[] args) => Cli.RunAsync(args, _environment);

    private Task<Cli.Result> NuleculeWithStdin(string input, params string[] args) => Cli.RunWithStdinAsync(args, _environment, input);

    private static Task<Cli.Result> DockerCliAsync(params string[] args) => Cli.ProgramAsync("docker", args);

    private async Task<IList<ContainerListResponse>> ContainersAsync() =>
        await _docker!.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{Labels.Release}={_release}"] = true } },
        });
}
