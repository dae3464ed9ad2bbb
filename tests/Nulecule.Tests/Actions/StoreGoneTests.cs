using Nulecule.Actions;
using Nulecule.Providers;
using Nulecule.Releases;

namespace Nulecule.Tests.Actions;

/// <summary>
/// The engine that failed also holds the release history (Kubernetes keeps it in Secrets): the
/// bookkeeping after the failure cannot reach it either, and must not hide the engine's error.
/// </summary>
public class StoreGoneTests
{
    [Fact]
    public async Task Should_report_the_engine_error_when_neither_the_failed_revision_nor_the_unlock_can_be_recorded()
    {
        // Given: the engine fails, and from then on the store does not answer either
        var store = new GoneStore();
        var h = new ReleaseHarness(store);
        h.Provider.FailWhen = (_, _) =>
        {
            store.Gone = true;
            return "component web: waiting for Deployment ns/web to be ready: the Kubernetes API server at https://api:6443 did not answer";
        };

        // When
        var error = await Should.ThrowAsync<OperationFailedException>(() => h.RunAsync(ReleaseTestApps.Make()));

        // Then: the engine's error, and warnings saying what was not recorded
        error.Message.ShouldBe("install of release 'shop' (revision 1) failed: component web: waiting for Deployment ns/web to be ready: the Kubernetes API server at https://api:6443 did not answer");
        h.Reporter.Lines.ShouldContain("warn: could not record revision 1 of release 'shop' as failed: the store did not answer (it stays pending; the next command recovers it)");
        h.Reporter.Lines.ShouldContain("warn: could not release the lock of release 'shop': the store did not answer (the next command takes it over)");
        store.Gone = false;
        (await h.StatesAsync()).ShouldBe([(1, ReleaseState.Pending)]);
    }

    /// <summary>A memory store that stops answering when told.</summary>
    private sealed class GoneStore : IReleaseStore
    {
        private readonly MemoryReleaseStore _store = new();

        public bool Gone { get; set; }

        public string Location => _store.Location;

        public Task CreateAsync(Release release, CancellationToken cancellationToken = default) => Check(() => _store.CreateAsync(release, cancellationToken));

        public Task UpdateAsync(Release release, CancellationToken cancellationToken = default) => Check(() => _store.UpdateAsync(release, cancellationToken));

        public Task<Release?> GetAsync(string release, int revision, CancellationToken cancellationToken = default) => Check(() => _store.GetAsync(release, revision, cancellationToken));

        public Task<Release?> LatestAsync(string release, CancellationToken cancellationToken = default) => Check(() => _store.LatestAsync(release, cancellationToken));

        public Task<IReadOnlyList<Release>> HistoryAsync(string release, CancellationToken cancellationToken = default) => Check(() => _store.HistoryAsync(release, cancellationToken));

        public Task<IReadOnlyList<Release>> ListAsync(CancellationToken cancellationToken = default) => Check(() => _store.ListAsync(cancellationToken));

        public Task DeleteAsync(string release, int? revision = null, CancellationToken cancellationToken = default) => Check(() => _store.DeleteAsync(release, revision, cancellationToken));

        public Task<ReleaseLock?> TryLockAsync(ReleaseLock wanted, CancellationToken cancellationToken = default) => Check(() => _store.TryLockAsync(wanted, cancellationToken));

        public Task<bool> UnlockAsync(ReleaseLock held, CancellationToken cancellationToken = default) => Check(() => _store.UnlockAsync(held, cancellationToken));

        public Task<ReleaseLock?> GetLockAsync(string release, CancellationToken cancellationToken = default) => Check(() => _store.GetLockAsync(release, cancellationToken));

        private Task<T> Check<T>(Func<Task<T>> call) => Gone ? Task.FromException<T>(new OperationFailedException("the store did not answer")) : call();

        private Task Check(Func<Task> call) => Gone ? Task.FromException(new OperationFailedException("the store did not answer")) : call();
    }
}
