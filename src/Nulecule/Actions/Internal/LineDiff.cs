namespace Nulecule.Actions.Internal;

/// <summary>A line-based unified diff (longest common subsequence, hunks with context).</summary>
internal static class LineDiff
{
    private const int Context = 3;

    /// <summary>Hunks of `@@ -a,n +b,m @@` then ` `/`-`/`+` lines; empty when equal. <paramref name="show"/> maps a line to its printed form.</summary>
    public static IReadOnlyList<string> Unified(IReadOnlyList<string> before, IReadOnlyList<string> after, Func<string, string> show)
    {
        var edits = Edits(before, after);
        if (edits.All(e => e.Kind == ' '))
        {
            return [];
        }

        var output = new List<string>();
        var i = 0;
        while (i < edits.Count)
        {
            if (edits[i].Kind == ' ')
            {
                i++;
                continue;
            }

            // A hunk: from Context lines before this change to Context lines after the last change
            // that is no further than 2*Context equal lines from the previous one.
            var start = Math.Max(0, i - Context);
            var end = i;
            var equalRun = 0;
            for (var j = i; j < edits.Count; j++)
            {
                if (edits[j].Kind == ' ')
                {
                    equalRun++;
                    if (equalRun > 2 * Context)
                    {
                        break;
                    }
                }
                else
                {
                    equalRun = 0;
                    end = j;
                }
            }

            var stop = Math.Min(edits.Count, end + Context + 1);
            var slice = edits.Skip(start).Take(stop - start).ToList();
            var oldStart = slice.FirstOrDefault(e => e.Old >= 0)?.Old ?? edits.Take(start).LastOrDefault(e => e.Old >= 0)?.Old ?? 0;
            var newStart = slice.FirstOrDefault(e => e.New >= 0)?.New ?? edits.Take(start).LastOrDefault(e => e.New >= 0)?.New ?? 0;
            var oldCount = slice.Count(e => e.Kind != '+');
            var newCount = slice.Count(e => e.Kind != '-');
            output.Add($"@@ -{(oldCount == 0 ? oldStart : oldStart + 1)},{oldCount} +{(newCount == 0 ? newStart : newStart + 1)},{newCount} @@");
            output.AddRange(slice.Select(e => e.Kind + show(e.Text)));
            i = stop;
        }

        return output;
    }

    private sealed record Edit(char Kind, string Text, int Old, int New);

    private static List<Edit> Edits(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        // Objects are small (a manifest or a command line), so the quadratic table is fine.
        var lcs = new int[a.Count + 1, b.Count + 1];
        for (var x = a.Count - 1; x >= 0; x--)
        {
            for (var y = b.Count - 1; y >= 0; y--)
            {
                lcs[x, y] = string.Equals(a[x], b[y], StringComparison.Ordinal) ? lcs[x + 1, y + 1] + 1 : Math.Max(lcs[x + 1, y], lcs[x, y + 1]);
            }
        }

        var edits = new List<Edit>();
        int i = 0, j = 0;
        while (i < a.Count && j < b.Count)
        {
            if (string.Equals(a[i], b[j], StringComparison.Ordinal))
            {
                edits.Add(new Edit(' ', a[i], i++, j++));
            }
            else if (lcs[i + 1, j] >= lcs[i, j + 1])
            {
                edits.Add(new Edit('-', a[i], i++, -1));
            }
            else
            {
                edits.Add(new Edit('+', b[j], -1, j++));
            }
        }

        while (i < a.Count)
        {
            edits.Add(new Edit('-', a[i], i++, -1));
        }

        while (j < b.Count)
        {
            edits.Add(new Edit('+', b[j], -1, j++));
        }

        return edits;
    }
}
