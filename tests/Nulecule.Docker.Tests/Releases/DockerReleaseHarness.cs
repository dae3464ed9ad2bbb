using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using Nulecule.Actions;
using Nulecule.Docker.Endpoints;
using Nulecule.Providers;
using Nulecule.Releases;
using Nulecule.Templating;

namespace Nulecule.Docker.Tests.Releases;

/// <summary>
/// One release on the real engine, driven through the release actions: the Docker provider, a
/// SQLite store and a key in a temporary state directory, a recording reporter, the app in a
/// temporary directory. Dispose removes the containers, the network and the directories.
/// </summary>
internal sealed class DockerReleaseHarness : IDisposable
{
    public const string Target = "unix:///var/run/docker.sock";

    /// <param name="writeApp">Writes the app into the directory it is given; the two-component <see cref="DockerReleaseApp"/> by default.</param>
    /// <param name="environment">The shell the provider reads bare `-e NAME` values from; the process's by default.</param>
    public DockerReleaseHarness(Func<string, string>? writeApp = null, Func<string, string?>? environment = null)
    {
        Root = Path.Combine(Path.GetTempPath(), "nulecule-rel-" + Guid.NewGuid().ToString("N")[..10]);
        StateDir = Path.Combine(Root, "state");
        AppDir = (writeApp ?? (d => DockerReleaseApp.Write(d)))(Path.Combine(Root, "app"));
        Client = DockerConnector.CreateClient(new DockerEndpointResolver().Resolve());
        Provider = new DockerProvider(Client, Target, environment) { PollInterval = TimeSpan.FromMilliseconds(200), SettleTime = TimeSpan.FromMilliseconds(500) };
        Store = new SqliteReleaseStore(Path.Combine(StateDir, SqliteReleaseStore.FileName));
        Key = ReleaseKey.LoadOrCreate(StateDir);
        Config = new ReleaseConfiguration { Provider = Provider, Store = Store, Key = Key, Target = Target, Reporter = Reporter };
    }

    public string Release { get; } = "rel-" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>The hidden `token` value; it must never show up in stored state or output.</summary>
    public string Canary { get; } = "canary-" + Guid.NewGuid().ToString("N");

    public string Root { get; }

    public string StateDir { get; }

    public string AppDir { get; }

    public DockerClient Client { get; }

    public DockerProvider Provider { get; }

    public SqliteReleaseStore Store { get; }

    public ReleaseKey Key { get; }

    public RecordingReporter Reporter { get; } = new();

    public ReleaseConfiguration Config { get; }

    /// <summary>Every message of every exception a test saw, for the canary check.</summary>
    public List<string> Errors { get; } = [];

    public string Container(string logical) => $"{Release}-{logical}";

    /// <summary>Renders the app (or another directory) with the canary token and the given `--set`s.</summary>
    public async Task<RenderedApp> RenderAsync(string[] sets, string? appDir = null) =>
        (await RenderAction.RunAsync(new RenderOptions { AppPath = appDir ?? AppDir, Provider = "docker", Sets = [$"token={Canary}", .. sets] })).App;

    public async Task<InstallOrUpgradeResult> RunAsync(params string[] sets) =>
        await new InstallOrUpgradeAction(Config) { Release = Release, Wait = true, Timeout = TimeSpan.FromSeconds(60) }.RunAsync(await RenderAsync(sets));

    /// <summary>Containers of the release the engine has, transient ones of a replacement included.</summary>
    public async Task<IReadOnlyList<string>> ContainerNamesAsync() =>
        (await Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{Labels.Release}={Release}"] = true } },
        }))
        .Select(c => c.Names[0].TrimStart('/'))
        .Order(StringComparer.Ordinal)
        .ToList();

    public Task<T> FailsAsync<T>(Func<Task> action)
        where T : Exception => ReleaseTestSupport.FailsAsync<T>(action, Errors);

    public async Task<IReadOnlyList<(int Revision, ReleaseState State)>> StatesAsync() =>
        (await Store.HistoryAsync(Release)).Select(r => (r.Revision, r.State)).ToList();

    public async Task<ContainerInspectResponse?> InspectAsync(string logical)
    {
        try
        {
            return await Client.Containers.InspectContainerAsync(Container(logical));
        }
        catch (DockerContainerNotFoundException)
        {
            return null;
        }
    }

    public async Task<string?> EnvAsync(string logical, string name) =>
        (await InspectAsync(logical))?.Config?.Env?.FirstOrDefault(e => e.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..];

    /// <summary>A lock as a killed `nulecule` would leave it: its pid belongs to a process that has exited.</summary>
    public async Task<ReleaseLock> AbandonLockAsync()
    {
        var stale = await ReleaseTestSupport.StaleLockAsync(Release);
        using var other = new SqliteReleaseStore(Store.Location);
        (await other.TryLockAsync(stale)).ShouldBeNull();
        return stale;
    }

    /// <summary>Writes a pending revision as a command would just before touching the engine.</summary>
    public async Task<Release> WritePendingAsync(RenderedApp app, int revision)
    {
        var pending = Nulecule.Releases.Release.Pending(app, Release, revision, Target, DateTimeOffset.UtcNow, "Upgrade", Key);
        await Store.CreateAsync(pending);
        return pending;
    }

    /// <summary>The canary is in no file of the state directory, no reported line, no error message.</summary>
    public void ShouldNotLeakTheCanary()
    {
        var needle = Encoding.UTF8.GetBytes(Canary);
        var files = Directory.GetFiles(StateDir, "*", SearchOption.AllDirectories);
        files.ShouldContain(f => Path.GetFileName(f) == SqliteReleaseStore.FileName);
        foreach (var file in files)
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            memory.ToArray().AsSpan().IndexOf(needle).ShouldBe(-1, $"the hidden value is in {file}");
        }

        Reporter.Lines.ShouldNotBeEmpty();
        Reporter.Lines.ShouldAllBe(l => !l.Contains(Canary, StringComparison.Ordinal));
        Errors.ShouldAllBe(l => !l.Contains(Canary, StringComparison.Ordinal));
    }

    public void Dispose()
    {
        try
        {
            Provider.StopAsync(Release, new StopOptions { RemoveVolumes = true, Timeout = TimeSpan.FromSeconds(2) }, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (Exception)
        {
            // Skipped test or engine gone: nothing to clean.
        }

        Store.Dispose();
        Client.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
