using Nulecule.Providers;
using Nulecule.Releases;
using Nulecule.Templating;

namespace Nulecule.Actions.Internal;

/// <summary>How a deployment of one revision ended.</summary>
internal sealed record DeployAttempt(Release Record, DeployResult? Result, Exception? Error)
{
    public bool Succeeded => Error is null;
}

/// <summary>
/// One locked operation on one release: takes the lock (taking over a lock whose process is gone),
/// recovers a revision left pending by a killed command, and deploys revisions with the
/// pending -> deployed/failed bookkeeping every verb shares.
/// </summary>
internal sealed class ReleaseOperation : IAsyncDisposable
{
    private readonly ReleaseConfiguration _config;
    private readonly ReleaseLock _lock;

    /// <summary>The release's records, oldest first, once read; kept current by this operation's own writes.</summary>
    private List<Release>? _history;

    private ReleaseOperation(ReleaseConfiguration config, string release, ReleaseLock held)
    {
        _config = config;
        Release = release;
        _lock = held;
    }

    public string Release { get; }

    private IReporter Reporter => _config.Reporter;

    public static async Task<ReleaseOperation> BeginAsync(ReleaseConfiguration config, string release, string operation, bool forceUnlock, CancellationToken cancellationToken)
    {
        ReleaseNames.Check(release);
        var store = config.Store;
        if (forceUnlock)
        {
            var removed = await store.ForceUnlockAsync(release, cancellationToken);
            if (removed is not null)
            {
                config.Reporter.Warn($"removed the lock of release '{release}' held by {removed.Describe()}");
            }
        }

        var wanted = ReleaseLock.ForCurrentProcess(release, operation, config.Clock.GetUtcNow());
        var holder = await store.TryLockAsync(wanted, cancellationToken);
        if (holder is not null && holder.Host == config.Processes.Host && !config.Processes.IsAlive(holder.Pid, holder.ProcessStarted))
        {
            config.Reporter.Warn($"release '{release}' was locked by {holder.Describe()}, a process that is no longer running; taking the lock over");
            await store.UnlockAsync(holder, cancellationToken);
            holder = await store.TryLockAsync(wanted, cancellationToken);
        }

        if (holder is not null)
        {
            throw new OperationFailedException(
                $"release '{release}' is locked by pid {holder.Pid} on {holder.Host} since {holder.Since.ToUniversalTime():yyyy-MM-dd HH:mm:ss}Z ({holder.Operation}); "
                + "if that process is gone, rerun with --force-unlock");
        }

        return new ReleaseOperation(config, release, wanted);
    }

    public async ValueTask DisposeAsync()
    {
        // The operation may have been cancelled; the lock must go regardless. When the store does
        // not answer (the API server holding it went away), the error being reported must not be
        // replaced by this one: the next command takes over a lock whose process is gone.
        try
        {
            await _config.Store.UnlockAsync(_lock, CancellationToken.None);
        }
        catch (OperationFailedException ex)
        {
            Reporter.Warn($"could not release the lock of release '{Release}': {ex.Message} (the next command takes it over)");
        }
    }

    /// <summary>
    /// Every revision of the release, oldest first: read from the store once, then kept as this
    /// operation writes. Nobody else writes while it holds the lock (whoever writes a release's
    /// records holds its lock), so reading again would only return what it already knows; on
    /// Kubernetes each read is a list of Secrets that each hold a whole record.
    /// </summary>
    public async Task<IReadOnlyList<Release>> HistoryAsync(CancellationToken cancellationToken)
    {
        _history ??= (await _config.Store.HistoryAsync(Release, cancellationToken)).ToList();
        return _history.ToList();
    }

    /// <summary>What was just written, in place of the revision's earlier record in the kept history.</summary>
    private void Wrote(Release record)
    {
        if (_history is null)
        {
            return;
        }

        var at = _history.FindIndex(r => r.Revision == record.Revision);
        if (at >= 0)
        {
            _history[at] = record;
        }
        else
        {
            _history.Add(record);
            _history.Sort((a, b) => a.Revision.CompareTo(b.Revision));
        }
    }

