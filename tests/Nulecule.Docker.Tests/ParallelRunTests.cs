using Docker.DotNet;
using Docker.DotNet.Models;
using Nulecule.Docker.Endpoints;
using Nulecule.Providers;

using static Nulecule.Docker.Tests.EngineCallRecorder;

namespace Nulecule.Docker.Tests;

/// <summary>
/// Runs of ten components with `--parallel 4` on the real engine: what the concurrent steps
/// leave must be what the one-after-another run left, and `--wait` must still order the starts.
/// </summary>
public sealed class ParallelRunTests : IDisposable
{
    private const int Components = 10;
    private readonly string _release = "par-" + Guid.NewGuid().ToString("N")[..10];
    private readonly DockerClient _client = DockerConnector.CreateClient(new DockerEndpointResolver().Resolve());
    private readonly DockerProvider _provider;
    private readonly RecordingReporter _reporter = new();

    public ParallelRunTests()
    {
        _provider = new DockerProvider(_client, "test") { PollInterval = TimeSpan.FromMilliseconds(100) };
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

    /// <summary>c00 .. c09, each one busybox that sleeps (or runs <paramref name="command"/> where given).</summary>
    private static Templating.RenderedApp App(Func<int, string?>? command = null) => TestApps.App("parallel-app",
        Enumerable.Range(0, Components).Select(i => TestApps.Component($"c{i:D2}", $"-d {TestImages.Busybox} {command?.Invoke(i) ?? "sleep 300"}")));

    private Task<DeployResult> Run(Templating.RenderedApp app, bool wait, int revision = 1) =>
        _provider.RunAsync(app, new RunOptions { Release = _release, Wait = wait, Parallel = 4, Revision = revision, Timeout = TimeSpan.FromSeconds(60), Reporter = _reporter }, CancellationToken.None);

    private async Task<List<ContainerInspectResponse>> Inspect()
    {
        var list = await _client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{Labels.Release}={_release}"] = true } },
        });
        var inspected = new List<ContainerInspectResponse>();
        foreach (var container in list)
        {
            inspected.Add(await _client.Containers.InspectContainerAsync(container.ID));
        }

