using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Nulecule.Docker.Endpoints;

/// <summary>
/// A docker context: `DOCKER_CONTEXT`, else `currentContext` of `~/.docker/config.json`. The
/// context `default` means "no context" (the default socket), as for the docker CLI.
/// </summary>
public sealed class DockerContextSource : IEndpointSource
{
    public bool IsApplicable(EndpointEnvironment environment) => CurrentContext(environment) is not null;

    public DockerEndpoint Resolve(EndpointEnvironment environment)
    {
        var (name, origin) = CurrentContext(environment)!.Value;
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)));
        var metaFile = Path.Combine(environment.ConfigDirectory, "contexts", "meta", id, "meta.json");
        if (!File.Exists(metaFile))
        {
            throw new NuleculeException(
                $"docker context '{name}' (from {origin}) does not exist: {metaFile} is missing",
                hint: "run `docker context ls`, or unset the setting to use the default socket");
        }

        JsonNode? meta;
        try
        {
            meta = JsonNode.Parse(File.ReadAllText(metaFile));
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new NuleculeException($"{metaFile}: not valid JSON ({e.Message})");
        }

        var docker = meta?["Endpoints"]?["docker"];
        var host = docker?["Host"]?.GetValue<string>();
        if (string.IsNullOrEmpty(host))
        {
            throw new NuleculeException($"docker context '{name}' (from {origin}) has no Endpoints.docker.Host in {metaFile}");
        }

        var contextOrigin = $"docker context '{name}' ({origin})";
        var uri = EndpointUris.Parse(host, contextOrigin);
        TlsSettings? tls = null;
        var tlsDirectory = Path.Combine(environment.ConfigDirectory, "contexts", "tls", id, "docker");
        if (uri.Scheme == "tcp" && Directory.Exists(tlsDirectory))
        {
            var skipVerify = docker?["SkipTLSVerify"]?.GetValue<bool>() ?? false;
            tls = EndpointUris.TlsFrom(tlsDirectory, !skipVerify, contextOrigin);
        }

        return new DockerEndpoint(uri, contextOrigin, tls);
    }

    private static (string Name, string Origin)? CurrentContext(EndpointEnvironment environment)
    {
        var fromEnvironment = environment.Get("DOCKER_CONTEXT");
        if (fromEnvironment is not null)
        {
            return fromEnvironment == "default" ? null : (fromEnvironment, "DOCKER_CONTEXT");
        }

        var configFile = Path.Combine(environment.ConfigDirectory, "config.json");
        if (!File.Exists(configFile))
        {
            return null;
        }

        try
        {
            var current = JsonNode.Parse(File.ReadAllText(configFile))?["currentContext"]?.GetValue<string>();
            return string.IsNullOrEmpty(current) || current == "default" ? null : (current, $"currentContext in {configFile}");
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
        {
            throw new NuleculeException($"{configFile}: cannot read currentContext ({e.Message})");
        }
    }
}
