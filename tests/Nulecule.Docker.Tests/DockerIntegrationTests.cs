using Docker.DotNet;
using Docker.DotNet.Models;
using Nulecule.Docker.Endpoints;
using Nulecule.Providers;

namespace Nulecule.Docker.Tests;

/// <summary>Runs releases on the real engine. Each test has its own release and removes it afterwards.</summary>
public sealed class DockerIntegrationTests : IDisposable
{
    private readonly string _release = "it-" + Guid.NewGuid().ToString("N")[..10];
    private readonly DockerClient _client = DockerConnector.CreateClient(new DockerEndpointResolver().Resolve());
    private readonly DockerProvider _provider;

    public DockerIntegrationTests()
    {
        _provider = new DockerProvider(_client, "test") { PollInterval = TimeSpan.FromMilliseconds(200) };
    }

    public void Dispose()
    {
        try
        {
            _provider.StopAsync(_release, new StopOptions { RemoveVolumes = true, Timeout = TimeSpan.FromSeconds(1) }, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (Exception)
        {
            // The engine may be absent (skipped tests).
        }

        _client.Dispose();
    }

    private Task<DeployResult> Run(Templating.RenderedApp app, bool wait = true, TimeSpan? timeout = null, int revision = 1) =>
        _provider.RunAsync(app, new RunOptions { Release = _release, Wait = wait, Timeout = timeout ?? TimeSpan.FromSeconds(60), Revision = revision }, CancellationToken.None);

    private async Task<IList<ContainerListResponse>> Containers() =>
        await _client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{Labels.Release}={_release}"] = true } },
        });

    private async Task<IList<NetworkResponse>> Networks() =>
        (await _client.Networks.ListNetworksAsync(new NetworksListParameters())).Where(n => n.Name == $"nulecule-{_release}").ToList();

    private static Templating.RenderedApp WebApp(string clientCommand = "sh -c 'wget -q -O- http://frontend/ && sleep 300'") => TestApps.App("web-app",
    [
        TestApps.Component("web", $"-d --name web {TestImages.Busybox} httpd -f -p 80 -h /var/www"),
        TestApps.Component("client", $"-d --link web:frontend {TestImages.Busybox} {clientCommand}"),
    ]);

    [DockerFact]
    public async Task Should_run_two_components_that_reach_each_other_by_link_alias()
    {
        // When
        var result = await Run(WebApp());

        // Then
        result.Objects.Where(o => o.Kind == "container").Select(o => (o.Name, o.Action))
            .ShouldBe([($"{_release}-web", ObjectAction.Created), ($"{_release}-client-1", ObjectAction.Created)]);
        var status = await _provider.StatusAsync(_release, CancellationToken.None);
        status.Components.Select(c => c.Component).ShouldBe(["web", "client"]);
        status.Components.SelectMany(c => c.Objects).ShouldAllBe(o => o.State == "running" && o.Ready);

        var lines = new List<LogLine>();
        await foreach (var line in _provider.LogsAsync(_release, new LogOptions { Component = "client" }, CancellationToken.None))
        {
            lines.Add(line);
        }

        lines.ShouldContain(l => l.Text.Contains("nulecule busybox") && l.Component == "client" && l.Time != null);

        var releases = await _provider.ListAsync(CancellationToken.None);
        var summary = releases.Single(r => r.Release == _release);
        (summary.AppId, summary.Objects, summary.State, summary.Revision).ShouldBe(("web-app", 2, "running", 1));
    }

    [DockerFact]
    public async Task Should_converge_a_second_run()
    {
        // Given
        var sleep = $"{TestImages.Busybox} sleep 300";
        await Run(TestApps.App("c", [TestApps.Component("a", $"-d {sleep}"), TestApps.Component("b", $"-d -e V=1 {sleep}"), TestApps.Component("gone", $"-d {sleep}")]));
        var before = (await Containers()).ToDictionary(c => c.Names[0].TrimStart('/'), c => c.ID);

        // When b changes and gone disappears
        var result = await Run(TestApps.App("c", [TestApps.Component("a", $"-d {sleep}"), TestApps.Component("b", $"-d -e V=2 {sleep}")]), revision: 2);

        // Then
        var actions = result.Objects.Where(o => o.Kind == "container").ToDictionary(o => o.Name, o => o.Action);
        actions[$"{_release}-a-1"].ShouldBe(ObjectAction.Unchanged);
        actions[$"{_release}-b-1"].ShouldBe(ObjectAction.Updated);
        actions[$"{_release}-gone-1"].ShouldBe(ObjectAction.Deleted);
        var after = (await Containers()).ToDictionary(c => c.Names[0].TrimStart('/'), c => c.ID);
        after.Keys.Order().ShouldBe([$"{_release}-a-1", $"{_release}-b-1"]);
        after[$"{_release}-a-1"].ShouldBe(before[$"{_release}-a-1"]);
        after[$"{_release}-b-1"].ShouldNotBe(before[$"{_release}-b-1"]);
    }

