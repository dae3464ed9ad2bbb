namespace Nulecule.Docker.Endpoints;

/// <summary>Client TLS material of an endpoint (the docker CLI's ca.pem/cert.pem/key.pem).</summary>
public sealed record TlsSettings(string? CaFile, string? CertFile, string? KeyFile, bool Verify);

/// <summary>
/// Where the Docker engine is and which setting said so, kept for error messages
/// (`unix:///var/run/docker.sock, from the default socket`).
/// </summary>
public sealed record DockerEndpoint(Uri Uri, string Origin, TlsSettings? Tls = null)
{
    public bool IsUnixSocket => Uri.Scheme == "unix";

    /// <summary>The socket file for unix endpoints (`unix:///var/run/docker.sock` -> `/var/run/docker.sock`).</summary>
    public string? SocketPath => IsUnixSocket ? Uri.AbsolutePath : null;

    public override string ToString() => $"{Uri} (from {Origin})";
}
