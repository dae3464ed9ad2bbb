using Docker.DotNet;
using Docker.DotNet.Models;
using Nulecule.Actions;
using Nulecule.Docker.Endpoints;
using Nulecule.Docker.Swarm;
using Nulecule.Providers;
using Nulecule.Releases;
using Nulecule.Templating;

namespace Nulecule.Docker.Tests.Swarm;

/// <summary>
/// One release on the real single-node swarm, driven through the release actions: the swarm
/// provider, a SQLite store and a key in a temporary state directory, a recording reporter, the
/// app in a temporary directory. Dispose stops the release (volumes too) and removes the directories.
/// </summary>
internal sealed class SwarmReleaseHarness : IDisposable
{
    public const string Target = "unix:///var/run/docker.sock";

    public static ProviderRegistry Registry { get; } = [SwarmEngine.Swarm];

    public SwarmReleaseHarness(Func<string, string> writeApp)
    {
        Root = Path.Combine(Path.GetTempPath(), "nulecule-swarm-" + Guid.NewGuid().ToString("N")[..10]);
        StateDir = Path.Combine(Root, "state");
        AppDir = writeApp(Path.Combine(Root, "app"));
        Client = DockerConnector.CreateClient(new DockerEndpointResolver().Resolve());
        Provider = new SwarmProvider(Client, Target) { PollInterval = TimeSpan.FromMilliseconds(200), SettleTime = TimeSpan.FromMilliseconds(500) };
        Store = new SqliteReleaseStore(Path.Combine(StateDir, SqliteReleaseStore.FileName));
        Key = ReleaseKey.LoadOrCreate(StateDir);
        Config = new ReleaseConfiguration { Provider = Provider, Store = Store, Key = Key, Target = Target, Reporter = Reporter };
    }

    public string Release { get; } = "sw-" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>The hidden value; it must never show up in stored state, output or errors.</summary>
    public string Canary { get; } = "canary-" + Guid.NewGuid().ToString("N");

    public string Root { get; }

    public string StateDir { get; }

    public string AppDir { get; }

    public DockerClient Client { get; }

    public SwarmProvider Provider { get; }

    public SqliteReleaseStore Store { get; }

    public ReleaseKey Key { get; }

    public RecordingReporter Reporter { get; } = new();

    public ReleaseConfiguration Config { get; }

    public List<string> Errors { get; } = [];

    public string Service(string logical) => SwarmPlanner.ScopedName(Release, logical);

    public async Task<RenderedApp> RenderAsync(params string[] sets) =>
        (await RenderAction.RunAsync(new RenderOptions { AppPath = AppDir, Provider = "swarm", Providers = Registry, Sets = [$"token={Canary}", .. sets] })).App;

    public async Task<InstallOrUpgradeResult> RunAsync(params string[] sets) =>
        await new InstallOrUpgradeAction(Config) { Release = Release, Wait = true, Timeout = TimeSpan.FromSeconds(90) }.RunAsync(await RenderAsync(sets));

    public Task<T> FailsAsync<T>(Func<Task> action)
        where T : Exception => ReleaseTestSupport.FailsAsync<T>(action, Errors);

    public async Task<IReadOnlyList<(int Revision, ReleaseState State)>> StatesAsync() =>
        (await Store.HistoryAsync(Release)).Select(r => (r.Revision, r.State)).ToList();

    /// <summary>Everything on the engine that carries the release's stack namespace label.</summary>
    public async Task<IReadOnlyList<string>> LeftoversAsync(bool volumes = true)
    {
        var filter = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{SwarmPlanner.StackNamespace}={Release}"] = true } };
        var left = new List<string>();
        left.AddRange((await Client.Swarm.ListServicesAsync(new ServiceListParameters { Filters = filter })).Select(s => "service " + s.Spec?.Name));
        left.AddRange((await Client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filter })).Select(n => "network " + n.Name));
        left.AddRange((await Client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filter })).Select(c => "container " + c.Names[0]));
        left.AddRange((await Client.Secrets.ListAsync()).Where(s => s.Spec.Name?.StartsWith(Release + "_", StringComparison.Ordinal) == true).Select(s => "secret " + s.Spec.Name));
        left.AddRange((await Client.Configs.ListConfigsAsync()).Where(c => c.Spec.Name?.StartsWith(Release + "_", StringComparison.Ordinal) == true).Select(c => "config " + c.Spec.Name));
        if (volumes)
        {
            left.AddRange(((await Client.Volumes.ListAsync(new VolumesListParameters { Filters = filter })).Volumes ?? []).Select(v => "volume " + v.Name));
        }

        return left;
    }

    /// <summary>The hidden value is in no file of the state directory, no line of output and no error.</summary>
    public void ShouldNotLeakTheCanary()
    {
        var needle = System.Text.Encoding.UTF8.GetBytes(Canary);
        foreach (var file in Directory.GetFiles(StateDir, "*", SearchOption.AllDirectories))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            memory.ToArray().AsSpan().IndexOf(needle).ShouldBe(-1, $"the hidden value is in {file}");
        }

        Reporter.Lines.ShouldAllBe(l => !l.Contains(Canary, StringComparison.Ordinal));
        Errors.ShouldAllBe(l => !l.Contains(Canary, StringComparison.Ordinal));
    }

    public void Dispose()
    {
        try
        {
            Provider.StopAsync(Release, new StopOptions { RemoveVolumes = true, Timeout = TimeSpan.FromSeconds(20) }, CancellationToken.None).GetAwaiter().GetResult();
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
