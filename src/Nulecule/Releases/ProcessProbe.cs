using System.Diagnostics;

namespace Nulecule.Releases;

/// <summary>Answers "is the process that took this lock still running?" for locks of this host.</summary>
public interface IProcessProbe
{
    string Host { get; }

    /// <summary>True when the pid runs and started at <paramref name="started"/> (a reused pid is another process).</summary>
    bool IsAlive(int pid, DateTimeOffset started);
}

public sealed class ProcessProbe : IProcessProbe
{
    public static ProcessProbe Instance { get; } = new();

    public string Host => Environment.MachineName;

    public bool IsAlive(int pid, DateTimeOffset started)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            if (process.HasExited)
            {
                return false;
            }

            // Start times come from /proc with clock-tick precision; allow for that.
            var actual = new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero);
            return Math.Abs((actual - started).TotalSeconds) < 2;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
