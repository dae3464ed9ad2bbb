using System.Net;
using System.Net.Sockets;
using Nulecule.Actions;
using Nulecule.Providers;
using Nulecule.Releases;

namespace Nulecule.Docker.Tests.Releases;

/// <summary>
/// A failed change leaves the running app as it was: while an upgrade or rollback that cannot
/// work runs, a poller asks the app's page every 50 ms and must never fail; afterwards the
/// history and the engine agree on what runs.
/// </summary>
public sealed class DockerSafeUpgradeTests : IDisposable
{
    private readonly int _port = FreePort();
    private readonly DockerReleaseHarness _h;

    public DockerSafeUpgradeTests() => _h = new DockerReleaseHarness(ServedApp.Writer(_port));

    private string Url => $"http://127.0.0.1:{_port}/";

    private readonly List<string> _foreign = [];

    public void Dispose()
    {
        foreach (var id in _foreign)
        {
            try
            {
                _h.Client.Containers.RemoveContainerAsync(id, new() { Force = true }).GetAwaiter().GetResult();
            }
            catch (global::Docker.DotNet.DockerApiException)
            {
                // Replaced (removed) by the release: the goal.
            }
        }

        _h.Dispose();
    }

    [DockerFact]
    public async Task Should_keep_serving_when_the_new_image_is_missing()
    {
        await _h.RunAsync();
        await ShouldKeepServingAsync(() => UpgradeAsync(wait: true, $"web.image={DockerReleaseApp.MissingImage}"), "is not present locally");
    }

    [DockerFact]
    public async Task Should_keep_serving_when_the_new_command_crashes_on_the_same_port()
    {
        await _h.RunAsync();
        var error = await ShouldKeepServingAsync(() => UpgradeAsync(wait: false, "web.mode=crash"), "exited with code 3");
        error.ShouldContain("no running container had been changed");
    }

    [DockerFact]
    public async Task Should_keep_serving_when_the_new_command_crashes_under_wait()
    {
        await _h.RunAsync();
        await ShouldKeepServingAsync(() => UpgradeAsync(wait: true, "web.mode=crash", "web.greeting=bye"), "exited with code 3");
    }

    [DockerFact]
    public async Task Should_keep_serving_when_the_new_host_port_is_taken_and_on_a_rollback_to_that_failed_revision()
    {
        // Given: something else holds the port the upgrade moves to
        await _h.RunAsync();
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;

        // When / Then: the upgrade fails, the old container serves on, and the error says what holds
        // the port and which param sets it, in words (no engine JSON there or in the history)
        var error = await ShouldKeepServingAsync(() => UpgradeAsync(wait: true, $"web.port={taken}"), "address already in use");
        error.ShouldContain($"component web: host port {taken} is already in use by a process on this host (not a container)");
        error.ShouldContain($"set param 'port' to another port (--set web.port=PORT)");
        error.ShouldNotContain("{\"message\"");
        (await _h.Store.HistoryAsync(_h.Release)).ShouldAllBe(r => !r.Description.Contains("{\"message\"", StringComparison.Ordinal));

        // When / Then: a rollback to the failed revision 2 fails the same way, and still nothing changes
        await ShouldKeepServingAsync(
            () => new RollbackAction(_h.Config) { Release = _h.Release, Revision = 2, Wait = true, Timeout = TimeSpan.FromSeconds(30) }.RunAsync(),
            "address already in use",
            failedRevisions: 2);
    }

    [DockerFact]
    public async Task Should_move_to_a_free_host_port_without_an_outage_on_the_old_one()
    {
        // Given
        await _h.RunAsync();
        var next = FreePort();

        // When: the old port serves until the new container is ready on the new one
        await using var oldPort = new HttpPoller(Url, "hello");
        await using var newPort = new HttpPoller($"http://127.0.0.1:{next}/", "moved");
        var upgraded = await UpgradeAsync(wait: true, $"web.port={next}", "web.greeting=moved");
        await Task.Delay(300);
        var (oldAnswers, _) = await oldPort.StopAsync();
        var (newAnswers, _) = await newPort.StopAsync();

        // Then: the old port went quiet only after the new one answered
        upgraded.Release!.Revision.ShouldBe(2);
        oldAnswers.ShouldBeGreaterThan(0);
        newAnswers.ShouldBeGreaterThan(0);
        oldPort.FirstFailureAt.ShouldNotBeNull();
        newPort.FirstSuccessAt!.Value.ShouldBeLessThan(oldPort.FirstFailureAt!.Value);
        (await _h.ContainerNamesAsync()).ShouldBe([_h.Container("web")]);
    }

