using Nulecule.Releases;
using Nulecule.Testing.Contracts;
using Nulecule.Tests.TestSupport;

namespace Nulecule.Tests.Releases;

/// <summary>The store contract on SQLite: every handle a new connection to one database file.</summary>
public sealed class SqliteReleaseStoreContractTests : ReleaseStoreContract
{
    private readonly TempDir _dir = new();

    protected override IReleaseStore Open() => new SqliteReleaseStore(Path.Combine(_dir.Path, SqliteReleaseStore.FileName));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _dir.Dispose();
    }
}

/// <summary>The store contract on the memory store (what action tests use): every handle the same instance.</summary>
public sealed class MemoryReleaseStoreContractTests : ReleaseStoreContract
{
    private readonly MemoryReleaseStore _store = new();

    protected override IReleaseStore Open() => new SharedHandle(_store);

    /// <summary>A handle whose Dispose leaves the shared store open.</summary>
    private sealed class SharedHandle(MemoryReleaseStore store) : IReleaseStore
    {
        public string Location => store.Location;

        public Task CreateAsync(Release release, CancellationToken cancellationToken = default) => store.CreateAsync(release, cancellationToken);

        public Task UpdateAsync(Release release, CancellationToken cancellationToken = default) => store.UpdateAsync(release, cancellationToken);

        public Task<Release?> GetAsync(string release, int revision, CancellationToken cancellationToken = default) => store.GetAsync(release, revision, cancellationToken);

        public Task<Release?> LatestAsync(string release, CancellationToken cancellationToken = default) => store.LatestAsync(release, cancellationToken);

        public Task<IReadOnlyList<Release>> HistoryAsync(string release, CancellationToken cancellationToken = default) => store.HistoryAsync(release, cancellationToken);

        public Task<IReadOnlyList<Release>> ListAsync(CancellationToken cancellationToken = default) => store.ListAsync(cancellationToken);

        public Task DeleteAsync(string release, int? revision = null, CancellationToken cancellationToken = default) => store.DeleteAsync(release, revision, cancellationToken);

        public Task<ReleaseLock?> TryLockAsync(ReleaseLock wanted, CancellationToken cancellationToken = default) => store.TryLockAsync(wanted, cancellationToken);

        public Task<bool> UnlockAsync(ReleaseLock held, CancellationToken cancellationToken = default) => store.UnlockAsync(held, cancellationToken);

        public Task<ReleaseLock?> GetLockAsync(string release, CancellationToken cancellationToken = default) => store.GetLockAsync(release, cancellationToken);
    }
}
