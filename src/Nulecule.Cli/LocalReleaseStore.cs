using Nulecule.Releases;

namespace Nulecule.Cli;

/// <summary>
/// The local release history (SQLite), opened on its first use rather than when the command
/// starts: a Kubernetes `run` keeps its release in the cluster and never asks it anything, and
/// opening it (loading SQLite, WAL mode, the schema check) costs several milliseconds. A verb that
/// uses it opens it at its first call, before it reads or locks anything, so what it does and
/// records is unchanged; an error opening it comes from that call.
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

    public Task CreateAsync(Release release, CancellationToken cancellationToken = default) => Store.CreateAsync(release, cancellationToken);

    public Task UpdateAsync(Release release, CancellationToken cancellationToken = default) => Store.UpdateAsync(release, cancellationToken);

    public Task<Release?> GetAsync(string release, int revision, CancellationToken cancellationToken = default) => Store.GetAsync(release, revision, cancellationToken);

    public Task<Release?> LatestAsync(string release, CancellationToken cancellationToken = default) => Store.LatestAsync(release, cancellationToken);

    public Task<IReadOnlyList<Release>> HistoryAsync(string release, CancellationToken cancellationToken = default) => Store.HistoryAsync(release, cancellationToken);

    public Task<IReadOnlyList<Release>> ListAsync(CancellationToken cancellationToken = default) => Store.ListAsync(cancellationToken);

    public Task DeleteAsync(string release, int? revision = null, CancellationToken cancellationToken = default) => Store.DeleteAsync(release, revision, cancellationToken);

    public Task<ReleaseLock?> TryLockAsync(ReleaseLock wanted, CancellationToken cancellationToken = default) => Store.TryLockAsync(wanted, cancellationToken);

    public Task<bool> UnlockAsync(ReleaseLock held, CancellationToken cancellationToken = default) => Store.UnlockAsync(held, cancellationToken);

    public Task<ReleaseLock?> GetLockAsync(string release, CancellationToken cancellationToken = default) => Store.GetLockAsync(release, cancellationToken);

    public void Dispose()
    {
        if (_store.IsValueCreated)
        {
            _store.Value.Dispose();
        }
    }
}
