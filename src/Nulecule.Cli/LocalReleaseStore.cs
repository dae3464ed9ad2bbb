using Nulecule.Releases;

namespace Nulecule.Cli;

/// <summary>
/// The local release history (SQLite), opened on its first use rather than when the command
/// starts: a Kubernetes `run` keeps its release in the cluster and never asks it anything, and
/// opening it (loading SQLite, WAL mode, the schema check) costs several milliseconds. A verb that
/// uses it opens it at its first call, before it reads or locks anything, so what it does and
/// records is unchanged; an error opening it comes from that call. A read while there is no
/// database file finds nothing, and creates none: `status` of a Kubernetes release looks here
/// first (a local record of that name wins), and where no release was ever kept locally that look
/// costs nothing. Writes and locks open (and create) it as before; an existing file is opened
/// without writing to it (<see cref="SqliteReleaseStore"/>).
/// </summary>
internal sealed class LocalReleaseStore(string path, Func<string, SqliteReleaseStore> open) : IReleaseStore, IDisposable
{
    // ExecutionAndPublication: opened once even when parallel work asks at the same time; an error
    // opening it is kept and thrown again to every later caller.
    private readonly Lazy<SqliteReleaseStore> _store = new(() => open(path), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The database file, known without opening it (as <see cref="SqliteReleaseStore.Location"/> gives it).</summary>
    public string Location { get; } = Path.GetFullPath(path);

    /// <summary>Whether a call has opened the database (for tests).</summary>
    internal bool IsOpen => _store.IsValueCreated;

    private SqliteReleaseStore Store => _store.Value;

    /// <summary>
    /// The store to read from, or null when there is nothing to read: no database file, and none
    /// opened by an earlier call. A file that appears later (another process's first write) is
    /// read from the next call on.
    /// </summary>
    private SqliteReleaseStore? Reading => _store.IsValueCreated || File.Exists(Location) ? _store.Value : null;

    public Task CreateAsync(Release release, CancellationToken cancellationToken = default) => Store.CreateAsync(release, cancellationToken);

    public Task UpdateAsync(Release release, CancellationToken cancellationToken = default) => Store.UpdateAsync(release, cancellationToken);

    public Task<Release?> GetAsync(string release, int revision, CancellationToken cancellationToken = default) =>
        Reading is { } store ? store.GetAsync(release, revision, cancellationToken) : Task.FromResult<Release?>(null);

    public Task<Release?> LatestAsync(string release, CancellationToken cancellationToken = default) =>
        Reading is { } store ? store.LatestAsync(release, cancellationToken) : Task.FromResult<Release?>(null);

    public Task<IReadOnlyList<Release>> HistoryAsync(string release, CancellationToken cancellationToken = default) =>
        Reading is { } store ? store.HistoryAsync(release, cancellationToken) : Task.FromResult<IReadOnlyList<Release>>([]);

    public Task<IReadOnlyList<Release>> ListAsync(CancellationToken cancellationToken = default) =>
        Reading is { } store ? store.ListAsync(cancellationToken) : Task.FromResult<IReadOnlyList<Release>>([]);

    public Task DeleteAsync(string release, int? revision = null, CancellationToken cancellationToken = default) => Store.DeleteAsync(release, revision, cancellationToken);

    public Task<ReleaseLock?> TryLockAsync(ReleaseLock wanted, CancellationToken cancellationToken = default) => Store.TryLockAsync(wanted, cancellationToken);

    public Task<bool> UnlockAsync(ReleaseLock held, CancellationToken cancellationToken = default) => Store.UnlockAsync(held, cancellationToken);

    public Task<ReleaseLock?> GetLockAsync(string release, CancellationToken cancellationToken = default) =>
        Reading is { } store ? store.GetLockAsync(release, cancellationToken) : Task.FromResult<ReleaseLock?>(null);

    public void Dispose()
    {
        if (_store.IsValueCreated)
        {
            _store.Value.Dispose();
        }
    }
}