    [DockerFact]
    public async Task Should_remove_everything_when_a_first_run_cannot_find_its_image()
    {
        var app = TestApps.App("x", [TestApps.Component("ok", $"-d {TestImages.Busybox} sleep 300"), TestApps.Component("bad", "-d local/does-not-exist:0.0.1")]);

        var error = await Should.ThrowAsync<OperationFailedException>(() => Run(app, timeout: TimeSpan.FromSeconds(30)));

        error.Message.ShouldContain("local/does-not-exist:0.0.1");
        error.Message.ShouldContain("component bad");
        (await Containers()).ShouldBeEmpty();
        (await Networks()).ShouldBeEmpty();
    }

    [DockerFact]
    public async Task Should_fail_with_the_exit_code_and_last_log_lines_and_clean_up()
    {
        var app = TestApps.App("x", [TestApps.Component("job", $"-d {TestImages.Busybox} sh -c 'echo starting; echo boom-line >&2; exit 3'")]);

        var error = await Should.ThrowAsync<OperationFailedException>(() => Run(app));

        error.Message.ShouldContain("component job");
        error.Message.ShouldContain("exited with code 3");
        error.Message.ShouldContain("boom-line");
        error.Message.ShouldContain("artifacts/docker/job-0:1:1");
        (await Containers()).ShouldBeEmpty();
        (await Networks()).ShouldBeEmpty();
    }

    [DockerFact]
    public async Task Should_keep_a_failed_first_run_when_asked()
    {
        var app = TestApps.App("x", [TestApps.Component("job", $"-d {TestImages.Busybox} false")]);

        await Should.ThrowAsync<OperationFailedException>(() =>
            _provider.RunAsync(app, new RunOptions { Release = _release, Wait = true, KeepFailed = true }, CancellationToken.None));

        (await Containers()).ShouldHaveSingleItem().State.ShouldBe("exited");
    }

    [DockerFact]
    public async Task Should_time_out_waiting_for_health_with_the_reason()
    {
        var app = TestApps.App("x", [TestApps.Component("slow", $"-d --health-cmd false --health-interval 1m {TestImages.Busybox} sh -c 'echo waiting-forever; sleep 300'")]);

        var error = await Should.ThrowAsync<OperationFailedException>(() => Run(app, timeout: TimeSpan.FromSeconds(3)));

        error.Message.ShouldContain("was not ready within 3 s");
        error.Message.ShouldContain("health starting");
        error.Message.ShouldContain("waiting-forever");
        (await Containers()).ShouldBeEmpty();
    }

    [DockerFact]
    public async Task Should_wait_for_a_healthy_container()
    {
        var app = TestApps.App("x", [TestApps.Component("db", $"-d --health-cmd true --health-interval 1s {TestImages.Busybox} sleep 300")]);

        await Run(app);

        var status = await _provider.StatusAsync(_release, CancellationToken.None);
        status.Components.Single().Objects.Single().Health.ShouldBe("healthy");
    }

    [DockerFact]
    public async Task Should_stop_in_reverse_order_and_keep_volumes_unless_asked()
    {
        // Given
        var app = TestApps.App("v", [TestApps.Component("db", $"-d -v data:/data {TestImages.Busybox} sleep 300"), TestApps.Component("web", $"-d {TestImages.Busybox} sleep 300")]);
        await Run(app, wait: false);

        // When
        var stopped = await _provider.StopAsync(_release, new StopOptions { Timeout = TimeSpan.FromSeconds(1) }, CancellationToken.None);

        // Then
        stopped.Objects.Where(o => o.Kind == "container").Select(o => o.Component).ShouldBe(["web", "db"]);
        stopped.Objects.ShouldContain(o => o.Kind == "network" && o.Action == ObjectAction.Deleted);
        (await Containers()).ShouldBeEmpty();
        (await Networks()).ShouldBeEmpty();
        await _client.Volumes.InspectAsync($"{_release}-data");

        var withVolumes = await _provider.StopAsync(_release, new StopOptions { RemoveVolumes = true }, CancellationToken.None);
        withVolumes.Objects.ShouldContain(o => o.Kind == "volume" && o.Name == $"{_release}-data");
        await Should.ThrowAsync<DockerApiException>(() => _client.Volumes.InspectAsync($"{_release}-data"));
    }

    [DockerFact]
    public async Task Should_follow_logs_of_several_containers()
    {
        var app = TestApps.App("l", [TestApps.Component("a", $"-d {TestImages.Busybox} sh -c 'echo from-a; sleep 300'"), TestApps.Component("b", $"-d {TestImages.Busybox} sh -c 'echo from-b; sleep 300'")]);
        await Run(app);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var seen = new HashSet<string>();

        await foreach (var line in _provider.LogsAsync(_release, new LogOptions { Follow = true, Tail = 10 }, cancel.Token))
        {
            seen.Add(line.Text);
            if (seen.Contains("from-a") && seen.Contains("from-b"))
            {
                break;
            }
        }

        seen.ShouldContain("from-a");
        seen.ShouldContain("from-b");
    }
}
