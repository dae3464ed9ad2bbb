using Nulecule.Actions;
using Nulecule.Providers;
using Nulecule.Releases;
using Nulecule.Templating;

namespace Nulecule.Testing.Contracts;

/// <summary>
/// One release of a served one-component app (`web`: params `image`, `greeting`, `mode`; its page
/// is the greeting) on a real engine, as the provider contract drives it.
/// </summary>
public interface IServedRelease : IAsyncDisposable
{
    ReleaseConfiguration Config { get; }

    string Release { get; }

    /// <summary>An image no engine here has or can pull.</summary>
    string MissingImage { get; }

    RecordingReporter Reporter { get; }

    Task<RenderedApp> RenderAsync(params string[] sets);

    /// <summary>The page's URL, once it answers.</summary>
    Task<string> UrlAsync();

    /// <summary>Deletes the web workload behind the tool's back.</summary>
    Task DeleteWebAsync();

    /// <summary>Makes, outside any release, the web workload the release would create (same name).</summary>
    Task CreateForeignWebAsync();
}

/// <summary>
/// What every provider must do for the release lifecycle, run against each engine (Docker,
/// Kubernetes): install, upgrade, a failed upgrade that keeps serving, rollback, an interrupted
/// install, status with a missing object, an ownership conflict, stop. A new engine inherits these
/// tests by deriving and starting its served release. Compiled from tests/Shared/Contracts.
/// </summary>
public abstract class ProviderLifecycleContract : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long `stop` may wait for the engine to finish removing. A Kubernetes stop returns when the
    /// pods are gone, and the testbed's single kubelet (5 API requests a second, shared by every test
    /// running at once) once took over a minute to report a deleted pod's end during a CI run.
    /// </summary>
    private static readonly TimeSpan StopTimeout = TimeSpan.FromMinutes(3);
    private IServedRelease? _served;

    /// <summary>Why the engine cannot be reached here (the tests are then skipped), or null.</summary>
    protected abstract string? SkipReason { get; }

    protected abstract Task<IServedRelease> StartAsync();

    public async Task InitializeAsync()
    {
        if (SkipReason is null)
        {
            _served = await StartAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (_served is not null)
        {
            await _served.DisposeAsync();
        }
    }

    private IServedRelease S
    {
        get
        {
            Skip.If(SkipReason is not null, SkipReason);
            return _served!;
        }
    }

    private Task<InstallOrUpgradeResult> RunAsync(string release, CancellationToken cancellationToken, params string[] sets) =>
        S.RenderAsync(sets).ContinueWith(
            async app => await new InstallOrUpgradeAction(S.Config) { Release = release, Wait = true, Timeout = Timeout }.RunAsync(await app, cancellationToken),
            TaskScheduler.Default).Unwrap();

    private async Task<IReadOnlyList<(int, ReleaseState)>> StatesAsync() =>
        (await S.Config.Store.HistoryAsync(S.Release)).Select(r => (r.Revision, r.State)).ToList();

    private static async Task<string> PageAsync(string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        return (await http.GetStringAsync(url)).Trim();
    }

    [SkippableFact]
    public async Task Should_install_upgrade_and_roll_back()
    {
        (await RunAsync(S.Release, default)).Release!.Revision.ShouldBe(1);
        (await PageAsync(await S.UrlAsync())).ShouldBe("hello");

        (await RunAsync(S.Release, default, "web.greeting=bye")).Release!.Revision.ShouldBe(2);
        await Eventually(async () => await PageAsync(await S.UrlAsync()) == "bye");

        var back = await new RollbackAction(S.Config) { Release = S.Release, Wait = true, Timeout = Timeout }.RunAsync();
        back.Revision.ShouldBe(3);
        await Eventually(async () => await PageAsync(await S.UrlAsync()) == "hello");
        (await StatesAsync()).ShouldBe([(1, ReleaseState.Superseded), (2, ReleaseState.Superseded), (3, ReleaseState.Deployed)]);
    }

    [SkippableFact]
    public async Task Should_keep_serving_through_a_failed_upgrade()
    {
        await RunAsync(S.Release, default);
        var url = await S.UrlAsync();

        await using (var poller = new HttpPoller(url, "hello"))
        {
            await Should.ThrowAsync<OperationFailedException>(() => RunAsync(S.Release, default, $"web.image={S.MissingImage}"));
            var (successes, failures) = await poller.StopAsync();
            failures.ShouldBeEmpty();
            successes.ShouldBeGreaterThan(0);
        }

        (await StatesAsync()).ShouldBe([(1, ReleaseState.Deployed), (2, ReleaseState.Failed)]);
    }

    [SkippableFact]
    public async Task Should_leave_nothing_of_an_interrupted_first_install()
    {
        using var cancel = new CancellationTokenSource();
        S.Reporter.OnLine = line =>
        {
            if (line.Contains("creat", StringComparison.Ordinal) || line.Contains("deploying", StringComparison.Ordinal))
            {
                cancel.Cancel();
            }
        };

        var error = await Should.ThrowAsync<OperationCanceledException>(() => RunAsync(S.Release, cancel.Token));
        S.Reporter.OnLine = null;

        (await S.Config.Provider.StatusAsync(S.Release, CancellationToken.None)).Components.ShouldBeEmpty(error.Message);
        (await StatesAsync()).ShouldBe([(1, ReleaseState.Failed)]);
    }

    [SkippableFact]
    public async Task Should_show_an_object_deleted_behind_its_back_as_missing()
    {
        await RunAsync(S.Release, default);
        await S.DeleteWebAsync();

        var health = await new StatusAction(S.Config.Provider, S.Config.Store) { Release = S.Release }.RunAsync();

        health.Degraded.ShouldBeTrue();
        health.Components.SelectMany(c => c.Objects).ShouldContain(o => o.State == StatusAction.Missing);
        (await RunAsync(S.Release, default)).UpToDate.ShouldBeFalse();
    }

    [SkippableFact]
    public async Task Should_refuse_an_object_it_does_not_own_unless_told_to_take_it_over()
    {
        await S.CreateForeignWebAsync();

        var error = await Should.ThrowAsync<OperationFailedException>(() => RunAsync(S.Release, default));
        error.Message.ShouldContain("belongs to no release (nulecule did not create it)");
        error.Message.ShouldContain("--take-ownership");

        var adopted = await new InstallOrUpgradeAction(S.Config) { Release = S.Release, Wait = true, TakeOwnership = true, Timeout = Timeout }.RunAsync(await S.RenderAsync());
        adopted.Release!.Description.ShouldBe("Install (--take-ownership) complete");
        await Eventually(async () => await PageAsync(await S.UrlAsync()) == "hello");
    }

    [SkippableFact]
    public async Task Should_stop_a_release_by_its_name_alone()
    {
        await RunAsync(S.Release, default);

        await new UninstallAction(S.Config) { Release = S.Release, Timeout = StopTimeout }.RunAsync();

        (await S.Config.Provider.StatusAsync(S.Release, CancellationToken.None)).Components.ShouldBeEmpty();
        (await StatesAsync()).Last().Item2.ShouldBe(ReleaseState.Uninstalled);
    }

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 60; i++)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException e) when (e.InnerException is TimeoutException)
            {
                // A request that got no answer in time: on Kubernetes, a connection the node's
                // proxy rules still sent to a pod that a rolling update has just removed (its
                // address no longer answers at all, so the request hangs rather than being refused).
            }

            await Task.Delay(500);
        }

        (await condition()).ShouldBeTrue();
    }
}
