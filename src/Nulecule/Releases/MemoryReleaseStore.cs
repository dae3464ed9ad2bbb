namespace Nulecule.Releases;

/// <summary>Keeps records in memory, as their JSON (so tests exercise serialization); locks are in-process.</summary>
public sealed class MemoryReleaseStore : IReleaseStore
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<(string Name, int Revision), string> _records = new(Comparer<(string, int)>.Create((a, b) =>
    {
        var byName = string.CompareOrdinal(a.Item1, b.Item1);
        return byName != 0 ? byName : a.Item2.CompareTo(b.Item2);
    }));

    private readonly Dictionary<string, ReleaseLock> _locks = new(StringComparer.Ordinal);

    public string Location => "memory";

    /// <summary>Every stored blob, for tests that look for secrets in stored state.</summary>
    public IReadOnlyList<string> RawRecords
    {
        get
        {
            lock (_gate)
            {
                return _records.Values.ToList();
            }
        }
    }

    public Task CreateAsync(Release release, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_records.TryAdd((release.Name, release.Revision), ReleaseJson.Serialize(release)))
            {
                throw new OperationFailedException($"release '{release.Name}' already has a revision {release.Revision} in {Location}");
            }
        }

        return Task.CompletedTask;
    }

    public Task UpdateAsync(Release release, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_records.ContainsKey((release.Name, release.Revision)))
            {
                throw new OperationFailedException($"release '{release.Name}' has no revision {release.Revision} to update in {Location}");
            }

            _records[(release.Name, release.Revision)] = ReleaseJson.Serialize(release);
        }

        return Task.CompletedTask;
    }

    public Task<Release?> GetAsync(string release, int revision, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_records.TryGetValue((release, revision), out var json) ? ReleaseJson.DeserializeRelease(json) : null);
        }
    }

    public async Task<Release?> LatestAsync(string release, CancellationToken cancellationToken = default) =>
        (await HistoryAsync(release, cancellationToken).ConfigureAwait(false)).LastOrDefault();

    public Task<IReadOnlyList<Release>> HistoryAsync(string release, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<Release> history = _records.Where(kv => kv.Key.Name == release).Select(kv => ReleaseJson.DeserializeRelease(kv.Value)).ToList();
            return Task.FromResult(history);
        }
    }

    public Task<IReadOnlyList<Release>> ListAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<Release> latest = _records.GroupBy(kv => kv.Key.Name, StringComparer.Ordinal)
                .Select(g => ReleaseJson.DeserializeRelease(g.Last().Value)).ToList();
            return Task.FromResult(latest);
        }
    }

    public Task DeleteAsync(string release, int? revision = null, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            foreach (var key in _records.Keys.Where(k => k.Name == release && (revision is null || k.Revision == revision)).ToList())
            {
                _records.Remove(key);
            }
        }

        return Task.CompletedTask;
    }

    public Task<ReleaseLock?> TryLockAsync(ReleaseLock wanted, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_locks.TryGetValue(wanted.Release, out var holder))
            {
                return Task.FromResult<ReleaseLock?>(holder);
            }

            _locks[wanted.Release] = wanted;
            return Task.FromResult<ReleaseLock?>(null);
        }
    }

    public Task<bool> UnlockAsync(ReleaseLock held, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_locks.TryGetValue(held.Release, out var holder) && holder.SameOwner(held))
            {
                _locks.Remove(held.Release);
                return Task.FromResult(true);
            }

            return Task.FromResult(false);
        }
    }

    public Task<ReleaseLock?> GetLockAsync(string release, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_locks.GetValueOrDefault(release));
        }
    }
}