    /// <summary>
    /// A pending revision seen under our lock was left by a command that died (whoever writes a
    /// pending record holds the lock). Go forward when that revision reached the engine and all of
    /// the release is running (a converge finishes it), else back to the last deployed revision.
    /// </summary>
    public async Task RecoverAsync(DeploySettings settings, CancellationToken cancellationToken)
    {
        var pending = (await HistoryAsync(cancellationToken)).LastOrDefault();
        if (pending is null || pending.State != ReleaseState.Pending)
        {
            return;
        }

        Reporter.Warn($"release '{Release}' revision {pending.Revision} was left pending by an interrupted command ({pending.Description}); checking the engine");
        var manifest = _config.Key.Open(pending);
        var app = manifest.ToRenderedApp();
        if (await ReachedEngineAsync(manifest, pending.Revision, cancellationToken))
        {
            Reporter.Info($"revision {pending.Revision} reached the engine and everything is running: finishing it");
            try
            {
                var result = await _config.Provider.RunAsync(app, RunOptionsFor(pending.Revision, settings), cancellationToken);
                await MarkDeployedAsync(pending, result, $"{pending.Description}; finished after an interruption", cancellationToken);
                Reporter.Info($"release '{Release}' revision {pending.Revision} is deployed");
                return;
            }
            catch (Exception ex) when (ex is OperationFailedException or NuleculeException)
            {
                Reporter.Warn($"finishing revision {pending.Revision} failed: {app.Values.Masker.Mask(ex.Message)}; rolling back instead");
            }
        }

        var history = await HistoryAsync(cancellationToken);
        var lastDeployed = history.LastOrDefault(r => r.State == ReleaseState.Deployed);
        if (lastDeployed is null)
        {
            Reporter.Info($"revision {pending.Revision} was the first: removing what it created");
            await _config.Provider.StopAsync(Release, new StopOptions { Timeout = settings.Timeout, Parallel = settings.Parallel, Reporter = Reporter }, cancellationToken);
            await UpdateAsync(pending with { State = ReleaseState.Failed, Description = $"{pending.Description}; interrupted, its objects removed" }, cancellationToken);
            return;
        }

        await UpdateAsync(pending with { State = ReleaseState.Failed, Description = $"{pending.Description}; interrupted, rolled back to {lastDeployed.Revision}" }, cancellationToken);
        Reporter.Info($"rolling back to revision {lastDeployed.Revision}");
        var attempt = await DeployAsync(_config.Key.Open(lastDeployed).ToRenderedApp(), $"Rollback to {lastDeployed.Revision} (recovery of interrupted revision {pending.Revision})", settings, cancellationToken);
        if (!attempt.Succeeded)
        {
            throw new OperationFailedException(
                $"release '{Release}': recovering interrupted revision {pending.Revision} failed: rollback to revision {lastDeployed.Revision} failed: {attempt.Record.Description}",
                attempt.Error);
        }

        Reporter.Info($"release '{Release}' is back at revision {lastDeployed.Revision}'s manifest (recorded as revision {attempt.Record.Revision})");
    }

