namespace Nulecule.Kubernetes.Internal;

/// <summary>
/// The connections of one command, each resolved once for where and how it connects. The
/// providers a command makes share one (`upgrade` finds the release with one and deploys with
/// another), and `run` gets the provider's own connection back when the app's answers change
/// nothing of where to connect: one kubeconfig read and one TLS connection per command, where
/// each resolution used to read the kubeconfig again and open a connection of its own.
/// Connections are not disposed here: they live as long as the command.
/// </summary>
internal sealed class Connections
{
    private readonly Lock _gate = new();
    private readonly List<(KubernetesSettings Key, KubernetesConnection Connection)> _resolved = [];

    /// <summary>The connection for <paramref name="settings"/>: the one resolved before for the same place, else a new one.</summary>
    public KubernetesConnection For(KubernetesSettings settings)
    {
        var key = Key(settings);
        lock (_gate)
        {
            foreach (var (known, connection) in _resolved)
            {
                if (known == key)
                {
                    return connection;
                }
            }

            var resolved = KubernetesConnection.Resolve(settings);
            _resolved.Add((key, resolved));
            return resolved;
        }
    }

    /// <summary>
    /// What <see cref="KubernetesConnection.Resolve(KubernetesSettings)"/> reads of the settings;
    /// how to apply (force, pull policy) is the provider's, not the connection's.
    /// </summary>
    private static KubernetesSettings Key(KubernetesSettings settings) => new()
    {
        KubeconfigPath = settings.KubeconfigPath,
        Context = settings.Context,
        Namespace = settings.Namespace,
        Server = settings.Server,
        Token = settings.Token,
        CaFile = settings.CaFile,
        TlsVerify = settings.TlsVerify,
        CacheDirectory = settings.CacheDirectory,
    };
}
