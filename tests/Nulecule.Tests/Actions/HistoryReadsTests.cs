using Nulecule.Actions;
using Nulecule.Releases;

namespace Nulecule.Tests.Actions;

/// <summary>
/// A locked verb reads the release's history once and keeps it current with its own writes (on
/// Kubernetes every read lists Secrets that each hold a whole record): the records it leaves are
/// those it left when it read the store before every step.
/// </summary>
public class HistoryReadsTests
{
    [Fact]
    public async Task Should_read_the_history_once_per_run_and_leave_the_same_records()
    {
        // Given
        var store = new CountingStore();
        var h = new ReleaseHarness(store);

        // When: an install, a run with nothing changed, two upgrades
        var install = await h.RunAsync(ReleaseTestApps.Make());
        var installReads = store.TakeReads();
        var unchanged = await h.RunAsync(ReleaseTestApps.Make());
        var unchangedReads = store.TakeReads();
        await h.RunAsync(ReleaseTestApps.Make(image: "nginx:1.27"));
        var upgradeReads = store.TakeReads();
        await h.RunAsync(ReleaseTestApps.Make(image: "nginx:1.28", withDb: false));

        // Then
        installReads.ShouldBe(1);
        unchanged.UpToDate.ShouldBeTrue();
        unchangedReads.ShouldBe(1);
        upgradeReads.ShouldBe(1);
        store.TakeReads().ShouldBe(1);
        install.Release!.State.ShouldBe(ReleaseState.Deployed);
        (await h.StatesAsync()).ShouldBe([(1, ReleaseState.Superseded), (2, ReleaseState.Superseded), (3, ReleaseState.Deployed)]);
        h.Provider.Objects(ReleaseHarness.Name).Keys.ShouldBe([("web", "Deployment", "web")]);
    }

    [Fact]
    public async Task Should_keep_a_failed_revision_failed_and_the_previous_one_deployed_in_what_it_knows()
    {
        // Given: revision 1 deployed, revision 2 fails, revision 3 succeeds
        var store = new CountingStore();
        var h = new ReleaseHarness(store);
        await h.RunAsync(ReleaseTestApps.Make());
        h.Provider.FailWhen = (app, _) => ReleaseTestApps.ImageOf(app) == "broken:1" ? "image broken:1 not found" : null;
        await Should.ThrowAsync<OperationFailedException>(() => h.RunAsync(ReleaseTestApps.Make(image: "broken:1")));
        store.TakeReads();

        // When: a rollback (one read too) and a run of the rolled-back values
        var back = await new RollbackAction(h.Config) { Release = ReleaseHarness.Name, Revision = 1 }.RunAsync();
        var rollbackReads = store.TakeReads();

        // Then: the revision numbers and states a fresh read of each step gave
        back.Revision.ShouldBe(3);
        rollbackReads.ShouldBe(1);
        (await h.StatesAsync()).ShouldBe([(1, ReleaseState.Superseded), (2, ReleaseState.Failed), (3, ReleaseState.Deployed)]);
    }

    /// <summary>A memory store that counts reads of records (history, latest, one revision).</summary>
    private sealed class CountingStore : IReleaseStore
    {
        private readonly MemoryReleaseStore _inner = new();
        private int _reads;

        public int TakeReads() => Interlocked.Exchange(ref _reads, 0);

        public string Location => _inner.Location;

        public Task CreateAsync(Release release, CancellationToken cancellationToken = default) => _inner.CreateAsync(release, cancellationToken);

        public Task UpdateAsync(Release release, CancellationToken cancellationToken = default) => _inner.UpdateAsync(release, cancellationToken);

        public Task<Release?> GetAsync(string release, int revision, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _reads);
            return _inner.GetAsync(release, revision, cancellationToken);
        }

        public Task<Release?> LatestAsync(string release, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _reads);
            return _inner.LatestAsync(release, cancellationToken);
        }

        public Task<IReadOnlyList<Release>> HistoryAsync(string release, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _reads);
            return _inner.HistoryAsync(release, cancellationToken);
        }

        public Task<IReadOnlyList<Release>> ListAsync(CancellationToken cancellationToken = default) => _inner.ListAsync(cancellationToken);

        public Task DeleteAsync(string release, int? revision = null, CancellationToken cancellationToken = default) => _inner.DeleteAsync(release, revision, cancellationToken);

        public Task<ReleaseLock?> TryLockAsync(ReleaseLock wanted, CancellationToken cancellationToken = default) => _inner.TryLockAsync(wanted, cancellationToken);

        public Task<bool> UnlockAsync(ReleaseLock held, CancellationToken cancellationToken = default) => _inner.UnlockAsync(held, cancellationToken);

        public Task<ReleaseLock?> GetLockAsync(string release, CancellationToken cancellationToken = default) => _inner.GetLockAsync(release, cancellationToken);
    }
}
