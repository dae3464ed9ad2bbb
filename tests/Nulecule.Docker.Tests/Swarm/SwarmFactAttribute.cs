using Nulecule.Docker.Endpoints;
using Nulecule.Docker.Swarm;

namespace Nulecule.Docker.Tests.Swarm;

/// <summary>Why the swarm tests cannot run here (no engine, no test image, not a swarm manager), or null.</summary>
internal static class SwarmAvailability
{
    private static readonly Lazy<string?> Reason = new(() =>
    {
        if (new DockerFactAttribute().Skip is { } docker)
        {
            return docker;
        }

        try
        {
            using var client = DockerConnector.CreateClient(new DockerEndpointResolver().Resolve());
            return SwarmObjects.NotAManagerAsync(client, CancellationToken.None).GetAwaiter().GetResult() is { } problem
                ? $"{problem} (scripts/test.sh does this through .ci/swarm-setup.sh and leaves the swarm afterwards)"
                : null;
        }
        catch (Exception e)
        {
            return $"no Docker engine: {e.Message}";
        }
    });

    public static string? SkipReason => Reason.Value;
}

/// <summary>A fact that needs a swarm manager: skipped, with the reason and what to do, when the engine is not one.</summary>
public sealed class SwarmFactAttribute : FactAttribute
{
    public SwarmFactAttribute()
    {
        if (SwarmAvailability.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
