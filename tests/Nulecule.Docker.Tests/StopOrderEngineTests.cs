using System.Globalization;
using System.Net;
using Docker.DotNet;
using Docker.DotNet.Handler.Abstractions;
using Nulecule.Docker.Endpoints;
using Nulecule.Docker.Internal;
using Nulecule.Providers;

using static Nulecule.Docker.Tests.EngineCallRecorder;

namespace Nulecule.Docker.Tests;

/// <summary>
/// `stop` on the real engine follows the rule Kubernetes follows (docs/releases.md, "Which
/// components wait for which"): a component whose containers' environment names another is
/// removed before the one it names is touched; components that name nothing of each other stop
/// side by side; a refused stop leaves exactly the components that wait for it running. Every
/// container runs busybox `sleep` as pid 1, which ignores SIGTERM, so each stop takes its grace
/// period and the order shows in the engine's own events (`docker events`, the oracle).
/// </summary>
public sealed class StopOrderEngineTests : IDisposable
{
    private readonly string _release = "dstop-" + Guid.NewGuid().ToString("N")[..10];
    private readonly DockerClient _client = DockerConnector.CreateClient(new DockerEndpointResolver().Resolve());
    private readonly DockerProvider _provider;

    public StopOrderEngineTests()
    {
        _provider = new DockerProvider(_client, "test");
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

    [DockerFact]
    public async Task Should_touch_a_component_only_once_the_later_one_that_names_it_is_gone()
    {
        // Given, in graph order: db, then web whose environment names db
        await Run(("db", "--name db"), ("web", "-e DB_HOST=db:3306"));
        var since = Now();

        // When
        await _provider.StopAsync(_release, new StopOptions { Parallel = 4, Timeout = TimeSpan.FromSeconds(3) }, CancellationToken.None);

        // Then: db got its first signal after web was destroyed
        var events = Events(since);
        var webGone = events.Single(e => e.Name == $"{_release}-web-1" && e.Action == "destroy").Time;
        var dbSignalled = events.Where(e => e.Name == $"{_release}-db" && e.Action == "kill").Min(e => e.Time);
        dbSignalled.ShouldBeGreaterThan(webGone, Describe(events));
        (await Containers()).ShouldBeEmpty();
    }

    [DockerFact]
    public async Task Should_stop_components_that_name_nothing_of_each_other_side_by_side()
    {
        // Given: db and web, web's environment naming nothing of db (mydb is another word)
        await Run(("db", "--name db"), ("web", "-e DB_HOST=mydb"));
        var since = Now();

        // When
        await _provider.StopAsync(_release, new StopOptions { Parallel = 4, Timeout = TimeSpan.FromSeconds(3) }, CancellationToken.None);

        // Then: both were signalled before either was gone (each stop takes its 3 s grace)
        var events = Events(since);
        var signalled = events.Where(e => e.Action == "kill").GroupBy(e => e.Name).Select(g => g.Min(e => e.Time)).ToList();
        var gone = events.Where(e => e.Action == "destroy").Select(e => e.Time).ToList();
        signalled.Count.ShouldBe(2, Describe(events));
        gone.Count.ShouldBe(2, Describe(events));
        signalled.Max().ShouldBeLessThan(gone.Min(), Describe(events));
    }

    [DockerFact]
    public async Task Should_leave_the_components_that_wait_for_a_refused_stop_running_and_remove_the_others()
    {
        // Given, in graph order: db; web naming db; other naming nothing; the engine refuses web's stop
        await Run(("db", "--name db"), ("web", "-e DB_HOST=db"), ("other", ""));
        var web = (await Containers()).Single(c => c.Name == $"{_release}-web-1").Id;
        using var refusing = new DockerClientBuilder()
            .WithEndpoint(new DockerEndpointResolver().Resolve().Uri)
            .WithAuthProvider(new RawCreateFieldsProvider(new RefuseStop(web)))
            .Build();
        using var provider = new DockerProvider(refusing, "test");

        // When
        var error = await Should.ThrowAsync<OperationFailedException>(
            provider.StopAsync(_release, new StopOptions { Parallel = 4, Timeout = TimeSpan.FromSeconds(2) }, CancellationToken.None));

        // Then: other is gone; web and db, which waits for it, run untouched; the error says so
        error.Message.ShouldBe(
            $"stop of release {_release} failed: cannot stop container {_release}-web-1 (component web): cannot stop container: permission denied"
            + $"; removed: {_release}-other-1; not removed: {_release}-web-1, {_release}-db (and the release's networks and volumes); run stop again once the cause is fixed");
        (await Containers()).Select(c => (c.Name, c.State)).Order().ShouldBe([($"{_release}-db", "running"), ($"{_release}-web-1", "running")]);
        DockerCli.Run("docker", ["network", "inspect", "--format", "{{.Name}}", $"nulecule-{_release}"]).Trim().ShouldBe($"nulecule-{_release}");
    }

    [DockerFact]
    public async Task Should_inspect_each_container_once_when_there_are_components_to_relate_and_none_for_one()
    {
        await Run(("db", "--name db"), ("web", "-e DB_HOST=db"), ("other", ""));

        var calls = await CallsOf(() => _provider.StopAsync(_release, new StopOptions { Timeout = TimeSpan.FromSeconds(1) }, CancellationToken.None));

        calls.Count(c => c is { Method: "GET" } && c.Path.EndsWith("/json", StringComparison.Ordinal) && c.Path.Contains("/containers/", StringComparison.Ordinal) && !c.Path.EndsWith("/containers/json", StringComparison.Ordinal))
            .ShouldBe(3, string.Join(Environment.NewLine, calls.Select(c => $"{c.Method} {c.Path}")));

        await Run(("db", "--name db"));
        var one = await CallsOf(() => _provider.StopAsync(_release, new StopOptions { Timeout = TimeSpan.FromSeconds(1) }, CancellationToken.None));
        one.ShouldNotContain(c => c.Method == "GET" && c.Path.Contains("/containers/", StringComparison.Ordinal) && !c.Path.EndsWith("/containers/json", StringComparison.Ordinal));
    }

    /// <summary>Runs the components (each `-d FLAGS busybox sleep 300`) as revision 1 of the release.</summary>
    private Task Run(params (string Component, string Flags)[] components) =>
        _provider.RunAsync(
            TestApps.App("stop-order", components.Select(c => TestApps.Component(c.Component, $"-d {c.Flags} {TestImages.Busybox} sleep 300"))),
            new RunOptions { Release = _release, Timeout = TimeSpan.FromSeconds(60) },
            CancellationToken.None);

    private static string Now() => (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0 - 1).ToString("F3", CultureInfo.InvariantCulture);

    private sealed record EngineEvent(long Time, string Action, string Name);

    /// <summary>The release's container events since <paramref name="since"/>, as `docker events` reports them.</summary>
    private List<EngineEvent> Events(string since)
    {
        var until = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0 + 1).ToString("F3", CultureInfo.InvariantCulture);
        var output = DockerCli.Run("docker", ["events", "--since", since, "--until", until, "--filter", "type=container", "--filter", $"label={Labels.Release}={_release}",
            "--format", "{{.TimeNano}} {{.Action}} {{.Actor.Attributes.name}}"]);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' '))
            .Select(p => new EngineEvent(long.Parse(p[0], CultureInfo.InvariantCulture), p[1], p[2]))
            .ToList();
    }

    private static string Describe(IEnumerable<EngineEvent> events) => string.Join(Environment.NewLine, events.Select(e => $"{e.Time} {e.Action} {e.Name}"));

    /// <summary>The release's containers as `docker ps -a` lists them.</summary>
    private async Task<List<(string Name, string State, string Id)>> Containers()
    {
        var list = await DockerObjects.AllReleaseContainersAsync(_client, _release, CancellationToken.None);
        return list.Select(c => (DockerObjects.NameOf(c), c.State, c.ID)).ToList();
    }


    /// <summary>
    /// In front of the real engine: answers `POST /containers/{id}/stop` of one container as an
    /// engine whose security profile forbids the signal does (500, "permission denied"); every
    /// other request goes through.
    /// </summary>
    private sealed class RefuseStop(string id) : IAuthProvider
    {
        public bool TlsEnabled => false;

        public HttpMessageHandler ConfigureHandler(HttpMessageHandler handler) => new Refusing(id, handler);

        private sealed class Refusing(string id, HttpMessageHandler inner) : DelegatingHandler(inner)
        {
            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
                request.Method == HttpMethod.Post && request.RequestUri?.AbsolutePath.EndsWith($"/containers/{id}/stop", StringComparison.Ordinal) == true
                    ? Task.FromResult(new HttpResponseMessage(HttpStatusCode.InternalServerError)
                    {
                        Content = new StringContent("""{"message":"cannot stop container: permission denied"}""", System.Text.Encoding.UTF8, "application/json"),
                    })
                    : base.SendAsync(request, cancellationToken);
        }
    }
}
