using System.Text;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Nulecule.Cli;

/// <summary>
/// How every table is printed, whichever command builds it: one line per row, columns two spaces
/// apart, no padding after the last column, and never wrapped. When the rows are wider than the
/// output (a terminal, or COLUMNS), the widest columns are cut with an ellipsis; piped output
/// without COLUMNS is never cut. Commands build Spectre.Console tables; <see cref="Hook"/> swaps
/// them for this rendering in the console's pipeline.
/// </summary>
internal static class Tables
{
    public const string Gap = "  ";

    /// <summary>Widths at or beyond this are "no limit".</summary>
    public const int Unlimited = 1 << 20;

    /// <summary>The lines of a table fitted into <paramref name="width"/> columns.</summary>
    public static IReadOnlyList<string> Layout(IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows, int width)
    {
        var cells = new List<IReadOnlyList<string>> { headers.Select(Clean).ToList() };
        cells.AddRange(rows.Select(r => (IReadOnlyList<string>)r.Select(Clean).ToList()));
        var natural = Enumerable.Range(0, headers.Count).Select(i => cells.Max(r => i < r.Count ? Cells(r[i]) : 0)).ToArray();
        var widths = Fit(natural, headers.Select(h => Cells(Clean(h))).ToArray(), width);
        return cells.Select(r => Line(r, widths)).ToList();
    }

    /// <summary>A value this long or shorter (a date, a state, a port list) is cut only when nothing longer is left to cut.</summary>
    private const int Short = 20;

    /// <summary>
    /// Column widths: the natural ones, cut widest first until the row fits. Short values (dates,
    /// states, numbers) and headers are kept whole as long as cutting long values is enough.
    /// </summary>
    private static int[] Fit(int[] natural, int[] headers, int width)
    {
        var widths = (int[])natural.Clone();
        if (width >= Unlimited)
        {
            return widths;
        }

        var n = natural.Length;
        int[][] floors =
        [
            [.. Enumerable.Range(0, n).Select(i => Math.Min(natural[i], Math.Max(headers[i], Short)))],
            [.. Enumerable.Range(0, n).Select(i => natural[i] > Short ? Math.Min(natural[i], headers[i]) : natural[i])],
            [.. Enumerable.Range(0, n).Select(i => Math.Min(natural[i], headers[i]))],
            [.. Enumerable.Range(0, n).Select(i => Math.Min(natural[i], 3))],
        ];
        foreach (var floor in floors)
        {
            while (widths.Sum() + (Gap.Length * (n - 1)) > width)
            {
                var widest = -1;
                for (var i = 0; i < n; i++)
                {
                    if (widths[i] > floor[i] && (widest < 0 || widths[i] > widths[widest]))
                    {
                        widest = i;
                    }
                }

                if (widest < 0)
                {
                    break;
                }

                widths[widest]--;
            }
        }

        return widths;
    }

    private static string Line(IReadOnlyList<string> row, int[] widths)
    {
        var line = new StringBuilder();
        for (var i = 0; i < widths.Length; i++)
        {
            var cell = Cut(i < row.Count ? row[i] : "", widths[i]);
            line.Append(cell);
            if (i < widths.Length - 1)
            {
                line.Append(' ', widths[i] - Cells(cell)).Append(Gap);
            }
        }

        return line.ToString().TrimEnd();
    }

    /// <summary>The text in at most <paramref name="width"/> terminal cells, ending in '…' when cut.</summary>
    public static string Cut(string text, int width)
    {
        if (Cells(text) <= width)
        {
            return text;
        }

        var cut = new StringBuilder();
        var used = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            var size = Cells(rune.ToString());
            if (used + size > width - 1)
            {
                break;
            }

            cut.Append(rune.ToString());
            used += size;
        }

        return cut.Append('…').ToString();
    }

    /// <summary>Terminal cells the text takes (wide characters take two).</summary>
    public static int Cells(string text) => new Segment(text).CellCount();

    /// <summary>A cell is one line: line breaks, tabs and other control characters become spaces.</summary>
    private static string Clean(string text) =>
        text.Any(char.IsControl) ? new string(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray()) : text;

    /// <summary>Replaces each Spectre.Console <see cref="Table"/> written to a console by its <see cref="Layout"/>.</summary>
    public sealed class Hook : IRenderHook
    {
        public IEnumerable<IRenderable> Process(RenderOptions options, IEnumerable<IRenderable> renderables) =>
            renderables.Select(r => r is Table table ? new Plain(table) : r);
    }

    private sealed class Plain(Table table) : IRenderable
    {
        public Measurement Measure(RenderOptions options, int maxWidth) => new(maxWidth, maxWidth);

        public IEnumerable<Segment> Render(RenderOptions options, int maxWidth)
        {
            var headers = table.Columns.Select(c => Text(c.Header, options)).ToList();
            var rows = table.Rows.Select(r => (IReadOnlyList<string>)r.Select(cell => Text(cell, options)).ToList()).ToList();
            foreach (var line in Layout(headers, rows, maxWidth))
            {
                yield return new Segment(line);
                yield return Segment.LineBreak;
            }
        }

        private static string Text(IRenderable cell, RenderOptions options) =>
            string.Concat(cell.Render(options, Unlimited).Select(s => s.IsLineBreak ? " " : s.IsControlCode ? "" : s.Text)).TrimEnd();
    }
}