        return inspected.OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
    }

    private static string Name(int i) => $"c{i:D2}-1";

    [DockerFact]
    public async Task Ten_components_run_concurrently_and_the_report_keeps_graph_order()
    {
        var result = await Run(App(), wait: false);

        result.Objects.Where(o => o.Kind == "container").Select(o => (o.Name, o.Action))
            .ShouldBe(Enumerable.Range(0, Components).Select(i => ($"{_release}-{Name(i)}", ObjectAction.Created)));
        var containers = await Inspect();
        containers.Select(c => c.Name.TrimStart('/')).ShouldBe(Enumerable.Range(0, Components).Select(i => $"{_release}-{Name(i)}"));
        containers.ShouldAllBe(c => c.State!.Running);

        // One final line per component, whatever order the steps ended in.
        var finals = _reporter.Lines.Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, "^info: c[0-9]{2} started$")).ToList();
        finals.Order(StringComparer.Ordinal).ShouldBe(Enumerable.Range(0, Components).Select(i => $"info: c{i:D2} started"), _reporter.Text);

        // A second run changes nothing.
        var again = await Run(App(), wait: false, revision: 2);
        again.Objects.Where(o => o.Kind == "container").ShouldAllBe(o => o.Action == ObjectAction.Unchanged);
    }

    [DockerFact]
    public async Task A_run_sends_the_engine_only_the_requests_it_needs()
    {
        var first = await CallsOf(() => Run(App(), wait: false));

        // One container list answers the repair, the converge and the ownership check; the one
        // image is checked once; each container is created on the release network with its alias
        // (no connect afterwards) and started, and nothing is inspected after the start.
        var listed = Describe(first);
        first.Count(c => c is { Method: "GET" } && c.Path.EndsWith("/containers/json", StringComparison.Ordinal)).ShouldBe(1, listed);
        first.Count(c => c is { Method: "GET" } && c.Path.Contains("/images/", StringComparison.Ordinal)).ShouldBe(1, listed);
        first.Count(c => c is { Method: "POST" } && c.Path.EndsWith("/containers/create", StringComparison.Ordinal)).ShouldBe(Components, listed);
        first.Count(c => c is { Method: "POST" } && c.Path.EndsWith("/start", StringComparison.Ordinal)).ShouldBe(Components, listed);
        first.Count(c => c.Path.Contains("/networks", StringComparison.Ordinal)).ShouldBe(2, listed); // the list, then the create
        first.Count.ShouldBe(4 + (2 * Components), listed);

        // Nothing changed: the two lists, and no request that changes anything.
        var again = await CallsOf(() => Run(App(), wait: false, revision: 2));
        again.Select(c => c.Method).ShouldBe(["GET", "GET"], Describe(again));
        (await Inspect()).ShouldAllBe(c => c.State!.Running && c.Config!.Labels[Labels.Revision] == "1");
    }


    private static string Describe(IEnumerable<EngineCall> calls) => string.Join(Environment.NewLine, calls.Select(c => $"{c.Method} {c.Path} {c.Status}"));

    [DockerFact]
    public async Task With_wait_each_component_starts_after_the_previous_one_is_ready_but_all_are_created_ahead()
    {
        await Run(App(), wait: true);

        var containers = await Inspect();
        var started = containers.Select(c => DateTime.Parse(c.State!.StartedAt, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal)).ToList();
        var created = containers.Select(c => c.Created.ToUniversalTime()).ToList();
        for (var i = 1; i < Components; i++)
        {
            // Ready = running for the settle time (1 s): the next start comes after it.
            (started[i] - started[i - 1]).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(0.9), $"{Name(i)} started {started[i]:O}, {Name(i - 1)} at {started[i - 1]:O}");
        }

        // The creates did not wait for readiness: every container existed before the third component started (2 s in).
        created.ShouldAllBe(c => c < started[2], string.Join(", ", created.Select(c => c.ToString("O"))));
    }

    [DockerFact]
    public async Task A_failed_first_run_leaves_nothing_behind()
    {
        var missing = TestApps.App("parallel-app", App().Components.Select((c, i) => i == 6
            ? TestApps.Component(c.Name, "-d local/does-not-exist:never sleep 300")
            : c));

        var error = await Should.ThrowAsync<OperationFailedException>(Run(missing, wait: false));

        error.Message.ShouldContain("component c06: image local/does-not-exist:never is not present locally");
        (await Inspect()).ShouldBeEmpty();
        (await _client.Networks.ListNetworksAsync(new NetworksListParameters())).ShouldNotContain(n => n.Name == $"nulecule-{_release}");
        _reporter.Lines.ShouldContain("info: c06 failed");
    }

    [DockerFact]
    public async Task A_failed_upgrade_puts_every_previous_container_back()
    {
        // Given: revision 1 runs; revision 2 changes every component, and c04's new command dies at once.
        await Run(App(), wait: false);
        var before = (await Inspect()).ToDictionary(c => c.Name, c => c.ID);

        var error = await Should.ThrowAsync<OperationFailedException>(
            Run(App(i => i == 4 ? "sh -c 'exit 3'" : "sleep 301"), wait: false, revision: 2));

        error.Message.ShouldContain("exited with code 3");
        var after = await Inspect();
        after.ToDictionary(c => c.Name, c => c.ID).ShouldBe(before);
        after.ShouldAllBe(c => c.State!.Running && c.Config!.Labels[Labels.Revision] == "1");
    }

    [DockerFact]
    public async Task Stop_removes_everything_concurrently_and_reports_in_reverse_graph_order()
    {
        await Run(App(), wait: false);

        var result = await _provider.StopAsync(_release, new StopOptions { Parallel = 4, Timeout = TimeSpan.FromSeconds(3) }, CancellationToken.None);

        result.Objects.Where(o => o.Kind == "container").Select(o => o.Name)
            .ShouldBe(Enumerable.Range(0, Components).Reverse().Select(i => $"{_release}-{Name(i)}"));
        (await Inspect()).ShouldBeEmpty();
    }
}
