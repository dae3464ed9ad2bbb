namespace Nulecule.Cli.Parsing;

/// <summary>
/// "Did you mean" for command-line words (commands, options, choices): the core's distance
/// (<see cref="Suggest"/>, which suggests param and component names), with a prefix rule and
/// limits that suit short words.
/// </summary>
internal static class Suggestions
{
    /// <summary>
    /// The candidate nearest to <paramref name="typed"/> (a transposition counts as one edit), or
    /// null when none is close: at most one edit for short words, two for words of five letters or
    /// more, three from nine. A candidate the typed text begins (`hist` for `history`) is nearest.
    /// </summary>
    public static string? Nearest(string typed, IEnumerable<string> candidates)
    {
        var allowed = typed.Length >= 9 ? 3 : typed.Length >= 5 ? 2 : 1;
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates.Distinct(StringComparer.Ordinal).OrderBy(c => c, StringComparer.Ordinal))
        {
            // A word the typed text begins is the nearest there is (`hist`: history, not list).
            var distance = typed.Length >= 3 && candidate.StartsWith(typed, StringComparison.OrdinalIgnoreCase)
                ? 0
                : Suggest.Distance(typed.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance <= allowed && distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best;
    }
}
