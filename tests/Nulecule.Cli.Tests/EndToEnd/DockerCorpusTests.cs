using System.Text.Json.Nodes;
using Docker.DotNet;
using Docker.DotNet.Models;
using Nulecule.Providers;

namespace Nulecule.Cli.Tests.EndToEnd;

/// <summary>
/// The corpus apps whose docker artifacts can run with local images run and stop cleanly through
/// `nulecule run/status/stop --provider docker`, with stand-in images (scripts/build-corpus-images.sh)
/// under the images' own names. Each test has its own release; whatever it leaves is removed.
/// </summary>
public sealed class DockerCorpusTests : IAsyncLifetime
{
    private readonly CorpusCopy _corpus = new();
    private readonly DockerClient? _docker = DockerEngine.Unavailable is null ? DockerEngine.Client() : null;
    private string? _release;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_docker is not null && _release is not null)
        {
            // Leftovers of a failed test: stop first, then remove by force whatever remains.
            await _corpus.Nulecule("stop", _release, "--provider", "docker");
            foreach (var container in await Containers())
            {
                await _docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
            }

            foreach (var network in await Networks())
            {
                await _docker.Networks.DeleteNetworkAsync(network.ID);
            }
        }

        _docker?.Dispose();
        _corpus.Dispose();
    }

    [DockerCorpusFact(StandIns.Httpd)]
    public async Task Helloapache_serves_its_page_on_the_chosen_host_port_and_stops_cleanly()
    {
        // Given
        var app = _corpus.App("helloapache");
        _release = Probes.Release("e2e-hello");
        var port = Probes.FreePort();

        // When
        var run = await _corpus.Nulecule("run", app, "--provider", "docker", "--name", _release, "--set", $"hostport={port}", "--wait", "--timeout", "60s");

        // Then
        run.ExitCode.ShouldBe(0, Probes.Describe(run));
        (await Probes.GetAsync($"http://127.0.0.1:{port}/")).ShouldContain("Hello from the corpus centos/httpd stand-in");
        var status = await StatusAsync();
        var container = status["components"]!.AsArray().Single()!["objects"]!.AsArray().Single()!;
        ((string?)container["state"]).ShouldBe("running");
        ((string?)container["ports"] ?? "").ShouldContain($"{port}->80/tcp");
        await StopAndAssertNothingLeftAsync();
    }

    [DockerCorpusFact(StandIns.Redis)]
    public async Task Redis_slave_replicates_what_is_written_to_the_master_and_both_stop_cleanly()
    {
        // Given: the corpus slave runs `centos/redis /etc/redis.conf --slaveof redis-master 6379 --bind 0.0.0.0`
        var app = _corpus.App("redis-centos7-atomicapp");
        _release = Probes.Release("e2e-redis");

        // When
        var run = await _corpus.Nulecule("run", app, "--provider", "docker", "--name", _release, "--wait", "--timeout", "60s");

        // Then
        run.ExitCode.ShouldBe(0, Probes.Describe(run));
        var master = await ContainerOf("redismaster-app");
        var slave = await ContainerOf("redisslave-app");
        (await ExecAsync(master, "redis-cli", "set", "corpus-key", "replicated")).Trim().ShouldBe("OK");
        var read = await Probes.EventuallyAsync(() => ExecAsync(slave, "redis-cli", "get", "corpus-key"), v => v.Trim() == "replicated", TimeSpan.FromSeconds(30));
        read.Trim().ShouldBe("replicated", "the slave never received the key written to the master");
        (await ExecAsync(master, "redis-cli", "info", "replication")).ShouldContain("connected_slaves:1");
        var status = await StatusAsync();
        status["components"]!.AsArray().Select(c => (string?)c!["component"]).ShouldBe(["redismaster-app", "redisslave-app"], ignoreOrder: true);
        status["components"]!.AsArray().SelectMany(c => c!["objects"]!.AsArray()).ShouldAllBe(o => (string?)o!["state"] == "running");
        await StopAndAssertNothingLeftAsync();
    }

    [DockerCorpusFact(StandIns.FlaskRedis, StandIns.Flask)]
    public async Task Flask_redis_counts_visits_in_redis_and_stops_cleanly()
    {
        // Given: flask links to the redis component as `redis`; redis mounts a host directory
        var app = _corpus.App("flask-redis-centos7-atomicapp");
        _release = Probes.Release("e2e-flask");
        var port = Probes.FreePort();
        var data = _corpus.EmptyDir("redis-data");

        // When
        var run = await _corpus.Nulecule("run", app, "--provider", "docker", "--name", _release,
            "--set", $"flask.NODE_PORT={port}", "--set", $"redis.redisPath={data}", "--wait", "--timeout", "60s");

        // Then
        run.ExitCode.ShouldBe(0, Probes.Describe(run));
        var first = Visits(await Probes.GetAsync($"http://127.0.0.1:{port}/"));
        var second = Visits(await Probes.GetAsync($"http://127.0.0.1:{port}/"));
        second.ShouldBe(first + 1);
        await StopAndAssertNothingLeftAsync();
    }

    private static int Visits(string page)
    {
        var match = System.Text.RegularExpressions.Regex.Match(page, @"visited (\d+) times");
        match.Success.ShouldBeTrue($"not the counter page: {page}");
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<JsonNode> StatusAsync()
    {
        var status = await _corpus.Nulecule("status", _release!, "--provider", "docker", "-o", "json");
        status.ExitCode.ShouldBe(0, Probes.Describe(status));
        var json = JsonNode.Parse(status.Stdout)!;
        ((string?)json["release"]).ShouldBe(_release);
        return json;
    }

    private async Task StopAndAssertNothingLeftAsync()
    {
        var stop = await _corpus.Nulecule("stop", _release!, "--provider", "docker");
        stop.ExitCode.ShouldBe(0, Probes.Describe(stop));
        (await Containers()).Select(c => string.Join(",", c.Names)).ShouldBeEmpty("containers of the release are left");
        (await Networks()).Select(n => n.Name).ShouldBeEmpty("networks of the release are left");
        var list = await _corpus.Nulecule("list", "--provider", "docker");
        list.Stdout.ShouldNotContain(_release!);
    }

    private async Task<string> ContainerOf(string component)
    {
        var found = (await Containers()).Where(c => c.Labels.TryGetValue(Labels.Component, out var v) && v == component).ToList();
        found.Count.ShouldBe(1, $"containers of component {component}");
        return found[0].ID;
    }

    private async Task<string> ExecAsync(string container, params string[] command)
    {
        var exec = await _docker!.Exec.CreateContainerExecAsync(container, new ContainerExecCreateParameters
        {
            Cmd = command,
            AttachStdout = true,
            AttachStderr = true,
        });
        using var stream = await _docker.Exec.StartContainerExecAsync(exec.ID, new ContainerExecStartParameters());
        var (stdout, stderr) = await stream.ReadOutputToEndAsync(CancellationToken.None);
        return stdout + stderr;
    }

    private async Task<IList<ContainerListResponse>> Containers() =>
        await _docker!.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{Labels.Release}={_release}"] = true } },
        });

    private async Task<List<NetworkResponse>> Networks() =>
        (await _docker!.Networks.ListNetworksAsync(new NetworksListParameters()))
            .Where(n => n.Name.Contains(_release!, StringComparison.Ordinal)
                        || (n.Labels?.TryGetValue(Labels.Release, out var r) == true && r == _release))
            .ToList();
}
