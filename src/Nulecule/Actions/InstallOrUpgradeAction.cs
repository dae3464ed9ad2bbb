using Nulecule.Actions.Internal;
using Nulecule.Providers;
using Nulecule.Releases;
using Nulecule.Templating;

namespace Nulecule.Actions;

/// <summary>What `run` did: the revision recorded, whether it replaced an earlier one, the engine's inventory.</summary>
public sealed record InstallOrUpgradeResult(Release? Release, bool Upgraded, DeployResult Result)
{
    /// <summary>The release already ran exactly this: nothing was done and no revision recorded.</summary>
    public bool UpToDate { get; init; }
}

/// <summary>
/// `nulecule run`: installs a release when it has no deployed revision, upgrades it otherwise.
/// Records a pending revision before touching the engine, then deployed (the previous deployed
/// revision becomes superseded) or failed. The provider converges and prunes objects of the
/// release that are no longer rendered. With <see cref="Atomic"/>, a failed or not-ready-in-time
/// upgrade redeploys the last deployed revision (as a new revision), a failed install is removed.
/// </summary>
public sealed class InstallOrUpgradeAction(ReleaseConfiguration config)
{
    public required string Release { get; init; }

    /// <summary>Wait until every object is ready (implied by <see cref="Atomic"/>).</summary>
    public bool Wait { get; init; }
    public bool Atomic { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);
    public bool KeepFailed { get; init; }
    public bool DryRun { get; init; }
    public bool ForceUnlock { get; init; }

    /// <summary>Adopt objects of the same names that another release or no release owns (recorded in the description).</summary>
    public bool TakeOwnership { get; init; }

    /// <summary>At most this many engine steps at once (<see cref="RunOptions.Parallel"/>).</summary>
    public int Parallel { get; init; } = ParallelScheduler.DefaultBound;

    public async Task<InstallOrUpgradeResult> RunAsync(RenderedApp app, CancellationToken cancellationToken = default)
    {
        // What the artifacts read from the disk and the shell is recorded with the revision, so a rollback replays it.
        app = config.Provider.CaptureInputs(app);
        var settings = new DeploySettings(Wait || Atomic, Timeout, KeepFailed && !Atomic, TakeOwnership) { Parallel = Parallel };
        if (DryRun)
        {
            var latest = await config.Store.LatestAsync(Release, cancellationToken);
            var plan = await config.Provider.RunAsync(
                app,
                new RunOptions { Release = Release, Revision = (latest?.Revision ?? 0) + 1, DryRun = true, Reporter = config.Reporter, Timeout = Timeout, TakeOwnership = TakeOwnership, Parallel = Parallel, Digest = config.Key.Digests },
                cancellationToken);
            return new InstallOrUpgradeResult(null, latest is not null, plan);
        }

        await using var operation = await ReleaseOperation.BeginAsync(config, Release, "run", ForceUnlock, cancellationToken);
        await operation.RecoverAsync(settings, cancellationToken);
        var history = await operation.HistoryAsync(cancellationToken);
        var previous = history.LastOrDefault(r => r.State == ReleaseState.Deployed);
        CheckSamePlace(previous, app);

        if (previous is not null && await UpToDateAsync(previous, history, app, cancellationToken))
        {
            config.Reporter.Info($"release '{Release}' is up to date at revision {previous.Revision}: nothing to change, no revision recorded");
            var kept = previous.Objects.Select(o => o with { Action = ObjectAction.Unchanged }).ToList();
            return new InstallOrUpgradeResult(previous, true, new DeployResult(kept)) { UpToDate = true };
        }

        var upgrade = previous is not null;
        var verb = (upgrade ? "Upgrade" : "Install") + (TakeOwnership ? " (--take-ownership)" : "");
        config.Reporter.Info(upgrade
            ? $"upgrading release '{Release}' from revision {previous!.Revision}"
            : $"installing release '{Release}'");
        var attempt = await operation.DeployAsync(app, verb, settings, cancellationToken);
        if (attempt.Succeeded)
        {
            return new InstallOrUpgradeResult(attempt.Record, upgrade, attempt.Result!);
        }

        var reason = app.Values.Masker.Mask(attempt.Error!.Message);
        if (attempt.Error is OperationCanceledException && previous is not null && !config.Provider.RestoresOnFailure)
        {
            // Interrupted half-way through an upgrade: the previous revision's objects are applied again.
            config.Reporter.Warn($"upgrade interrupted; applying revision {previous.Revision} again");
            var restored = await operation.DeployAsync(config.Key.Open(previous).ToRenderedApp(), $"Rollback to {previous.Revision} (interrupted upgrade)", settings with { Wait = false }, CancellationToken.None);
            throw new OperationCanceledException(
                $"upgrade of release '{Release}' was interrupted; "
                + (restored.Succeeded
                    ? $"revision {previous.Revision}'s objects were applied again (recorded as revision {restored.Record.Revision})"
                    : $"applying revision {previous.Revision} again failed: {restored.Record.Description}; run `nulecule rollback {Release} {previous.Revision}`"),
                attempt.Error);
        }

        if (attempt.Error is OperationCanceledException || !Atomic)
        {
            throw Rethrow(attempt.Error, $"{verb.ToLowerInvariant()} of release '{Release}' (revision {attempt.Record.Revision}) failed: {reason}"
                + (previous is null ? "" : $"; revision {previous.Revision} is still the deployed one (see `nulecule status {Release}`)"));
        }

        if (previous is null)
        {
            config.Reporter.Warn($"install failed: {reason}; --atomic: removing what it created");
            await config.Provider.StopAsync(Release, new StopOptions { Timeout = Timeout, Reporter = config.Reporter }, CancellationToken.None);
            await operation.UpdateAsync(attempt.Record with { Description = attempt.Record.Description + "; removed (--atomic)" }, CancellationToken.None);
            throw new OperationFailedException($"install of release '{Release}' failed: {reason}; --atomic removed what it had created", attempt.Error);
        }

        config.Reporter.Warn($"upgrade to revision {attempt.Record.Revision} failed: {reason}; --atomic: rolling back to revision {previous.Revision}");
        var back = await operation.DeployAsync(config.Key.Open(previous).ToRenderedApp(), $"Rollback to {previous.Revision} (--atomic)", settings, CancellationToken.None);
        if (!back.Succeeded)
        {
            throw new OperationFailedException(
                $"upgrade of release '{Release}' failed: {reason}; the --atomic rollback to revision {previous.Revision} failed too: {back.Record.Description}; see `nulecule history {Release}`",
                attempt.Error);
        }

        throw new OperationFailedException(
            $"upgrade of release '{Release}' failed: {reason}; rolled back to revision {previous.Revision} (recorded as revision {back.Record.Revision})",
            attempt.Error);
    }

