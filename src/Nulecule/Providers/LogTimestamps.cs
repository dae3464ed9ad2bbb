using System.Globalization;

namespace Nulecule.Providers;

/// <summary>The RFC 3339 time engines put before each log line when asked (`docker logs -t`, `kubectl logs --timestamps`).</summary>
public static class LogTimestamps
{
    /// <summary>
    /// `2024-01-02T03:04:05.123456789Z text` to its time and text. The nanoseconds are cut to the
    /// 100 ns .NET keeps, never rounded up: a time shown (`-t`) and given back (`--since`) is then
    /// never later than the line's own, so the line is kept.
    /// </summary>
    public static (DateTimeOffset? Time, string Text) Split(string line)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0)
        {
            return (null, line);
        }

        var stamp = line[..space];
        var dot = stamp.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0 && stamp.EndsWith('Z') && stamp.Length - dot - 2 > 7)
        {
            stamp = stamp[..(dot + 8)] + "Z";
        }

        return DateTimeOffset.TryParse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? (time, line[(space + 1)..])
            : (null, line);
    }
}
