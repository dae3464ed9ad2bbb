namespace Nulecule.Releases;

/// <summary>
/// The release history, Helm-driver style: records keyed by release name and revision, plus one
/// lock per release. Drivers: <see cref="MemoryReleaseStore"/> (tests), <see cref="SqliteReleaseStore"/>
/// (the default), a Kubernetes-Secrets driver later. A driver stores each record as
/// <see cref="ReleaseJson.Serialize(Release)"/> plus the indexed fields name, revision, state.
/// </summary>
public interface IReleaseStore
{
    /// <summary>Where the records live, for messages (`/home/u/.local/state/nulecule/releases.db`, `memory`).</summary>
    string Location { get; }

    /// <summary>Adds a new revision; fails if that revision of that release exists.</summary>
    Task CreateAsync(Release release, CancellationToken cancellationToken = default);

    /// <summary>Replaces an existing revision (state, objects, description, updated time).</summary>
    Task UpdateAsync(Release release, CancellationToken cancellationToken = default);

    Task<Release?> GetAsync(string release, int revision, CancellationToken cancellationToken = default);

    /// <summary>The highest revision of a release, whatever its state.</summary>
    Task<Release?> LatestAsync(string release, CancellationToken cancellationToken = default);

    /// <summary>Every revision of a release, oldest first.</summary>
    Task<IReadOnlyList<Release>> HistoryAsync(string release, CancellationToken cancellationToken = default);

    /// <summary>The latest revision of every release, by name.</summary>
    Task<IReadOnlyList<Release>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes one revision, or every revision when <paramref name="revision"/> is null.</summary>
    Task DeleteAsync(string release, int? revision = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes the lock of <paramref name="wanted"/>.Release atomically. Returns null when taken,
    /// else the lock that holds it (untouched).
    /// </summary>
    Task<ReleaseLock?> TryLockAsync(ReleaseLock wanted, CancellationToken cancellationToken = default);

    /// <summary>Releases a lock if <paramref name="held"/> still owns it; returns whether it did.</summary>
    Task<bool> UnlockAsync(ReleaseLock held, CancellationToken cancellationToken = default);

    /// <summary>The current holder of a release's lock, or null.</summary>
    Task<ReleaseLock?> GetLockAsync(string release, CancellationToken cancellationToken = default);
}

public static class ReleaseStoreExtensions
{
    /// <summary>Removes whatever lock a release has (`--force-unlock`); returns the lock removed, if any.</summary>
    public static async Task<ReleaseLock?> ForceUnlockAsync(this IReleaseStore store, string release, CancellationToken cancellationToken = default)
    {
        var holder = await store.GetLockAsync(release, cancellationToken).ConfigureAwait(false);
        if (holder is not null)
        {
            await store.UnlockAsync(holder, cancellationToken).ConfigureAwait(false);
        }

        return holder;
    }
}