    [DockerFact]
    public async Task Should_put_back_a_container_an_interrupted_replacement_left_aside()
    {
        // Given: revision 1 runs; a command died after setting web aside and creating its replacement
        await _h.RunAsync();
        var web = (await _h.InspectAsync("web"))!;
        await _h.Client.Containers.StopContainerAsync(web.ID, new() { WaitBeforeKillSeconds = 1 });
        await _h.Client.Containers.RenameContainerAsync(web.ID, new() { NewName = _h.Container("web") + "--prev" });

        // When: the next run, with the same values
        await _h.RunAsync();

        // Then: the very same container serves again, nothing transient is left
        (await _h.InspectAsync("web"))!.ID.ShouldBe(web.ID);
        (await _h.ContainerNamesAsync()).ShouldBe([_h.Container("web")]);
        using var http = new HttpClient();
        (await http.GetStringAsync(Url)).Trim().ShouldBe("hello");
    }

    [DockerFact]
    public async Task Should_refuse_a_container_of_the_same_name_it_does_not_own_unless_told_to_take_it_over()
    {
        // Given: a container nulecule did not make holds the name the release needs
        var squatter = await _h.Client.Containers.CreateContainerAsync(new() { Name = _h.Container("web"), Image = TestImages.Busybox, Cmd = ["sleep", "3600"] });
        _foreign.Add(squatter.ID);

        // When
        var error = await _h.FailsAsync<OperationFailedException>(() => _h.RunAsync());

        // Then: refused before anything changed, naming the owner and the way out
        error.Message.ShouldContain($"a container named {_h.Container("web")} already exists and belongs to no release (nulecule did not create it)");
        error.Message.ShouldContain("--take-ownership");
        (await _h.InspectAsync("web"))!.ID.ShouldBe(squatter.ID);
        (await _h.Client.Networks.ListNetworksAsync()).ShouldNotContain(n => n.Name == $"nulecule-{_h.Release}");

        // When: told to take it over
        var adopted = await new InstallOrUpgradeAction(_h.Config) { Release = _h.Release, Wait = true, TakeOwnership = true, Timeout = TimeSpan.FromSeconds(30) }.RunAsync(await _h.RenderAsync([]));

        // Then: replaced by the release's own, and the history says so
        adopted.Release!.Description.ShouldBe("Install (--take-ownership) complete");
        (await _h.InspectAsync("web"))!.ID.ShouldNotBe(squatter.ID);
        using var http = new HttpClient();
        (await http.GetStringAsync(Url)).Trim().ShouldBe("hello");
    }

    private Task<InstallOrUpgradeResult> UpgradeAsync(bool wait, params string[] sets) =>
        _h.RenderAsync(sets).ContinueWith(
            async render => await new InstallOrUpgradeAction(_h.Config) { Release = _h.Release, Wait = wait, Timeout = TimeSpan.FromSeconds(20) }.RunAsync(await render),
            TaskScheduler.Default).Unwrap();

    /// <summary>
    /// Runs <paramref name="change"/> with the poller on; it must fail saying <paramref name="reason"/>,
    /// the page must answer every time, and revision 1 must still be the deployed one and the one running.
    /// </summary>
    private async Task<string> ShouldKeepServingAsync(Func<Task> change, string reason, int failedRevisions = 1)
    {
        var before = (await _h.InspectAsync("web"))!.ID;
        string message;
        await using (var poller = new HttpPoller(Url, "hello"))
        {
            var error = await _h.FailsAsync<OperationFailedException>(change);
            var (successes, failures) = await poller.StopAsync();
            failures.ShouldBeEmpty();
            successes.ShouldBeGreaterThan(0);
            message = error.Message;
        }

        message.ShouldContain(reason);
        var history = await _h.StatesAsync();
        history[0].ShouldBe((1, ReleaseState.Deployed));
        history.Skip(1).ShouldAllBe(r => r.State == ReleaseState.Failed);
        history.Count.ShouldBe(1 + failedRevisions);

        // The engine runs revision 1's container, the very same one, and nothing else of the release.
        (await _h.InspectAsync("web"))!.ID.ShouldBe(before);
        (await _h.ContainerNamesAsync()).ShouldBe([_h.Container("web")]);
        var status = await _h.Provider.StatusAsync(_h.Release, CancellationToken.None);
        var web = status.Components.Single().Objects.Single();
        (web.Ready, web.Revision).ShouldBe((true, 1));
        _h.ShouldNotLeakTheCanary();
        return message;
    }

    [DockerFact]
    public async Task Should_name_the_container_and_release_that_hold_a_host_port()
    {
        // Given: another release publishes the port this release's upgrade moves to
        await _h.RunAsync();
        var taken = FreePort();
        using var other = new DockerReleaseHarness(ServedApp.Writer(taken));
        (await other.RunAsync()).Release!.State.ShouldBe(ReleaseState.Deployed);

        // When / Then
        var error = await ShouldKeepServingAsync(() => UpgradeAsync(wait: true, $"web.port={taken}"), "port is already allocated");
        error.ShouldContain($"component web: host port {taken} is already in use by container {other.Container("web")} (release '{other.Release}')");
        await new UninstallAction(other.Config) { Release = other.Release }.RunAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