    /// <summary>
    /// Says which values differ from the running revision (a run uses exactly the values it is
    /// given; `upgrade` is the verb that reuses earlier ones), and whether nothing would change:
    /// same values, same manifest, and every recorded object running on the engine.
    /// </summary>
    private async Task<bool> UpToDateAsync(Release previous, IReadOnlyList<Release> history, RenderedApp app, CancellationToken cancellationToken)
    {
        var before = previous.Values.ToDictionary(v => (v.Scope, v.Name));
        var changed = 0;
        foreach (var param in app.Values.Params)
        {
            before.TryGetValue((param.Scope, param.Name), out var old);
            before.Remove((param.Scope, param.Name));
            if (param.Hidden || old?.Hidden == true)
            {
                continue;
            }

            var value = param.Value?.Text;
            if (old?.Value != value)
            {
                changed++;
                config.Reporter.Info($"value {param.Scope}.{param.Name}: {Show(old?.Value)} (revision {previous.Revision}) -> {Show(value)} ({param.OriginText})");
            }
        }

        changed += before.Count;
        var diff = await new DiffAction(config.Store, config.Key) { Release = Release, Engine = config.Provider, History = history }.RunAsync(app, cancellationToken);
        return changed == 0 && !diff.HasChanges;

        static string Show(string? value) => value is null ? "(none)" : $"'{value}'";
    }

    private void CheckSamePlace(Release? previous, RenderedApp app)
    {
        if (previous is null)
        {
            return;
        }

        if (previous.Provider != app.Provider || previous.Target != config.Target)
        {
            throw new NuleculeException(
                $"release '{Release}' is deployed with {previous.Provider} at {Show(previous.Target)}, not {app.Provider} at {Show(config.Target)}",
                null,
                $"stop it first (`nulecule stop {Release}`) or choose another release name");
        }
    }

    private static string Show(string target) => target.Length == 0 ? "(default target)" : target;

    private static Exception Rethrow(Exception error, string message) => error switch
    {
        NuleculeException invalid => invalid,
        OperationCanceledException cancelled => cancelled,
        _ => new OperationFailedException(message, error),
    };
}