    /// <summary>
    /// Records a pending revision, runs the provider, then records deployed (superseding the
    /// previous one) or failed. Engine failures are returned, not thrown, so `--atomic` can react.
    /// </summary>
    public async Task<DeployAttempt> DeployAsync(RenderedApp app, string description, DeploySettings settings, CancellationToken cancellationToken)
    {
        var history = await HistoryAsync(cancellationToken);
        var revision = (history.LastOrDefault()?.Revision ?? 0) + 1;
        var now = _config.Clock.GetUtcNow();
        var masker = app.Values.Masker;
        var pending = Nulecule.Releases.Release.Pending(app, Release, revision, _config.Target, now, description, _config.Key);

        // Written before the engine is touched: if we die from here on, the next command finds it.
        await _config.Store.CreateAsync(pending, cancellationToken);
        Wrote(pending);
        DeployResult result;
        try
        {
            // The history as it was before this pending record: which kinds the prune must look at.
            result = await _config.Provider.RunAsync(app, RunOptionsFor(revision, settings) with
            {
                RecordedKinds = RecordedKinds.Before(history),
                Scaled = history.LastOrDefault(r => r.State == ReleaseState.Deployed)?.Scaled,
            }, cancellationToken);
        }
        catch (Exception ex) when (ex is OperationFailedException or NuleculeException or OperationCanceledException or TimeoutException or IOException or HttpRequestException)
        {
            var reason = ex is OperationCanceledException ? "cancelled" : masker.Mask(ex.Message);
            var failed = pending with
            {
                State = ReleaseState.Failed,
                Updated = _config.Clock.GetUtcNow(),
                Description = masker.Mask($"{description} failed: {reason}"),
            };
            try
            {
                await _config.Store.UpdateAsync(failed, CancellationToken.None);
                Wrote(failed);
            }
            catch (OperationFailedException store)
            {
                // The engine's error is the one to report; the revision stays pending, and the next command recovers it.
                Reporter.Warn($"could not record revision {revision} of release '{Release}' as failed: {store.Message} (it stays pending; the next command recovers it)");
            }

            return new DeployAttempt(failed, null, ex);
        }

        var deployed = await MarkDeployedAsync(pending, result, masker.Mask(description) + " complete", cancellationToken);
        return new DeployAttempt(deployed, result, null);
    }

    public RunOptions RunOptionsFor(int revision, DeploySettings settings) => new()
    {
        Release = Release,
        Revision = revision,
        Wait = settings.Wait,
        Timeout = settings.Timeout,
        KeepFailed = settings.KeepFailed,
        TakeOwnership = settings.TakeOwnership,
        Parallel = settings.Parallel,
        Reporter = Reporter,
        Digest = _config.Key.Digests,
    };

    public async Task UpdateAsync(Release record, CancellationToken cancellationToken)
    {
        var updated = record with { Updated = _config.Clock.GetUtcNow() };
        await _config.Store.UpdateAsync(updated, cancellationToken);
        Wrote(updated);
    }

    private async Task<Release> MarkDeployedAsync(Release pending, DeployResult result, string description, CancellationToken cancellationToken)
    {
        var deployed = pending with
        {
            State = ReleaseState.Deployed,
            Updated = _config.Clock.GetUtcNow(),
            Objects = result.Objects,
            Scaled = result.Scaled.Count == 0 ? null : result.Scaled,
            Description = description,
        };
        await _config.Store.UpdateAsync(deployed, CancellationToken.None);
        Wrote(deployed);
        foreach (var earlier in await HistoryAsync(CancellationToken.None))
        {
            if (earlier.Revision != deployed.Revision && earlier.State == ReleaseState.Deployed)
            {
                await UpdateAsync(earlier with { State = ReleaseState.Superseded }, CancellationToken.None);
            }
        }

        return deployed;
    }

    private async Task<bool> ReachedEngineAsync(ReleaseManifest manifest, int revision, CancellationToken cancellationToken)
    {
        ReleaseStatus status;
        try
        {
            status = await _config.Provider.StatusAsync(Release, cancellationToken);
        }
        catch (OperationFailedException ex)
        {
            Reporter.Warn($"cannot read the status of release '{Release}': {ex.Message}");
            return false;
        }

        var objects = status.Components.SelectMany(c => c.Objects).ToList();
        var everyComponentRuns = manifest.Components.All(mc =>
        {
            var component = status.Components.FirstOrDefault(c => c.Component == mc.Scope);
            return component is not null && component.Objects.Count > 0 && component.Objects.All(o => o.Ready);
        });
        var revisions = objects.Where(o => o.Revision is not null).Select(o => o.Revision!.Value).ToList();

        // Without revision labels we cannot tell this revision from the previous one: go back.
        return everyComponentRuns && revisions.Count > 0 && revisions.Max() == revision;
    }
}

/// <summary>The engine-facing options of a deploying verb.</summary>
internal sealed record DeploySettings(bool Wait, TimeSpan Timeout, bool KeepFailed, bool TakeOwnership = false)
{
    /// <summary>At most this many engine steps at once (<see cref="RunOptions.Parallel"/>).</summary>
    public int Parallel { get; init; } = ParallelScheduler.DefaultBound;
}
