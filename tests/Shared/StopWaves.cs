namespace Nulecule.Testing;

/// <summary>
/// The waves a stop with no bound and equal durations would take components in, given
/// <see cref="Nulecule.Providers.StopOrder.Prerequisites"/>: each wave holds those whose
/// prerequisites are all in earlier waves. A way for tests to state an order at a glance.
/// </summary>
internal static class StopWaves
{
    public static List<List<int>> Of(int[][] prerequisites)
    {
        var wave = new int[prerequisites.Length];
        var waves = new List<List<int>>();
        for (var c = 0; c < prerequisites.Length; c++)
        {
            wave[c] = prerequisites[c].Length == 0 ? 0 : prerequisites[c].Max(p => wave[p]) + 1;
            if (wave[c] == waves.Count)
            {
                waves.Add([]);
            }

            waves[wave[c]].Add(c);
        }

        return waves;
    }
}
