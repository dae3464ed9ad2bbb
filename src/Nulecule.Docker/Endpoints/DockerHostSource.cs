namespace Nulecule.Docker.Endpoints;

/// <summary>`DOCKER_HOST`, with `DOCKER_TLS_VERIFY`/`DOCKER_TLS` and `DOCKER_CERT_PATH` for tcp.</summary>
public sealed class DockerHostSource : IEndpointSource
{
    public bool IsApplicable(EndpointEnvironment environment) => environment.Get("DOCKER_HOST") is not null;

    public DockerEndpoint Resolve(EndpointEnvironment environment)
    {
        var host = environment.Get("DOCKER_HOST")!;
        var uri = EndpointUris.Parse(host, "DOCKER_HOST");
        TlsSettings? tls = null;
        if (uri.Scheme == "tcp")
        {
            var verify = environment.Get("DOCKER_TLS_VERIFY") is not null;
            if (verify || environment.Get("DOCKER_TLS") is not null)
            {
                var certPath = environment.Get("DOCKER_CERT_PATH") ?? environment.ConfigDirectory;
                tls = EndpointUris.TlsFrom(certPath, verify, "DOCKER_CERT_PATH");
            }
        }

        return new DockerEndpoint(uri, "DOCKER_HOST", tls);
    }
}
