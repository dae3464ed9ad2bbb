using Nulecule.Answers;
using Nulecule.Releases;
using Nulecule.Spec;

namespace Nulecule.Actions;

/// <summary>
/// The last deployed revision of a release, opened: what `upgrade` and `diff` start from (its app
/// directory, and the values given to it, which the next revision keeps unless `--reset-values`).
/// </summary>
public sealed record PreviousRevision(Release Record, ReleaseManifest Manifest)
{
    /// <summary>The last deployed revision, or an error saying how to install the release.</summary>
    public static async Task<PreviousRevision> LastDeployedAsync(IReleaseStore store, ReleaseKey key, string release, string hint, CancellationToken ct)
    {
        var history = await store.HistoryAsync(release, ct).ConfigureAwait(false);
        var last = history.LastOrDefault(r => r.State == ReleaseState.Deployed)
            ?? throw new NuleculeException($"release '{release}' has no deployed revision in {store.Location}", null, hint);
        return new PreviousRevision(last, key.Open(last));
    }

    /// <summary>The directory the revision was deployed from.</summary>
    public string AppDirectory => Manifest.Apps.First(a => a.Scope is null).Directory;

    /// <summary>
    /// The values given explicitly to the revision, as answers (defaults are left out: they are
    /// read from the app again), and where it was deployed (namespace, kubeconfig ...) in `[general]`.
    /// </summary>
    public AnswersFile GivenValues()
    {
        var sections = Manifest.Params
            .Where(p => p.Origin != ValueOrigin.Default && p.Value is not null)
            .GroupBy(p => p.Scope)
            .Select(g => new AnswerSection(g.Key, g.Select(p => new AnswerEntry(p.Name, new Scalar(p.Value!, p.Kind))).ToList()))
            .ToList();
        var general = Manifest.General.Where(kv => kv.Key != "provider" && kv.Value.Length > 0).Select(kv => new AnswerEntry(kv.Key, Scalar.String(kv.Value))).ToList();
        var index = sections.FindIndex(s => s.Name == AnswerSection.General);
        if (index >= 0)
        {
            sections[index] = sections[index] with { Entries = [.. sections[index].Entries.Where(e => general.All(g => g.Key != e.Key)), .. general] };
        }
        else if (general.Count > 0)
        {
            sections.Insert(0, new AnswerSection(AnswerSection.General, general));
        }

        return new AnswersFile(sections, $"revision {Record.Revision}");
    }
}
