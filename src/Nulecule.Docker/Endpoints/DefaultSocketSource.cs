namespace Nulecule.Docker.Endpoints;

/// <summary>The last link: the engine's standard socket.</summary>
public sealed class DefaultSocketSource : IEndpointSource
{
    public const string DefaultUri = "unix:///var/run/docker.sock";

    public bool IsApplicable(EndpointEnvironment environment) => true;

    public DockerEndpoint Resolve(EndpointEnvironment environment) => new(new Uri(DefaultUri), "the default socket");
}
