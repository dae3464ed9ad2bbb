using Nulecule.Actions.Internal;
using Nulecule.Releases;

namespace Nulecule.Actions;

/// <summary>
/// `nulecule rollback RELEASE [REVISION]`: redeploys the stored manifest of an earlier revision
/// (by default the one deployed before the current one) as a new revision, Helm-style, so
/// history only grows. Needs no app directory.
/// </summary>
public sealed class RollbackAction(ReleaseConfiguration config)
{
    public required string Release { get; init; }

    /// <summary>The revision to go back to; null for the previously deployed one.</summary>
    public int? Revision { get; init; }
    public bool Wait { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);
    public bool ForceUnlock { get; init; }

    public async Task<Release> RunAsync(CancellationToken cancellationToken = default)
    {
        var settings = new DeploySettings(Wait, Timeout, KeepFailed: false);
        await using var operation = await ReleaseOperation.BeginAsync(config, Release, "rollback", ForceUnlock, cancellationToken);
        await operation.RecoverAsync(settings, cancellationToken);
        var history = await operation.HistoryAsync(cancellationToken);
        if (history.Count == 0)
        {
            throw ReleaseNotFoundException.In(Release, config.Store.Location);
        }

        var target = Choose(history);
        var manifest = config.Key.Open(target);
        if (manifest.Provider != config.Provider.Name)
        {
            throw new NuleculeException(
                $"revision {target.Revision} of release '{Release}' was deployed with {manifest.Provider}, not {config.Provider.Name}",
                null,
                $"rerun with --provider {manifest.Provider}");
        }

        config.Reporter.Info($"rolling back release '{Release}' to revision {target.Revision}");
        var attempt = await operation.DeployAsync(manifest.ToRenderedApp(), $"Rollback to {target.Revision}", settings, cancellationToken);
        if (!attempt.Succeeded)
        {
            throw new OperationFailedException($"rollback of release '{Release}' to revision {target.Revision} failed: {attempt.Record.Description}", attempt.Error);
        }

        return attempt.Record;
    }

    private Release Choose(IReadOnlyList<Release> history)
    {
        if (Revision is { } wanted)
        {
            var found = history.FirstOrDefault(r => r.Revision == wanted)
                ?? throw new NuleculeException(
                    $"release '{Release}' has no revision {wanted}",
                    null,
                    $"its revisions are {string.Join(", ", history.Select(r => r.Revision))}; see `nulecule history {Release}`");
            if (found.State == ReleaseState.Pending)
            {
                throw new NuleculeException($"revision {wanted} of release '{Release}' is pending; it never finished deploying", null, "choose a revision that was deployed");
            }

            return found;
        }

        var current = history.LastOrDefault(r => r.State == ReleaseState.Deployed);

        // Superseded revisions are the ones that ran once; the latest of them before the current one.
        return history.LastOrDefault(r => r.State == ReleaseState.Superseded && (current is null || r.Revision < current.Revision))
            ?? throw new NuleculeException(
                $"release '{Release}' has no earlier deployed revision to roll back to",
                null,
                $"see `nulecule history {Release}` and name a revision");
    }
}
