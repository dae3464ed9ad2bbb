namespace Nulecule.Docker.Endpoints;

/// <summary>Finds the engine endpoint like the docker CLI: DOCKER_HOST, then the context, then the default socket.</summary>
public sealed class DockerEndpointResolver
{
    private readonly IReadOnlyList<IEndpointSource> _sources;

    public DockerEndpointResolver(IReadOnlyList<IEndpointSource>? sources = null)
    {
        _sources = sources ?? [new DockerHostSource(), new DockerContextSource(), new DefaultSocketSource()];
    }

    public DockerEndpoint Resolve(EndpointEnvironment? environment = null)
    {
        environment ??= EndpointEnvironment.Current;
        var source = _sources.First(s => s.IsApplicable(environment));
        return source.Resolve(environment);
    }
}
