using System.Text.Json.Nodes;
using Nulecule.Actions;
using Nulecule.Kubernetes.Releases;
using Nulecule.Kubernetes.Tests.Support;
using Nulecule.Releases;
using Nulecule.Templating;

namespace Nulecule.Kubernetes.Tests.Releases;

/// <summary>
/// One release on the real cluster, in a namespace of its own, driven through the release actions
/// with the Kubernetes provider, the Secrets store and a key in a temporary state directory.
/// Dispose deletes the namespace (objects, records and locks with it) and the directories.
/// </summary>
internal sealed class KubeReleaseHarness : IAsyncDisposable
{
    private KubeReleaseHarness(TestNamespace ns, Func<string, string>? writeApp)
    {
        Ns = ns;
        Root = Path.Combine(Path.GetTempPath(), "nulecule-krel-" + Guid.NewGuid().ToString("N")[..10]);
        AppDir = (writeApp ?? (d => KubeReleaseApp.Write(d)))(Path.Combine(Root, "app"));
        Provider = new KubernetesProvider(Cluster.Settings(ns.Name));
        Store = new KubernetesSecretReleaseStore(Provider.Connection);
        Key = ReleaseKey.LoadOrCreate(Path.Combine(Root, "state"));
        Config = new ReleaseConfiguration { Provider = Provider, Store = Store, Key = Key, Target = Provider.Connection.Target, Reporter = Reporter };
    }

    public TestNamespace Ns { get; }

    public string Release { get; } = "rel-" + Guid.NewGuid().ToString("N")[..10];

    public string Canary { get; } = "canary-" + Guid.NewGuid().ToString("N");

    public string Root { get; }

    public string AppDir { get; }

    public KubernetesProvider Provider { get; }

    public KubernetesSecretReleaseStore Store { get; }

    public ReleaseKey Key { get; }

    public RecordingReporter Reporter { get; } = new();

    public ReleaseConfiguration Config { get; }

    public List<string> Errors { get; } = [];

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <param name="writeApp">Writes the app into the directory it is given; <see cref="KubeReleaseApp"/> by default.</param>
    public static async Task<KubeReleaseHarness> CreateAsync(Func<string, string>? writeApp = null)
    {
        var ns = new TestNamespace();
        await ns.InitializeAsync();
        return new KubeReleaseHarness(ns, writeApp);
    }

    /// <summary>Another release of the same app in the same namespace, sharing this one's key.</summary>
    public InstallOrUpgradeAction RunOther(string release) => new(Config) { Release = release, Wait = true, Timeout = Timeout };

    public async Task<RenderedApp> RenderAsync(string[] sets, string? appDir = null) =>
        (await RenderAction.RunAsync(new RenderOptions { AppPath = appDir ?? AppDir, Provider = "kubernetes", Sets = [$"token={Canary}", .. sets] })).App;

    public InstallOrUpgradeAction Run(bool atomic = false) => new(Config) { Release = Release, Wait = true, Atomic = atomic, Timeout = Timeout };

    public async Task<InstallOrUpgradeResult> RunAsync(params string[] sets) => await Run().RunAsync(await RenderAsync(sets));

    public RollbackAction Rollback(int? revision = null) => new(Config) { Release = Release, Revision = revision, Wait = true, Timeout = Timeout };

    public Task<T> FailsAsync<T>(Func<Task> action)
        where T : Exception => ReleaseTestSupport.FailsAsync<T>(action, Errors);

    public async Task<IReadOnlyList<(int Revision, ReleaseState State)>> StatesAsync() =>
        (await Store.HistoryAsync(Release)).Select(r => (r.Revision, r.State)).ToList();

    public Task<JsonObject?> DeploymentAsync(string name) => Ns.GetAsync($"/apis/apps/v1/namespaces/{Ns.Name}/deployments/{name}");

    public async Task<string?> EnvAsync(string deployment, string name)
    {
        var env = (await DeploymentAsync(deployment))?["spec"]?["template"]?["spec"]?["containers"]?[0]?["env"] as JsonArray ?? [];
        return env.OfType<JsonObject>().Where(e => (string?)e["name"] == name).Select(e => (string?)e["value"]).FirstOrDefault();
    }

    /// <summary>The running pods of a Deployment (by its `app` label), names sorted.</summary>
    public async Task<List<string>> PodsAsync(string app) =>
        (await Ns.ListAsync($"/api/v1/namespaces/{Ns.Name}/pods?labelSelector=app%3D{app}"))
            .Where(p => p["metadata"]?["deletionTimestamp"] is null)
            .Select(p => (string)p["metadata"]!["name"]!).Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Until every object and pod of the release is ready and no pod is terminating (a rollout settled),
    /// for up to two minutes: a pod of a failed ReplicaSet can take most of a minute to go on a testbed
    /// whose garbage collector is busy with other tests' deletions (a CI rehearsal timed out at one minute).
    /// </summary>
    public async Task SettleAsync()
    {
        for (var i = 0; i < 240; i++)
        {
            var status = await Provider.StatusAsync(Release, CancellationToken.None);
            var terminating = (await Ns.ListAsync($"/api/v1/namespaces/{Ns.Name}/pods")).Any(p => p["metadata"]?["deletionTimestamp"] is not null);
            if (!terminating && status.Components.SelectMany(c => c.Objects).All(o => o.Ready))
            {
                return;
            }

            await Task.Delay(500);
        }

        throw new TimeoutException($"release {Release} did not settle");
    }

    public async Task<ReleaseLock> AbandonLockAsync()
    {
        var stale = await ReleaseTestSupport.StaleLockAsync(Release);
        using var other = KubernetesSecretReleaseStore.Open(Cluster.Settings(Ns.Name));
        (await other.TryLockAsync(stale)).ShouldBeNull();
        return stale;
    }

    public async Task<Release> WritePendingAsync(RenderedApp app, int revision)
    {
        var pending = Nulecule.Releases.Release.Pending(app, Release, revision, Config.Target, DateTimeOffset.UtcNow, "Upgrade", Key);
        await Store.CreateAsync(pending);
        return pending;
    }

    public async ValueTask DisposeAsync()
    {
        await Ns.DisposeAsync();
        Provider.Connection.Dispose();
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
