using System.Diagnostics;

namespace Nulecule.Releases;

/// <summary>
/// Who holds the lock of a release: a process (pid + its start time, so a reused pid is not
/// mistaken for the owner) on a host, since when, doing what.
/// </summary>
public sealed record ReleaseLock(string Release, int Pid, string Host, DateTimeOffset ProcessStarted, DateTimeOffset Since, string Operation)
{
    /// <summary>A lock owned by the current process.</summary>
    public static ReleaseLock ForCurrentProcess(string release, string operation, DateTimeOffset now)
    {
        using var process = Process.GetCurrentProcess();
        return new ReleaseLock(release, Environment.ProcessId, Environment.MachineName, new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero), now.ToUniversalTime(), operation);
    }

    /// <summary>The very same lock (an older lock of the same process is another one).</summary>
    public bool SameOwner(ReleaseLock other) => this == other;

    public string Describe() =>
        $"pid {Pid} on {Host} since {Since.ToUniversalTime():yyyy-MM-dd HH:mm:ss}Z ({Operation})";
}
