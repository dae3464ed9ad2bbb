using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Docker.DotNet.Handler.Abstractions;

namespace Nulecule.Docker.Endpoints;

/// <summary>
/// Client certificate and CA pinning for a TLS engine endpoint. Used with the native
/// (SocketsHttpHandler) transport, whose TLS options we configure directly.
/// </summary>
internal sealed class TlsAuthProvider : IAuthProvider
{
    private readonly TlsSettings _settings;

    public TlsAuthProvider(TlsSettings settings)
    {
        _settings = settings;
    }

    public bool TlsEnabled => true;

    public HttpMessageHandler ConfigureHandler(HttpMessageHandler handler)
    {
        if (handler is SocketsHttpHandler sockets)
        {
            Configure(sockets.SslOptions);
        }

        return handler;
    }

    public void Configure(SslClientAuthenticationOptions options)
    {
        if (_settings.CertFile is not null && _settings.KeyFile is not null)
        {
            options.ClientCertificates = [X509Certificate2.CreateFromPemFile(_settings.CertFile, _settings.KeyFile)];
        }

        X509Certificate2? ca = _settings.CaFile is null ? null : X509CertificateLoader.LoadCertificateFromFile(_settings.CaFile);
        options.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (!_settings.Verify)
            {
                return true;
            }

            if (errors == SslPolicyErrors.None)
            {
                return true;
            }

            if (certificate is null || ca is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                return false;
            }

            // The engine's certificate is signed by the CA of DOCKER_CERT_PATH, not by a system root.
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(new X509Certificate2(certificate));
        };
    }
}
