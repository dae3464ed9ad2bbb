using Docker.DotNet;
using Nulecule.Docker.Endpoints;

namespace Nulecule.Docker.Internal;

/// <summary>
/// How the docker and swarm providers get their Engine API client: discovered like the docker CLI
/// and connected when first needed (a dry run never connects), or a client the caller owns. Only a
/// client it connected itself is disposed with it.
/// </summary>
internal sealed class EngineClient : IDisposable
{
    private readonly Func<CancellationToken, Task<(IDockerClient Client, string Target)>> _connect;
    private readonly Lazy<string> _endpoint;
    private IDockerClient? _client;
    private bool _owned;

    /// <summary>Finds the endpoint (DOCKER_HOST, the docker context, the local socket) when first asked.</summary>
    public EngineClient(EndpointEnvironment? environment)
    {
        _endpoint = new Lazy<string>(() => new DockerEndpointResolver().Resolve(environment).Uri.ToString());
        _connect = async ct =>
        {
            var (client, endpoint) = await DockerConnector.ConnectAsync(environment, ct);
            _owned = true;
            return (client, endpoint.Uri.ToString());
        };
    }

    /// <summary>Uses <paramref name="client"/>, which the caller keeps and disposes.</summary>
    public EngineClient(IDockerClient client, string target)
    {
        _client = client;
        Connected = target;
        _endpoint = new Lazy<string>(target);
        _connect = _ => Task.FromResult((client, target));
    }

    /// <summary>The endpoint as the docker CLI would find it, resolved without connecting.</summary>
    public string Endpoint => _endpoint.Value;

    /// <summary>The endpoint the client is connected to; empty before the first connection.</summary>
    public string Connected { get; private set; } = "";

    public async Task<IDockerClient> GetAsync(CancellationToken cancellationToken)
    {
        if (_client is null)
        {
            (_client, Connected) = await _connect(cancellationToken);
        }

        return _client;
    }

    public void Dispose()
    {
        if (_owned)
        {
            (_client as IDisposable)?.Dispose();
        }
    }
}
