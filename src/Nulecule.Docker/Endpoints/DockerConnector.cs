using System.Net;
using System.Net.Sockets;
using Docker.DotNet;
using Docker.DotNet.NativeHttp;
using Nulecule.Docker.Internal;

namespace Nulecule.Docker.Endpoints;

/// <summary>
/// Opens a client on a discovered endpoint and checks that an engine answers, turning socket
/// errors into a message that says which endpoint, from which setting, and why.
/// </summary>
public static class DockerConnector
{
    /// <summary>A client on the endpoint; every one can send the create fields Docker.DotNet's models lack (<see cref="ContainerCreate"/>).</summary>
    public static DockerClient CreateClient(DockerEndpoint endpoint)
    {
        if (endpoint.Tls is not null)
        {
            var https = new UriBuilder(endpoint.Uri) { Scheme = "https" }.Uri;
            var auth = new TlsAuthProvider(endpoint.Tls);
            return new DockerClientBuilder()
                .WithEndpoint(https)
                .WithAuthProvider(new RawCreateFieldsProvider(auth))
                .WithTransportOptions(new NativeHttpTransportOptions { ConfigureHandler = h => auth.Configure(h.SslOptions) })
                .Build();
        }

        var uri = endpoint.Uri.Scheme == "tcp" ? new UriBuilder(endpoint.Uri) { Scheme = "http" }.Uri : endpoint.Uri;
        return new DockerClientBuilder().WithEndpoint(uri).WithAuthProvider(new RawCreateFieldsProvider(null)).Build();
    }

    /// <summary>Discovers the endpoint, connects and pings; throws <see cref="OperationFailedException"/> when nothing answers.</summary>
    public static async Task<(DockerClient Client, DockerEndpoint Endpoint)> ConnectAsync(
        EndpointEnvironment? environment = null, CancellationToken cancellationToken = default)
    {
        var endpoint = new DockerEndpointResolver().Resolve(environment);
        return (await ConnectAsync(endpoint, cancellationToken), endpoint);
    }

    public static async Task<DockerClient> ConnectAsync(DockerEndpoint endpoint, CancellationToken cancellationToken = default)
    {
        var problem = await ProbeAsync(endpoint, cancellationToken);
        if (problem is not null)
        {
            throw Unreachable(endpoint, problem);
        }

        var client = CreateClient(endpoint);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(15));
            await client.System.PingAsync(timeout.Token);
            return client;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            client.Dispose();
            throw Unreachable(endpoint, e.Message, e);
        }
    }

    /// <summary>Null when a connection can be opened; otherwise why not, in words.</summary>
    public static async Task<string?> ProbeAsync(DockerEndpoint endpoint, CancellationToken cancellationToken = default)
    {
        EndPoint target;
        if (endpoint.IsUnixSocket)
        {
            var path = endpoint.SocketPath!;
            if (!File.Exists(path) && !Directory.Exists(Path.GetDirectoryName(path)))
            {
                return $"the socket {path} does not exist (nor its directory)";
            }

            if (!File.Exists(path))
            {
                return $"the socket {path} does not exist";
            }

            target = new UnixDomainSocketEndPoint(path);
        }
        else if (endpoint.Uri.Scheme is "tcp" or "http" or "https")
        {
            var port = endpoint.Uri.IsDefaultPort || endpoint.Uri.Port < 0 ? (endpoint.Tls is null ? 2375 : 2376) : endpoint.Uri.Port;
            target = new DnsEndPoint(endpoint.Uri.Host, port);
        }
        else
        {
            return null;
        }

        using var socket = endpoint.IsUnixSocket
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            await socket.ConnectAsync(target, timeout.Token);
            return null;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode switch
            {
                SocketError.AccessDenied => "permission denied (run as a member of the `docker` group, or as root)",
                SocketError.ConnectionRefused => "connection refused (is dockerd running?)",
                SocketError.HostNotFound or SocketError.NoData => $"host {endpoint.Uri.Host} not found",
                SocketError.TimedOut => "the connection timed out",
                _ => $"{e.SocketErrorCode}: {e.Message}",
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return "the connection timed out after 10 s";
        }
    }

    private static OperationFailedException Unreachable(DockerEndpoint endpoint, string why, Exception? inner = null) =>
        new($"No Docker engine answered at {endpoint.Uri} (from {endpoint.Origin}): {why}. "
            + "Start the engine, or point DOCKER_HOST / DOCKER_CONTEXT at a running one.", inner);
}
