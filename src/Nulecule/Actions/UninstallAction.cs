using Nulecule.Actions.Internal;
using Nulecule.Providers;
using Nulecule.Releases;

namespace Nulecule.Actions;

/// <summary>
/// `nulecule stop RELEASE`: removes the release's objects (by its name alone, through the
/// provider's labels) and marks its deployed revision uninstalled. History is kept unless
/// <see cref="Purge"/>.
/// </summary>
public sealed class UninstallAction(ReleaseConfiguration config)
{
    public required string Release { get; init; }
    public bool RemoveVolumes { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);
    public bool DryRun { get; init; }
    public bool Purge { get; init; }
    public bool ForceUnlock { get; init; }

    /// <summary>At most this many objects stopped at once.</summary>
    public int Parallel { get; init; } = ParallelScheduler.DefaultBound;

    public async Task<DeployResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var stop = new StopOptions { RemoveVolumes = RemoveVolumes, DryRun = DryRun, Timeout = Timeout, Parallel = Parallel, Reporter = config.Reporter };
        if (DryRun)
        {
            return await config.Provider.StopAsync(Release, stop, cancellationToken);
        }

        await using var operation = await ReleaseOperation.BeginAsync(config, Release, "stop", ForceUnlock, cancellationToken);
        var history = await config.Store.HistoryAsync(Release, cancellationToken);
        if (history.Count == 0)
        {
            throw ReleaseNotFoundException.In(Release, config.Store.Location);
        }

        // An interrupted revision needs no recovery when everything is going away anyway.
        foreach (var pending in history.Where(r => r.State == ReleaseState.Pending))
        {
            config.Reporter.Warn($"revision {pending.Revision} of release '{Release}' was left pending by an interrupted command; marking it failed");
            await operation.UpdateAsync(pending with { State = ReleaseState.Failed, Description = pending.Description + "; interrupted" }, cancellationToken);
        }

        var result = await config.Provider.StopAsync(Release, stop, cancellationToken);
        var deployed = history.Where(r => r.State == ReleaseState.Deployed).ToList();
        if (deployed.Count == 0 && history[^1].State != ReleaseState.Uninstalled)
        {
            deployed.Add(history[^1] with { State = history[^1].State == ReleaseState.Pending ? ReleaseState.Failed : history[^1].State });
        }

        foreach (var record in deployed)
        {
            await operation.UpdateAsync(record with { State = ReleaseState.Uninstalled, Description = "Uninstalled" }, CancellationToken.None);
        }

        if (Purge)
        {
            await config.Store.DeleteAsync(Release, null, CancellationToken.None);
        }

        config.Reporter.Info($"release '{Release}' uninstalled ({result.Objects.Count} objects removed)");
        return result;
    }
}
