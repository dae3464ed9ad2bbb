using System.Globalization;
using Nulecule.Docker.Run;

namespace Nulecule.Cli.Parsing;

/// <summary>
/// Durations as kubectl and helm read them (Go's syntax: `90s`, `5m`, `1h30m`, `1m30s`, `500ms`,
/// `1.5h`). A bare number is refused, `0` included: `--timeout 300` would be 300 seconds to
/// kubectl's users but 300 nanoseconds to Go, so the unit is asked for instead of guessed.
/// </summary>
internal static class Durations
{
    public const string Hint = "write a number with a unit: 90s, 5m, 1h30m, 500ms";

    /// <summary>The duration, or a one-line reason it is not one (never both).</summary>
    public static (TimeSpan? Value, string? Error) Parse(string text)
    {
        if (text.Length > 0 && text.All(c => char.IsAsciiDigit(c) || c == '.'))
        {
            return (null, $"'{text}' has no unit (write {text}s or {text}m)");
        }

        try
        {
            // Docker's own flags (--health-interval, --stop-timeout) read the same syntax.
            return ValueParsers.ParseDuration(text) is { } value ? (value, null) : (null, $"'{text}' is not a duration ({Hint})");
        }
        catch (OverflowException)
        {
            return (null, $"'{text}' is longer than this tool can wait");
        }
    }

    /// <summary>The shortest text <see cref="Parse"/> reads back: `5m`, `1h30m`, `1m30s`, `500ms`, `0s`.</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        var text = new System.Text.StringBuilder();
        if (value < TimeSpan.Zero)
        {
            text.Append('-');
            value = value.Duration();
        }

        var hours = (long)value.TotalHours;
        Append(hours, "h");
        Append(value.Minutes, "m");
        if (value.Milliseconds == 0 || value.TotalSeconds >= 1)
        {
            var seconds = value.Seconds + (value.Ticks % TimeSpan.TicksPerSecond) / (decimal)TimeSpan.TicksPerSecond;
            if (seconds != 0)
            {
                text.Append(seconds.ToString("0.#########", CultureInfo.InvariantCulture)).Append('s');
            }
        }
        else
        {
            text.Append((value.Ticks / (decimal)TimeSpan.TicksPerMillisecond).ToString("0.####", CultureInfo.InvariantCulture)).Append("ms");
        }

        return text.ToString();

        void Append(long amount, string unit)
        {
            if (amount != 0)
            {
                text.Append(amount.ToString(CultureInfo.InvariantCulture)).Append(unit);
            }
        }
    }
}
