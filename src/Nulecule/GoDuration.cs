using System.Globalization;

namespace Nulecule;

/// <summary>
/// Go's time.ParseDuration syntax, which Docker's flags (`--health-interval 1m30s`) and Compose
/// files (`interval: 500ms`) share: numbers with units ns, us/µs, ms, s, m, h, summed; `0` alone
/// needs no unit. Counted in ticks with decimals, so `1.5s` is exact.
/// </summary>
public static class GoDuration
{
    /// <summary>The duration <paramref name="text"/> names, or null when it is not one.</summary>
    public static TimeSpan? Parse(string text)
    {
        if (text == "0")
        {
            return TimeSpan.Zero;
        }

        var total = 0m;
        var i = 0;
        var any = false;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }

            if (start == i || !decimal.TryParse(text[start..i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return null;
            }

            var unitStart = i;
            while (i < text.Length && !char.IsAsciiDigit(text[i]) && text[i] != '.')
            {
                i++;
            }

            decimal? ticksPerUnit = text[unitStart..i] switch
            {
                "ns" => 0.01m,
                "us" or "µs" => TimeSpan.TicksPerMicrosecond,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                "h" => TimeSpan.TicksPerHour,
                _ => null,
            };
            if (ticksPerUnit is null)
            {
                return null;
            }

            total += number * ticksPerUnit.Value;
            any = true;
        }

        return any ? TimeSpan.FromTicks((long)total) : null;
    }
}
