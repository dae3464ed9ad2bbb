using Nulecule.Providers;

namespace Nulecule.Docker.Tests;

/// <summary>What an action asked the engine, for the tests that count requests.</summary>
internal static class EngineCallRecorder
{
    /// <summary>The requests <paramref name="action"/> sent, seen through the hook `-v` prints.</summary>
    public static async Task<List<EngineCall>> CallsOf(Func<Task> action)
    {
        var calls = new System.Collections.Concurrent.ConcurrentQueue<EngineCall>();
        EngineCalls.Observer = calls.Enqueue;
        try
        {
            await action();
            return calls.ToList();
        }
        finally
        {
            EngineCalls.Observer = null;
        }
    }
}
