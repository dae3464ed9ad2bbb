namespace Nulecule.Docker.Endpoints;

internal static class EndpointUris
{
    /// <summary>Accepts what the docker CLI accepts: unix://PATH, tcp://HOST:PORT, http(s)://, npipe://.</summary>
    public static Uri Parse(string text, string setting)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            throw new NuleculeException($"{setting}={text} is not a valid Docker endpoint", hint: "use unix:///path/to/docker.sock or tcp://host:port");
        }

        return uri.Scheme switch
        {
            "unix" or "tcp" or "http" or "https" or "npipe" => uri,
            _ => throw new NuleculeException($"{setting}={text}: unsupported scheme '{uri.Scheme}'", hint: "use unix:// or tcp://"),
        };
    }

    /// <summary>The docker CLI's file names in a cert directory; files that do not exist are left out.</summary>
    public static TlsSettings TlsFrom(string directory, bool verify, string setting)
    {
        string? Existing(string name)
        {
            var path = Path.Combine(directory, name);
            return File.Exists(path) ? path : null;
        }

        var tls = new TlsSettings(Existing("ca.pem"), Existing("cert.pem"), Existing("key.pem"), verify);
        if (verify && tls.CaFile is null)
        {
            throw new NuleculeException(
                $"TLS verification is on but {Path.Combine(directory, "ca.pem")} does not exist",
                hint: $"set {setting} to the directory holding ca.pem, cert.pem and key.pem");
        }

        return tls;
    }
}
