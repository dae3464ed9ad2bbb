using Nulecule.Providers;
using Nulecule.Releases;

namespace Nulecule.Actions;

/// <summary>
/// The components of a release, for verbs that take a COMPONENT argument (`logs`, `scale`): a
/// nested component may be named by its own name when that is unambiguous (`mariadb` for
/// `wordpress:mariadb`), and a name that matches none is an error listing the valid ones.
/// </summary>
public static class ReleaseComponents
{
    /// <summary>The release's component scopes: from its record when there is one, else from the engine's labels.</summary>
    public static async Task<IReadOnlyList<string>> ListAsync(IProvider provider, string release, Release? record, ReleaseKey? key, CancellationToken ct)
    {
        if (record is not null && key is not null && record.State != ReleaseState.Uninstalled)
        {
            return key.Open(record).Components.Select(c => c.Scope).ToList();
        }

        var status = await provider.StatusAsync(release, ct).ConfigureAwait(false);
        return status.Components.Select(c => c.Component).ToList();
    }

    /// <summary>
    /// The scope <paramref name="typed"/> means in a release that must be deployed: a release with
    /// no components at all is not found (exit 4), not a wrong component name.
    /// </summary>
    public static async Task<string> ResolveDeployedAsync(IProvider provider, string release, string typed, Release? record, ReleaseKey? key, CancellationToken ct)
    {
        var known = await ListAsync(provider, release, record, key, ct).ConfigureAwait(false);
        return known.Count == 0 ? throw NotFound(release) : Resolve(typed, known, release);
    }

    /// <summary>The one not-found error of the verbs that act on what a release runs.</summary>
    public static ReleaseNotFoundException NotFound(string release) =>
        new(release, $"release '{release}' not found: nothing of it is deployed (see `nulecule list`)");

    /// <summary>The scope <paramref name="typed"/> means among <paramref name="known"/>: itself, or the one nested component of that name.</summary>
    public static string Resolve(string typed, IReadOnlyList<string> known, string release)
    {
        if (known.Contains(typed))
        {
            return typed;
        }

        var nested = known.Where(k => k.EndsWith(":" + typed, StringComparison.Ordinal)).ToList();
        if (nested.Count == 1)
        {
            return nested[0];
        }

        if (nested.Count > 1)
        {
            throw new NuleculeException($"component '{typed}' of release '{release}' is ambiguous: {string.Join(", ", nested)}", null, "give its full name");
        }

        throw new NuleculeException(
            known.Count == 0 ? $"release '{release}' has no components" : $"release '{release}' has no component '{typed}'",
            null,
            known.Count == 0 ? "check the release name (`nulecule list`)" : $"{(Nearest(typed, known) is { } near ? $"did you mean '{near}'? " : "")}its components: {string.Join(", ", known)}");
    }

    /// <summary>The component whose full or own name is nearest to a typo.</summary>
    private static string? Nearest(string typed, IReadOnlyList<string> known)
    {
        var byOwnName = known.GroupBy(k => k[(k.LastIndexOf(':') + 1)..]).Where(g => g.Count() == 1).ToDictionary(g => g.Key, g => g.Single());
        return Suggest.Closest(typed, known) ?? (Suggest.Closest(typed, byOwnName.Keys) is { } own ? byOwnName[own] : null);
    }
}
