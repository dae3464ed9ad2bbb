using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Nulecule.Docker.Endpoints;

namespace Nulecule.Docker.Tests;

public sealed class EndpointResolverTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("nulecule-home-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private DockerEndpoint Resolve(Dictionary<string, string>? variables = null) =>
        new DockerEndpointResolver().Resolve(EndpointEnvironment.From(variables ?? [], _home));

    private void WriteContext(string name, string host, bool skipTls = false)
    {
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)));
        var dir = Path.Combine(_home, ".docker", "contexts", "meta", id);
        Directory.CreateDirectory(dir);
        var skip = skipTls ? "true" : "false";
        File.WriteAllText(Path.Combine(dir, "meta.json"),
            "{\"Name\":\"" + name + "\",\"Metadata\":{},\"Endpoints\":{\"docker\":{\"Host\":\"" + host + "\",\"SkipTLSVerify\":" + skip + "}}}");
    }

    [Fact]
    public void Should_use_the_default_socket_when_nothing_is_set()
    {
        var endpoint = Resolve();

        endpoint.Uri.ToString().ShouldBe("unix:///var/run/docker.sock");
        endpoint.Origin.ShouldBe("the default socket");
        endpoint.SocketPath.ShouldBe("/var/run/docker.sock");
    }

    [Fact]
    public void Should_use_DOCKER_HOST_unix_socket()
    {
        var endpoint = Resolve(new() { ["DOCKER_HOST"] = "unix:///run/user/1000/docker.sock" });

        endpoint.SocketPath.ShouldBe("/run/user/1000/docker.sock");
        endpoint.Origin.ShouldBe("DOCKER_HOST");
        endpoint.Tls.ShouldBeNull();
    }

    [Fact]
    public void Should_use_DOCKER_HOST_tcp_with_tls_files_from_DOCKER_CERT_PATH()
    {
        // Given
        var certs = Path.Combine(_home, "certs");
        Directory.CreateDirectory(certs);
        foreach (var file in new[] { "ca.pem", "cert.pem", "key.pem" })
        {
            File.WriteAllText(Path.Combine(certs, file), "x");
        }

        // When
        var endpoint = Resolve(new() { ["DOCKER_HOST"] = "tcp://10.0.0.5:2376", ["DOCKER_TLS_VERIFY"] = "1", ["DOCKER_CERT_PATH"] = certs });

        // Then
        endpoint.Uri.Host.ShouldBe("10.0.0.5");
        endpoint.Uri.Port.ShouldBe(2376);
        endpoint.Tls.ShouldNotBeNull();
        endpoint.Tls.Verify.ShouldBeTrue();
        endpoint.Tls.CaFile.ShouldBe(Path.Combine(certs, "ca.pem"));
        endpoint.Tls.CertFile.ShouldBe(Path.Combine(certs, "cert.pem"));
        endpoint.Tls.KeyFile.ShouldBe(Path.Combine(certs, "key.pem"));
    }

    [Fact]
    public void Should_default_the_cert_path_to_the_docker_config_directory()
    {
        Directory.CreateDirectory(Path.Combine(_home, ".docker"));
        File.WriteAllText(Path.Combine(_home, ".docker", "ca.pem"), "x");

        var endpoint = Resolve(new() { ["DOCKER_HOST"] = "tcp://h:2376", ["DOCKER_TLS_VERIFY"] = "1" });

        endpoint.Tls!.CaFile.ShouldBe(Path.Combine(_home, ".docker", "ca.pem"));
        endpoint.Tls.CertFile.ShouldBeNull();
    }

    [Fact]
    public void Should_refuse_tls_verification_without_a_ca()
    {
        var error = Should.Throw<NuleculeException>(() =>
            Resolve(new() { ["DOCKER_HOST"] = "tcp://h:2376", ["DOCKER_TLS_VERIFY"] = "1", ["DOCKER_CERT_PATH"] = "/nowhere" }));

        error.Message.ShouldContain("/nowhere/ca.pem");
        error.Message.ShouldContain("DOCKER_CERT_PATH");
    }

    [Fact]
    public void Should_not_use_tls_for_tcp_without_DOCKER_TLS_VERIFY()
    {
        Resolve(new() { ["DOCKER_HOST"] = "tcp://h:2375" }).Tls.ShouldBeNull();
    }

    [Fact]
    public void Should_reject_an_unknown_scheme_in_DOCKER_HOST()
    {
        Should.Throw<NuleculeException>(() => Resolve(new() { ["DOCKER_HOST"] = "ssh://me@host" }))
            .Message.ShouldContain("unsupported scheme 'ssh'");
    }

    [Fact]
    public void Should_use_the_context_named_by_DOCKER_CONTEXT()
    {
        WriteContext("remote", "tcp://192.168.1.9:2375");

        var endpoint = Resolve(new() { ["DOCKER_CONTEXT"] = "remote" });

        endpoint.Uri.ToString().ShouldBe("tcp://192.168.1.9:2375/");
        endpoint.Origin.ShouldContain("docker context 'remote'");
        endpoint.Origin.ShouldContain("DOCKER_CONTEXT");
    }

    [Fact]
    public void Should_use_currentContext_of_config_json()
    {
        WriteContext("rootless", "unix:///run/user/1000/docker.sock");
        File.WriteAllText(Path.Combine(_home, ".docker", "config.json"), """{"auths":{},"currentContext":"rootless"}""");

        var endpoint = Resolve();

        endpoint.SocketPath.ShouldBe("/run/user/1000/docker.sock");
        endpoint.Origin.ShouldContain("currentContext");
    }

    [Fact]
    public void Should_honour_DOCKER_CONFIG_for_config_json_and_contexts()
    {
        var config = Path.Combine(_home, "elsewhere");
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("c1")));
        Directory.CreateDirectory(Path.Combine(config, "contexts", "meta", id));
        File.WriteAllText(Path.Combine(config, "contexts", "meta", id, "meta.json"), """{"Endpoints":{"docker":{"Host":"unix:///tmp/c1.sock"}}}""");
        File.WriteAllText(Path.Combine(config, "config.json"), """{"currentContext":"c1"}""");

        Resolve(new() { ["DOCKER_CONFIG"] = config }).SocketPath.ShouldBe("/tmp/c1.sock");
    }

    [Fact]
    public void Should_treat_the_default_context_as_the_default_socket()
    {
        Resolve(new() { ["DOCKER_CONTEXT"] = "default" }).Origin.ShouldBe("the default socket");
    }

    [Fact]
    public void Should_prefer_DOCKER_HOST_over_a_context()
    {
        WriteContext("remote", "tcp://192.168.1.9:2375");

        var endpoint = Resolve(new() { ["DOCKER_CONTEXT"] = "remote", ["DOCKER_HOST"] = "unix:///a.sock" });

        endpoint.Origin.ShouldBe("DOCKER_HOST");
    }

    [Fact]
    public void Should_report_a_missing_context_with_its_origin()
    {
        var error = Should.Throw<NuleculeException>(() => Resolve(new() { ["DOCKER_CONTEXT"] = "ghost" }));

        error.Message.ShouldContain("docker context 'ghost' (from DOCKER_CONTEXT) does not exist");
        error.Message.ShouldContain("meta.json");
    }

    [Fact]
    public async Task Should_say_the_socket_is_missing_and_which_setting_named_it()
    {
        var endpoint = Resolve(new() { ["DOCKER_HOST"] = $"unix://{_home}/missing.sock" });

        var error = await Should.ThrowAsync<OperationFailedException>(() => DockerConnector.ConnectAsync(endpoint));

        error.Message.ShouldContain($"unix://{_home}/missing.sock");
        error.Message.ShouldContain("from DOCKER_HOST");
        error.Message.ShouldContain("does not exist");
    }

    [Fact]
    public async Task Should_say_connection_refused_when_nothing_listens_on_the_socket()
    {
        // Given a socket file nobody listens on (bound, never listening)
        var path = Path.Combine(_home, "stale.sock");
        using var bound = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        bound.Bind(new UnixDomainSocketEndPoint(path));

        // When
        var error = await Should.ThrowAsync<OperationFailedException>(() =>
            DockerConnector.ConnectAsync(new DockerEndpoint(new Uri($"unix://{path}"), "DOCKER_HOST")));

        // Then
        error.Message.ShouldContain("connection refused");
    }

    [Fact]
    public async Task Should_say_connection_refused_for_a_closed_tcp_port()
    {
        var error = await Should.ThrowAsync<OperationFailedException>(() =>
            DockerConnector.ConnectAsync(new DockerEndpoint(new Uri("tcp://127.0.0.1:1"), "DOCKER_HOST")));

        error.Message.ShouldContain("tcp://127.0.0.1:1");
        error.Message.ShouldContain("connection refused");
    }

    [DockerFact]
    public async Task Should_connect_to_the_real_engine()
    {
        var (client, endpoint) = await DockerConnector.ConnectAsync();
        using (client)
        {
            var version = await client.System.GetVersionAsync();

            version.APIVersion.ShouldNotBeNullOrEmpty();
            endpoint.Origin.ShouldNotBeNullOrEmpty();
        }
    }
}
