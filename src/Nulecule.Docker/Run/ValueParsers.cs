using System.Globalization;

namespace Nulecule.Docker.Run;

/// <summary>Docker's value syntaxes: byte sizes (`512m`), Go durations (`1m30s`), CPU counts (`1.5`).</summary>
public static class ValueParsers
{
    /// <summary>`--memory`: a number with an optional b/k/m/g/t/p unit (binary multiples, optional trailing `b`).</summary>
    public static long? ParseBytes(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t.Length == 0)
        {
            return null;
        }

        if (t.Length > 1 && t[^1] == 'b' && char.IsLetter(t[^2]))
        {
            t = t[..^1];
        }

        long multiplier = 1;
        var unit = t[^1];
        if (char.IsLetter(unit))
        {
            multiplier = unit switch
            {
                'b' => 1,
                'k' => 1L << 10,
                'm' => 1L << 20,
                'g' => 1L << 30,
                't' => 1L << 40,
                'p' => 1L << 50,
                _ => 0,
            };
            t = t[..^1];
        }

        if (multiplier == 0 || !decimal.TryParse(t, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return null;
        }

        return (long)(number * multiplier);
    }

    /// <summary>A Go duration: `90s`, `1m30s`, `500ms`, `1h`, `0` (<see cref="GoDuration"/>).</summary>
    public static TimeSpan? ParseDuration(string text) => GoDuration.Parse(text);

    /// <summary>`--cpus 1.5` -> 1 500 000 000 nano CPUs.</summary>
    public static long? ParseNanoCpus(string text) =>
        decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var cpus) && cpus > 0
            ? (long)(cpus * 1_000_000_000m)
            : null;
}
