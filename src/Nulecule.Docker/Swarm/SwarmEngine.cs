using Nulecule.Docker.Endpoints;
using Nulecule.Providers;

namespace Nulecule.Docker.Swarm;

/// <summary>
/// The registration of a Docker Swarm: a component's docker artifacts as services on a swarm
/// manager, found as the docker CLI finds its engine; releases kept in the local history, as
/// Docker's are. Rollback re-applies a recorded revision's specs (Swarm keeps one step only).
/// </summary>
public static class SwarmEngine
{
    public static ProviderRegistration Swarm { get; } = new()
    {
        Name = "swarm",
        Description = "Docker Swarm services on a swarm manager (DOCKER_HOST, the docker context, or the local socket)",
        ArtifactKey = "docker",
        Capabilities = new ProviderCapabilities { Logs = true, Scale = true, NativeRollback = false },
        Create = settings => new SwarmProvider(EndpointEnvironment.From(settings.Environment, settings.Home)),
    };
}
