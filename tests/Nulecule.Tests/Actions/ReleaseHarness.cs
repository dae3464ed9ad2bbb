using Nulecule.Actions;
using Nulecule.Releases;
using Nulecule.Templating;

namespace Nulecule.Tests.Actions;

/// <summary>Says which pids are gone; every other pid counts as running.</summary>
public sealed class FakeProcessProbe : IProcessProbe
{
    public HashSet<int> Dead { get; } = [];

    public string Host => Environment.MachineName;

    public bool IsAlive(int pid, DateTimeOffset started) => !Dead.Contains(pid);
}

/// <summary>A fake engine, a memory store, an in-memory key: the actions' whole world for a test.</summary>
public sealed class ReleaseHarness
{
    public const string Name = "shop";

    public ReleaseHarness(IReleaseStore? store = null, ReleaseKey? key = null)
    {
        Store = store ?? new MemoryReleaseStore();
        Key = key ?? ReleaseKey.Ephemeral();
        Config = new ReleaseConfiguration
        {
            Provider = Provider,
            Store = Store,
            Key = Key,
            Target = "cluster-a/shop",
            Reporter = Reporter,
            Processes = Probe,
        };
    }

    public RecordingFakeProvider Provider { get; } = new();

    public IReleaseStore Store { get; }

    public ReleaseKey Key { get; }

    public RecordingReporter Reporter { get; } = new();

    public FakeProcessProbe Probe { get; } = new();

    public ReleaseConfiguration Config { get; }

    public Task<InstallOrUpgradeResult> RunAsync(RenderedApp app, bool atomic = false, bool forceUnlock = false) =>
        new InstallOrUpgradeAction(Config) { Release = Name, Atomic = atomic, ForceUnlock = forceUnlock }.RunAsync(app);

    public async Task<IReadOnlyList<(int Revision, ReleaseState State)>> StatesAsync() =>
        (await Store.HistoryAsync(Name)).Select(r => (r.Revision, r.State)).ToList();

    /// <summary>Leaves the lock as a killed process would: held by a pid that is gone.</summary>
    public async Task<ReleaseLock> AbandonLockAsync(int deadPid = 999_991)
    {
        Probe.Dead.Add(deadPid);
        var stale = new ReleaseLock(Name, deadPid, Environment.MachineName, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(-4), "run");
        (await Store.TryLockAsync(stale)).ShouldBeNull();
        return stale;
    }
}
