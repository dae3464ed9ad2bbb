namespace Nulecule.Docker.Endpoints;

/// <summary>One link of the endpoint discovery chain, in the docker CLI's precedence order.</summary>
public interface IEndpointSource
{
    bool IsApplicable(EndpointEnvironment environment);

    /// <summary>The endpoint this source names; throws <see cref="NuleculeException"/> when its setting is broken.</summary>
    DockerEndpoint Resolve(EndpointEnvironment environment);
}
