using Nulecule.Docker.Endpoints;
using Nulecule.Providers;

namespace Nulecule.Docker;

/// <summary>
/// The registration of the local Docker engine: `docker run` artifacts as containers on one host,
/// found as the docker CLI finds its engine; releases kept in the local history.
/// </summary>
public static class DockerEngine
{
    public static ProviderRegistration Docker { get; } = new()
    {
        Name = "docker",
        Description = "one Docker engine (DOCKER_HOST, the docker context, or the local socket)",
        Capabilities = new ProviderCapabilities { Scale = true, Logs = true, Ps = true, Exec = true, Restart = true },
        Create = settings => new DockerProvider(EndpointEnvironment.From(settings.Environment, settings.Home)),
    };
}
