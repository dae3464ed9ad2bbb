using System.Runtime.ExceptionServices;

namespace Nulecule.Docker.Internal;

/// <summary>
/// When to try deleting a network again and when to give up (<see cref="EngineResources.DeleteNetworkAsync"/>),
/// kept apart from the engine calls so that its timing can be tested without waiting for it.
/// </summary>
internal static class NetworkRemoval
{
    /// <summary>How long a refusal is tried again while a container that exists may still be attached.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long the engine must keep refusing with no container attached before the refusal is taken
    /// for its lost endpoint count rather than an endpoint still being released.
    /// </summary>
    public static readonly TimeSpan Settled = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(2);

    /// <param name="delete">Deletes the network: null when it is gone, else the engine's "active endpoints" refusal.</param>
    /// <param name="disconnectStale">Disconnects the endpoints of containers that are gone; returns how many containers that exist are attached (-1: not known).</param>
    /// <param name="staleCount">The error for a refusal with nothing attached that outlasted <see cref="Settled"/>.</param>
    /// <param name="now">The clock.</param>
    /// <param name="delay">Waits between tries.</param>
    /// <param name="cancellationToken">Stops the waiting.</param>
    public static async Task RunAsync(
        Func<Task<Exception?>> delete,
        Func<Task<int>> disconnectStale,
        Func<Exception> staleCount,
        Func<DateTimeOffset> now,
        Func<TimeSpan, CancellationToken, Task> delay,
        CancellationToken cancellationToken)
    {
        var start = now();
        DateTimeOffset? emptySince = null;
        var pause = FirstPause;
        while (true)
        {
            var refusal = await delete();
            if (refusal is null)
            {
                return;
            }

            var attached = await disconnectStale();
            var at = now();
            emptySince = attached == 0 ? emptySince ?? at : null;
            if (emptySince is { } since && at - since >= Settled)
            {
                throw staleCount();
            }

            if (at - start >= Deadline)
            {
                if (attached == 0)
                {
                    throw staleCount();
                }

                ExceptionDispatchInfo.Throw(refusal);
            }

            await delay(pause, cancellationToken);
            pause = pause * 2 > LongestPause ? LongestPause : pause * 2;
        }
    }
}

/// <summary>
/// A network the engine would not delete although no container is attached to it: Docker 20.10 has
/// lost count of its endpoints (moby/moby#42119). Everything else of the release is gone.
/// </summary>
internal sealed class StaleEndpointException(string network) : Exception(
    $"network {network} was left on the engine: Docker still counts an endpoint on it although no container is attached " +
    "(a fault of Docker 20.10 under concurrent container exits, moby/moby#42119); it is harmless and a later run of this " +
    $"release reuses it; a restart of dockerd recounts, after which `docker network rm {network}` removes it")
{
    public string Network { get; } = network;
}
