using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Nulecule.Kubernetes.Internal;

/// <summary>
/// Keeps a process from loading the system's trust store when its Kubernetes connection never
/// consults it. On Linux the first X509Chain a .NET process builds (a TLS handshake builds one for
/// the server's certificate and one for a client certificate) reads every certificate of OpenSSL's
/// default file and directory (about 440 files' worth on Debian, 60-300 ms here), whatever the
/// chain's trust mode, and keeps the locations it read (SSL_CERT_FILE and SSL_CERT_DIR, looked up
/// once) for the life of the process. When the cluster's certificate is checked against the
/// kubeconfig's authority alone (kubectl's rule when it names one) or not at all, the system
/// roots are never used: that first build is then made with both variables pointing at nothing,
/// and the variables are put back at once. Child processes (exec credential plugins) never
/// see them: .NET starts them with its own copy of the environment.
/// The cost: a later connection in the same process that needs the system roots finds none (the
/// CLI makes one Kubernetes connection per command, after any https artifact was fetched).
/// </summary>
internal static class SystemTrustStore
{
    private const string FileVariable = "SSL_CERT_FILE";
    private const string DirectoryVariable = "SSL_CERT_DIR";

    // Neither a regular file nor a directory, and nobody can create one there.
    private const string Nothing = "/dev/null";

    private static readonly Lock Gate = new();
    private static bool _decided;

    /// <summary>Whether the first chain of this process was built without the system roots.</summary>
    public static bool Skipped { get; private set; }

    /// <summary>
    /// Whether a connection to <paramref name="server"/> can do without the system roots: https,
    /// and the server's certificate is checked against the kubeconfig's authority or not checked.
    /// </summary>
    public static bool Unneeded(string server, bool skipVerify, bool hasAuthority) =>
        server.StartsWith("https://", StringComparison.OrdinalIgnoreCase) && (skipVerify || hasAuthority);

    /// <summary>
    /// Decides once per process, before its first TLS handshake: when <paramref name="unneeded"/>,
    /// builds the process's first chain with the system locations pointing at nothing.
    /// </summary>
    public static void SkipLoadingIf(bool unneeded)
    {
        lock (Gate)
        {
            if (_decided)
            {
                return;
            }

            _decided = true;
            if (!unneeded || !OperatingSystem.IsLinux())
            {
                return;
            }

            // What the process started with (.NET's copy of the environment is taken at start).
            var file = Environment.GetEnvironmentVariable(FileVariable);
            var directory = Environment.GetEnvironmentVariable(DirectoryVariable);
            try
            {
                if (setenv(FileVariable, Nothing, 1) == 0 && setenv(DirectoryVariable, Nothing, 1) == 0)
                {
                    BuildAnyChain();
                    Skipped = true;
                }
            }
            finally
            {
                Restore(FileVariable, file);
                Restore(DirectoryVariable, directory);
            }
        }
    }

    private static void Restore(string name, string? value) => _ = value is null ? unsetenv(name) : setenv(name, value, 1);

    /// <summary>A chain for a throwaway self-signed certificate: what makes .NET read the store locations.</summary>
    private static void BuildAnyChain()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = DateTimeOffset.UtcNow;
        using var certificate = new CertificateRequest("CN=nulecule", key, HashAlgorithmName.SHA256).CreateSelfSigned(now.AddMinutes(-1), now.AddMinutes(1));
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        _ = chain.Build(certificate);
        foreach (var element in chain.ChainElements)
        {
            element.Certificate.Dispose();
        }
    }

    private static int setenv(string name, string value, int overwrite) => SetEnv(CString(name), CString(value), overwrite);

    private static int unsetenv(string name) => UnsetEnv(CString(name));

    private static byte[] CString(string s) => System.Text.Encoding.UTF8.GetBytes(s + "\0");

    // The C library's own environment, which OpenSSL reads (.NET's Environment is a copy).
    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnv(byte[] name, byte[] value, int overwrite);

    [DllImport("libc", EntryPoint = "unsetenv")]
    private static extern int UnsetEnv(byte[] name);
}
